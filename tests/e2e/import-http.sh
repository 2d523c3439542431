#!/bin/bash
# import-http.sh - imports over the API, as the web UI makes them: a file
# sent as the body and imported in the background (202 and a job polled
# until it ends), all or nothing as `cordon import` is, every bad line
# reported with its number; CSV; the limits (413, 400); the list of the
# last imports; and the evidence routes the UI reads: a case's evidence
# from the case index, and the check of one evidence file.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init
users alice:officer pat:partner sue:supervisor
token TOK alice
token PTOK pat
token STOK sue

# Uploads go to the server's TMPDIR: here, to see that none is left.
mkdir "$T/up"
TMPDIR="$T/up" CORDON_IMPORT_MAX=64K start_server
A=(-H "Authorization: Bearer $TOK")

# js EXPR: evaluate a Python expression over the last answer, bound to d
js() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/body" "$1"
}
# import FILE QUERY: send FILE, then poll the job until it ends; its last
# state in $out (and $T/body)
import() {
	req POST "/api/v1/imports?$2" "${A[@]}" --data-binary @"$1"
	[ "$status" = 202 ] || return 1
	job=$(js 'd["job"]')
	for i in $(seq 1 300); do
		req GET "/api/v1/imports/$job" "${A[@]}"
		[ "$(js 'd["status"]')" != running ] && return 0
		sleep 0.1
	done
	return 1
}
count() {	# KINDS: how many the API lists
	req GET "/api/v1/$1?limit=1000" "${A[@]}"
	js 'len(d["items"])'
}

# --- a good file ----------------------------------------------------------------
cat > "$T/good.jsonl" <<'J'
{"kind":"case","ref":"c1","title":"Ivory in cashew nuts"}
{"kind":"seizure","ref":"s1","case":"@c1","occurred_at":"2025-05-12","commodity":{"category":"wildlife","description":"ivory"},"quantity":{"amount":120,"unit":"kg"}}
{"kind":"entity","ref":"e1","type":"company","name":"Công ty TNHH Minh Phát"}
{"kind":"link","from":"@e1","to":"@s1","type":"consignee_of"}
J
req POST "/api/v1/imports?format=jsonl&filename=good.jsonl" "${A[@]}" --data-binary @"$T/good.jsonl"
is_status 202 "POST /api/v1/imports: 202, imported in the background"
has '"status":"running"' "the job is running"
grep -qi "^Location: /api/v1/imports/job-" "$T/h"; ok $? "Location names the job"
job=$(js 'd["job"]')
for i in $(seq 1 300); do
	req GET "/api/v1/imports/$job" "${A[@]}"
	[ "$(js 'd["status"]')" != running ] && break
	sleep 0.1
done
is_status 200 "GET the job"
[ "$(js 'd["status"]')" = done ]; ok $? "the job is done"
[ "$(js 'd["created"]')" = "{'cases': 1, 'seizures': 1, 'entities': 1, 'links': 1}" ]
ok $? "it says what it created ($(js 'd.get("created")'))"
[ "$(js 'd["lines"], d["filename"], d["format"], d["by"]')" = "(4, 'good.jsonl', 'jsonl', 'alice')" ]
ok $? "lines, file name, format and who"
[ "$(js 'd["import"]')" = import/000000000001 ]; ok $? "and the record it left: import/000000000001"
[ "$(count cases)" = 1 ] && [ "$(count links)" = 1 ]; ok $? "the records are in the store"
req GET /api/v1/links/L-1 "${A[@]}"
has '"from":"E-1"' "refs resolved as on the command line"

# --- a file with bad lines: nothing written, each line named -------------------
cat > "$T/bad.jsonl" <<'J'
{"kind":"case","ref":"c2","title":"Pangolin scales"}
{"kind":"seizure","case":"@c2","occurred_at":"2025-13-40","commodity":{"category":"wildlife"},"quantity":{"amount":1,"unit":"kg"}}
{"kind":"entity","type":"person","name":"Trần Thị Bích"}
not json at all
J
store_state "$T/before"
import "$T/bad.jsonl" "format=jsonl&filename=bad.jsonl"; ok $? "a file with bad lines: a job that ends"
[ "$(js 'd["status"]')" = failed ]; ok $? "it failed"
[ "$(js 'd["errors"], d["bad_lines_more"]')" = "(2, 0)" ]; ok $? "2 bad lines, all listed"
[ "$(js '[(b["line"], b["field"]) for b in d["bad_lines"]]')" = "[(2, 'occurred_at'), (4, '')]" ]
ok $? "each with its line and field: $(js '[(b["line"], b["field"]) for b in d["bad_lines"]]')"
js 'd["bad_lines"][0]["message"]' | grep -q .; ok $? "and the reason: $(js 'd["bad_lines"][0]["message"]')"
has "nothing was imported" "the error says nothing was imported"
[ "$(js 'd["error"]')" = "bad.jsonl: 2 bad lines; nothing was imported" ]; ok $? "naming the file as it was sent: $(js 'd["error"]')"
store_state "$T/after"
cmp -s "$T/before" "$T/after"; ok $? "nothing of it was written (every record, and the audit trail, as before)"

