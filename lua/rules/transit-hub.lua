-- transit-hub: seized goods that travelled through a known transhipment
-- hub. Wildlife products and narcotics are routed through a few hubs to
-- break the paper trail between origin and destination.
--
-- Fires on: a seizure of a watched category whose route transits one of
-- HUBS. One alert per hub and commodity category, collecting the seizures.

local HUBS = {
  AE = "United Arab Emirates", SG = "Singapore", MY = "Malaysia", HK = "Hong Kong",
  TR = "Türkiye", QA = "Qatar", ET = "Ethiopia", KE = "Kenya", TG = "Togo",
}
local WATCHED = { wildlife = true, narcotics = true, precursors = true, timber = true }

return {
  name = "transit-hub",
  title = "Seizure routed through a transit hub",
  severity = "medium",
  on = { "seizure" },
  check = function(rec)
    local category = rec.commodity.category
    if not rec.route or not WATCHED[category] then return end
    local route = cordon.get(rec.route)
    if not route or not route.transit then return end
    for _, cc in ipairs(route.transit) do
      local hub = HUBS[cc]
      if hub then
        alert {
          key = cc .. "/" .. category,
          title = category:gsub("^%l", string.upper) .. " routed through " .. hub,
          refs = { rec.id, route.id },
          explain = string.format("Route %s (%s to %s) transits %s.", route.id,
            route.origin or "?", route.destination or "?", hub),
        }
      end
    end
  end,
}
