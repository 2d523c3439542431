return { name = "table-bomb", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    local t = {} for i = 1, 1e9 do t[i] = i end
  end }
