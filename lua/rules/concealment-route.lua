-- concealment-route: the same concealment method recurring on one route.
-- Smugglers reuse what worked: ivory under cashew nuts, cocaine in a false
-- floor, on the same lane again and again.
--
-- Fires on: a seizure with a route and a concealment method (other than
-- none/other) when at least THRESHOLD seizures on that route used that
-- method in the WINDOW days up to it. One alert per route and method.

local WINDOW_DAYS = 365
local THRESHOLD = 3
local VAGUE = { none = true, other = true }

return {
  name = "concealment-route",
  title = "Concealment method recurring on a route",
  severity = "medium",
  on = { "seizure" },
  check = function(rec)
    local route, c = rec.route, rec.concealment
    if not route or not c then return end
    local method = c.method
    if not method or VAGUE[method] then return end
    local n = cordon.count("seizure", {
      route = route,
      ["concealment.method"] = method,
      since = cordon.days_before(rec.occurred_at, WINDOW_DAYS),
      ["until"] = rec.occurred_at,
    })
    if n >= THRESHOLD then
      alert {
        key = route .. "/" .. method,
        title = "Concealment '" .. method .. "' recurring on route " .. route,
        refs = { route, rec.id },
        explain = string.format("%d seizures on %s concealed by %s in the %d days to %s.",
          n, route, method, WINDOW_DAYS, rec.occurred_at:sub(1, 10)),
      }
    end
  end,
}
