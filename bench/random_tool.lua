-- wrk: each request reads one of the generated tools at random
-- (`/api/v1/tools/tool-NNNNNN`, 000000 to TOOLS - 1), so most reads miss the response cache
-- until it holds a large share of the catalogue: the cold path, and how the
-- cache copes with more tools than it can hold. TOOLS is the number of
-- generated tools.
local tools = tonumber(os.getenv("TOOLS") or "50000")

function setup(thread)
    thread:set("seed", math.random(1, 1000000))
end

function init(args)
    math.randomseed(seed or os.time())
end

function request()
    return wrk.format("GET", string.format("/api/v1/tools/tool-%06d", math.random(0, tools - 1)))
end
