-- wrk: the guide's result page for every combination of answers in turn (2,304 of them: danger 2 x
-- about 3 x forms 16 x minor 3 x need 4 x region 2), so that the page cache (512 slots) mostly misses:
-- the cost of rendering, not of sending a kept page (bench/pages, row "guide, every answer").
local paths = {}
local forms = {"sexual", "labour", "criminal", "unknown"}
for _, danger in ipairs({"no", "yes"}) do
	for _, about in ipairs({"other", "children_work", "self"}) do
		for mask = 1, 15 do
			local form = ""
			for i = 1, 4 do
				if mask % (2 ^ i) >= 2 ^ (i - 1) then form = form .. "&form=" .. forms[i] end
			end
			for _, minor in ipairs({"no", "yes", "unknown"}) do
				for _, need in ipairs({"advice", "report", "anonymous", "unsure"}) do
					for _, region in ipairs({"rotterdam", "other"}) do
						paths[#paths + 1] = "/wegwijzer?danger=" .. danger .. "&about=" .. about .. form ..
							"&minor=" .. minor .. "&need=" .. need .. "&region=" .. region
					end
				end
			end
		end
	end
end
local n = 0
request = function()
	n = n % #paths + 1
	return wrk.format("GET", paths[n])
end
