-- share-all: the redaction tests' rule. One alert per seizure, naming
-- every record linked to it, with their names and identifiers in the
-- title and explanation, as a careless rule might: what a partner may not
-- see must not leave through the alert's text either.
return {
  name = "share-all",
  title = "Seizure with linked parties",
  severity = "high",
  on = { "seizure" },
  check = function(rec)
    local refs, names, ids = { rec.id }, {}, {}
    for _, l in ipairs(cordon.links(rec.id)) do
      refs[#refs + 1] = l.other.id
      if l.other.name then names[#names + 1] = l.other.name end
      for _, v in pairs(l.other.identifiers or {}) do ids[#ids + 1] = v end
    end
    if rec.route then refs[#refs + 1] = rec.route end
    table.sort(ids)
    alert {
      key = rec.id,
      title = "Seizure " .. rec.id .. " with " .. table.concat(names, ", "),
      refs = refs,
      explain = "Identifiers: " .. table.concat(ids, " "),
    }
  end,
}
