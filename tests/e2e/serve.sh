#!/bin/bash
# serve.sh - the HTTP API driven over loopback with curl: authentication
# (tokens, sessions, CSRF, the login rate limit), roles, records (create,
# get, list with paging, merge patch with If-Match, delete), errors as
# JSON with the right status, security headers, static files and path
# traversal, concurrent writers, and a clean shutdown.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init
users alice:officer ann:analyst pat:partner sue:supervisor adm:admin
token TOK alice
token PTOK pat
token ATOK ann
token STOK sue
token DTOK adm

# A short deadline for a request's head, so the half-sent requests below
# are cut within the test (10 s by default).
HEAD_TIMEOUT=3
CORDON_HEAD_TIMEOUT=$HEAD_TIMEOUT start_server

A=(-H "Authorization: Bearer $TOK")
J=(-H "Content-Type: application/json")

# --- the basics ----------------------------------------------------------------
req GET /healthz
is_status 200 "GET /healthz"
has '"status":"ok"' "says ok"
grep -qi "^Content-Security-Policy:.*frame-ancestors 'none'" "$T/h"; ok $? "a CSP with frame-ancestors 'none'"
grep -qi "^Content-Security-Policy:.*unsafe-inline" "$T/h"; [ $? -ne 0 ]; ok $? "and no inline script"
grep -qi "^X-Content-Type-Options: nosniff" "$T/h"; ok $? "X-Content-Type-Options"
grep -qi "^Referrer-Policy: no-referrer" "$T/h"; ok $? "Referrer-Policy"
req GET /
is_status 200 "the web UI's index at /"
grep -qi "^Content-Type: text/html" "$T/h"; ok $? "as HTML"
grep -qi "^Content-Security-Policy" "$T/h"; ok $? "with the security headers too"
for p in "/../../etc/passwd" "/%2e%2e/%2e%2e/etc/passwd" "/.git/config" "/web/../README.md" "/%2e%2e%2fetc%2fpasswd"; do
	req GET "$p" --path-as-is
	is_status 404 "no file outside web/: $p"
done
req GET /api/v1/nothing "${A[@]}"
is_status 404 "an unknown route"
has '"code":"not_found"' "is a JSON error"

# --- authentication ------------------------------------------------------------------
req GET /api/v1/cases
is_status 401 "no credentials"
has '"code":"unauthenticated"' "says so"
req GET /api/v1/cases -H "Authorization: Bearer cordon_0000000000000000000000000000000000000000000000000000000000000000"
is_status 401 "a forged token"
req GET /api/v1/cases -H "Authorization: Basic YWxpY2U6eA=="
is_status 401 "another scheme"
req GET /api/v1/me "${A[@]}"
is_status 200 "GET /api/v1/me with a token"
has '"user":"alice"' "knows the user"
has '"role":"officer"' "and the role"
req GET /api/v1/cases -H "Authorization: Bearer $PTOK"
is_status 403 "a partner may not read cases"
has '"code":"forbidden"' "forbidden"

