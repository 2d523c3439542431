#!/bin/bash
# upgrade.sh - a store written before format 5, its records in JSON text,
# brought up to date when it is opened: every record converted to the
# stored form, what a user reads of it byte for byte the same, the audit
# chain still whole; and a record edited behind cordon's back before the
# upgrade still named by audit verify after it.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"
STORE_EDIT=${STORE_EDIT:-$(pwd)/tests/tools/store-edit}

setup demo
capture before export-json
capture s1 get S-1 --json
capture trail audit log --limit 50 --json
capture count list seizure --where transport_mode=sea --count

out=$("$STORE_EDIT" format4 "$CORDON_STORE")
ok $? "the store is made format 4: $out"
case "$out" in *"(0 were already)"*) ok 0 "none of its records was JSON text before" ;;
	*) ok 1 "none of its records was JSON text before" ;; esac

expect 0 "audit verify on the old store: the chain holds" audit verify
has "every record matches it" "every record matches what the trail hashed"
has "is of format 4: bringing it up to date (format 5)" "the user is told of the upgrade before it runs"
has "is up to date (format 5), in" "and when it is done"
capture after export-json
[ "$after" = "$before" ]
ok $? "every record reads back byte for byte as before ($(printf '%s\n' "$after" | wc -l) records)"
capture s1b get S-1 --json
[ "$s1b" = "$s1" ]
ok $? "get prints the same JSON"
capture trailb audit log --limit 50 --json
[ "$trailb" = "$trail" ]
ok $? "the trail is the same"
expect 0 "a query by index on the upgraded store" list seizure --where transport_mode=sea --count
[ "$out" = "$count" ]
ok $? "gives the same count ($out)"
lacks "bringing it up to date" "and the store, once upgraded, is not upgraded again"

out=$("$STORE_EDIT" format4 "$CORDON_STORE")
case "$out" in *"(0 were already)"*) ok 0 "the upgrade converted every record ($out)" ;;
	*) ok 1 "the upgrade converted every record ($out)" ;; esac

# Edited while in JSON text, before the upgrade: the upgrade converts it
# like any other, and verify still names it.
"$STORE_EDIT" tamper "$CORDON_STORE" E-1 name "Someone Else"
ok $? "E-1 edited behind cordon's back"
expect 1 "audit verify on the upgraded store finds it" audit verify
has "record E-1: differs from what audit entry" "naming the record"
expect 1 "and again, once the store is of format 5" audit verify
has "1 problem in" "and only it"

# New writes on the upgraded store are audited as before.
printf '{"status":"referred"}' > "$T/patch.json"
expect 0 "a record is updated after the upgrade" update C-1 -f "$T/patch.json"
capture c1 get C-1 --json
case "$c1" in *'"status": "referred"'*) ok 0 "and reads back changed" ;; *) ok 1 "and reads back changed" ;; esac
done_testing
