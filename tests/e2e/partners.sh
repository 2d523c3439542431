#!/bin/bash
# partners.sh - partners and exports from the command line and the API:
# partner policies and their bad input, the signing key and its rotation,
# signatures checked by stock OpenSSL and by `cordon export verify`, a
# flipped byte caught, the same state giving the same bytes, nothing
# written on error, no half-written file under its final name when an
# export is killed, CSV that a spreadsheet cannot run, the audit trail of
# what left, and the API's partners, preview and background exports.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

SRC=${TESTS_DIR:-$(dirname "$0")/..}/..
"$CORDON" demo >/dev/null 2>"$T/demo.err"; ok $? "a demo store"
for r in "$SRC"/lua/rules/*.lua; do setup rule add "$r"; done
for r in repeat-trader transit-hub known-offender-nearby name-variants; do
	setup rule run "$r"
done
run --json alert list
nalerts=$(printf '%s\n' "$out" | grep -c '"id"')
[ "$nalerts" -gt 10 ]; ok $? "the shipped rules raise alerts on it ($nalerts)"

# --- partners and their policy -------------------------------------------------------
expect 0 "add a partner" partner add kh --country KH --max-tlp amber
has "non-nominal" "the profile is non-nominal by default"
has "cordon token create kh" "and says how to give it a token"
expect 1 "a partner needs a country" partner add p1 --max-tlp green
has "country: required" "says so"
expect 1 "and a TLP ceiling" partner add p1 --country LA
has "max_tlp: required" "says so"
expect 1 "red is never a ceiling" partner add p1 --country LA --max-tlp red
has "red is never shared" "says so"
expect 1 "a bad profile" partner add p1 --country LA --max-tlp green --profile open
has "non-nominal or nominal" "names the two"
expect 1 "a bad country" partner add p1 --country Laos --max-tlp green
expect 1 "an unknown rule" partner add p1 --country LA --max-tlp green --rules no-such-rule
has "no rule no-such-rule" "names it"
expect 1 "an unknown severity" partner add p1 --country LA --max-tlp green --severities urgent
expect 1 "a case that does not exist" partner add p1 --country LA --max-tlp green --cases C-99999
has "no case C-99999" "names it"
expect 1 "an empty selection" partner add p1 --country LA --max-tlp green --statuses ''
has "select nothing" "says it would select nothing"
run partner list
lacks "p1" "none of those bad partners was added"
expect 1 "a second partner of the same name" partner add kh --country KH --max-tlp green
has "exists" "says it exists"
users olga:officer
expect 1 "a partner cannot take over a user of another role" partner add olga --country LA --max-tlp green
has "role officer" "says whose role"
expect 0 "a nominal partner for high and critical alerts" partner add my --country MY \
    --max-tlp green --profile nominal --severities high,critical --cases C-1
run --json partner show my
has '"severities":["high","critical"]' "its severities"
has '"cases":["C-1"]' "its shared cases"
expect 0 "update a policy" partner update my --max-tlp amber --severities all
run --json partner show my
has '"max_tlp":"amber"' "the new ceiling"
has '"severities":null' "all severities again"
has '"version":2' "a new version"
expect 1 "update with nothing to change" partner update my
expect 3 "update a partner that does not exist" partner update nobody --max-tlp green
expect 3 "show one that does not exist" partner show nobody
run --json user list
has '"name":"kh","role":"partner"' "a partner is a user of role partner"
expect 0 "a token for the partner" token create kh
KHTOK=$out
expect 0 "the organisation's name for partners" org --name "Demo Customs Service" --country VN
run org
has "Demo Customs Service, VN" "is shown"

# --- the signing key ----------------------------------------------------------------------
expect 0 "key show" key show
printf '%s\n' "$out" > "$T/key1.pem"
openssl pkey -pubin -in "$T/key1.pem" -noout -text 2>/dev/null | grep -q ED25519; ok $? "is an Ed25519 public key in PEM"

# --- STIX, signed ----------------------------------------------------------------------
expect 2 "export without -o" export stix --partner kh
expect 2 "export without a partner" export stix -o "$T/x.json"
expect 3 "export for an unknown partner" export stix --partner nobody -o "$T/x.json"
has "no partner nobody" "names it"
[ ! -e "$T/x.json" ] && [ ! -e "$T/x.json.sig" ]; ok $? "and writes nothing"
expect 1 "export into a directory that is not there" export stix --partner kh -o "$T/nowhere/x.json"
expect 1 "export onto a directory" export stix --partner kh -o "$T"
expect 0 "export a STIX bundle" export stix --partner kh -o "$T/kh.json"
has "signed with key" "says which key signed it"
[ -s "$T/kh.json" ] && [ "$(stat -c %s "$T/kh.json.sig")" -eq 64 ]; ok $? "FILE and a 64-byte FILE.sig"
ls -A "$T" | grep -q '^\.kh\.json'; [ $? -ne 0 ]; ok $? "no temporary file left beside it"
openssl pkeyutl -verify -pubin -inkey "$T/key1.pem" -rawin -in "$T/kh.json" -sigfile "$T/kh.json.sig" >/dev/null 2>&1
ok $? "stock openssl verifies the signature"
expect 0 "cordon export verify agrees" export verify "$T/kh.json"
expect 0 "and with the public key alone" --store "$T/none" export verify "$T/kh.json" --key "$T/key1.pem"
python3 "$TESTS_DIR/tools/check-stix.py" "$TESTS_DIR/stix2-schemas/schemas" "$T/kh.json" --doc "$TESTS_DIR/../doc/stix" > "$T/check" 2>&1
ok $? "every object validates against the OASIS STIX 2.1 schemas ($(tail -1 "$T/check"))"
grep -v objects "$T/check" | head -5 | sed 's/^/#   /'
cp "$T/kh.json" "$T/flip.json"
cp "$T/kh.json.sig" "$T/flip.json.sig"
printf 'X' | dd of="$T/flip.json" bs=1 seek=5000 conv=notrunc 2>/dev/null
openssl pkeyutl -verify -pubin -inkey "$T/key1.pem" -rawin -in "$T/flip.json" -sigfile "$T/flip.json.sig" >/dev/null 2>&1
[ $? -ne 0 ]; ok $? "a flipped byte fails stock openssl"
expect 1 "and cordon export verify" export verify "$T/flip.json"
has "does not match" "says the signature does not match"
expect 0 "export again from the same state" export stix --partner kh -o "$T/kh2.json"
cmp -s "$T/kh.json" "$T/kh2.json"; ok $? "the same bytes"
run --json export stix --partner kh -o "$T/kh3.json" --since 2999-01-01
[ "$rc" -eq 1 ]; ok $? "nothing changed since then: an error (exit $rc)"
has "nothing to share" "says there is nothing to share"
[ ! -e "$T/kh3.json" ] && [ ! -e "$T/kh3.json.sig" ]; ok $? "and writes nothing"
expect 0 "a partner's preview" partner preview kh --limit 3
has "would be shared with kh" "sums up what it would receive"

# --- CSV ---------------------------------------------------------------------------------
expect 0 "CSV to standard output" export csv --partner kh
head -1 "$T/out" | grep -q '^shared_as,shared_as.label,rule,severity,status,seizure,occurred_at,commodity.category'
ok $? "a header row named like import's columns"
rows=$(($(printf '%s\n' "$out" | wc -l) - 1))
[ "$rows" -gt 10 ]; ok $? "a row per shared seizure and alert ($rows)"
has "unsigned" "says standard output is unsigned"
"$CORDON" export csv --partner kh --since 2999-01-01 > "$T/none.csv" 2>"$T/none.err"
[ $? -eq 1 ] && [ ! -s "$T/none.csv" ]; ok $? "nothing to share: an error, and not a byte on standard output"
expect 0 "CSV to a file, signed" export csv --partner kh -o "$T/kh.csv"
openssl pkeyutl -verify -pubin -inkey "$T/key1.pem" -rawin -in "$T/kh.csv" -sigfile "$T/kh.csv.sig" >/dev/null 2>&1
ok $? "its signature verifies with stock openssl"
# A formula in a field stays text in a spreadsheet.
capture j --json list seizure --limit 1
s=$(printf '%s' "$j" | sed -n 's/.*"id":"\(S-[0-9]*\)".*/\1/p')
setup update "$s" <<<'{"commodity":{"category":"other","description":"=HYPERLINK(\"http://x.invalid\",\"click\")"},"tlp":"green"}'
setup rule run repeat-trader
expect 0 "CSV again" export csv --partner kh -o "$T/kh2.csv"
if grep -q 'HYPERLINK' "$T/kh2.csv"; then
	grep -q "\"'=HYPERLINK" "$T/kh2.csv" && ! grep -q '^=HYPERLINK\|,=HYPERLINK' "$T/kh2.csv"
	ok $? "a formula is written with a leading apostrophe"