# --- records -----------------------------------------------------------------------------
req POST /api/v1/cases "${A[@]}" "${J[@]}" -d '{"title":"Ivory in cashew nuts, Cat Lai"}'
is_status 201 "create a case"
grep -qi "^Location: /api/v1/cases/C-1" "$T/h"; ok $? "Location names it"
has '"created_by":"alice"' "the acting user is recorded"
req GET /api/v1/cases/C-1 "${A[@]}"
is_status 200 "get it"
grep -qi '^ETag: "1"' "$T/h"; ok $? "with its version as ETag"
req GET /api/v1/cases/C-99 "${A[@]}"
is_status 404 "a case that does not exist"
req GET /api/v1/cases/S-1 "${A[@]}"
is_status 404 "an id of another kind"
req PATCH /api/v1/cases/C-1 "${A[@]}" "${J[@]}" -H 'If-Match: "1"' -d '{"status":"investigating"}'
is_status 200 "merge patch with the right If-Match"
has '"version":2' "a new version"
grep -qi '^ETag: "2"' "$T/h"; ok $? "whose ETag is the next If-Match"
req PATCH /api/v1/cases/C-1 "${A[@]}" "${J[@]}" -H 'If-Match: "1"' -d '{"status":"closed"}'
is_status 412 "a stale If-Match"
has '"code":"version_conflict"' "is a version conflict"
req PATCH /api/v1/cases/C-1 "${A[@]}" "${J[@]}" -H 'If-Match: banana' -d '{}'
is_status 400 "a bad If-Match"
req POST /api/v1/seizures "${A[@]}" "${J[@]}" -d '{"case":"C-1","occurred_at":"2024-05-01T08:00:00Z","commodity":{"category":"wildlife","description":"ivory"},"quantity":{"amount":"lots","unit":"kg"}}'
is_status 422 "a wrong type"
has '"field":"quantity.amount"' "names the field"
req POST /api/v1/seizures "${A[@]}" "${J[@]}" -d '{"case":"C-1",'
is_status 400 "bad JSON"
has '"code":"bad_json"' "says so"
req POST /api/v1/seizures "${A[@]}" "${J[@]}" -d '[1,2]'
is_status 400 "JSON that is not an object"
req POST /api/v1/seizures "${A[@]}" -H "Content-Type: text/plain" -d '{}'
is_status 415 "the wrong media type"
head -c 2000000 /dev/zero | tr '\0' 'x' > "$T/big"
req POST /api/v1/cases "${A[@]}" "${J[@]}" --data-binary @"$T/big"
is_status 413 "an oversized body"
req POST /api/v1/cases "${A[@]}" "${J[@]}" -H "Transfer-Encoding: chunked" --data-binary @"$T/big"
is_status 413 "an oversized chunked body"
req PUT /api/v1/cases "${A[@]}"
is_status 405 "a method a route does not take"
req POST /api/v1/seizures "${A[@]}" "${J[@]}" -d '{"case":"C-1","occurred_at":"2024-05-01T08:00:00Z","commodity":{"category":"wildlife","description":"ivory tusks"},"quantity":{"amount":120,"unit":"kg"}}'
is_status 201 "create a seizure"
req POST /api/v1/entities "${A[@]}" "${J[@]}" -d '{"type":"company","name":"Green Timber Co"}'
is_status 201 "create an entity"
req POST /api/v1/links "${A[@]}" "${J[@]}" -d '{"from":"E-1","to":"S-1","type":"consignee_of"}'
is_status 201 "create a link"
req GET "/api/v1/entities/E-1/graph?depth=2" "${A[@]}"
is_status 200 "the graph of an entity"
has '"id":"S-1"' "reaches the seizure"
has '"id":"L-1"' "with the link between them"
req GET "/api/v1/entities/E-1/graph?depth=9" "${A[@]}"
is_status 400 "too deep a graph"
req GET "/api/v1/search?q=green+timber" "${A[@]}"
is_status 200 "search"
has '"id":"E-1"' "finds the entity"
req DELETE /api/v1/seizures/S-1 "${A[@]}"
is_status 409 "deleting a linked record"
has '"code":"in_use"' "is refused as in use"

for i in 2 3 4 5 6; do
	curl -s -o /dev/null "${A[@]}" "${J[@]}" -d "{\"title\":\"Case $i\"}" "$URL/api/v1/cases"
done
req GET "/api/v1/cases?limit=2" "${A[@]}"
is_status 200 "a page of 2"
has '"next":"C-2"' "with a cursor to the next"
req GET "/api/v1/cases?limit=2&after=C-2" "${A[@]}"
has '"id":"C-3"' "the next page starts after the cursor"
req GET "/api/v1/cases?limit=100&after=C-4" "${A[@]}"
has '"next":null' "the last page has no cursor"
req GET "/api/v1/cases?where=title=Case%205" "${A[@]}"
has '"id":"C-5"' "where=FIELD=VALUE filters"
lacks '"id":"C-4"' "and only those"
req GET "/api/v1/cases?where=colour=red" "${A[@]}"
is_status 400 "where on a field that does not exist"
req GET "/api/v1/cases?limit=0" "${A[@]}"
is_status 400 "a bad limit"
req GET "/api/v1/cases?sinse=2024-01-01" "${A[@]}"
is_status 400 "a parameter lists do not take (a typo) is refused, not ignored"
has '"field":"sinse"' "naming it"
req DELETE /api/v1/cases/C-6 "${A[@]}"
is_status 200 "delete a case"
req GET /api/v1/cases/C-6 "${A[@]}"
is_status 404 "it is gone"

