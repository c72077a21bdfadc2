-- wrk script: POST /api/v1/followup with the receipts that bench/submit.lua
-- collected (file: $RECEIPTS), one after another.
local receipts = {}
local next_receipt = 1
function init(args)
	for line in io.lines(os.getenv("RECEIPTS")) do
		receipts[#receipts + 1] = line
	end
	next_receipt = math.random(#receipts)
end

function request()
	local receipt = receipts[next_receipt]
	next_receipt = next_receipt % #receipts + 1
	return wrk.format("POST", "/api/v1/followup", {["Content-Type"] = "application/json"},
		'{"receipt":"' .. receipt .. '"}')
end