else
	ok 0 "a formula is written with a leading apostrophe (the seizure is not shared)"
fi

# --- what left, in the audit trail -------------------------------------------------------
run --json export log --partner kh
has '"format":"stix"' "the export log lists the STIX export"
has '"format":"csv"' "and the CSV ones"
want=$(sha256sum "$T/kh.json" | cut -d' ' -f1)
has "$want" "with the SHA-256 of the file that left"
has '"max_tlp":"amber"' "and the policy it was made under"
run audit log
has "export" "each export is an audit entry"
has "partner-add" "as is each partner added"
expect 0 "audit verify" audit verify

# --- the key rotates; what it signed still checks ------------------------------------------
run key show --json
key1_id=$(printf '%s\n' "$out" | head -1 | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
expect 0 "key rotate" key rotate
has "the key it replaced, $key1_id, stays listed" "names the key it replaced ($key1_id)"
run key show
printf '%s\n' "$out" > "$T/key2.pem"
cmp -s "$T/key1.pem" "$T/key2.pem"; [ $? -ne 0 ]; ok $? "a new public key"
run key show --all
[ "$(printf '%s\n' "$out" | grep -c 'BEGIN PUBLIC KEY')" -eq 2 ]; ok $? "both keys are listed"
has "retired" "the old one as retired"
expect 0 "an export signed before still verifies" export verify "$T/kh.json"
expect 0 "a new export" export stix --partner kh -o "$T/kh4.json"
openssl pkeyutl -verify -pubin -inkey "$T/key2.pem" -rawin -in "$T/kh4.json" -sigfile "$T/kh4.json.sig" >/dev/null 2>&1
ok $? "is signed with the new key"
openssl pkeyutl -verify -pubin -inkey "$T/key1.pem" -rawin -in "$T/kh4.json" -sigfile "$T/kh4.json.sig" >/dev/null 2>&1
[ $? -ne 0 ]; ok $? "and not with the old"
expect 0 "audit verify after the rotation" audit verify

# --- a store without a key ----------------------------------------------------------------
mv "$CORDON_STORE/signing.key" "$T/kept.key"
expect 3 "no key: the export is refused" export stix --partner kh -o "$T/nokey.json"
has "cordon key rotate" "saying how to make one"
[ ! -e "$T/nokey.json" ]; ok $? "and nothing is written"
expect 3 "no key: CSV to standard output is refused too" export csv --partner kh
[ -z "$out" ]; ok $? "and not a row of it is written"
cp -a "$CORDON_STORE" "$T/nokey-store"
CORDON_STORE="$T/nokey-store" run key rotate
[ "$rc" -eq 0 ]; ok $? "key rotate on a store without a key makes its first"
has "the store had none to replace" "and says there was none to replace"
rm -rf "$T/nokey-store"
mv "$T/kept.key" "$CORDON_STORE/signing.key"

# --- killed while exporting: never a half file under the final name ----------------------------
start=$(date +%s%N)
setup export stix --partner kh -o "$T/calib.json"
ms=$((($(date +%s%N) - start) / 1000000))
bad=0 before=0 after=0
for i in $(seq 1 20); do
	rm -f "$T/crash.json" "$T/crash.json.sig"
	# Uniform over twice an export's time: some kills land before the
	# files are in place, some after.
	delay=$((RANDOM % (ms * 2 + 1)))
	kill_at "$delay" export stix --partner kh -o "$T/crash.json"
	if [ ! -e "$T/crash.json" ]; then
		before=$((before + 1))
	elif "$CORDON" export verify "$T/crash.json" >/dev/null 2>>"$T/verify.err"; then
		after=$((after + 1))
	else
		bad=$((bad + 1))
		echo "# round $i (kill at $delay ms): crash.json is there and does not verify"
	fi
done
[ "$bad" -eq 0 ]; ok $? "20 exports killed at random moments: no unverifiable file under the final name"
[ "$before" -gt 0 ] && [ "$after" -gt 0 ]; ok $? "kills landed before the rename ($before) and after ($after)"
expect 0 "audit verify after the kills" audit verify

# --- over the API -----------------------------------------------------------------------------
users sue:supervisor adm:admin
token STOK sue
token DTOK adm
token OTOK olga
start_server
URL="http://127.0.0.1:$PORT/api/v1"
req() {	# METHOD PATH TOKEN [curl args…]
	m=$1 p=$2 tok=$3
	shift 3
	status=$(curl -s -o "$T/body" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $tok" "$@" "$URL$p")
	out=$(cat "$T/body")
	err=
}
J=(-H "Content-Type: application/json")
req GET /partners "$OTOK"; [ "$status" = 403 ]; ok $? "an officer may not list partners ($status)"
req GET /partners "$KHTOK"; [ "$status" = 403 ]; ok $? "nor may a partner ($status)"
req GET /partners "$STOK"; [ "$status" = 200 ]; ok $? "a supervisor may ($status)"
has '"name":"kh"' "and sees them"
req POST /partners "$STOK" "${J[@]}" -d '{"name":"th","country":"TH","max_tlp":"green"}'
[ "$status" = 403 ]; ok $? "adding one takes an admin ($status)"
req POST /partners "$DTOK" "${J[@]}" -d '{"name":"th","country":"TH","max_tlp":"red"}'
[ "$status" = 422 ]; ok $? "a ceiling of red is refused ($status)"
has '"field":"max_tlp"' "naming the field"
req POST /partners "$DTOK" "${J[@]}" -d '{"name":"th","country":"TH","max_tlp":"green","colour":"blue"}'
[ "$status" = 422 ]; ok $? "an unknown policy member is refused ($status)"
req POST /partners "$DTOK" "${J[@]}" -d '{"name":"th","country":"TH","max_tlp":"green"}'
[ "$status" = 201 ]; ok $? "an admin adds a partner ($status)"
req PATCH /partners/th "$STOK" "${J[@]}" -d '{"profile":"nominal"}'
[ "$status" = 200 ]; ok $? "a supervisor changes its policy ($status)"
has '"profile":"nominal"' "to nominal"
req GET /partners/kh/preview?limit=2 "$STOK"
[ "$status" = 200 ]; ok $? "the preview of what kh would receive ($status)"
has '"label":' "records come with their display names"
has '"stats":' "and counts"
req GET "/partners/kh/preview?format=stix&limit=5" "$STOK"
[ "$status" = 200 ]; ok $? "the preview as STIX objects ($status)"
has '"type":"identity"' "starting with the producer"
req GET "/partners/kh/preview?limit=0" "$STOK"; [ "$status" = 400 ]; ok $? "a bad limit ($status)"
req GET /partners/nobody/preview "$STOK"; [ "$status" = 404 ]; ok $? "an unknown partner ($status)"
req POST /exports "$STOK" "${J[@]}" -d '{"partner":"kh","format":"rtf"}'
[ "$status" = 422 ]; ok $? "an unknown format ($status)"
req POST /exports "$OTOK" "${J[@]}" -d '{"partner":"kh","format":"stix"}'
[ "$status" = 403 ]; ok $? "an officer may not export ($status)"
req POST /exports "$STOK" "${J[@]}" -d '{"partner":"kh","format":"stix"}'
[ "$status" = 202 ]; ok $? "an export starts in the background ($status)"
job=$(printf '%s' "$out" | sed -n 's/.*"job":"\(job-[0-9a-f]*\)".*/\1/p')
for i in $(seq 1 600); do
	req GET "/exports/$job" "$STOK"
	case $out in *'"status":"running"'*) sleep 0.1 ;; *) break ;; esac