# --- CSV, by the name's extension ----------------------------------------------
cat > "$T/s.csv" <<'C'
case,occurred_at,commodity.category,commodity.description,quantity.amount,quantity.unit,location.country
C-1,2025-03-01,narcotics,"methamphetamine, crystal",12.5,kg,VN
Rhino horn at Noi Bai,2025-03-02,wildlife,rhino horn,4,kg,VN
C
import "$T/s.csv" "filename=s.csv"; ok $? "a CSV file"
[ "$(js 'd["status"], d["format"], d["created"]')" = "('done', 'csv', {'cases': 1, 'seizures': 2})" ]
ok $? "imported as CSV, from its name: $(js 'd["status"], d["format"], d.get("created")')"

# --- refused -----------------------------------------------------------------------
head -c 70000 /dev/zero | tr '\0' 'x' > "$T/big.jsonl"
req POST "/api/v1/imports?format=jsonl&filename=big.jsonl" "${A[@]}" --data-binary @"$T/big.jsonl"
is_status 413 "a body over CORDON_IMPORT_MAX"
has "CORDON_IMPORT_MAX" "names the limit to change"
req POST "/api/v1/imports?format=jsonl" "${A[@]}" -H "Transfer-Encoding: chunked" --data-binary @"$T/big.jsonl"
is_status 413 "also sent chunked, found too big on the way"
req POST "/api/v1/imports?format=xml&filename=a.xml" "${A[@]}" --data-binary @"$T/good.jsonl"
is_status 400 "format=xml"
has '"field":"format"' "names the field"
req POST "/api/v1/imports?format=jsonl&kind=case" "${A[@]}" --data-binary @"$T/good.jsonl"
is_status 400 "an argument imports do not take"
has '"field":"kind"' "is named"
req POST "/api/v1/imports?filename=..%2Fetc%2Fx.jsonl" "${A[@]}" --data-binary @"$T/good.jsonl"
is_status 400 "a file name with a path"
req POST "/api/v1/imports?format=jsonl" "${A[@]}" --data-binary ''
is_status 400 "an empty body"
printf '{"kind":"case","title":"Sent without a name"}\n' > "$T/noname"
import "$T/noname" "format=jsonl"; ok $? "a file sent without a name"
[ "$(js 'd["status"], d["filename"]')" = "('done', None)" ]; ok $? "is imported, and recorded without one"
req POST "/api/v1/imports?format=jsonl" -H "Authorization: Bearer $PTOK" --data-binary @"$T/good.jsonl"
is_status 403 "a partner may not import"
req POST "/api/v1/imports?format=jsonl" --data-binary @"$T/good.jsonl"
is_status 401 "nor may no one"
req GET /api/v1/imports/job-0000000000000000 "${A[@]}"
is_status 404 "an unknown job"
req DELETE /api/v1/imports "${A[@]}"
is_status 405 "DELETE /api/v1/imports"
[ "$(count cases)" = 3 ]; ok $? "none of the refused ones wrote anything"

# --- the last imports ----------------------------------------------------------------
req GET /api/v1/imports "${A[@]}"
is_status 200 "GET /api/v1/imports"
[ "$(js '[(i["status"], i["filename"]) for i in d["items"]]')" = "[('done', None), ('done', 's.csv'), ('failed', 'bad.jsonl'), ('done', 'good.jsonl')]" ]
ok $? "newest first, failed ones too: $(js '[(i["status"], i["filename"]) for i in d["items"]]')"
[ "$(js 'd["items"][1]["by"], d["items"][1]["records"], d["items"][1]["lines"]')" = "('alice', 3, 2)" ]
ok $? "with who, how many records and lines"
req GET "/api/v1/imports?limit=1" "${A[@]}"
[ "$(js 'len(d["items"])')" = 1 ]; ok $? "limit=1"
req GET "/api/v1/imports?limit=0" "${A[@]}"
is_status 400 "limit=0"
req GET "/api/v1/audit?limit=20" -H "Authorization: Bearer $STOK"
has '"op":"import","id":"import/000000000002"' "each import is in the audit trail"

