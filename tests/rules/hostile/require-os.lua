return { name = "require-os", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    require("os")
  end }
