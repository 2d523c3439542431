#!/bin/sh
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

# How long the import and its rules take here.
"$CORDON" init >/dev/null && "$CORDON" rule add "$T/slow.lua" >/dev/null
start=$(date +%s%N)
"$CORDON" import "$T/cases.jsonl" >/dev/null
ms=$((($(date +%s%N) - start) / 1000000))
"$CORDON" alert list --json > "$T/alerts"
[ "$(grep -c '"rule":"slow"' "$T/alerts")" -eq $CASES ]; ok $? "uninterrupted: $CASES alerts ($ms ms)"

none=0 all=0 killed=0 round=1
while [ $round -le "$ROUNDS" ]; do
	rm -rf "$CORDON_STORE"
	"$CORDON" init >/dev/null && "$CORDON" rule add "$T/slow.lua" >/dev/null
	# Kill somewhere in the first 90%: mostly while the rules run.
	delay=$(( (ms * (round * 15)) / 100 ))
	"$CORDON" import "$T/cases.jsonl" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -9 $pid 2>/dev/null && killed=$((killed + 1))
	wait $pid 2>/dev/null
	# Any command runs what is left in the queue first.
	cases=$("$CORDON" list case --json | grep -c '"kind":"case"')
	"$CORDON" alert list --json > "$T/alerts"
	alerts=$(grep -c '"rule":"slow"' "$T/alerts")
	keys=$(sed 's/.*"key":"\([^"]*\)".*/\1/' "$T/alerts" | sort -u | wc -l)
	if [ "$cases" -eq 0 ]; then
		none=$((none + 1))
		[ "$alerts" -eq 0 ]; ok $? "round $round (kill at ${delay} ms): nothing imported, no alerts"
	else
		all=$((all + 1))
		[ "$cases" -eq $CASES ]; ok $? "round $round (kill at ${delay} ms): all $CASES cases or none ($cases)"
		[ "$alerts" -eq $CASES ] && [ "$keys" -eq $CASES ]
		ok $? "round $round: every case has its one alert ($alerts alerts, $keys keys)"
	fi
	"$CORDON" audit verify > /dev/null
	ok $? "round $round: audit verify passes"
	round=$((round + 1))
done
echo "# rounds with nothing imported: $none, with everything: $all"
[ "$all" -ge 1 ]; ok $? "at least one kill landed after the import committed"
[ "$killed" -ge 1 ]; ok $? "and at least one while the process ran ($killed)"
done_testing
