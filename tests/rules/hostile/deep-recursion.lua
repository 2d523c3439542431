return { name = "deep-recursion", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    local function f(n) return f(n + 1) + 1 end f(1)
  end }
