#!/bin/bash
# bench-ui.sh - the web UI's screens on the 1,000,000-seizure store
# bench-rules builds: for each, the bytes of cordon's own files it loads
# (Debian's libraries apart), the time until it is drawn, and its slowest
# API call (bench/bench-ui.mjs, in Debian's chromium).
#
#   bench-ui.sh CORDON --store DIR
# Adds a supervisor `bench-ui` to the store the first time.
set -u
CORDON=$1
shift
STORE=
while [ $# -gt 0 ]; do
	case $1 in
	--store) STORE=$2; shift 2 ;;
	*) echo "usage: bench-ui.sh CORDON --store DIR" >&2; exit 2 ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
[ -n "$STORE" ] && [ -d "$STORE" ] || { echo "bench-ui: no store (make bench builds it)" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "bench-ui: needs chromium (apt-get install chromium)" >&2; exit 1; }
NODE_DIR=$(pwd)/tests/ui-node
bash "$here/../tests/ui/node-setup.sh" "$NODE_DIR" || exit 1
T=$(mktemp -d /tmp/cordon-bench-ui.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
PW=bench-ui-password
if ! "$CORDON" --store "$STORE" user list 2>/dev/null | grep -q '^bench-ui '; then
	printf '%s\n' "$PW" | "$CORDON" --store "$STORE" user add bench-ui --role supervisor >/dev/null || exit 1
fi
mkfifo "$T/ready"
"$CORDON" --store "$STORE" serve --listen 127.0.0.1:0 --ready-fd 3 3>"$T/ready" 2>"$T/serve.log" &
read -r addr < "$T/ready"	# a line once listening, nothing if it exits
PORT=${addr##*:}
[ -n "$addr" ] || { echo "bench-ui: cordon serve did not start: $(tail -1 "$T/serve.log")" >&2; exit 1; }
case_id=C-1
seizure=S-1
entity=E-1
alert=$("$CORDON" --store "$STORE" --json alert list --limit 1 2>/dev/null | sed -n 's/.*"id":"\(A-[0-9]*\)".*/\1/p')
rule=$("$CORDON" --store "$STORE" --json rule list 2>/dev/null | head -1 | sed -n 's/.*"name":"\([^"]*\)".*/\1/p')
CORDON_UI_NODE="$NODE_DIR" node "$here/bench-ui.mjs" "http://127.0.0.1:$PORT" bench-ui "$PW" \
	'#/' '#/cases' "#/cases/$case_id" "#/cases/$case_id/print" '#/seizures' "#/seizures/$seizure" \
	"#/entities/$entity" "#/graph/$entity" '#/search?q=nguyen%20van' '#/alerts' \
	${alert:+"#/alerts/$alert"} '#/rules' ${rule:+"#/rules/$rule"} '#/import' '#/partners' '#/audit' \
	'#/new/seizure' '#/link'
