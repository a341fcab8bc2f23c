-- wrk script: one notification per POST /v1/notifications, spread over 1,000 user channels.
-- KEYED=1 in the environment adds a unique Idempotency-Key per request (one Redis SET NX per request).
local counter = 0
local keyed = os.getenv("KEYED") == "1"
local prefix = tostring(os.time()) .. "-" .. tostring(math.random(1000000))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  local body = '{"channel":"user:' .. (counter % 1000) .. '","type":"bench","data":{"n":' .. counter .. '}}'
  if keyed then
    wrk.headers["Idempotency-Key"] = prefix .. "-" .. counter
  end
  return wrk.format(nil, "/v1/notifications", nil, body)
end

response = function(status, headers, body)
  if status ~= 202 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
