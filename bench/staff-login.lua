-- wrk script: POST /team/inloggen as a browser form would (same-origin, with the
-- page's form token from $CSRF), each time under a new name and from a new
-- address (X-Forwarded-For through the trusted proxy 127.0.0.1), so that no
-- per-name or per-client throttle cuts the argon2id work short. Every attempt
-- fails (no such account) after the same argon2id work as a real login.
local csrf = os.getenv("CSRF")
local counter = 0
function init(args)
	math.randomseed(os.time() + math.random(1000000))
	counter = math.random(1000000000)
end

function request()
	counter = counter + 1
	local address = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
	local body = "csrf=" .. csrf .. "&name=bench" .. counter .. "&password=not-the-password&code=123456"
	return wrk.format("POST", "/team/inloggen", {
		["Content-Type"] = "application/x-www-form-urlencoded",
		["Sec-Fetch-Site"] = "same-origin",
		["X-Forwarded-For"] = address,
	}, body)
end
