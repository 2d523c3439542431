return { name = "real-globals", title = "hostile", severity = "low", on = { "case" },
  check = function(rec)
    local mt = getmetatable(""); local g = _G and (_G.io or _G.os or _G.package); error("reachable: " .. tostring(mt) .. " " .. tostring(g) .. " " .. tostring(rawget(_ENV, "collectgarbage")))
  end }
