-- name-variants: one person recorded twice, under spellings that differ
-- only in diacritics, case or spacing ("Nguyễn Văn Hùng", "NGUYEN VAN
-- HUNG") and with the same date of birth. Merging them joins two halves
-- of a network.
--
-- Fires on: a person with a birth date when another person has the same
-- name or an alias of it (compared folded) and the same birth date. One
-- alert per group, keyed by its lowest id.

local function id_num(id) return tonumber(id:sub(3)) end

return {
  name = "name-variants",
  title = "Same person under name variants",
  severity = "medium",
  on = { "entity" },
  check = function(rec)
    if rec.type ~= "person" or not rec.born_on then return end
    local names = { rec.name }
    for _, a in ipairs(rec.aliases or {}) do names[#names + 1] = a end
    local group, seen = { rec.id }, { [rec.id] = true }
    for _, name in ipairs(names) do
      for _, other in ipairs(cordon.find("entity", { name = name, born_on = rec.born_on, type = "person" })) do
        if not seen[other.id] then
          seen[other.id] = true
          group[#group + 1] = other.id
        end
      end
    end
    if #group < 2 then return end
    table.sort(group, function(a, b) return id_num(a) < id_num(b) end)
    alert {
      key = group[1],
      title = "Possible duplicate person: " .. cordon.fold(rec.name) .. ", born " .. rec.born_on,
      refs = group,
      explain = #group .. " person records share this name (folded) and birth date.",
    }
  end,
}
