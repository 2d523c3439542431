#!/bin/bash
# crash-evidence.sh - kill -9 an evidence add at random moments, 20 times:
# writing the blob, making the commit, inside the store's transaction,
# moving the ref. Each time the store must open, evidence verify and audit
# verify must pass (an orphan object is no problem), the evidence must be
# there whole or not at all, and the next add must work.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

ROUNDS=${CRASH_ROUNDS:-20}

"$CORDON" init >/dev/null
echo '{"title":"Ivory, Hai Phong"}' | "$CORDON" add case >/dev/null
head -c $((48 << 20)) /dev/urandom > "$T/scan.raw"
printf 'small\n' > "$T/small.txt"

count() {	# evidence records in the store
	"$CORDON" list evidence --json | grep -c .
}

# How long one add takes here: the shorter of two.
ms=
for attempt in 1 2; do
	start=$(date +%s%N)
	"$CORDON" evidence add C-1 "$T/scan.raw" >/dev/null || break
	took=$((($(date +%s%N) - start) / 1000000))
	if [ -z "$ms" ] || [ "$took" -lt "$ms" ]; then ms=$took; fi
done
[ "$attempt" -eq 2 ]; ok $? "an add of a 48 MB file succeeds"
echo "# one add takes ${ms} ms"

none=0 all=0
for i in $(seq 1 "$ROUNDS"); do
	before=$(count)
	delay=$((RANDOM * RANDOM % (ms * 11 / 10 + 1)))
	"$CORDON" evidence add C-1 "$T/scan.raw" --note "round $i" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	run evidence verify
	ev=$rc
	run audit verify
	au=$rc
	after=$(count)
	if [ "$ev" -ne 0 ] || [ "$au" -ne 0 ]; then
		ok 1 "round $i (kill at ${delay} ms): the store verifies"
		echo "$err" | head -3 | sed 's/^/#   /'
		continue
	fi
	if [ "$after" -eq "$before" ]; then
		none=$((none + 1))
		ok 0 "round $i (kill at ${delay} ms): nothing of the add, all verifies"
	elif [ "$after" -eq $((before + 1)) ]; then
		all=$((all + 1))
		ok 0 "round $i (kill at ${delay} ms): all of the add, all verifies"
	else
		ok 1 "round $i (kill at ${delay} ms): $after records, from $before"
	fi
	"$CORDON" evidence add C-1 "$T/small.txt" --name "after-$i.txt" >/dev/null 2>&1
	ok $? "round $i: the next add works"
done
echo "# $none rounds left nothing, $all left the add"
expect 0 "evidence verify at the end" evidence verify
has "evidence intact" "intact"
git --git-dir="$CORDON_STORE/evidence.git" fsck >/dev/null 2>&1; ok $? "git fsck finds the repository sound"
done_testing
