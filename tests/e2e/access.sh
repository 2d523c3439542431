#!/bin/bash
# access.sh - who may still get in, against a running server: tokens
# revoked and users disabled (from the command line and by an admin over
# the API) are refused from the next request on; a password change ends
# the user's sessions; one account signing in again and again never signs
# anyone else out; a flood of failed sign-ins cannot wipe the counters
# that hold a user name or an address back.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init
users alice:officer bob:officer mal:officer ann:analyst adm:admin
token TOK alice --label laptop
token TOK2 alice --label nightly
token BTOK bob
token DTOK adm
J=(-H "Content-Type: application/json")
D=(-H "Authorization: Bearer $DTOK")

# A small session table: signing in more often than it has room for is
# then quick to try.
CORDON_SESSIONS=16 start_server

# login JAR USER [curl args…]: sign in with $PW, keeping the cookie in JAR
login() {
	local jar=$1 user=$2
	shift 2
	req POST /api/v1/login "${J[@]}" -c "$jar" -d "{\"user\":\"$user\",\"password\":\"$PW\"}" "$@"
}

# --- tokens revoked --------------------------------------------------------------------
req GET /api/v1/me -H "Authorization: Bearer $TOK"
is_status 200 "a token works (and has been checked once)"
expect 0 "token list" token list
has "laptop" "lists the tokens, with their labels"
has "alice" "and their users"
lacks "$TOK" "never the tokens themselves"
capture toks token list alice --json
id=$(printf '%s\n' "$toks" | grep '"label":"laptop"' | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
[ ${#id} -eq 16 ]; ok $? "each with an id ($id)"
expect 0 "token revoke ID, while the server runs" token revoke "$id"
has "revoked" "says so"
req GET /api/v1/me -H "Authorization: Bearer $TOK"
is_status 401 "the next request with the revoked token is refused"
req GET /api/v1/me -H "Authorization: Bearer $TOK2"
is_status 200 "the user's other token still works"
expect 0 "token list after" token list alice
lacks "laptop" "no longer lists it"
expect 3 "revoking it again" token revoke "$id"
expect 1 "an id that is not one" token revoke "xyz"
expect 2 "token revoke without an id" token revoke

# --- a password change ends the user's sessions ------------------------------------------
login "$T/bob" bob
is_status 200 "bob signs in"
req GET /api/v1/me -b "$T/bob"
is_status 200 "his session works"
setup user passwd bob <<<'another long password'
req GET /api/v1/me -b "$T/bob"
is_status 401 "after user passwd, his session is over at once"
req GET /api/v1/me -H "Authorization: Bearer $BTOK"
is_status 200 "his token is not revoked by a password change (token revoke does that)"
req POST /api/v1/login "${J[@]}" -d '{"user":"bob","password":"another long password"}'
is_status 200 "he signs in with the new password"

# --- a user disabled ------------------------------------------------------------------------
login "$T/alice" alice
is_status 200 "alice signs in"
expect 0 "user disable" user disable alice
has "user alice: disabled" "says so"
req GET /api/v1/me -b "$T/alice"
is_status 401 "her session ends at once"
req GET /api/v1/me -H "Authorization: Bearer $TOK2"
is_status 401 "her tokens are refused"
login "$T/alice" alice
is_status 401 "she cannot sign in"
has "disabled" "and, with the right password, is told why"
expect 0 "user list" user list
has "(disabled)" "shows who is disabled"
expect 0 "user enable" user enable alice
req GET /api/v1/me -H "Authorization: Bearer $TOK2"
is_status 200 "enabled again, her tokens work again"
expect 3 "disabling a user that does not exist" user disable nobody

# --- the same over the API, for admins ------------------------------------------------------
req GET /api/v1/tokens -H "Authorization: Bearer $TOK2"
is_status 403 "an officer may not list tokens"
req POST /api/v1/users/bob/disable -H "Authorization: Bearer $TOK2"
is_status 403 "nor disable users"
req GET /api/v1/tokens "${D[@]}"
is_status 200 "an admin lists the tokens"
has '"label":"nightly"' "with their labels"
lacks "$TOK2" "never the tokens themselves"
req GET "/api/v1/tokens?user=bob" "${D[@]}"
lacks '"user":"alice"' "only a user's, with ?user="
req POST /api/v1/users/alice/disable "${D[@]}"
is_status 200 "an admin disables a user"
has '"disabled":true' "says so"
req GET /api/v1/me -H "Authorization: Bearer $TOK2"
is_status 401 "whose token is refused from the next request"
req POST /api/v1/users/alice/enable "${D[@]}"
is_status 200 "and enables her again"
req POST /api/v1/users/adm/disable "${D[@]}"
is_status 422 "an admin cannot disable itself over the API"
capture toks token list alice --json
id2=$(printf '%s\n' "$toks" | grep '"label":"nightly"' | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
[ ${#id2} -eq 16 ] || bail "no token labelled nightly"
req DELETE "/api/v1/tokens/$id2" "${D[@]}"
is_status 200 "an admin revokes a token"
req GET /api/v1/me -H "Authorization: Bearer $TOK2"
is_status 401 "which is refused from the next request"
req DELETE "/api/v1/tokens/$id2" "${D[@]}"
is_status 404 "revoking it twice"
expect 0 "audit log" audit log --json
has '"op":"token-revoke"' "revocations are audited"
has '"op":"user-disable"' "so is disabling"
has '"op":"user-enable"' "and enabling"
expect 0 "audit verify" audit verify

# --- one account signing in again and again -------------------------------------------------
login "$T/bob" bob
req POST /api/v1/login "${J[@]}" -c "$T/bob" -d '{"user":"bob","password":"another long password"}'
is_status 200 "bob signs in"
for i in $(seq 1 20); do
	login "$T/mal.$i" mal
	[ "$status" = 200 ] || break
done
is_status 200 "mal signs in 20 times, more than the server keeps sessions (16)"
req GET /api/v1/me -b "$T/bob"
is_status 200 "bob's session still works"
req GET /api/v1/me -b "$T/mal.20"
is_status 200 "mal's newest session works"
req GET /api/v1/me -b "$T/mal.1"
is_status 401 "mal's oldest has ended (a user keeps at most 8)"

# --- a flood of failed sign-ins -------------------------------------------------------------
# An attacker at 127.0.0.2 guesses ann's password until her counter
# holds her name back, then floods the limiter with made-up names and
# cheap over-long passwords to wipe it.
for i in 1 2 3 4 5; do
	curl -s -o /dev/null --interface 127.0.0.2 "${J[@]}" -d '{"user":"ann","password":"not the password"}' "$URL/api/v1/login"
done
req POST /api/v1/login "${J[@]}" --interface 127.0.0.3 -d "{\"user\":\"ann\",\"password\":\"$PW\"}"
is_status 429 "after 5 failures ann's name is held back, from any address"
python3 - "$PORT" > "$T/flood" <<'PY'
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), source_address=("127.0.0.2", 0))
codes = {}
for i in range(3000):
    body = json.dumps({"user": "junk%d" % i, "password": "x" * 5000})
    c.request("POST", "/api/v1/login", body, {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    codes[r.status] = codes.get(r.status, 0) + 1
print(" ".join("%d:%d" % kv for kv in sorted(codes.items())))
PY
echo "# the flood was answered $(cat "$T/flood")"
case "$(cat "$T/flood")" in *429:*) ok 0 "the flooding address is held back" ;; *) ok 1 "the flooding address is held back ($(cat "$T/flood"))" ;; esac
req POST /api/v1/login "${J[@]}" --interface 127.0.0.3 -d "{\"user\":\"ann\",\"password\":\"$PW\"}"
is_status 429 "after 3000 made-up names, ann's counter still holds her name back"
req POST /api/v1/login "${J[@]}" --interface 127.0.0.2 -d '{"user":"bob","password":"another long password"}'
is_status 429 "and the flooding address is still held back, even with a right password"
req POST /api/v1/login "${J[@]}" --interface 127.0.0.4 -d '{"user":"bob","password":"another long password"}'
is_status 200 "another address signs another user in"

done_testing
