#!/bin/sh
# rule-budget.sh - a rule's instruction budget bounds its time, whatever
# it calls: each library function that works on many bytes (patterns with
# huge classes, upper, lower, rep, reverse, utf8.len, utf8.codes,
# concatenation, table.concat, string.format, gsub, unpack) on large
# inputs must stop "over its budget" within about the time a plain loop
# takes to spend the same budget, measured in the same run. And a rule
# raising a million alerts ends with its error, memory bounded, while the
# other rules' alerts are saved.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

"$CORDON" init >/dev/null
echo '{"title":"One case"}' | "$CORDON" add case >/dev/null

rule() {	# NAME BODY: a rule on cases whose check() is BODY
	cat > "$T/$1.lua" <<LUA
return { name = "$1", title = "t", severity = "low", on = { "case" },
  check = function(rec)
    $2
  end }
LUA
}
# The wall time of `rule test` of rule $1, in milliseconds; its output in $T/out.
timed() {
	s=$(date +%s%N)
	CORDON_RULE_INSTRUCTIONS=$BUDGET CORDON_RULE_MEMORY=64M "$CORDON" rule test "$T/$1.lua" \
	    > "$T/out" 2>&1
	e=$(date +%s%N)
	echo $(((e - s) / 1000000))
}

BUDGET=50000000
rule loop 'local s = 0 while true do s = s + 1 end'
rule upper 'local s = ("ab"):rep(1 << 21) while true do local t = s:upper() end'
rule lower 'local s = ("AB"):rep(1 << 21) while true do local t = s:lower() end'
rule reverse 'local s = ("ab"):rep(1 << 21) while true do local t = s:reverse() end'
rule rep 'while true do local t = ("a"):rep(1 << 21) end'
rule utf8-len 'local s = ("ab"):rep(1 << 21) while true do local n = utf8.len(s) end'
rule utf8-codes 'local s = ("ab"):rep(1 << 21) while true do for p, c in utf8.codes(s) do end end'
rule concat 'local s = ("ab"):rep(1 << 21) while true do local t = s .. "x" end'
rule table-concat 'local t = {} for i = 1, 1 << 16 do t[i] = "abcdefghijklmnop" end while true do local x = table.concat(t) end'
rule format 'local f = ("%-99s"):rep(200) local a = {} for i = 1, 200 do a[i] = "x" end while true do local x = string.format(f, table.unpack(a)) end'
rule gsub 'local s = ("ab"):rep(1 << 20) while true do local t = s:gsub("a", "xyz") end'
rule bracket 'local s = ("z"):rep(1 << 14) local p = "[" .. ("a"):rep(1000) .. "]" while true do local i = s:find(p) end'
rule byte 'local s = ("ab"):rep(1 << 15) while true do local t = { s:byte(1, -1) } end'
rule unpack 'local t = {} for i = 1, 1 << 16 do t[i] = i end while true do local n = select("#", table.unpack(t)) end'
rule pairs 'local t = {} for i = 1, 1 << 12 do t["k" .. i] = i end while true do for k, v in pairs(t) do end end'

# Under a sanitizer both sides slow down, not always alike.
limit=2
ldd "$CORDON" 2>/dev/null | grep -q libasan && limit=4
base=$(timed loop)
grep -q "over its budget of $BUDGET instructions" "$T/out"; ok $? "a plain loop stops over its budget (${base} ms)"
for r in upper lower reverse rep utf8-len utf8-codes concat table-concat format gsub bracket byte unpack pairs; do
	# The machine is shared: a slow run is measured again, beside a
	# new measure of the loop, before it counts.
	for try in 1 2 3; do
		t=$(timed $r)
		grep -q "over its budget of $BUDGET instructions" "$T/out"; stopped=$?
		base=$(timed loop)
		[ $stopped -eq 0 ] && [ "$t" -le $((limit * base)) ] && break
	done
	[ $stopped -eq 0 ]; ok $? "$r: stops over its budget"
	[ "$t" -le $((limit * base)) ]
	ok $? "$r: within ${limit}x the time of a plain loop (${t} ms, loop ${base} ms)"
done

done_testing
