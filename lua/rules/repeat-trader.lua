-- repeat-trader: a consignee or consignor named in several seizures within
-- a few months. One company receiving three seized consignments in ninety
-- days is rarely bad luck.
--
-- Fires on: a seizure (or a link to one) whose consignee or consignor is
-- linked to at least THRESHOLD seizures that occurred in the WINDOW days up
-- to and including it. One alert per company or person, naming the
-- seizures it counted (up to MAX_REFS a time); later ones add theirs.

local WINDOW_DAYS = 90
local THRESHOLD = 3
local MAX_REFS = 50     -- seizures named in one raise
local ROLE = { consignee_of = "Consignee", consignor_of = "Consignor" }

local function seizure_of(rec)
  if rec.kind == "seizure" then return rec end
  if ROLE[rec.type] and rec.to:sub(1, 2) == "S-" then return cordon.get(rec.to) end
end

return {
  name = "repeat-trader",
  title = "Consignee or consignor in repeated seizures",
  severity = "high",
  on = { "seizure", "link" },
  check = function(rec)
    local s = seizure_of(rec)
    if not s then return end
    for _, l in ipairs(cordon.links(s.id, { direction = "in" })) do
      local role = ROLE[l.link.type]
      if role then
        local party = l.other
        local n = cordon.count("seizure", {
          linked = party.id,
          since = cordon.days_before(s.occurred_at, WINDOW_DAYS),
          ["until"] = s.occurred_at,
        })
        if n >= THRESHOLD then
          -- Name the seizures counted, so that an analyst sees them.
          local refs = { party.id, s.id }
          for _, other in ipairs(cordon.find("seizure", {
            linked = party.id,
            since = cordon.days_before(s.occurred_at, WINDOW_DAYS),
            ["until"] = s.occurred_at,
            limit = MAX_REFS,
          })) do
            if other.id ~= s.id then refs[#refs + 1] = other.id end
          end
          alert {
            key = party.id,
            title = role .. " " .. (party.name or party.id) .. " in repeated seizures",
            refs = refs,
            explain = string.format("%s %s is linked to %d seizures in the %d days to %s.",
              role, party.id, n, WINDOW_DAYS, s.occurred_at:sub(1, 10)),
          }
        end
      end
    end
  end,
}
