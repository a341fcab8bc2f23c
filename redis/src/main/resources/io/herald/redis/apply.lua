-- Applies one Kafka record to its channel, atomically. DESIGN.md "Redis layout".
-- KEYS[1] log stream, KEYS[2] meta hash (same hash tag, so one Cluster slot)
-- ARGV[1] Kafka offset, ARGV[2] envelope JSON, ARGV[3] Kafka partition, ARGV[4] MAXLEN (approximate),
-- ARGV[5] log expiry in seconds, ARGV[6] pub/sub channel, ARGV[7] PUBLISH or SPUBLISH,
-- ARGV[8] meta expiry in seconds (longer than the log's: the last position outlives the history)
-- ARGV[9] optional: the prev of a channel this dataset has no trace of (default 0-0). After Redis lost its data
--         it is the position just before the offset from which the dataset holds every record of the partition:
--         the channel's previous record is at or below it, and nothing of the channel lies between the two.
-- Returns {1, prev} applied; {0, last} duplicate (already applied, nothing written);
-- {2, last, part} the channel's meta names another partition (nothing written: the caller decides).
local meta = redis.call('HMGET', KEYS[2], 'last', 'part')
local last, part = meta[1], meta[2]
if part and part ~= ARGV[3] then
  return {2, last or '0-0', part}
end
if not last then
  -- meta is gone but the stream may not be (deleted by hand): never XADD below the stream's top
  local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  if top[1] then
    last = top[1][1]
  end
end
local offset = tonumber(ARGV[1])
if last then
  local lastOffset = tonumber(string.match(last, '^(%d+)-'))
  if lastOffset and offset <= lastOffset then
    return {0, last}
  end
end
local id = ARGV[1] .. '-1'
local prev = last or ARGV[9] or '0-0'
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], id, 'n', ARGV[2], 'p', prev)
redis.call('HSET', KEYS[2], 'last', id, 'part', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[8])
redis.call(ARGV[7], ARGV[6], '{"id":"' .. id .. '","prev":"' .. prev .. '","n":' .. ARGV[2] .. '}')
return {1, prev}
