return { name = "pattern-bomb", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    local s = string.rep("a", 100000) s:find(".-.-.-b")
  end }
