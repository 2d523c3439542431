#!/bin/bash
# bench-rules.sh - make bench's rules benchmark, small (3,000 seizures):
# it runs, its verdict counts the records the rules checked, and a rule
# error anywhere in the run fails it (exit 1), for the shipped rules and
# for a rule made to fail.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

: "${BENCH_RULES:?BENCH_RULES must name bench/bench-rules}"
RULES=${TESTS_DIR:-$(dirname "$0")/..}/../lua/rules

"$BENCH_RULES" --seizures 3000 --threads 2 --store "$T/bench" > "$T/bench.out" 2> "$T/bench.err"
rc=$?
ub_seen "$T/bench.err"
[ "$rc" -eq 0 ]; ok $? "the shipped rules run through the benchmark without an error (exit $rc)"
sed -n '/^goal:/p; /^rule errors/p' "$T/bench.out" | sed 's/^/# /'
grep -q '^goal: six rules at >= [0-9]* records checked/s: .* ([1-9][0-9]* records in ' "$T/bench.out"
ok $? "its verdict counts the records the rules checked"
grep -q '^rule errors' "$T/bench.out"; [ $? -ne 0 ]; ok $? "and reports no rule error"
sed -n '/^on-write/p' "$T/bench.out" | sed 's/^/# /'
grep -q '^on-write, a seizure and its consignee link (200 pairs): no rule p50 [0-9.]* ms, p99 [0-9.]* ms; the six rules p50 [0-9.]* ms, p99 [0-9.]* ms' "$T/bench.out"
ok $? "it measures what a write with the rules enabled costs, and without"
[ ! -e "$T/bench.onwrite" ]; ok $? "on a copy of the store, removed after"

# The same with one rule failing on some records.
mkdir "$T/rules"
cp "$RULES"/*.lua "$T/rules/"
sed -i '0,/check = function(rec)/s//check = function(rec) if rec.id:sub(-1) == "7" then error("made to fail") end/' \
    "$T/rules/transit-hub.lua"
grep -q 'made to fail' "$T/rules/transit-hub.lua" || bail "cannot make a failing rule"
"$BENCH_RULES" --seizures 3000 --threads 2 --store "$T/bench" --rules "$T/rules" > "$T/bench.out" 2> "$T/bench.err"
rc=$?
ub_seen "$T/bench.err"
[ "$rc" -eq 1 ]; ok $? "a rule that errors fails the benchmark (exit $rc)"
grep -q '^rule errors: [1-9].*the verdict is not met' "$T/bench.out"; ok $? "saying how many errors"
grep -q '^goal:.*: met' "$T/bench.out"; [ $? -ne 0 ]; ok $? "and meeting no goal"
done_testing
