return { name = "record-write", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    rec.title = "changed"
  end }
