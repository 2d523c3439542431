return { name = "os-execute", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    os.execute("touch /tmp/cordon-pwned")
  end }
