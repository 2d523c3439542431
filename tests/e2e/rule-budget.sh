#!/bin/bash
# rule-budget.sh - a rule's instruction budget bounds its time, whatever
# it calls: each library function that works on many bytes (patterns with
# huge classes, upper, lower, rep, reverse, utf8.len, utf8.codes,
# concatenation, table.concat, string.format, gsub, unpack) on large
# inputs must stop "over its budget" within about the time a plain loop
# takes to spend the same budget, measured in the same run. And a rule
# raising a million alerts ends with its error, memory bounded, while the
# other rules' alerts are saved.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init
setup add case <<<'{"title":"One case"}'

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

# --- a flood of alerts --------------------------------------------------------------
# A million alert{} calls in one call of check(): the rule's error, its
# memory bounded; the write and the other rule's alert are saved.
rule flood 'for i = 1, 1000000 do alert { key = "k" .. i, title = "Flood " .. i } end'
rule every-case 'alert { key = rec.id, title = "Case " .. rec.id, refs = { rec.id } }'
expect 0 "a rule raising a million alerts is added" rule add "$T/flood.lua"
expect 0 "a good rule is added" rule add "$T/every-case.lua"
/usr/bin/time -f '%M' -o "$T/rss" "$CORDON" add case > "$T/out" 2> "$T/err" <<JSON
{"title":"Another case"}
JSON
ok $? "a write with both enabled succeeds"
id=$(cat "$T/out")
rss=$(tail -1 "$T/rss")
[ "$rss" -lt 300000 ]; ok $? "its memory stays bounded (${rss} KB)"
expect 0 "alert list" alert list --json
has "\"key\":\"$id\"" "the good rule's alert is saved"
expect 0 "rule show flood" rule show flood
has "more than 1000 alerts in one call of check()" "the flood is the rule's error, saying why"
capture j alert list --json
[ "$(printf '%s\n' "$j" | grep -c '"rule":"flood"')" -le 1000 ]
ok $? "no more than a call's worth of its alerts is kept"
setup rule disable flood
setup rule disable every-case

# Within the limit per call, but over a run: the rest are dropped, once.
i=0; while [ $i -lt 120 ]; do echo "{\"kind\":\"case\",\"title\":\"Case $i\"}"; i=$((i + 1)); done > "$T/cases.jsonl"
setup import "$T/cases.jsonl"
rule many 'for i = 1, 1000 do alert { key = rec.id .. "/" .. i, title = "Many" } end'
expect 0 "a rule raising 1,000 alerts on each of 120 records" rule test "$T/many.lua"
has "alerts in one run" "is stopped by the run's limit"
[ "$(printf '%s\n' "$err" | grep -c 'alerts in one run')" -eq 1 ]; ok $? "with one error, not one per record"

done_testing
