-- wrk script: POST /api/v1/followup/messages with the session tokens that
-- bench/followup-tokens.mjs made (file: $TOKENS), one after another, so that
-- no report reaches its cap of 100 messages within a run. Each message is a
-- short reply of realistic size; the server encrypts it and commits it
-- (fsync) before the 201.
local tokens = {}
local next_token = 1
local body = '{"body":"' .. string.rep("Ik heb de man vandaag weer gezien bij de bus, om zes uur. ", 4) .. '"}'

function init(args)
	for line in io.lines(os.getenv("TOKENS")) do
		tokens[#tokens + 1] = line
	end
	next_token = math.random(#tokens)
end

function request()
	local token = tokens[next_token]
	next_token = next_token % #tokens + 1
	return wrk.format("POST", "/api/v1/followup/messages",
		{["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
