# lib.sh - TAP helpers for the end-to-end tests, which drive the real
# `cordon` binary ($CORDON) against a fresh store in a temporary directory.

: "${CORDON:=$(pwd)/cordon}"
T=$(mktemp -d "${TMPDIR:-/tmp}/cordon-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CORDON_STORE="$T/store"
export CORDON_USER=tester
n=0
failed=0

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
	local var=$1 tok
	shift
	tok=$("$CORDON" token create "$@" 2>"$T/setup.err") && [ -n "$tok" ] ||
		bail "cordon token create $*: $(tail -1 "$T/setup.err")"
	printf -v "$var" '%s' "$tok"
}

# run CMD...: run cordon, keeping stdout in $out, stderr in $err, status in $rc
run() {
	"$CORDON" "$@" >"$T/out" 2>"$T/err"
	rc=$?
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
# --ready-fd), never after a fixed time; if the server cannot start, PORT
# is empty and the failure is in the log. Every server started here logs
# to $T/server.log and is stopped on exit.
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
	trap 'kill $SPIDS 2>/dev/null; rm -rf "$T"' EXIT
	PORT=${addr##*:}
	URL="$scheme://127.0.0.1:$PORT"
	[ -n "$addr" ] || echo "# cordon serve did not start: $(tail -1 "$T/server.log")"
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

done_testing() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
