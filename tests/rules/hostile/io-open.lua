return { name = "io-open", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    io.open("/etc/passwd")
  end }
