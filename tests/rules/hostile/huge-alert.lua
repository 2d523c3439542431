return { name = "huge-alert", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    alert { key = "k", title = string.rep("x", 100000) }
  end }
