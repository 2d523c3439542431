-- known-offender-nearby: a seizure within two hops of an entity tagged
-- known-offender: the offender is linked to the seizure itself (one hop),
-- or to a person, company, vehicle or account that is (two hops).
--
-- Fires on: a seizure, or a link touching one. One alert per seizure,
-- naming the offenders and the entities in between.

local TAG = "known-offender"

local function tagged(rec)
  for _, t in ipairs(rec.tags or {}) do
    if t == TAG then return true end
  end
  return false
end

local function seizure_of(rec)
  if rec.kind == "seizure" then return rec end
  for _, id in ipairs({ rec.from, rec.to }) do
    if id:sub(1, 2) == "S-" then return cordon.get(id) end
  end
end

return {
  name = "known-offender-nearby",
  title = "Seizure within two hops of a known offender",
  severity = "critical",
  on = { "seizure", "link" },
  check = function(rec)
    local s = seizure_of(rec)
    if not s then return end
    local refs, names = { s.id }, {}
    for _, e in ipairs(cordon.find("entity", { linked = s.id })) do
      if tagged(e) then
        refs[#refs + 1] = e.id
        names[#names + 1] = e.name
      else
        for _, k in ipairs(cordon.find("entity", { linked = e.id, tag = TAG })) do
          refs[#refs + 1] = e.id
          refs[#refs + 1] = k.id
          names[#names + 1] = k.name .. " (through " .. e.name .. ")"
        end
      end
    end
    if #names > 0 then
      alert {
        key = s.id,
        title = "Seizure " .. s.id .. " is two hops or less from a known offender",
        refs = refs,
        explain = "Known offenders: " .. table.concat(names, "; ") .. ".",
      }
    end
  end,
}
