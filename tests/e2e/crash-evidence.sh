#!/bin/bash
# crash-evidence.sh - kill -9 an evidence add at random moments, 20 times:
# writing the blob, making the commit, inside the store's transaction,
# moving the ref. Each time the store must open, evidence verify and audit
# verify must pass (an orphan object is no problem), the evidence must be
# there whole or not at all, and the next add must work. Some kills must
# land before the add committed (nothing of it there) and some rounds
# must end with it there, or the test proved nothing: rounds are added,
# later or earlier, until both were seen (at most 6 more).
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

ROUNDS=${CRASH_ROUNDS:-20}

setup init
setup add case <<<'{"title":"Ivory, Hai Phong"}'
head -c $((48 << 20)) /dev/urandom > "$T/scan.raw"
printf 'small\n' > "$T/small.txt"

count() {	# VAR: the evidence records in the store; the test stops if it cannot tell
	local j
	capture j list evidence --json
	printf -v "$1" '%s' "$(printf '%s' "$j" | grep -c .)"
}

# How long one add takes here: the shorter of two.
ms= good=0
for attempt in 1 2; do
	start=$(date +%s%N)
	"$CORDON" evidence add C-1 "$T/scan.raw" >/dev/null || break
	good=$((good + 1))
	took=$((($(date +%s%N) - start) / 1000000))
	if [ -z "$ms" ] || [ "$took" -lt "$ms" ]; then ms=$took; fi
done
[ "$good" -eq 2 ] || bail "an add of a 48 MB file fails"
ok 0 "an add of a 48 MB file succeeds"
echo "# one add takes ${ms} ms"

# round I DELAY: one add killed after DELAY ms, and its checks
none=0 all=0 landed=0
round() {
	local i=$1 delay=$2 before after ev au
	count before
	kill_at "$delay" evidence add C-1 "$T/scan.raw" --note "round $i"
	landed=$((landed + KILLED))
	run evidence verify
	ev=$rc
	run audit verify
	au=$rc
	count after
	if [ "$ev" -ne 0 ] || [ "$au" -ne 0 ]; then
		ok 1 "round $i (kill at ${delay} ms): the store verifies"
		echo "$err" | head -3 | sed 's/^/#   /'
		return
	fi
	if [ "$after" -eq "$before" ]; then
		[ "$KILLED" -eq 1 ] && none=$((none + 1))
		ok "$((1 - KILLED))" "round $i (kill at ${delay} ms): nothing of the add, all verifies"
	elif [ "$after" -eq $((before + 1)) ]; then
		all=$((all + 1))
		ok 0 "round $i (kill at ${delay} ms$([ "$KILLED" -eq 1 ] || echo ", after it ended")): all of the add, all verifies"
	else
		ok 1 "round $i (kill at ${delay} ms): $after records, from $before"
	fi
	run evidence add C-1 "$T/small.txt" --name "after-$i.txt"
	ok "$rc" "round $i: the next add works"
}
crash_rounds "$ROUNDS" "$ms" "the add"
expect 0 "evidence verify at the end" evidence verify
has "evidence intact" "intact"
git --git-dir="$CORDON_STORE/evidence.git" fsck >/dev/null 2>&1; ok $? "git fsck finds the repository sound"
done_testing
