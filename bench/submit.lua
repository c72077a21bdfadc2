-- wrk script: POST /api/v1/reports with a report of realistic size, and keep
-- every receipt the server hands out (file: $RECEIPTS) for the login run.
local narrative = string.rep("Een buurvrouw ziet elke ochtend om zes uur een busje met mannen vertrekken. ", 12)
wrk.method = "POST"
wrk.path = "/api/v1/reports"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"kind":"report","what":"' .. narrative .. '","who":"Vijf mannen, ongeveer dertig jaar",' ..
	'"where":"Rotterdam-Zuid, bij de haven","when":"Sinds twee maanden, elke dag","how":"Gezien vanuit mijn raam",' ..
	'"forms":["labour"],"signals":["minder-loon-dan-beloofd","gebracht-en-gehaald","woont-bij-baas"],"relation":"neighbour",' ..
	'"contact":{"name":"A. de Vries","phone":"06-12345678","email":"a.devries@example.org"}}'

local receipts
function init(args)
	receipts = io.open(os.getenv("RECEIPTS"), "a")
	receipts:setvbuf("line")
end

function response(status, headers, body)
	local receipt = body:match('"receipt"%s*:%s*"([%w%-]+)"')
	if status == 201 and receipt then
		receipts:write(receipt, "\n")
	end
end
