#!/bin/bash
# ui.sh - the web UI in a real browser: Debian's chromium, driven by
# playwright-core (pinned by tests/ui/package-lock.json, installed here
# with npm ci, never downloading a browser), against `cordon serve` on a
# fresh store with a user of each role and records whose fields hold
# markup and script. tests/ui/run.mjs runs every tests/ui/t-*.mjs and
# prints TAP; screenshots of every screen go to ui-screens/ in the build
# directory.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"
UI="$TESTS_DIR/ui"
BUILD=$(pwd)

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] || ! command -v node >/dev/null; then
	ok 1 "chromium and node are installed (apt-get install chromium nodejs npm)"
	done_testing
	exit 1
fi

# playwright-core, as the lockfile pins it, kept in the build directory.
NODE_DIR="$BUILD/tests/ui-node"
if ! bash "$UI/node-setup.sh" "$NODE_DIR" 2> "$T/npm.log"; then
	ok 1 "npm ci installs playwright-core"
	sed 's/^/#   /' "$T/npm.log"
	done_testing
	exit 1
fi

# Every file of web/ is installed (Makefile.am lists them).
missing=$(cd "$TESTS_DIR/.." && find web -type f ! -name README.md | sort | while read -r f; do
	tr -d ' \t\\' < Makefile.am | grep -qxF "$f" || echo "$f"; done)
[ -z "$missing" ]; ok $? "Makefile.am installs every file of web/${missing:+ (missing: $missing)}"

# A store, a user of each role, and the records the screens show.
setup init
PW=correct-horse-battery
users olga:officer anna:analyst sue:supervisor adam:admin
setup partner add kh --country KH --max-tlp amber
setup user passwd kh <<<"$PW"
setup import "$UI/records.jsonl"
cat > "$T/users.json" <<JSON
{ "officer": { "user": "olga", "password": "$PW" },
  "analyst": { "user": "anna", "password": "$PW" },
  "supervisor": { "user": "sue", "password": "$PW" },
  "admin": { "user": "adam", "password": "$PW" },
  "partner": { "user": "kh", "password": "$PW" } }
JSON

start_server
mkdir -p "$BUILD/ui-screens"
CORDON_UI_TAP_START=$n CORDON_UI_NODE="$NODE_DIR" CORDON_URL="http://127.0.0.1:$PORT" \
CORDON_UI_USERS="$T/users.json" CORDON_UI_SHOTS="$BUILD/ui-screens" CORDON_UI_STORE="$CORDON_STORE" \
CORDON_UI_FIXTURES="$UI" CHROMIUM="$CHROMIUM" \
    node "$UI/run.mjs" $UI_TESTS > "$T/tap" 2> "$T/node.err"
rc=$?
grep -v '^1\.\.' "$T/tap"
n=$((n + $(grep -c '^\(not \)\?ok ' "$T/tap")))
failed=$((failed + $(grep -c '^not ok ' "$T/tap")))
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	n=$((n + 1))
	echo "not ok $n - the browser suite ran (exit $rc)"
	sed 's/^/#   /' "$T/node.err" | tail -10
	failed=1
fi
grep -q 'ERROR' "$T/server.log" && { echo "# server log:"; tail -5 "$T/server.log" | sed 's/^/#   /'; }
stop_server

# A machine without the UI's libraries: the server says which packages to
# install, and serves what it has (the screens draw tables and lists
# instead, as the suite checks by blocking /vendor/).
mkdir -p "$T/no-packages"
CORDON_VENDOR_ROOT="$T/no-packages" start_server
for pkg in libjs-chart.js node-d3 libjs-codemirror; do
	grep -q "apt-get install $pkg" "$T/server.log"; ok $? "without $pkg, the server says to install it"
done
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/vendor/d3/d3.min.js")
[ "$code" = 404 ]; ok $? "and answers 404 for its files ($code)"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/")
[ "$code" = 200 ]; ok $? "while the UI itself is served ($code)"
done_testing
