# lib.sh - TAP helpers (bash) for the end-to-end tests, which drive the real
# `cordon` binary ($CORDON) against a fresh store in a temporary directory.

: "${CORDON:=$(pwd)/cordon}"
T=$(mktemp -d "${TMPDIR:-/tmp}/cordon-e2e.XXXXXX")
export CORDON_STORE="$T/store"
export CORDON_USER=tester
n=0
failed=0

# Every sanitizer report of every cordon this test runs, whether the test
# looks at that call's status or not (a setup step, a server, a process
# killed on purpose), lands in $T/san/ instead of standard error; the
# test fails if one is there at the end (done_testing, or on any exit).
# UndefinedBehaviorSanitizer beside AddressSanitizer (GCC's two runtimes)
# ignores log_path and writes to standard error: ub_seen keeps what the
# helpers below catch there, and the logs in $T are searched at the end.
mkdir "$T/san" "$T/san.seen"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$T/san/asan:halt_on_error=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$T/san/ubsan:halt_on_error=1:print_stacktrace=1"
export TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}log_path=$T/san/tsan:halt_on_error=1"

# How long a client call (curl) and a server's stop may take before the
# test calls it a hang.
CURL_TIME=${CURL_TIME:-60}
STOP_TIME=${STOP_TIME:-120}

# at_exit CMD: run CMD (before the temporary directory goes) on exit
AT_EXIT=:
at_exit() {
	AT_EXIT="$1; $AT_EXIT"
}

# On every exit: stop the servers still running and check how they
# ended, look for sanitizer reports, clean up. A problem found here makes
# the test fail even after its plan (an early exit, a report written
# after done_testing looked).
finish() {
	local rc=$? pid bad=
	# Only the test's own shell: bash runs this trap in a subshell that a
	# signal ends, too.
	[ "$BASHPID" = "$$" ] || exit "$rc"
	for pid in $SPIDS; do
		kill -TERM "$pid" 2>/dev/null
		reap "$pid" || bad="$bad $pid"
	done
	SPIDS=
	[ -n "$bad" ] && echo "Bail out! a server (pid$bad) did not stop cleanly"
	sanitizer_reports || bad=1
	eval "$AT_EXIT"
	rm -rf "$T"
	[ -n "$bad" ] && exit 1
	exit "$rc"
}
trap finish EXIT
# The time limit (make check's TEST_TIME_LIMIT) ends the test with SIGTERM.
trap '[ "$BASHPID" = "$$" ] && echo "Bail out! terminated (the time limit?)"; exit 143' TERM INT