done
has '"status":"done"' "and is done"
seq=$(printf '%s' "$out" | sed -n 's/.*"href":"\/api\/v1\/exports\/\([0-9]*\)".*/\1/p')
req GET "/exports/$seq" "$STOK"
[ "$status" = 200 ]; ok $? "its record ($status)"
req GET "/exports/$seq/kh-stix.json" "$STOK" -o "$T/api.json"
curl -s -H "Authorization: Bearer $STOK" -o "$T/api.json" "$URL/exports/$seq/kh-stix.json"
curl -s -H "Authorization: Bearer $STOK" -o "$T/api.json.sig" "$URL/exports/$seq/kh-stix.json.sig"
openssl pkeyutl -verify -pubin -inkey "$T/key2.pem" -rawin -in "$T/api.json" -sigfile "$T/api.json.sig" >/dev/null 2>&1
ok $? "the downloaded bundle verifies with stock openssl"
req GET "/exports/$seq/..%2F..%2Fsigning.key" "$STOK" --path-as-is
[ "$status" = 404 ]; ok $? "no path out of the export ($status)"
req GET "/exports/job-0000000000000000" "$STOK"
[ "$status" = 404 ] && case $out in *"no such export job"*) true ;; *) false ;; esac; ok $? "an unknown export job ($status)"
# Two exports at once (as many as may run), each in its own place: each
# verifies when done.
wait_job() {	# JOB: its final status in $out
	for i in $(seq 1 600); do
		req GET "/exports/$1" "$STOK"
		case $out in *'"status":"running"'*) sleep 0.1 ;; *) break ;; esac
	done
}
jobs=()
for f in misp csv; do
	req POST /exports "$STOK" "${J[@]}" -d "{\"partner\":\"kh\",\"format\":\"$f\"}"
	jobs+=("$(printf '%s' "$out" | sed -n 's/.*"job":"\(job-[0-9a-f]*\)".*/\1/p')")
