#!/bin/bash
# audit.sh - the audit trail through its indexes, over HTTP and on the
# command line: filtered by user and by record, paged both ways; a case's
# history (its seizures' and evidence's entries too) for officers; alerts
# by the records they name (ref=); verify over HTTP, intact and not; and a
# store of format 1, without the indexes, brought up to date when opened.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"
STORE_EDIT=${STORE_EDIT:-$(pwd)/tests/tools/store-edit}

setup init
users olga:officer anna:analyst sue:supervisor
token OTOK olga
token ATOK anna
token STOK sue
O=(-H "Authorization: Bearer $OTOK")
A=(-H "Authorization: Bearer $ATOK")
S=(-H "Authorization: Bearer $STOK")
J=(-H "Content-Type: application/json")

# A rule that raises an alert for each wildlife seizure, naming it.
cat > "$T/wild.lua" <<'LUA'
return {
  name = "wildlife-seized",
  title = "Wildlife seized",
  severity = "high",
  on = { "seizure" },
  check = function(rec)
    if rec.commodity.category == "wildlife" then
      alert { key = rec.id, title = "Wildlife in " .. rec.id, refs = { rec.id } }
    end
  end,
}
LUA
setup rule add "$T/wild.lua"

start_server

# py EXPR: EXPR in Python over the answer's JSON `d`, printed
py() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$T/body"
}
check() {	# EXPR DESCRIPTION: EXPR over `d` is true
	[ "$(py "$1")" = True ]
	ok $? "$2"
	[ "$(py "$1")" = True ] || echo "#   $(head -c 300 "$T/body")"
}

# Writes by three people: olga's case C-1 with two seizures and a piece
# of evidence; anna's case C-2 with one seizure; changes by both.
req POST /api/v1/cases "${O[@]}" "${J[@]}" -d '{"title":"Pangolin scales"}'
req POST /api/v1/seizures "${O[@]}" "${J[@]}" -d '{"case":"C-1","occurred_at":"2025-02-21","commodity":{"category":"wildlife"}}'
req POST /api/v1/seizures "${O[@]}" "${J[@]}" -d '{"case":"C-1","occurred_at":"2025-02-22","commodity":{"category":"timber"}}'
req POST /api/v1/cases "${A[@]}" "${J[@]}" -d '{"title":"Rosewood"}'
req POST /api/v1/seizures "${A[@]}" "${J[@]}" -d '{"case":"C-2","occurred_at":"2025-03-01","commodity":{"category":"timber"}}'
req PATCH /api/v1/cases/C-1 "${A[@]}" -H 'Content-Type: application/merge-patch+json' -d '{"status":"investigating"}'
is_status 200 "the records are written"
printf 'x-ray image' > "$T/scan.png"
req POST "/api/v1/cases/C-1/evidence?filename=scan.png" "${O[@]}" --data-binary @"$T/scan.png"
is_status 201 "evidence is added to C-1"
req PATCH /api/v1/seizures/S-2 "${O[@]}" -H 'Content-Type: application/merge-patch+json' -d '{"notes":"weighed again"}'

# --- the trail, filtered -----------------------------------------------------------------
req GET "/api/v1/audit?user=olga" "${S[@]}"
is_status 200 "the trail by user"
check 'len(d["items"]) >= 5 and all(e["user"] == "olga" for e in d["items"])' "only olga's entries"
check '[e["seq"] for e in d["items"]] == sorted([e["seq"] for e in d["items"]], reverse=True)' "newest first"
req GET "/api/v1/audit?record=C-1" "${S[@]}"
check 'len(d["items"]) == 2 and {e["id"] for e in d["items"]} == {"C-1"} and d["items"][0]["op"] == "update"' \
	"the trail by record: C-1's create and update"
req GET "/api/v1/audit?record=C-1&user=anna" "${S[@]}"
check '[(e["id"], e["user"], e["op"]) for e in d["items"]] == [("C-1", "anna", "update")]' "by record and user at once"
req GET "/api/v1/audit?record=rule/wildlife-seized" "${S[@]}"
check 'len(d["items"]) == 1 and d["items"][0]["op"] == "rule-add"' "by the name of another audited object (a rule)"
req GET "/api/v1/audit?user=olga&limit=2" "${S[@]}"
check 'len(d["items"]) == 2 and d["next"] == d["items"][1]["seq"]' "a page of two, and where the next starts"
first=$(py '[e["seq"] for e in d["items"]]')
next=$(py 'd["next"]')
req GET "/api/v1/audit?user=olga&limit=2&before=$next" "${S[@]}"
check "all(e['seq'] < $next and e['user'] == 'olga' for e in d['items']) and len(d['items']) == 2" "the next page goes on from there"
req GET "/api/v1/audit?user=olga&from=1&limit=3" "${S[@]}"
check 'len(d["items"]) == 3 and d["items"][0]["seq"] < d["items"][2]["seq"] and d["next"] == d["items"][2]["seq"] + 1' \
	"oldest first from an entry, with the next start"
req GET "/api/v1/audit?user=nobody" "${S[@]}"
check 'd["items"] == [] and d["next"] is None' "a user with no entries has none"
req GET "/api/v1/audit?limit=1" "${S[@]}"
check 'len(d["items"]) == 1 and d["next"] == d["items"][0]["seq"]' "the whole trail still pages newest first"

for q in "user=not%20a%20name" "limit=0" "limit=1001" "before=abc" "before=0" "from=-1" "before=5&from=2" "who=olga" "record="; do
	req GET "/api/v1/audit?$q" "${S[@]}"
	is_status 400 "refused: $q"
