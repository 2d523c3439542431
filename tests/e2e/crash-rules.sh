#!/bin/bash
# crash-rules.sh - kill -9 an import while the rules it triggered are
# running. The import is one transaction and its trigger queue entry goes
# in with it, so afterwards either none of its records exist, or all of
# them do and the next command runs the rules on every one: no record
# ever misses its rules, and no alert is raised twice.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

CASES=40
ROUNDS=${CRASH_ROUNDS:-6}

# A slow rule: about 20 ms of work per case, then one alert per case.
cat > "$T/slow.lua" <<'LUA'
return { name = "slow", title = "every case, slowly", severity = "low", on = { "case" },
  check = function(rec)
    local s = 0
    for i = 1, 1500000 do s = s + i end
    alert { key = rec.id, title = "seen " .. rec.id, refs = { rec.id } }
  end }
LUA
i=1
while [ $i -le $CASES ]; do
	echo "{\"kind\":\"case\",\"ref\":\"c$i\",\"title\":\"Case $i\"}"
	i=$((i + 1))
done > "$T/cases.jsonl"

# How long the import and its rules take here, and how long the import
# alone (the same store without the rule): its commit comes before the
# rules run.
setup --store "$T/norule" init
start=$(date +%s%N)
setup --store "$T/norule" import "$T/cases.jsonl"
ms0=$((($(date +%s%N) - start) / 1000000))
setup init
setup rule add "$T/slow.lua"
start=$(date +%s%N)
setup import "$T/cases.jsonl"
ms=$((($(date +%s%N) - start) / 1000000))
capture alerts alert list --json
[ "$(printf '%s\n' "$alerts" | grep -c '"rule":"slow"')" -eq $CASES ]; ok $? "uninterrupted: $CASES alerts ($ms ms, the import alone $ms0 ms)"

# round I DELAY: one import killed after DELAY ms, and its checks
none=0 all=0 killed=0
round() {
	local round=$1 delay=$2 cases alerts keys j
	rm -rf "$CORDON_STORE"
	setup init
	setup rule add "$T/slow.lua"
	kill_at "$delay" import "$T/cases.jsonl"
	killed=$((killed + KILLED))
	# Any command runs what is left in the queue first.
	capture j list case --json
	cases=$(printf '%s\n' "$j" | grep -c '"kind":"case"')
	capture j alert list --json
	alerts=$(printf '%s\n' "$j" | grep -c '"rule":"slow"')
	keys=$(printf '%s\n' "$j" | grep '"rule":"slow"' | sed 's/.*"key":"\([^"]*\)".*/\1/' | sort -u | wc -l)
	if [ "$cases" -eq 0 ]; then
		[ "$KILLED" -eq 1 ] && none=$((none + 1))
		[ "$alerts" -eq 0 ] && [ "$KILLED" -eq 1 ]; ok $? "round $round (kill at ${delay} ms): nothing imported, no alerts"
	else
		[ "$KILLED" -eq 1 ] && all=$((all + 1))
		[ "$cases" -eq $CASES ]; ok $? "round $round (kill at ${delay} ms$([ "$KILLED" -eq 1 ] || echo ", after it ended")): all $CASES cases or none ($cases)"
		[ "$alerts" -eq $CASES ] && [ "$keys" -eq $CASES ]
		ok $? "round $round: every case has its one alert ($alerts alerts, $keys keys)"
	fi
	run audit verify
	ok "$rc" "round $round: audit verify passes"
}
# Two kills in the import alone, the others spread over the rules' run.
round 1 $((ms0 / 4))
round 2 $((ms0 * 3 / 4))
r=3
while [ $r -le "$ROUNDS" ]; do
	round $r $((ms0 + (ms - ms0) * (r - 2) / (ROUNDS - 1)))
	r=$((r + 1))
done
# A machine busier than when it was timed: earlier, or later, kills.
extra=1
while { [ "$none" -eq 0 ] || [ "$all" -eq 0 ]; } && [ "$extra" -le 6 ]; do
	if [ "$none" -eq 0 ]; then delay=$((ms0 / (2 << extra))); else delay=$((ms0 + (ms - ms0) / 2)); fi
	round $((ROUNDS + extra)) "$delay"
	extra=$((extra + 1))
done
echo "# rounds killed before the commit: $none, after it (while the rules ran): $all"
[ "$none" -ge 1 ]; ok $? "at least one kill landed before the import committed ($none)"
[ "$all" -ge 1 ]; ok $? "at least one kill landed after the import committed ($all)"
[ "$killed" -ge 2 ]; ok $? "kills landed while the process ran ($killed)"
done_testing