done
for k in 0 1; do
	f=$(echo misp csv | cut -d' ' -f$((k + 1)))
	wait_job "${jobs[$k]}"
	has '"status":"done"' "the $f export started beside another is done"
	seq=$(printf '%s' "$out" | sed -n 's/.*"href":"\/api\/v1\/exports\/\([0-9]*\)".*/\1/p')
	case $f in
	misp) p="$CORDON_STORE/exports/$seq"; mseq=$seq ;;
	csv) p="$CORDON_STORE/exports/$seq/kh-csv.csv" ;;
	esac
	"$CORDON" export verify "$p" >/dev/null 2>>"$T/verify.err"
	ok $? "and verifies ($f, export $seq)"
done
ls "$CORDON_STORE/exports" | grep -q '^job-'; [ $? -ne 0 ]; ok $? "no job's working directory is left"
req POST /exports "$STOK" "${J[@]}" -d '{"partner":"nobody","format":"csv"}'
job=$(printf '%s' "$out" | sed -n 's/.*"job":"\(job-[0-9a-f]*\)".*/\1/p')
for i in $(seq 1 600); do
	req GET "/exports/$job" "$STOK"
	case $out in *'"status":"running"'*) sleep 0.1 ;; *) break ;; esac
done
has '"status":"failed"' "an export for an unknown partner fails"
has 'no partner nobody' "saying why"
req GET /exports "$STOK"
has '"partner":"kh"' "the API lists what was exported"
printf '%s' "$out" > "$T/log.json"
req GET "/exports/$mseq" "$STOK"
printf '%s' "$out" > "$T/feed.json"
python3 - "$T/log.json" "$T/feed.json" "$mseq" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))["items"]
whole = json.load(open(sys.argv[2]))
e = [x for x in log if x["seq"] == int(sys.argv[3])][0]
names = [f["name"] for f in e["files"]]
top = all(n.startswith("SHA256SUMS") or ".checkpoint.json" in n or n in ("manifest.json", "hashes.csv") for n in names)
sys.exit(0 if top and "SHA256SUMS" in names and e["file_count"] == len(whole["files"]) > len(names) + 1 else 1)
PY
ok $? "a feed in the list shows its top-level files and how many it has in all; its own record lists them all"
req GET "/exports/$seq" "$STOK"
has "\"href\":\"/api/v1/exports/$seq\"" "an export made through the API has its files here to download"
req GET /exports/1 "$STOK"
[ "$status" = 200 ]; ok $? "an export made with cordon export is listed ($status)"
lacks '"href"' "without a place to download its files from"
stop_server
expect 0 "audit verify at the end" audit verify

done_testing
