return { name = "gc-finaliser", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    setmetatable({}, { __gc = function() while true do end end })
  end }