# --- sessions ------------------------------------------------------------------------
req POST /api/v1/login "${J[@]}" -d '{"user":"ann","password":"wrong password!"}'
is_status 401 "a wrong password"
req POST /api/v1/login -d "{\"user\":\"ann\",\"password\":\"$PW\"}"
is_status 415 "a sign-in not sent as JSON"
req POST /api/v1/login "${J[@]}" -c "$T/jar" -d "{\"user\":\"ann\",\"password\":\"$PW\"}"
is_status 200 "sign in"
grep -i "^Set-Cookie:" "$T/h" | grep -qi "HttpOnly"; ok $? "the cookie is HttpOnly"
grep -i "^Set-Cookie:" "$T/h" | grep -qi "SameSite=Strict"; ok $? "and SameSite=Strict"
CSRF=$(printf '%s' "$out" | sed 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/')
[ ${#CSRF} -eq 64 ]; ok $? "a CSRF token comes back"
req GET /api/v1/me -b "$T/jar"
has '"via":"session"' "the session signs requests in"
req POST /api/v1/cases -b "$T/jar" "${J[@]}" -d '{"title":"From the browser"}'
is_status 403 "a write without the CSRF token"
has '"code":"csrf"' "is refused as CSRF"
req POST /api/v1/cases -b "$T/jar" "${J[@]}" -H "X-CSRF-Token: 0000000000000000000000000000000000000000000000000000000000000000" -d '{"title":"From the browser"}'
is_status 403 "a forged CSRF token"
req POST /api/v1/cases -b "$T/jar" "${J[@]}" -H "X-CSRF-Token: $CSRF" -d '{"title":"From the browser"}'
is_status 201 "a write with the CSRF token"
has '"created_by":"ann"' "records the signed-in user"
req POST /api/v1/logout -b "$T/jar" -H "X-CSRF-Token: $CSRF"
is_status 200 "sign out"
req GET /api/v1/me -b "$T/jar"
is_status 401 "the session is over"
for i in 1 2 3 4 5; do
	curl -s -o /dev/null "${J[@]}" -d '{"user":"alice","password":"not the password"}' "$URL/api/v1/login"
done
req POST /api/v1/login "${J[@]}" -d "{\"user\":\"alice\",\"password\":\"$PW\"}"
is_status 429 "after 5 failures, even the right password waits"
grep -qi "^Retry-After:" "$T/h"; ok $? "with Retry-After"
req GET /api/v1/me "${A[@]}"
is_status 200 "the user's token still works"

# --- rules and alerts through the API -----------------------------------------------------
cat > "$T/big.lua" <<'LUA'
return { name = "big-case", title = "t", severity = "low", on = { "case" },
  check = function(rec) if rec.title:find("tonnes", 1, true) then
    alert { key = rec.id, title = "big " .. rec.id, refs = { rec.id } } end end }
LUA
AN=(-H "Authorization: Bearer $ATOK")
L=(-H "Content-Type: text/x-lua")
req PUT /api/v1/rules/big-case "${A[@]}" "${L[@]}" --data-binary @"$T/big.lua"
is_status 403 "an officer may not add rules"
req PUT /api/v1/rules/big-case "${AN[@]}" -H "Content-Type: application/json" --data-binary @"$T/big.lua"
is_status 415 "a rule must be sent as Lua source"
printf 'return {' > "$T/broken.lua"
req PUT /api/v1/rules/broken "${AN[@]}" "${L[@]}" --data-binary @"$T/broken.lua"
is_status 422 "a rule with a syntax error"
req PUT /api/v1/rules/big-case "${AN[@]}" "${L[@]}" --data-binary @"$T/big.lua"
is_status 200 "an analyst adds a rule"
has '"enabled":true' "enabled"
req GET /api/v1/rules "${AN[@]}"
has '"name":"big-case"' "the rule list"
req GET /api/v1/rules/big-case "${AN[@]}"
has 'rec.title:find' "the rule with its source"
req POST /api/v1/rules/test "${AN[@]}" "${L[@]}" --data-binary @"$T/big.lua"
is_status 200 "a dry run"
has '"alerts":[]' "raises nothing on the cases so far"
sed 's/check = function(rec)/check = function(rec) error("boom")/' "$T/big.lua" > "$T/boom.lua"
req POST /api/v1/rules/test "${AN[@]}" "${L[@]}" --data-binary @"$T/boom.lua"
has 'boom' "a dry run gives its rule errors' messages"
has '"record":"C-1"' "and their records"
req PUT /api/v1/rules/other-name "${AN[@]}" "${L[@]}" --data-binary @"$T/big.lua"
is_status 422 "a rule put under a name its file does not give"
req POST /api/v1/cases "${A[@]}" "${J[@]}" -d '{"title":"Two tonnes of pangolin scales"}'
id=$(printf '%s' "$out" | sed 's/.*"id":"\(C-[0-9]*\)".*/\1/')
req GET "/api/v1/alerts?where=key=$id" "${A[@]}"
has "\"key\":\"$id\"" "a write through the API raises its alert before it is answered"
aid=$(printf '%s' "$out" | sed 's/.*"id":"\(A-[0-9]*\)".*/\1/')
req POST "/api/v1/alerts/$aid/ack" "${A[@]}" "${J[@]}" -d '{"note":"looking"}'
is_status 200 "an officer acknowledges the alert"
has '"status":"acknowledged"' "its status changes"
req POST "/api/v1/alerts/$aid/ack" "${A[@]}" "${J[@]}" -d '{}'
is_status 422 "the same status twice"
req POST "/api/v1/alerts/$aid/promote" "${A[@]}" "${J[@]}" -d '{"note":"a case"}'
is_status 200 "promote"
has '"status":"promoted"' "the alert is promoted"
req GET "/api/v1/alerts?status=dismissed" "${A[@]}"
has '"items":[]' "alerts filter by status"
req GET "/api/v1/alerts?status=promoted" "${A[@]}"
has "\"id\":\"$aid\"" "and find the promoted one"
req POST "/api/v1/alerts/$aid/frobnicate" "${A[@]}"
is_status 404 "an unknown alert action"
req DELETE "/api/v1/alerts/$aid" "${A[@]}"
is_status 405 "alerts are not deleted"
req POST /api/v1/rules/big-case/disable "${AN[@]}"
is_status 200 "disable the rule"
has '"enabled":false' "disabled"

# --- audit and users -------------------------------------------------------------------------
req GET /api/v1/audit "${AN[@]}"
is_status 403 "an analyst may not read the audit trail"
req GET "/api/v1/audit?limit=3" -H "Authorization: Bearer $STOK"
is_status 200 "a supervisor may"
has '"op":"rule-disable"' "the newest entries first"
has '"user":"ann"' "with the acting user"
req GET /api/v1/users -H "Authorization: Bearer $STOK"
has '"name":"alice"' "a supervisor lists users"
lacks '"password"' "without their password hashes"
req POST /api/v1/users -H "Authorization: Bearer $STOK" "${J[@]}" -d '{"name":"bob","role":"officer","password":"long enough password"}'
is_status 403 "a supervisor may not add users"
req POST /api/v1/users -H "Authorization: Bearer $DTOK" "${J[@]}" -d '{"name":"bob","role":"officer","password":"short"}'
is_status 422 "a short password"
has '"field":"password"' "names the field"
req POST /api/v1/users -H "Authorization: Bearer $DTOK" "${J[@]}" -d '{"name":"bob","role":"officer","password":"long enough password"}'
is_status 201 "an admin adds a user"
req POST /api/v1/login "${J[@]}" -d '{"user":"bob","password":"long enough password"}'
is_status 200 "who can sign in"

# --- bodies: one reader for every route -------------------------------------------------------
req POST "/api/v1/alerts/$aid/dismiss" "${A[@]}" -H "Content-Type: text/plain" -d '{"note":"x"}'
is_status 415 "an alert action's body not sent as JSON"
req POST "/api/v1/alerts/$aid/dismiss" "${A[@]}"
is_status 422 "no body at all where it is optional: read as {} (a promoted alert stays so)"
req POST /api/v1/users -H "Authorization: Bearer $DTOK" -H "Content-Type: text/plain" -d '{"name":"carl","role":"officer","password":"long enough password"}'
is_status 415 "a new user not sent as JSON"
req POST /api/v1/users -H "Authorization: Bearer $DTOK" "${J[@]}"
is_status 400 "a new user with no body"
has '"code":"bad_json"' "is bad JSON, as for records"
req POST /api/v1/cases "${A[@]}" "${J[@]}"
is_status 400 "a record with no body"
has '"code":"bad_json"' "likewise"
req POST /api/v1/login "${J[@]}" -d '["ann"]'
is_status 400 "a sign-in that is not a JSON object"
has '"code":"bad_json"' "says so"
req POST /api/v1/login -H "Content-Type: application/merge-patch+json" -d '{"user":"ann","password":"wrong password!"}'
is_status 401 "a sign-in takes JSON as every route does"
req PUT /api/v1/rules/empty "${AN[@]}" "${L[@]}"
is_status 400 "an empty rule"

# --- concurrent writers ------------------------------------------------------------------------
# Each client writes 15 cases with titles of its own; an acknowledgement
# is kept as "ID TITLE".
pids=
for c in 1 2 3 4 5 6 7 8; do
	(
		for i in $(seq 1 15); do
			curl -s -w "\n" "${A[@]}" "${J[@]}" -d "{\"title\":\"client $c case $i\"}" "$URL/api/v1/cases" |
			    sed -n "s/.*\"id\":\"\\(C-[0-9]*\\)\".*/\\1 client $c case $i/p"
			curl -s -o /dev/null "${A[@]}" "$URL/api/v1/cases?limit=5"
		done
	) > "$T/acked.$c" &
	pids="$pids $!"
done
wait $pids
cat "$T"/acked.* > "$T/acked"
[ "$(wc -l < "$T/acked")" -eq 120 ]; ok $? "8 clients: 120 writes acknowledged ($(wc -l < "$T/acked"))"
[ "$(cut -d' ' -f1 "$T/acked" | sort -u | wc -l)" -eq 120 ]; ok $? "under 120 distinct ids"
capture all list case --json --limit 1000
printf '%s\n' "$all" > "$T/all"
python3 - "$T/acked" "$T/all" > "$T/wrong" <<'PY'
import json, sys
stored = {r["id"]: r.get("title") for r in map(json.loads, open(sys.argv[2]))}
for line in open(sys.argv[1]):
    rid, title = line.rstrip("\n").split(" ", 1)
    if stored.get(rid) != title:
        print("%s: sent %r, holds %r" % (rid, title, stored.get(rid)))
PY
[ ! -s "$T/wrong" ]; ok $? "each acknowledged id holds what its writer sent ($(wc -l < "$T/wrong") not)"
sed 's/^/#   /' "$T/wrong" | head -5
expect 0 "audit verify after it all" audit verify
has "intact" "the audit trail is intact"

# --- HTTPS and bad options -------------------------------------------------------------------
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/key.pem" \
    -out "$T/cert.pem" -days 2 -subj "/CN=127.0.0.1" 2>/dev/null; then
	PLAIN=("$PORT" "$URL" "$SPID")
	CORDON_HEAD_TIMEOUT=$HEAD_TIMEOUT start_server --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"
	TPORT=$PORT TPID=$SPID
	PORT=${PLAIN[0]} URL=${PLAIN[1]} SPID=${PLAIN[2]}
	code=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$TPORT/healthz")
	[ "$code" = 200 ]; ok $? "HTTPS with --tls-cert and --tls-key ($code)"
	curl -sk -D "$T/th" -o /dev/null -H 'Content-Type: application/json' \
	    -d "{\"user\":\"ann\",\"password\":\"$PW\"}" "https://127.0.0.1:$TPORT/api/v1/login"
	grep -i "^Set-Cookie:" "$T/th" | grep -qi "Secure"; ok $? "over HTTPS the session cookie is Secure"
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$TPORT/healthz")
	[ "$code" != 200 ]; ok $? "plain HTTP to an HTTPS port gets nothing"
	stop_server "$TPID"
else
	ok 1 "openssl makes a test certificate"
fi
[ -n "$PORT" ] && [ "$PORT" -gt 0 ]; ok $? "--listen 127.0.0.1:0 takes a free port ($PORT), said on --ready-fd"
grep -q "serving .* on http://127.0.0.1:$PORT " "$T/server.log"; ok $? "and on standard error, with the bound port"
expect 2 "--ready-fd on standard output is refused" serve --listen 127.0.0.1:0 --ready-fd 1
has "--ready-fd must be an open descriptor" "says why"
expect 2 "--ready-fd that is not open" serve --listen 127.0.0.1:0 --ready-fd 99
expect 2 "--tls-cert without --tls-key" serve --listen 127.0.0.1:0 --tls-cert "$T/cert.pem"
has "both --tls-cert and --tls-key" "says what is missing"
expect 2 "a listen address that is not one" serve --listen nowhere
has "ADDR:PORT" "says what it wants"
expect 1 "a port in use" serve --listen 127.0.0.1:$PORT
has "cannot listen" "says so"

# --- evidence ------------------------------------------------------------------------------------
head -c 300000 /dev/urandom > "$T/scan.bin"
req POST "/api/v1/cases/C-1/evidence?filename=scan.bin&note=lane%204" -H "Authorization: Bearer $PTOK" --data-binary @"$T/scan.bin"
is_status 403 "a partner may not upload evidence"
req POST "/api/v1/cases/C-1/evidence?filename=scan.bin&note=lane%204" --data-binary @"$T/scan.bin"
is_status 401 "nor may anyone unsigned"
req POST "/api/v1/cases/C-1/evidence?filename=scan.bin&note=lane%204" "${A[@]}" -H "Content-Type: application/octet-stream" --data-binary @"$T/scan.bin"
is_status 201 "upload evidence to a case"
has '"size":300000' "every byte arrived"
eid=$(printf '%s' "$out" | sed 's/.*"id":"\(V-[0-9]*\)".*/\1/')
req GET "/api/v1/evidence/$eid/content" "${A[@]}"
cmp -s "$T/body" "$T/scan.bin"; ok $? "download gives it back byte for byte"
grep -qi '^Content-Disposition: attachment; filename="scan.bin"' "$T/h"; ok $? "as an attachment under its name, never inline"
grep -qi "^X-Checksum-SHA256: $(sha256sum "$T/scan.bin" | cut -c1-64)" "$T/h"; ok $? "with its SHA-256"
req POST "/api/v1/cases/C-1/evidence?filename=..%2F..%2Fetc%2Fpasswd" "${A[@]}" --data-binary @"$T/scan.bin"
is_status 422 "a file name with a path"
req POST "/api/v1/cases/C-1/evidence" "${A[@]}" --data-binary @"$T/scan.bin"
is_status 400 "an upload without a file name"
req POST "/api/v1/cases/C-99999/evidence?filename=x.bin" "${A[@]}" --data-binary @"$T/scan.bin"
is_status 404 "to a case that does not exist"
req PUT "/api/v1/evidence/$eid?filename=scan-v2.bin&note=cropped" "${A[@]}" --data-binary @"$T/h"
is_status 200 "a new version"
has '"version":2' "is version 2"
req GET "/api/v1/evidence/$eid/content?version=1" "${A[@]}"
cmp -s "$T/body" "$T/scan.bin"; ok $? "version 1 is still there"
req GET "/api/v1/evidence/$eid/content?version=9" "${A[@]}"
is_status 404 "a version that does not exist"
req POST "/api/v1/evidence/$eid/custody" "${A[@]}" "${J[@]}" -d '{"action":"received","note":"sealed bag 42"}'
is_status 200 "a custody event"
has 'sealed bag 42' "is kept"
req POST "/api/v1/evidence/$eid/custody" "${A[@]}" "${J[@]}" -d '{"action":"lost"}'
is_status 422 "an unknown custody action"
req POST "/api/v1/evidence/$eid/custody" "${A[@]}" -H "Content-Type: text/plain" -d '{"action":"received"}'
is_status 415 "a custody event not sent as JSON"
req GET "/api/v1/evidence/$eid" "${A[@]}"
has '"custody"' "the record shows versions and custody"
req GET "/api/v1/evidence/$eid/log" "${A[@]}"
is_status 200 "the evidence log"
has '"versions"' "lists the versions"
has 'sealed bag 42' "and the custody events"
expect 0 "evidence verify after uploads" evidence verify

# --- strict parameters, odd ids, conflicting lengths -------------------------------------------
for q in "limit=0" "limit=-1" "limit=x" "limit=+5" "limit=%205" "limit=1001" "limit=5abc"; do
	req GET "/api/v1/search?q=timber&$q" "${A[@]}"
	is_status 400 "search with $q is refused, as lists are"
	req GET "/api/v1/cases?$q" "${A[@]}"
	is_status 400 "a list with $q"
done
req GET "/api/v1/search?q=timber&limit=1000" "${A[@]}"
is_status 200 "search with limit=1000"
for q in "depth=4abc" "depth=+2" "depth=%202" "limit=+5" "summary=-0"; do
	req GET "/api/v1/entities/E-1/graph?$q" "${A[@]}"
	is_status 400 "a graph with $q is refused"
done
req GET "/api/v1/audit?limit=+5" -H "Authorization: Bearer $STOK"
is_status 400 "the audit trail with limit=+5"
for p in "audit?limit" "audit?before" "cases/C-1/history?limit" "imports?limit" "exports?limit" \
    "partners/none/preview?limit" "stats?kind=seizure&by=month&limit"; do
	req GET "/api/v1/$p" -H "Authorization: Bearer $STOK"
	is_status 400 "$p without a value is refused"
	has "\"field\":\"${p##*[?&]}\"" "naming it"
done
req GET "/api/v1/evidence/$eid/content?version=+1" "${A[@]}"
is_status 400 "evidence content with version=+1"
req GET "/api/v1/evidence/S-1/log" "${A[@]}"
is_status 404 "the evidence log of an id that is not evidence (a seizure that exists)"
has '"code":"not_found"' "answered as JSON"
req GET "/api/v1/alerts/C-1/history" "${A[@]}"
is_status 404 "an alert route under a case id"
resp=$(exec 3<>/dev/tcp/127.0.0.1/$PORT; printf 'POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}' "$TOK" >&3; timeout 10 cat <&3)
case "$resp" in "HTTP/1.1 400"*) ok 0 "two different Content-Length headers: 400" ;; *) ok 1 "two different Content-Length headers (${resp%%$'\r'*})" ;; esac
case "$resp" in *'"field":"Content-Length"'*) ok 0 "naming the header" ;; *) ok 1 "naming the header" ;; esac

