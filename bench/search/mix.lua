-- wrk: send the lines of a file round-robin, each connection starting at a
-- different line. As GET paths, or (with a method of POST) as JSON bodies
-- to one path, with an optional bearer token.
--   wrk ... -s mix.lua URL -- FILE [POST PATH TOKEN]
local lines = {}
local counter = 0
local method, path, token

function setup(thread)
    counter = counter + 1
    thread:set("offset", counter * 37)
end

function init(args)
    for line in io.lines(args[1]) do
        lines[#lines + 1] = line
    end
    method = args[2] or "GET"
    path = args[3]
    token = args[4]
    n = offset or 0
end

function request()
    n = n + 1
    local line = lines[(n % #lines) + 1]
    if method == "POST" then
        local headers = { ["Content-Type"] = "application/json" }
        if token then headers["Authorization"] = "Bearer " .. token end
        return wrk.format("POST", path, headers, line)
    end
    return wrk.format("GET", line)
end
