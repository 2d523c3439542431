return { name = "rep-bomb", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    local s = string.rep("x", 1e9)
  end }
