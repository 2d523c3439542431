#!/bin/bash
# crash-import.sh - kill -9 a running 100,000-record import at random
# moments, 20 times. Each time the store must open, hold either nothing of
# that import or all of it, and pass `audit verify`.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

: "${GEN_DATA:?GEN_DATA must name the gen-data test tool}"
RECORDS=${CRASH_RECORDS:-100000}
ROUNDS=${CRASH_ROUNDS:-20}

# Something in the store before, which must survive every crash.
"$GEN_DATA" --cases 5 --seed 7 --entities > "$T/base.jsonl" || bail "gen-data failed"
setup init
setup import "$T/base.jsonl"
ok 0 "base data imported"

# entries VAR [STORE]: the audit entries of the store, which must verify
entries() {
	local o
	capture o ${2:+--store "$2"} audit verify
	o=$(printf '%s' "$o" | sed -n 's/.*intact: \([0-9]*\) entries.*/\1/p')
	[ -n "$o" ] || bail "audit verify says no number of entries"
	printf -v "$1" '%s' "$o"
}
entries base
[ "$base" -gt 0 ]; ok $? "base store has $base audit entries"

"$GEN_DATA" --seizures "$RECORDS" --cases $((RECORDS / 50)) --seed 11 > "$T/big.jsonl" || bail "gen-data failed"
lines=$(wc -l < "$T/big.jsonl")

# How long a whole import takes here, so kills land across all of it:
# the shorter of two runs, since other tests may share the machine.
ms= good=0
for attempt in 1 2; do
	rm -rf "$T/calib"
	cp -r "$CORDON_STORE" "$T/calib"
	start=$(date +%s%N)
	"$CORDON" --store "$T/calib" import "$T/big.jsonl" >/dev/null || break
	good=$((good + 1))
	took=$((($(date +%s%N) - start) / 1000000))
	if [ -z "$ms" ] || [ "$took" -lt "$ms" ]; then ms=$took; fi
done
[ "$good" -eq 2 ] || bail "a complete import of $lines records fails"
ok 0 "a complete import of $lines records succeeds"
entries full "$T/calib"
# One audit entry per record, and one for the import's own record.
[ "$full" -eq $((base + lines + 1)) ]; ok $? "it adds one audit entry per record and one for the import ($full)"
rm -rf "$T/calib"
echo "# full import takes ${ms} ms"

# round I DELAY: one import killed after DELAY ms, and its checks. Some
# kills must land before the import committed (nothing of it there) and
# some rounds end with all of it there, or the test proved nothing:
# rounds are added, later or earlier, until both were seen (at most 6).
none=0 all=0 landed=0
round() {
	local i=$1 delay=$2 entries id
	kill_at "$delay" import "$T/big.jsonl"
	landed=$((landed + KILLED))
	run audit verify
	entries=$(printf '%s' "$out" | sed -n 's/.*intact: \([0-9]*\) entries.*/\1/p')
	if [ "$rc" -ne 0 ] || [ -z "$entries" ]; then
		ok 1 "round $i (kill at ${delay} ms): store opens and audit verifies"
		echo "$err" | head -3 | sed 's/^/#   /'
		return
	fi
	if [ "$entries" -eq "$base" ]; then
		[ "$KILLED" -eq 1 ] && none=$((none + 1))
		ok "$((1 - KILLED))" "round $i (kill at ${delay} ms): nothing of the import, audit intact"
	elif [ "$entries" -eq $((base + lines + 1)) ]; then
		all=$((all + 1))
		ok 0 "round $i (kill at ${delay} ms$([ "$KILLED" -eq 1 ] || echo ", after it ended")): all of the import, audit intact"
		# Keep the store at its base state for the next round.
		rm -rf "$CORDON_STORE"
		setup init
		setup import "$T/base.jsonl"
	else
		ok 1 "round $i (kill at ${delay} ms): partial import: $entries entries (base $base, +$lines and 1)"
	fi
	# The store takes writes after the crash.
	run add case <<<'{"title":"after the crash"}'
	id=$out
	[ "$rc" -eq 0 ] && run delete "$id"
	[ "$rc" -eq 0 ] || ok 1 "round $i: the store takes writes after the crash"
	entries base
}
crash_rounds "$ROUNDS" "$ms" "the whole import"
done_testing
