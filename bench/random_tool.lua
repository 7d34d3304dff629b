-- wrk: each request reads one of the generated tools at random
-- (`/api/v1/tools/tool-NNNNNN`, 000000 to TOOLS - 1), so most reads miss the response cache
-- until it holds a large share of the catalogue: the cold path, and how the
-- cache copes with more tools than it can hold. TOOLS is the number of
-- generated tools. With PEER=directus the same row is asked of Directus
-- (bench/peer.sh): through /items/tools, filtered by the unique slug, with
-- the vendor's name joined as toolreg's body has it.
local tools = tonumber(os.getenv("TOOLS") or "50000")
local peer = os.getenv("PEER") or "toolreg"

function setup(thread)
    thread:set("seed", math.random(1, 1000000))
end

function init(args)
    math.randomseed(seed or os.time())
end

function request()
    local slug = string.format("tool-%06d", math.random(0, tools - 1))
    if peer == "directus" then
        return wrk.format("GET", "/items/tools?filter%5Bslug%5D%5B_eq%5D=" .. slug
            .. "&limit=1&fields=*,vendor_id.name")
    end
    return wrk.format("GET", "/api/v1/tools/" .. slug)
end
