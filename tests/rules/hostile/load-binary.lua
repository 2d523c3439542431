return { name = "load-binary", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    load("\27LuaT\0\25\147\13\n\26\n")
  end }