done
has '"code":"bad_request"' "as a JSON error"
req GET "/api/v1/audit?user=olga" "${O[@]}"
is_status 403 "an officer may not read the trail"
req GET "/api/v1/audit?user=olga" "${A[@]}"
is_status 403 "nor an analyst"

# --- a record's history, for officers -------------------------------------------------------
req GET /api/v1/cases/C-1/history "${O[@]}"
is_status 200 "an officer reads a case's history"
check '{e["id"] for e in d["items"]} == {"C-1", "S-1", "S-2", "V-1"}' "the case's own entries, its seizures' and its evidence's"
check '[e["seq"] for e in d["items"]] == sorted([e["seq"] for e in d["items"]], reverse=True)' "newest first"
check 'd["items"][0]["id"] == "S-2" and d["items"][0]["op"] == "update"' "the newest first of all"
total=$(py 'len(d["items"])')
req GET "/api/v1/cases/C-1/history?limit=2" "${O[@]}"
check 'len(d["items"]) == 2 and d["next"] == d["items"][1]["seq"]' "paged"
req GET "/api/v1/cases/C-1/history?limit=100&before=$(py 'd["next"]')" "${O[@]}"
check "len(d['items']) == $total - 2 and d['next'] is None" "and the rest after it"
req GET /api/v1/seizures/S-1/history "${O[@]}"
check '{e["id"] for e in d["items"]} == {"S-1"}' "a seizure's history is its own"
req GET /api/v1/cases/C-2/history "${O[@]}"
check '{e["id"] for e in d["items"]} == {"C-2", "S-3"}' "another case's, none of C-1's"
req GET /api/v1/cases/C-99/history "${O[@]}"
is_status 404 "no history of a case that is not there"
req GET "/api/v1/cases/C-1/history?user=olga" "${O[@]}"
is_status 400 "a history takes limit and before only"
req POST /api/v1/cases/C-1/history "${O[@]}"
is_status 405 "and only GET"

# --- alerts by the records they name ------------------------------------------------------------
req GET "/api/v1/alerts?ref=S-1" "${O[@]}"
check 'len(d["items"]) == 1 and "S-1" in d["items"][0]["refs"]' "ref=S-1: the alert naming the wildlife seizure"
req GET "/api/v1/alerts?ref=S-2" "${O[@]}"
check 'd["items"] == []' "ref=S-2: none"
req GET "/api/v1/alerts?refs=S-1" "${O[@]}"
is_status 400 "a misspelt ref is refused"

# --- verify ----------------------------------------------------------------------------
req POST /api/v1/audit/verify "${S[@]}"
is_status 200 "a supervisor verifies"
check 'd["intact"] is True and d["checked"] > 10 and d["problems"] == []' "intact"
req POST /api/v1/audit/verify "${O[@]}"
is_status 403 "an officer may not"
req GET /api/v1/audit/verify "${S[@]}"
is_status 405 "verify is a POST"
req GET /api/v1/audit/nothing "${S[@]}"
is_status 404 "nothing else under /audit"

# --- the command line ----------------------------------------------------------------------
expect 0 "audit log --user" audit log --user olga --json
[ -n "$out" ] && ! grep -qv '"user":"olga"' <<<"$out"
ok $? "only olga's entries"
expect 0 "audit log --record" audit log --record C-1 --limit 0
[ "$(wc -l <<<"$out")" -eq 2 ] && ! grep -qv ' C-1 ' <<<"$out"
ok $? "C-1's two entries"
expect 0 "audit log --record --user --from" audit log --record C-1 --user anna --from 1 --json
has '"op":"update"' "oldest first, filtered both ways"
expect 0 "audit log without filters as before" audit log --limit 3
[ "$(wc -l <<<"$out")" -eq 3 ]
ok $? "three lines"

# --- a store of format 1 ----------------------------------------------------------------------
run audit log --record C-1 --json
before=$out
stop_server
"$STORE_EDIT" format1 "$CORDON_STORE"
ok $? "the store is made format 1: no audit indexes, no alerts by ref"
expect 0 "cordon opens it" audit log --record C-1 --json
[ "$out" = "$before" ]
ok $? "and finds the same entries through the indexes it builds"
expect 0 "it verifies" audit verify
start_server
req GET "/api/v1/alerts?ref=S-1" "${O[@]}"
check 'len(d["items"]) == 1' "alerts by ref after the upgrade"
req GET "/api/v1/cases/C-1/history" "${O[@]}"
check "len(d['items']) == $total" "the case's history after the upgrade"
req PATCH /api/v1/cases/C-1 "${O[@]}" -H 'Content-Type: application/merge-patch+json' -d '{"status":"referred"}'
req GET "/api/v1/cases/C-1/history?limit=1" "${O[@]}"
check 'd["items"][0]["id"] == "C-1" and d["items"][0]["op"] == "update"' "new writes are indexed"
stop_server
expect 0 "a store once upgraded opens as it is" audit verify

# An entry taken out of an index is a problem verify names.
capture j audit log --user anna --limit 1 --json
seq=$(printf '%s\n' "$j" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["seq"])')
"$STORE_EDIT" unindex "$CORDON_STORE" anna "$seq"
start_server
req POST /api/v1/audit/verify "${S[@]}"
check "d['intact'] is False and d['problems'] == [{'where': 'audit entry $seq', 'problem': 'missing from the audit index by user'}]" \
	"verify names an entry missing from an index"
expect 1 "and so does cordon audit verify" audit verify
has "audit entry $seq: missing from the audit index by user" "naming it"

stop_server
done_testing
