#!/bin/bash
# crash-import.sh - kill -9 a running 100,000-record import at random
# moments, 20 times. Each time the store must open, hold either nothing of
# that import or all of it, and pass `audit verify`.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

: "${GEN_DATA:?GEN_DATA must name the gen-data test tool}"
RECORDS=${CRASH_RECORDS:-100000}
ROUNDS=${CRASH_ROUNDS:-20}

# Something in the store before, which must survive every crash.
"$GEN_DATA" --cases 5 --seed 7 --entities > "$T/base.jsonl"
"$CORDON" init >/dev/null && "$CORDON" import "$T/base.jsonl" >/dev/null
ok $? "base data imported"
base=$("$CORDON" audit verify | sed -n 's/.*intact: \([0-9]*\) entries.*/\1/p')
[ -n "$base" ] && [ "$base" -gt 0 ]; ok $? "base store has $base audit entries"

"$GEN_DATA" --seizures "$RECORDS" --cases $((RECORDS / 50)) --seed 11 > "$T/big.jsonl"
lines=$(wc -l < "$T/big.jsonl")

# How long a whole import takes here, so kills land across all of it:
# the shorter of two runs, since other tests may share the machine.
ms=
for attempt in 1 2; do
	rm -rf "$T/calib"
	cp -r "$CORDON_STORE" "$T/calib"
	start=$(date +%s%N)
	"$CORDON" --store "$T/calib" import "$T/big.jsonl" >/dev/null || break
	took=$((($(date +%s%N) - start) / 1000000))
	if [ -z "$ms" ] || [ "$took" -lt "$ms" ]; then ms=$took; fi
done
[ -n "$ms" ] && [ "$attempt" -eq 2 ]; ok $? "a complete import of $lines records succeeds"
full=$("$CORDON" --store "$T/calib" audit verify | sed -n 's/.*intact: \([0-9]*\) entries.*/\1/p')
# One audit entry per record, and one for the import's own record.
[ "$full" -eq $((base + lines + 1)) ]; ok $? "it adds one audit entry per record and one for the import ($full)"
rm -rf "$T/calib"
echo "# full import takes ${ms} ms"

none=0 all=0
for i in $(seq 1 "$ROUNDS"); do
	# Uniform over 0 .. 1.1 x the import time, so some kills land after
	# the commit too.
	delay=$((RANDOM * RANDOM % (ms * 11 / 10 + 1)))
	"$CORDON" import "$T/big.jsonl" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	run audit verify
	entries=$(printf '%s' "$out" | sed -n 's/.*intact: \([0-9]*\) entries.*/\1/p')
	if [ "$rc" -ne 0 ] || [ -z "$entries" ]; then
		ok 1 "round $i (kill at ${delay} ms): store opens and audit verifies"
		echo "$err" | head -3 | sed 's/^/#   /'
		continue
	fi
	if [ "$entries" -eq "$base" ]; then
		none=$((none + 1))
		ok 0 "round $i (kill at ${delay} ms): nothing of the import, audit intact"
	elif [ "$entries" -eq $((base + lines + 1)) ]; then
		all=$((all + 1))
		# Keep the store at its base state for the next round.
		ok 0 "round $i (kill at ${delay} ms): all of the import, audit intact"
		rm -rf "$CORDON_STORE"
		"$CORDON" init >/dev/null && "$CORDON" import "$T/base.jsonl" >/dev/null
	else
		ok 1 "round $i (kill at ${delay} ms): partial import: $entries entries (base $base, +$lines and 1)"
	fi
	# The store takes writes after the crash.
	echo '{"title":"after the crash"}' | "$CORDON" add case >/dev/null 2>&1 &&
		id=$("$CORDON" list case --json | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') &&
		"$CORDON" delete "$id" >/dev/null
	[ $? -eq 0 ] || ok 1 "round $i: the store takes writes after the crash"
	base=$("$CORDON" audit verify | sed -n 's/.*intact: \([0-9]*\) entries.*/\1/p')
done
echo "# $none rounds left nothing, $all left everything"
[ $((none + all)) -eq "$ROUNDS" ]; ok $? "every round was all or nothing"
done_testing
