return { name = "string-dump", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    string.dump(function() end)
  end }
