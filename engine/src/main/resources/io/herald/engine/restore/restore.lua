-- Restores records read from Kafka into one channel's log, in position order, WITHOUT publishing: restoring
-- history must not push old notifications to live clients. docs/operations.md "Redis lost data" explains it.
-- KEYS[1] log stream, KEYS[2] meta hash (the apply script's keys: same hash tag, one Cluster slot)
-- ARGV[1] Kafka partition ("p"; "p/a,b" for a channel a growth of the topic moved: a, b are the partitions of its
-- history, oldest first, see core.kafka.TopicLayout.segments), ARGV[2] entries kept (exact trim of a log this script writes), ARGV[3] log expiry
-- in seconds, ARGV[4] meta expiry in seconds, ARGV[5] '1' for a dry run (count, write nothing)
-- ARGV[6..] four per record, ascending offsets: offset, prev position, '1' when prev is known (the scan read
-- the channel's previous record) else '0', envelope JSON
-- Returns {1, written, present, repaired, trimmed}; {2, 0, 0, 0, 0, part} when the meta names another
-- partition, one outside the channel's history (nothing written).
--
-- XADD only appends above a stream's top. Records above the log are appended; when some lie below its top
-- the whole log (a few thousand entries at most, the retention's MAXLEN) is read, merged with them by ID and
-- written again, atomically since this is one script, so entries the dispatcher applied meanwhile stay. An
-- entry already in the log is kept as it is, unless the record's prev is known and the entry disagrees (a
-- prev of 0-0 written after Redis lost the meta): then it is repaired. Running the same restore again
-- therefore writes nothing.
local partition, history = string.match(ARGV[1], '^(%d+)/?([%d,]*)$')
local part = redis.call('HGET', KEYS[2], 'part')
if part and part ~= partition and not string.find(',' .. history .. ',', ',' .. part .. ',', 1, true) then
  return {2, 0, 0, 0, 0, part}
end
local maxLen = tonumber(ARGV[2])
local dry = ARGV[5] == '1'
local records = {}
for i = 6, #ARGV, 4 do
  -- the ID from the argument's text: Lua formats a number of 15 digits or more (a position after a growth of the
  -- topic) in exponent notation
  records[#records + 1] = {offset = tonumber(ARGV[i]), id = ARGV[i] .. '-1', prev = ARGV[i + 1],
    known = ARGV[i + 2] == '1', n = ARGV[i + 3]}
end
if #records == 0 then
  return {1, 0, 0, 0, 0}
end
local function offsetOf(id)
  if id == '0-0' then
    return -1
  end
  return tonumber(string.match(id, '^(%d+)-'))
end
local function field(fields, name)
  for k = 1, #fields, 2 do
    if fields[k] == name then
      return fields[k + 1]
    end
  end
  return nil
end

local length = redis.call('XLEN', KEYS[1])
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
local written, present, repaired, trimmed = 0, 0, 0, 0
local newTop
if not top or records[1].offset > offsetOf(top[1]) then
  -- all above the log: append, except the oldest records the trim would remove at once
  local drop = math.max(0, length + #records - maxLen)
  local skip = math.max(0, drop - length)
  trimmed = skip
  written = #records - skip
  newTop = records[#records].id
  if not dry then
    if length == 0 then
      -- an empty stream remembers its last ID, below which XADD refuses to go
      redis.call('DEL', KEYS[1])
    end
    for i = skip + 1, #records do
      local r = records[i]
      redis.call('XADD', KEYS[1], r.id, 'n', r.n, 'p', r.prev)
    end
    if drop > 0 then
      redis.call('XTRIM', KEYS[1], 'MAXLEN', maxLen)
    end
  end
else
  local entries = redis.call('XRANGE', KEYS[1], '-', '+')
  local merged = {}
  local i, j = 1, 1
  while i <= #entries or j <= #records do
    local e, r = entries[i], records[j]
    local eOffset = e and offsetOf(e[1])
    if r and (not e or r.offset < eOffset) then
      merged[#merged + 1] = {id = r.id, fields = {'n', r.n, 'p', r.prev}, new = true}
      j = j + 1
    elseif e and (not r or eOffset < r.offset) then
      merged[#merged + 1] = {id = e[1], fields = e[2]}
      i = i + 1
    else
      present = present + 1
      if r.known and (field(e[2], 'p') ~= r.prev or field(e[2], 'n') ~= r.n) then
        merged[#merged + 1] = {id = e[1], fields = {'n', r.n, 'p', r.prev}, repaired = true}
      else
        merged[#merged + 1] = {id = e[1], fields = e[2]}
      end
      i = i + 1
      j = j + 1
    end
  end
  local first = math.max(1, #merged - maxLen + 1)
  for k = 1, #merged do
    if merged[k].new then
      if k >= first then
        written = written + 1
      else
        trimmed = trimmed + 1
      end
    elseif merged[k].repaired and k >= first then
      repaired = repaired + 1
    end
  end
  newTop = merged[#merged].id
  if not dry and written + repaired > 0 then
    redis.call('DEL', KEYS[1])
    for k = first, #merged do
      redis.call('XADD', KEYS[1], merged[k].id, unpack(merged[k].fields))
    end
  end
end
if not dry and written + repaired > 0 then
  local last = redis.call('HGET', KEYS[2], 'last')
  if not last or offsetOf(last) < offsetOf(newTop) then
    redis.call('HSET', KEYS[2], 'last', newTop)
  end
  -- the channel's partition now is the newest of its history restored or applied: a growth's partitions come last
  if not part or tonumber(part) < tonumber(partition) then
    redis.call('HSET', KEYS[2], 'part', partition)
  end
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
return {1, written, present, repaired, trimmed}
