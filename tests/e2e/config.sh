#!/bin/bash
# config.sh - what the environment sets is read once, by the library, and
# refused the same way wherever it is wrong; temporary files go under
# TMPDIR; and a write whose rules cannot run is in, and says so, on the
# command line and over HTTP alike.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init
users olga:officer
token TOK olga

# --- one failure behaviour -------------------------------------------------------
for v in CORDON_EVIDENCE_MAX=lots CORDON_IMPORT_MAX=0 CORDON_RULE_MEMORY=1K \
    CORDON_SESSIONS=3 CORDON_HEAD_TIMEOUT=99 CORDON_BODY_RATE=x; do
	name=${v%%=*}
	env "$v" "$CORDON" list case > "$T/out" 2> "$T/err"; rc=$?
	err=$(cat "$T/err"); out=
	[ "$rc" -eq 2 ]; ok $? "$v: any command is refused as a usage error (exit $rc)"
	has "$name" "$v: the message names the variable"
	env "$v" timeout 10 "$CORDON" serve --listen 127.0.0.1:0 > "$T/out" 2> "$T/err"; rc=$?
	err=$(cat "$T/err")
	[ "$rc" -eq 2 ]; ok $? "$v: the server does not start (exit $rc)"
	has "$name" "$v: and says why"
done
CORDON_EVIDENCE_MAX=1M "$CORDON" list case >/dev/null 2>&1; ok $? "a good value is taken"
"$CORDON" --version >/dev/null 2>&1; ok $? "--version needs no store"
CORDON_RULE_MEMORY=lots "$CORDON" --help >/dev/null 2>&1; ok $? "--help is given whatever the environment"

# --- a store that cannot say is not a bad token ------------------------------------
STORE_EDIT=${STORE_EDIT:-$(pwd)/tests/tools/store-edit}
token TOK2 olga
start_server
req GET /api/v1/cases -H "Authorization: Bearer $TOK2"
is_status 200 "a token signs in"
kill "$SPID"; wait "$SPID" 2>/dev/null
key="token/$(printf '%s' "$TOK2" | sha256sum | cut -d' ' -f1)"
"$STORE_EDIT" putmeta "$CORDON_STORE" "$key" '{"user":' ; ok $? "its record in the store is damaged"
start_server
req GET /api/v1/cases -H "Authorization: Bearer $TOK2"
is_status 500 "a damaged token record is the store's error, not a bad token"
has "$key" "naming the key"
req GET /taxii2/ -H "Authorization: Bearer $TOK2" -H 'Accept: application/taxii+json;version=2.1'
is_status 500 "TAXII says the same"
kill "$SPID"; wait "$SPID" 2>/dev/null

# --- TMPDIR ----------------------------------------------------------------------------
echo '{"kind":"case","title":"Spooled through TMPDIR"}' > "$T/one.jsonl"
mkdir "$T/tmp"
TMPDIR="$T/nowhere" "$CORDON" import "$T/one.jsonl" > "$T/out" 2> "$T/err"; rc=$?
err=$(cat "$T/err")
[ "$rc" -ne 0 ]; ok $? "an import spools under TMPDIR: a missing one is an error"
has "$T/nowhere" "naming it"
expect 0 "and under a TMPDIR that is there, it goes in" import "$T/one.jsonl"
TMPDIR="$T/tmp" "$CORDON" import "$T/one.jsonl" >/dev/null 2>&1; ok $? "import with TMPDIR set"
[ -z "$(ls -A "$T/tmp")" ]; ok $? "leaving nothing behind in it"

# An upload whose size is said goes into the store as it arrives: no
# temporary file, so a TMPDIR that is not there is no matter. One sent
# chunked, with no size, is spooled there.
printf 'a photo of the seal\n' > "$T/seal.txt"
TMPDIR="$T/nowhere" start_server
req POST "/api/v1/cases/C-1/evidence?filename=seal.txt" -H "Authorization: Bearer $TOK" \
    --data-binary @"$T/seal.txt"
is_status 201 "an upload with its size is taken without a temporary file"
sha=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["versions"][-1]["sha256"])' 2>/dev/null)
[ "$sha" = "$(sha256sum < "$T/seal.txt" | cut -d' ' -f1)" ]; ok $? "and what was stored is what was sent"
req POST "/api/v1/cases/C-1/evidence?filename=seal2.txt" -H "Authorization: Bearer $TOK" \
    -H "Transfer-Encoding: chunked" --data-binary @"$T/seal.txt"
is_status 500 "one sent chunked is spooled under TMPDIR"
req POST "/api/v1/cases/C-999/evidence?filename=seal.txt" -H "Authorization: Bearer $TOK" \
    --data-binary @"$T/seal.txt"
is_status 404 "an upload to a case that is not there is refused while it streams"
kill "$SPID"; wait "$SPID" 2>/dev/null

# --- a write whose rules cannot run --------------------------------------------------
cat > "$T/big.lua" <<'LUA'
return { name = "every-case", title = "A case", severity = "low", on = { "case" },
  check = function(rec) alert{ key = rec.id, title = "case " .. rec.id } end }
LUA
expect 0 "a rule on cases" rule add "$T/big.lua"
echo '{"title":"Seen by the rule"}' | "$CORDON" --json add case >/dev/null 2>&1
expect 0 "alert list" alert list --json
n_before=$(printf '%s' "$out" | grep -c '"rule":"every-case"')
[ "$n_before" -ge 1 ]; ok $? "a write runs the rule ($n_before alerts)"
# The rules' history lives in evidence.git: without it they cannot load.
mv "$CORDON_STORE/evidence.git" "$T/evidence.git"
echo '{"title":"Written while the rules cannot run"}' > "$T/c.json"
expect 0 "the write is in all the same" add case -f "$T/c.json" --json
has "rules did not run on what was written" "and the command says the rules did not run"
id=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' 2>/dev/null)
[ -n "$id" ]; ok $? "it still prints the record ($id)"
start_server
req POST /api/v1/cases -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
    -d '{"title":"Written over HTTP while the rules cannot run"}'
is_status 201 "over HTTP the write is answered as done"
grep -qi '^Warning: 199 cordon "rules did not run' "$T/h"; ok $? "with a Warning saying the rules did not run"
kill "$SPID"; wait "$SPID" 2>/dev/null
mv "$T/evidence.git" "$CORDON_STORE/evidence.git"
echo '{"title":"And after"}' | "$CORDON" add case >/dev/null 2>&1; ok $? "the next write"
expect 0 "alert list" alert list --json
n_after=$(printf '%s' "$out" | grep -c '"rule":"every-case"')
[ "$n_after" -eq $((n_before + 3)) ]; ok $? "runs the rules on what was missed too ($n_after)"

done_testing
