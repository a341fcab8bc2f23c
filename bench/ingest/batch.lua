-- wrk script: POST /v1/notifications/batch with 100 notifications per request (the default maximum).
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  local items = {}
  for i = 1, 100 do
    counter = counter + 1
    items[i] = '{"channel":"user:' .. (counter % 1000) .. '","type":"bench","data":{"n":' .. counter .. '}}'
  end
  return wrk.format(nil, "/v1/notifications/batch", nil, '{"notifications":[' .. table.concat(items, ",") .. ']}')
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