# sanitizer_reports: false (and the reports shown) if any cordon run so
# far wrote a sanitizer report
sanitizer_reports() {
	local f
	for f in "$T"/*err* "$T"/*.log; do
		[ -f "$f" ] && ub_seen "$f"
	done
	for f in "$T"/san/*; do
		[ -e "$f" ] || continue
		echo "# sanitizer report $(basename "$f"):"
		head -40 "$f" | sed 's/^/#   /'
		mv "$f" "$T/san.seen/"
		SAN_FOUND=1
	done
	[ -z "${SAN_FOUND:-}" ]
}

# ub_seen FILE: keep FILE among the reports if UBSan wrote to it
ub_seen() {
	grep -q 'runtime error:' "$1" 2>/dev/null &&
		cp "$1" "$T/san/ubsan.$(basename "$1").$n.$RANDOM"
	return 0
}

# reap PID: wait for PID (a child) and return its exit status; if it has
# not ended within STOP_TIME seconds, kill it and return 137
reap() {
	local pid=$1 dog st
	( trap - EXIT TERM INT; sleep "$STOP_TIME"; kill -KILL "$pid" ) >/dev/null 2>&1 &
	dog=$!
	wait "$pid"
	st=$?
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	return "$st"
}

ok() {	# ok COND-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# bail WHY: stop the test here, since what would follow means nothing
bail() {
	echo "Bail out! $*"
	exit 1
}

# setup CMD...: a cordon command the test needs to have worked (its
# output is dropped); the test stops if it fails
setup() {
	"$CORDON" "$@" >/dev/null 2>"$T/setup.err" ||
		bail "cordon $*: $(tail -1 "$T/setup.err")"
	ub_seen "$T/setup.err"
}

# capture VAR CMD...: the standard output of a cordon command the test
# needs to have worked, in VAR; the test stops if it fails
capture() {
	local capture_var=$1 capture_out
	shift
	capture_out=$("$CORDON" "$@" 2>"$T/setup.err") ||
		bail "cordon $*: $(tail -1 "$T/setup.err")"
	ub_seen "$T/setup.err"
	printf -v "$capture_var" '%s' "$capture_out"
}

# kill_at MS CMD...: cordon CMD in the background, sent SIGKILL after MS
# milliseconds (the crash tests); KILLED is 1 if the kill landed while it
# ran, 0 if it had ended first (its status in $rc)
kill_at() {
	local ms=$1 pid
	shift
	# Without LeakSanitizer's check at exit: a kill that lands while the
	# check has the process stopped leaves the report "Unable to get
	# registers from thread", which is about the kill, not about cordon.
	# Every other check stays, and the same commands run unkilled
	# elsewhere with it.
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" "$CORDON" "$@" >/dev/null 2>"$T/killed.err" &
	pid=$!
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	ub_seen "$T/killed.err"
	KILLED=$((rc == 137))
}

# crash_delay I ROUNDS MS: the moment of round I's kill, in ms: round I
# of ROUNDS falls at random within its own slice of 0 .. 1.2 x MS, so the
# kills spread over the whole run and a little past it
crash_delay() {
	local span=$(($3 * 12 / 10))
	echo $((span * ($1 - 1) / $2 + RANDOM * RANDOM % (span / $2 + 1)))
}

# crash_rounds ROUNDS MS WHAT: call the test's `round N DELAY` ROUNDS
# times, kills spread by crash_delay, then up to 6 rounds more until some
# kill landed before WHAT committed ($none > 0, counted by `round`) and
# some round ended with WHAT there ($all > 0); then check both
crash_rounds() {
	local rounds=$1 ms=$2 what=$3 i extra=0 delay
	for i in $(seq 1 "$rounds"); do
		round "$i" "$(crash_delay "$i" "$rounds" "$ms")"
	done
	while { [ "$none" -eq 0 ] || [ "$all" -eq 0 ]; } && [ "$extra" -lt 6 ]; do
		extra=$((extra + 1))
		if [ "$all" -eq 0 ]; then delay=$((ms * (12 + 3 * extra) / 10)); else delay=$((ms / (2 << extra))); fi
		round "$((rounds + extra))" "$delay"
	done
	echo "# $none rounds left nothing, $all left $what there; $landed kills landed while it ran"
	[ "$none" -ge 1 ]; ok $? "some kills landed before $what committed ($none)"
	[ "$all" -ge 1 ]; ok $? "some rounds ended with $what there ($all)"
}

# store_state FILE: every record of the store (export-json) and the
# number of audit entries, in FILE, to compare before and after
store_state() {
	local records trail
	capture records export-json
	capture trail audit verify --json
	printf '%s\n%s\n' "$records" "$trail" > "$1"
}

# The password of every user `users` adds.
PW='correct horse battery staple'

# users NAME:ROLE...: add each user, with password $PW
users() {
	local u
	for u; do
		printf '%s\n' "$PW" | setup user add "${u%%:*}" --role "${u##*:}"
	done
}

# token VAR NAME [ARGS...]: a new API token of user NAME in VAR
token() {
	local token_var=$1 token_out
	shift
	token_out=$("$CORDON" token create "$@" 2>"$T/setup.err") && [ -n "$token_out" ] ||
		bail "cordon token create $*: $(tail -1 "$T/setup.err")"
	printf -v "$token_var" '%s' "$token_out"
}

# run CMD...: run cordon, keeping stdout in $out, stderr in $err, status in
# $rc (124 if it ran over CMD_TIME seconds: a command that should have
# failed at once, like a server on a port in use, must not hang the test)
CMD_TIME=${CMD_TIME:-300}
run() {
	timeout -k 5 "$CMD_TIME" "$CORDON" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	ub_seen "$T/err"
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# expect STATUS DESCRIPTION CMD...: run and check the exit status
expect() {
	want=$1
	what=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$want" ]; then
		ok 0 "$what"
	else
		ok 1 "$what (exit $rc, wanted $want)"
		sed 's/^/#   /' "$T/err" | head -5
	fi
}

# has TEXT DESCRIPTION: $out (or $err) contains TEXT
has() {
	case "$out$err" in
	*"$1"*) ok 0 "$2" ;;
	*) ok 1 "$2"; echo "#   wanted: $1"; echo "$out$err" | head -5 | sed 's/^/#   got: /' ;;
	esac
}

lacks() {
	case "$out$err" in
	*"$1"*) ok 1 "$2"; echo "#   did not want: $1" ;;
	*) ok 0 "$2" ;;
	esac
}

# start_server [SERVE-ARGS...]: `cordon serve` in the background on a port
# the system picks (HTTPS if --tls-cert is among the arguments); sets PORT,
# URL and SPID. It returns once the server says it is listening (its
# --ready-fd), never after a fixed time; if the server cannot start, the
# test bails out. Every server started here logs to $T/server.log; one
# still running at the end is stopped, and must end with status 0.
SPIDS=
start_server() {
	local scheme=http addr=
	case " $* " in *" --tls-cert "*) scheme=https ;; esac
	rm -f "$T/ready"
	mkfifo "$T/ready"
	"$CORDON" serve --listen 127.0.0.1:0 --ready-fd 3 "$@" 3>"$T/ready" 2>> "$T/server.log" &
	SPID=$!
	# A line once listening; the end of the file at once if it exits.
	read -r addr < "$T/ready"
	rm -f "$T/ready"
	SPIDS="$SPIDS $SPID"
	PORT=${addr##*:}
	URL="$scheme://127.0.0.1:$PORT"
	[ -n "$addr" ] || bail "cordon serve did not start: $(tail -1 "$T/server.log")"
}

# stop_server [PID]: SIGTERM to a server start_server started ($SPID by
# default); a test that it stops within STOP_TIME with exit status 0
stop_server() {
	local pid=${1:-$SPID} st
	kill -TERM "$pid" 2>/dev/null
	reap "$pid"
	st=$?
	SPIDS=$(echo "$SPIDS" | tr ' ' '\n' | grep -vx "$pid" | tr '\n' ' ')
	[ "$st" -eq 0 ]; ok $? "the server (pid $pid) stops on SIGTERM with exit status 0 ($st)"
}

# curl, with a time limit on every call: a server that hangs fails the
# test instead of stalling it
curl() {
	command curl --max-time "$CURL_TIME" "$@"
}

# req METHOD PATH [curl args...]: a request to the server start_server
# started; status in $status, body in $out (and $T/body), headers in $T/h
req() {
	m=$1 p=$2
	shift 2
	status=$(curl -s -g -o "$T/body" -D "$T/h" -w '%{http_code}' -X "$m" "$@" "$URL$p")
	out=$(tr -d "\\000" < "$T/body")
	err=
}

is_status() {	# WANT DESCRIPTION: the last request's status
	if [ "$status" = "$1" ]; then ok 0 "$2"; else ok 1 "$2 (got $status, wanted $1)"; echo "#   $out" | head -3; fi
}

# done_testing: stop the servers still running (each a test), check
# that no sanitizer report was written (a test), print the plan
done_testing() {
	local pid
	for pid in $SPIDS; do
		stop_server "$pid"
	done
	sanitizer_reports; ok $? "no sanitizer report from any cordon this test ran"
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
