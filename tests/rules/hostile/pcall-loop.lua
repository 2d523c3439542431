return { name = "pcall-loop", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    while true do pcall(function() while true do end end) end
  end }