# --- metrics -------------------------------------------------------------------------------------
# Paths that try to forge lines, and many made-up paths, signed in or not.
python3 - "$PORT" "$TOK" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
def get(path, auth):
    c.request("GET", path, headers={"Authorization": "Bearer " + sys.argv[2]} if auth else {})
    c.getresponse().read()
for auth in (0, 1):
    get("/api/v1/x%0Aforged_total%201", auth)
    get("/api/v1/cases/C-1/x%0Aforged_total%202", auth)
    get('/api/v1/cases/%22%7D%20forged_total%203%0A', auth)
    for i in range(300):
        get("/api/v1/junk%d" % i, auth)
        get("/api/v1/cases/C-1/junk%d" % i, auth)
        get("/api/v1/rules/r%d/junk%d" % (i, i), auth)
PY
req GET /api/v1/tokens -H "Authorization: Bearer $DTOK"
req GET /metrics
is_status 401 "/metrics needs credentials"
# A request is counted when it completes, just after its answer is sent:
# ask until the one above is there (or 10 s have passed).
for i in $(seq 1 100); do
	req GET /metrics -H "Authorization: Bearer $STOK"
	case "$out" in *'route="/api/v1/tokens",method="GET",status="200"'*) break ;; esac
	[ "$status" = 200 ] || break
	sleep 0.1
