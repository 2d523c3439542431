# check.sh - a fuzz harness in make check (TAP), sourced by
# tests/fuzz/NAME.sh with NAME set: the harness runs every seed of
# tests/fuzz/corpus/NAME/ and every past crash of tests/fuzz/crashes/NAME/,
# then new inputs for FUZZ_CHECK_SECONDS (libFuzzer's engine with
# --enable-fuzz, replay.c's mutations otherwise). A failure leaves the
# input that failed in tests/fuzz/NAME.work/ of the build directory.
bin=${FUZZ_BIN:?}/fuzz-$NAME
seeds=${TESTS_DIR:?}/fuzz/corpus/$NAME
crashes=$TESTS_DIR/fuzz/crashes/$NAME
work=$FUZZ_BIN/$NAME.work
secs=${FUZZ_CHECK_SECONDS:-3}

echo "1..2"
rm -rf "$work"
mkdir -p "$work/corpus" || exit 1
inputs=$(find "$seeds" "$crashes" -type f 2>/dev/null | sort)
n=$(printf '%s\n' "$inputs" | grep -c .)
cd "$work" || exit 1
# The harness's scratch store goes here too, even if it dies.
TMPDIR=$work
export TMPDIR
# shellcheck disable=SC2086
if [ "$n" -gt 0 ] && "$bin" $inputs >replay.log 2>&1; then
	echo "ok 1 - $NAME: $n seeds and past crashes run clean"
else
	echo "not ok 1 - $NAME: $n seeds and past crashes"
	tail -30 replay.log | sed 's/^/# /'
fi
if [ "${FUZZ_ENGINE:-replay}" = libfuzzer ]; then
	set -- -max_total_time="$secs" -timeout=30 -artifact_prefix="$work/" corpus "$seeds"
else
	set -- -seconds="$secs" "$seeds" ${crashes:+$(ls -d "$crashes" 2>/dev/null)}
fi
if "$bin" "$@" >fuzz.log 2>&1; then
	echo "ok 2 - $NAME: new inputs for $secs s ($(grep -ao '[0-9]* mutations ran\|Done [0-9]* runs' fuzz.log | tail -1))"
	rm -rf "$work"
else
	echo "not ok 2 - $NAME: new inputs for $secs s: the input is kept in $work"
	tail -40 fuzz.log | sed 's/^/# /'
fi
