#!/bin/bash
# shipped-rules.sh - every rule in lua/rules against its fixtures in
# tests/rules: NAME.fires.jsonl must raise at least one alert and
# NAME.quiet.jsonl none, both backtested (rule test) and on import with
# the rule enabled (the trigger queue), and no run may fail the rule. The
# alerts on the fires fixture must be exactly those NAME.fires.alerts
# lists, a line per alert: its key, then the ids it refers to, sorted.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

RULES=${TESTS_DIR:-$(dirname "$0")/..}/../lua/rules
FIX=${TESTS_DIR:-$(dirname "$0")/..}/rules
count=0

# alerts_of FILE: the rule alerts of an alert list (JSON lines) in FILE,
# as NAME.fires.alerts lists them
alerts_of() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    if "rule" in a:
        print(a["key"], " ".join(sorted(a.get("refs", []))))' "$1" | sort
}

for rule in "$RULES"/*.lua; do
	name=$(basename "$rule" .lua)
	count=$((count + 1))
	for outcome in fires quiet; do
		fixture="$FIX/$name.$outcome.jsonl"
		[ -f "$fixture" ]; ok $? "$name has a fixture where it $outcome"
		[ -f "$fixture" ] || continue

		# Backtest: a dry run over the fixture.
		rm -rf "$CORDON_STORE"
		setup init
		expect 0 "$name: import $outcome fixture" import "$fixture"
		expect 0 "$name: rule test on the $outcome fixture" rule test "$rule" --json
		alerts=$(grep -c '"rule"' "$T/out")
		lacks "rule error" "$name: no rule error on the $outcome fixture"
		if [ "$outcome" = fires ]; then
			alerts_of "$T/out" > "$T/got"
			diff "$FIX/$name.fires.alerts" "$T/got" > "$T/diff"
			ok $? "$name fires on its fixture with the alerts it lists ($alerts alerts)"
			sed 's/^/#   /' "$T/diff"
			has "\"rule\":\"$name\"" "$name: the alert names the rule"
		else
			[ "$alerts" -eq 0 ]; ok $? "$name stays quiet on its fixture ($alerts alerts)"
		fi
		expect 0 "$name: a dry run saves nothing" alert list --json
		[ -z "$out" ]; ok $? "$name: no alert stored by rule test"

		# On write: the rule enabled first, then the records imported.
		rm -rf "$CORDON_STORE"
		setup init
		expect 0 "$name: rule add" rule add "$rule"
		expect 0 "$name: import with the rule enabled" import "$fixture"
		expect 0 "$name: alert list after the import" alert list --json
		stored=$(printf '%s' "$out" | grep -c '"rule"')
		if [ "$outcome" = fires ]; then
			alerts_of "$T/out" > "$T/got"
			diff "$FIX/$name.fires.alerts" "$T/got" > "$T/diff"
			ok $? "$name raised the alerts it lists on write ($stored)"
			sed 's/^/#   /' "$T/diff"
			capture j rule show "$name" --json
			commit=$(printf '%s\n' "$j" | sed -n 's/.*"commit": *"\([0-9a-f]*\)".*/\1/p' | head -1)
			[ ${#commit} -eq 40 ] || bail "rule show $name gives no commit"
			has "\"rule_version\":\"$commit\"" "$name: the alert records the rule's commit"
		else
			[ "$stored" -eq 0 ]; ok $? "$name raised nothing on write"
		fi
		expect 0 "$name: rule show" rule show "$name"
		has "errors    0" "$name: no rule errors kept"
	done
done
[ "$count" -ge 6 ]; ok $? "at least six rules ship ($count)"
done_testing
