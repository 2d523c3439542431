return { name = "debug-lib", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    debug.getregistry()
  end }