# --- evidence: a case's list, and the check of one ---------------------------------
head -c 300000 /dev/urandom > "$T/photo.raw"
req POST "/api/v1/cases/C-1/evidence?filename=photo.raw" "${A[@]}" --data-binary @"$T/photo.raw"
is_status 201 "evidence added to C-1"
req POST "/api/v1/cases/C-2/evidence?filename=scan.raw" "${A[@]}" --data-binary @"$T/good.jsonl"
req PUT "/api/v1/evidence/V-1?filename=photo2.raw" "${A[@]}" --data-binary @"$T/good.jsonl"
is_status 200 "a second version"
req GET "/api/v1/evidence?where=case=C-1" "${A[@]}"
is_status 200 "GET /api/v1/evidence?where=case=C-1"
[ "$(js '[(v["id"], len(v["versions"])) for v in d["items"]]')" = "[('V-1', 2)]" ]; ok $? "the case's evidence only, with its versions"
req GET /api/v1/evidence/V-1/verify "${A[@]}"
is_status 200 "GET /api/v1/evidence/V-1/verify"
[ "$(js 'd["intact"], [(v["version"], v["intact"]) for v in d["versions"]]')" = "(True, [(1, True), (2, True)])" ]
ok $? "intact, each version checked"
capture j get V-1 --json
blob=$(printf '%s' "$j" | python3 -c 'import json,sys; print(json.load(sys.stdin)["versions"][0]["blob"])')
obj="$CORDON_STORE/evidence.git/objects/$(printf %s "$blob" | cut -c1-2)/$(printf %s "$blob" | cut -c3-)"
cp "$obj" "$T/obj.bak"
chmod u+w "$obj"
python3 -c "import sys; p=sys.argv[1]; d=bytearray(open(p,'rb').read()); d[len(d)//2]^=1; open(p,'wb').write(d)" "$obj"
req GET /api/v1/evidence/V-1/verify "${A[@]}"
[ "$(js 'd["intact"], [(v["version"], v["intact"]) for v in d["versions"]]')" = "(False, [(1, False), (2, True)])" ]
ok $? "a flipped byte in version 1: not intact, and which version"
js 'd["versions"][0]["problems"][0]' | grep -q .; ok $? "with the problem: $(js 'd["versions"][0]["problems"][0]')"
cp "$T/obj.bak" "$obj"
req GET /api/v1/evidence/V-9/verify "${A[@]}"
is_status 404 "no such evidence"
req POST /api/v1/evidence/V-1/verify "${A[@]}"
is_status 405 "verify is a GET"

stop_server
grep -q 'ERROR' "$T/server.log"; [ $? -ne 0 ]; ok $? "and its log is clean"

# --- shutdown waits for an import under way -----------------------------------------
if [ -x "${GEN_DATA:-}" ]; then
	"$GEN_DATA" --seizures 20000 --cases 200 --seed 5 > "$T/many.jsonl"
	TMPDIR="$T/up" CORDON_IMPORT_MAX=1G start_server
	before=$(count seizures)
	req POST "/api/v1/imports?filename=many.jsonl" "${A[@]}" --data-binary @"$T/many.jsonl"
	is_status 202 "a larger import started"
	# SIGTERM while it runs: the server waits for it (slow under a
	# sanitizer) and exits 0.
	STOP_TIME=900 stop_server
	capture j list seizure --json --limit 1000000
	after=$(printf '%s\n' "$j" | grep -c .)
	[ "$after" -eq $((before + 20000)) ]; ok $? "and the import is whole ($before + 20000 seizures: $after)"
	expect 0 "the audit trail verifies" audit verify
	grep -q 'ERROR' "$T/server.log"; [ $? -ne 0 ]; ok $? "the server log is clean"
fi
[ -z "$(find "$T/up" -name 'cordon-up-*')" ]; ok $? "no uploaded file is left behind"
done_testing