done
is_status 200 "a supervisor reads /metrics"
grep -qi "^Content-Type: text/plain; version=0.0.4" "$T/h"; ok $? "in Prometheus text format"
has 'cordon_http_requests_total{route="/api/v1/cases/{id}",method="GET",status="200"}' "requests by route (ids folded), method and status"
has 'cordon_http_request_duration_seconds_bucket{le="+Inf"}' "a latency histogram"
has 'cordon_store_bytes ' "the store's size"
has 'cordon_records{kind="case"}' "records by kind"
has 'cordon_rule_errors{rule="big-case"} 0' "rule errors"
grep -q "forged" "$T/body"; [ $? -ne 0 ]; ok $? "no path sent makes a line, or a label, in /metrics"
grep -vE '^(# .*|[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? [-+.0-9e]+)$' "$T/body" > "$T/odd"
[ ! -s "$T/odd" ]; ok $? "every line of /metrics is a comment or a sample"
sed 's/^/#   odd: /' "$T/odd" | head -3
has 'cordon_http_requests_total{route="/api/v1/tokens",method="GET",status="200"} 1' "a route first asked for after 1,800 made-up paths is still counted"
has 'route="/api/v1/{other}"' "made-up routes are counted under one label"
[ "$(grep -c '^cordon_http_requests_total' "$T/body")" -lt 100 ]; ok $? "in few series ($(grep -c '^cordon_http_requests_total' "$T/body"))"
grep -q "^forged" "$T/server.log"; [ $? -ne 0 ]; ok $? "no path sent makes a line of the access log"
grep -q 'GET /api/v1/x\\x0aforged_total' "$T/server.log"; ok $? "the access log shows it escaped"

