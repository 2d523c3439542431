return { name = "infinite-loop", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    while true do end
  end }
