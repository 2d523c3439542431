-- unusual-quantity: a seizure far larger than what is usually seized of
-- that commodity on that route: a change of scale worth a look (a new
-- supplier, a consolidated shipment, a data entry error).
--
-- Fires on: a seizure with a route and a quantity, when at least
-- MIN_HISTORY earlier seizures of the same category and unit on the route
-- exist and its amount is more than Z standard deviations above their mean
-- (and more than their maximum). One alert per seizure.

local MIN_HISTORY = 8
local Z = 3

return {
  name = "unusual-quantity",
  title = "Unusual quantity for a commodity on a route",
  severity = "low",
  on = { "seizure" },
  check = function(rec)
    local q = rec.quantity
    if not rec.route or not q then return end
    local category = rec.commodity.category
    local st = cordon.stats("seizure", {
      route = rec.route,
      ["commodity.category"] = category,
      ["quantity.unit"] = q.unit,
      ["until"] = rec.occurred_at,
    }, "quantity.amount")
    -- The history includes this seizure: leave it out.
    local n = st.n - 1
    if n < MIN_HISTORY then return end
    local mean = (st.sum - q.amount) / n
    local sd = st.sd or 0
    if sd > 0 and q.amount > mean + Z * sd and q.amount >= st.max then
      alert {
        key = rec.id,
        title = string.format("%g %s of %s on %s: %.1f× the usual", q.amount, q.unit, category,
          rec.route, q.amount / mean),
        refs = { rec.id, rec.route },
        explain = string.format("%d earlier seizures of %s on %s average %.1f %s (sd %.1f).",
          n, category, rec.route, mean, q.unit, sd),
      }
    end
  end,
}