# --- slow and malformed requests ----------------------------------------------------------------
# As many connections from one address as it may hold (32), each with
# half a request and then nothing: a 33rd from it is refused, another
# address is served, and once the head deadline has passed the server
# cuts them all and serves the address again.
python3 - "$PORT" > "$T/half" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def served(src):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(src, 0))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        ok = s.recv(12).startswith(b"HTTP/1.1 200")
        s.close()
        return int(ok)
    except OSError:
        return 0
socks = []
for i in range(32):
    s = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.7", 0))
    s.sendall(b"GET /api/v1/cases HTTP/1.1\r\nHost: x\r\n")
    socks.append(s)
t0 = time.time()
other, same = served("127.0.0.8"), served("127.0.0.7")
cut, last = 0, 0.0
for s in socks:
    s.settimeout(max(0.1, t0 + 20 - time.time()))
    try:
        while s.recv(4096):
            pass
        cut += 1
    except socket.timeout:
        pass
    except OSError:
        cut += 1
    last = time.time() - t0
# The server forgets a cut connection in its own time after the client
# sees it closed: the address is served again within a few seconds.
again, deadline = 0, time.time() + 10
while not again and time.time() < deadline:
    again = served("127.0.0.7")
    if not again:
        time.sleep(0.1)
print(other, same, cut, "%.1f" % last, again)
PY
read -r other same cut took again < "$T/half"
echo "# half-sent: other address $other, same $same, cut $cut after $took s, served again $again"
[ "$other" = 1 ]; ok $? "32 half-sent requests from one address do not hold up another"
[ "$same" = 0 ]; ok $? "a 33rd connection from that address is refused (the per-address cap)"
[ "$cut" = 32 ] && awk "BEGIN { exit !($took <= $HEAD_TIMEOUT + 3) }"
ok $? "all 32 are cut once the head deadline ($HEAD_TIMEOUT s) has passed ($cut, after $took s)"
[ "$again" = 1 ]; ok $? "and the address is served again"
# A malformed request: a 400, and the connection closed, within 5 s.
resp=$(python3 - "$PORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
d = b""
try:
    while True:
        c = s.recv(4096)
        if not c:
            break
        d += c
    print(d[:12].decode("latin-1"), "closed")
except socket.timeout:
    print(d[:12].decode("latin-1") or "nothing", "open after 5 s")
PY
)
case "$resp" in "HTTP/1.1 400 closed") ok 0 "a malformed request is refused with 400 and the connection closed" ;;
*) ok 1 "a malformed request is refused with 400 and the connection closed ($resp)" ;; esac
req GET /healthz
is_status 200 "and the server keeps serving"

# --- the log and a clean stop --------------------------------------------------------------------
grep -q "POST /api/v1/cases 201" "$T/server.log"; ok $? "an access log line per request"
grep -q " alice" "$T/server.log"; ok $? "naming the user"
# A slow download under way when SIGTERM comes is finished.
# The download is under way once its first bytes are in the file.
curl -s --limit-rate 100k -o "$T/slow" "${A[@]}" "$URL/api/v1/evidence/$eid/content?version=1" &
CPID=$!
for i in $(seq 1 1200); do [ -s "$T/slow" ] && break; kill -0 $CPID 2>/dev/null || break; sleep 0.05; done
[ -s "$T/slow" ]; ok $? "the download has begun"
stop_server	# SIGTERM: it stops, with status 0, once the download is done
wait $CPID; ok $? "a download under way when SIGTERM comes completes"
cmp -s "$T/slow" "$T/scan.bin"; ok $? "whole"
grep -q "stopped" "$T/server.log"; ok $? "saying so"
done_testing
