-- Applies Kafka records to their channels, in the order given. DESIGN.md "Redis layout".
-- One call takes 1..N records of any number of channels; on a Redis Cluster all of them in one slot.
-- Each record is applied exactly as if it had a call of its own, one after the other: a record's result and
-- writes are those it would get from a one-record call made after the previous record's.
-- KEYS[2c-1] log stream, KEYS[2c] meta hash of channel c (c = 1..C; same hash tag, so one Cluster slot)
-- ARGV[1] PUBLISH or SPUBLISH, ARGV[2] C, the number of channels,
-- then per channel c, ARGV[3+4(c-1)] .. ARGV[6+4(c-1)]: pub/sub channel, MAXLEN (approximate), log expiry in
--   seconds, meta expiry in seconds (longer than the log's: the last position outlives the history),
-- then per record, 5 values: its channel c, position offset (the Kafka offset plus its partition's base, see
--   core.kafka.TopicLayout), Kafka partition ("p"; "p<q" for a partition a growth of the topic created, whose
--   channels may have lived in partition q before; "p>r" for a record of a channel that a growth has since moved on
--   to partition r), envelope JSON, and the prev of a channel
--   this dataset has no trace of (0-0, or after Redis lost its data the position just before the offset from which
--   the dataset holds every record of the partition: the channel's previous record is at or below it, and nothing
--   of the channel lies between the two).
-- Returns one reply per record, in order: {1, prev} applied; {0, last} duplicate (already applied, nothing written);
-- {2, last, part} the channel's meta names another partition (nothing written: the caller decides);
-- {3, error} a Redis command of this record failed (OOM, READONLY, WRONGTYPE, ...), as its own call would have.
local publish = ARGV[1]
local channels = tonumber(ARGV[2])
local firstRecord = 3 + 4 * channels
-- per channel, {meta last, meta part, written} as the records before in this call left it (false: absent);
-- written: records were applied whose meta and expiry are still to be written
local known = {}
-- per channel, the argument index of its last record in this call, where its meta and expiry are written: once for
-- all of its records, the same values as after each (nobody sees a call half-done, and expiries count from the
-- call's start in either case)
local lastRecord = {}
for i = firstRecord, #ARGV, 5 do
  lastRecord[tonumber(ARGV[i])] = i
end

local function apply(c, offsetArg, partitionArg, envelope, ifNew)
  local log = KEYS[2 * c - 1]
  local partition, movedFrom, movedTo = string.match(partitionArg, '^(%d+)<?(%d*)>?(%d*)$')
  local state = known[c]
  if not state then
    local fields = redis.call('HMGET', KEYS[2 * c], 'last', 'part')
    state = {fields[1], fields[2], false}
    known[c] = state
  end
  local last, part = state[1], state[2]
  local offset = tonumber(offsetArg)
  if part and part ~= partition and part ~= movedFrom then
    -- a channel's positions increase across a growth's move: a record of its old partition read again (a repair)
    -- after it moved on is applied already when at or below last
    local lastOffset = last and tonumber(string.match(last, '^(%d+)-'))
    if part == movedTo and lastOffset and offset <= lastOffset then
      return {0, last}
    end
    return {2, last or '0-0', part}
  end
  if not last then
    -- meta is gone but the stream may not be (deleted by hand): never XADD below the stream's top
    local top = redis.call('XREVRANGE', log, '+', '-', 'COUNT', 1)
    if top[1] then
      last = top[1][1]
    end
  end
  if last then
    local lastOffset = tonumber(string.match(last, '^(%d+)-'))
    if lastOffset and offset <= lastOffset then
      return {0, last}
    end
  end
  local id = offsetArg .. '-1'
  local prev = last or ifNew
  local at = 3 + 4 * (c - 1)
  redis.call('XADD', log, 'MAXLEN', '~', ARGV[at + 1], id, 'n', envelope, 'p', prev)
  state[1], state[2], state[3] = id, partition, true
  redis.call(publish, ARGV[at], '{"id":"' .. id .. '","prev":"' .. prev .. '","n":' .. envelope .. '}')
  return {1, prev}
end

-- Writes what the channel's applied records left as its meta, and refreshes its expiry. Not caught: it writes only a
-- key HMGET just read as a hash (or absent), after this call's first write (Redis refuses a script's writes for
-- memory only before its first), so it cannot fail; if it ever did, no record of the call would be confirmed.
local function settle(c)
  local state = known[c]
  if state and state[3] then
    local at = 3 + 4 * (c - 1)
    redis.call('HSET', KEYS[2 * c], 'last', state[1], 'part', state[2])
    redis.call('EXPIRE', KEYS[2 * c - 1], ARGV[at + 2])
    redis.call('EXPIRE', KEYS[2 * c], ARGV[at + 3])
    state[3] = false
  end
end

local replies = {}
local n = 0
for i = firstRecord, #ARGV, 5 do
  local c = tonumber(ARGV[i])
  local ok, reply = pcall(apply, c, ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])
  if not ok then
    reply = {3, type(reply) == 'table' and reply.err or tostring(reply)}
  end
  if not ok or lastRecord[c] == i then
    settle(c)
  end
  if not ok then
    -- what the channel holds is read again by its next record, as its own call would
    known[c] = nil
  end
  n = n + 1
  replies[n] = reply
end
return replies
