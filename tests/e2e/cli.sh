#!/bin/bash
# cli.sh - the command as a user drives it: every command, --help, --json,
# the exit codes of the contract, and bad input.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

# --- no store yet ---
expect 1 "a command on a missing store fails" list case
has "not a cordon store" "and says why"
[ ! -e "$CORDON_STORE" ]; ok $? "and creates nothing"
case "$err" in cordon:*) ok 0 "errors start with 'cordon: '" ;; *) ok 1 "errors start with 'cordon: '" ;; esac
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; ok $? "error is one line"

# --- help and usage ---
expect 0 "cordon --help" --help
for c in init demo add get update delete list link graph search import export-json audit; do
	expect 0 "$c --help" "$c" --help
	has "usage: cordon $c" "$c --help shows usage"
done
expect 0 "--version" --version
has "cordon " "version printed"
expect 2 "unknown command is a usage error" frobnicate
expect 2 "add without kind is a usage error" add
expect 2 "unknown option is a usage error" list case --colour
expect 2 "unknown kind" add spaceship

# --- init ---
expect 0 "init" init
has "created store" "init reports the store"
expect 1 "init twice is refused" init
has "is a cordon store already" "and says why"

# --- add / get ---
echo '{"title":"Heroin in blower consignment","office":"Noi Bai International Airport Customs"}' > "$T/c.json"
expect 0 "add case from a file" add case -f "$T/c.json"
[ "$out" = "C-1" ]; ok $? "add prints the new id"
echo '{"title":"Ivory in cashew nuts"}' | "$CORDON" add case >/dev/null; ok $? "add case from stdin"
expect 0 "get" get C-1
has "Heroin in blower consignment" "get shows the title"
expect 0 "get --json" get C-1 --json
printf '%s' "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["id"]=="C-1" and r["version"]==1 and r["tlp"]=="amber"' 2>/dev/null
ok $? "get --json is the record's JSON"
expect 3 "get of a missing id is exit 3" get C-99
expect 2 "get of a malformed id is a usage error" get banana
has "'banana' is not a record id" "and says what an id looks like"

# --- validation errors name the field ---
echo '{"title":"x","titel":"y"}' > "$T/bad.json"
expect 1 "unknown field is rejected" add case -f "$T/bad.json"
has "titel: unknown field" "error names the field"
echo '{"case":"C-1","occurred_at":"2024-05-12","commodity":{"category":"ivory"}}' > "$T/bad.json"
expect 1 "bad enum is rejected" add seizure -f "$T/bad.json"
has "commodity.category" "error names the dotted field"
echo '{"type":"vessel","name":"Ocean Star","identifiers":{"imo":"9074728"}}' > "$T/bad.json"
expect 1 "bad IMO check digit" add entity -f "$T/bad.json"
has "identifiers.imo: check digit" "error names the IMO check"
echo '{not json' > "$T/bad.json"
expect 1 "malformed JSON" add case -f "$T/bad.json"
expect 1 "missing input file" add case -f "$T/nope.json"
expect 0 "nothing was created by the failures" list case
[ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ]; ok $? "still two cases"

# --- seizures, entities, links ---
cat > "$T/s.json" <<'J'
{"case":"C-1","occurred_at":"2024-05-12T08:30:00Z","commodity":{"category":"narcotics","description":"heroin"},
 "quantity":{"amount":2.8,"unit":"kg"},"location":{"country":"VN","place":"Noi Bai","type":"airport"},"transport_mode":"air"}
J
expect 0 "add seizure" add seizure -f "$T/s.json"
setup add entity <<<'{"type":"person","name":"Nguyễn Văn Hùng","born_on":"1979-04-02"}'
setup add entity <<<'{"type":"company","name":"Công ty TNHH Minh Phát"}'
expect 0 "link" link E-2 S-1 consignee_of
[ "$out" = "L-1" ]; ok $? "link prints its id"
expect 0 "link person to company" link E-1 E-2 director_of
expect 1 "link to a missing record" link E-1 E-99 associate_of
has "no record E-99" "and names it"
expect 1 "link with a bad type" link E-1 E-2 friend_of

# --- list ---
expect 0 "list seizure --where" list seizure --where commodity.category=narcotics
has "S-1" "where finds the seizure"
expect 0 "list --json is JSON Lines" list entity --json
[ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ]; ok $? "two entities, one line each"
expect 0 "list --since/--until" list seizure --since 2024-05-01 --until 2024-05-31
has "S-1" "in range"
expect 0 "list outside the range" list seizure --since 2025-01-01
[ -z "$out" ]; ok $? "nothing outside the range"
expect 2 "bad --since date is a usage error" list seizure --since 2024-13-01
expect 2 "unknown --where field is a usage error" list seizure --where colour=red
expect 2 "bad --where" list seizure --where nonsense
expect 0 "list --limit" list case --limit 1
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]; ok $? "limit 1 gives one"
expect 0 "list --count" list seizure --where commodity.category=narcotics --where transport_mode=air --since 2024-05-12 --until 2024-05-12 --count
[ "$out" = 1 ]; ok $? "--count counts the seizure that meets all four conditions"
expect 0 "list --count, none" list seizure --where commodity.category=narcotics --where transport_mode=sea --count
[ "$out" = 0 ]; ok $? "and none for a mode it does not have"
expect 0 "list --count --json" list entity --count --json
[ "$out" = '{"count":2}' ]; ok $? "--json gives the count as JSON"
expect 2 "--count with --limit is a usage error" list seizure --count --limit 5

# --- search ---
expect 0 "search without diacritics" search nguyen van hung
has "Nguyễn Văn Hùng" "finds the Vietnamese name"
expect 0 "search a company" search "minh phat"
has "E-2" "finds the company"

# --- graph ---
expect 0 "graph --depth 2" graph E-1 --depth 2
has "S-1" "two hops reach the seizure"
has "3 records, 2 links" "counts nodes and links"
expect 0 "graph --json" graph E-1 --depth 1 --json
printf '%s' "$out" | python3 -c 'import json,sys; g=json.load(sys.stdin); assert len(g["nodes"])==2 and len(g["links"])==1' 2>/dev/null
ok $? "graph --json has nodes and links"
expect 3 "graph of a missing record" graph E-99
expect 2 "graph with a bad depth" graph E-1 --depth x

# --- update ---
echo '{"status":"investigating"}' > "$T/p.json"
expect 0 "update --if-version 1" update C-1 -f "$T/p.json" --if-version 1
has "version 2" "version now 2"
expect 4 "stale --if-version exits 4" update C-1 -f "$T/p.json" --if-version 1
expect 3 "update of a missing record exits 3" update C-99 -f "$T/p.json"
expect 1 "invalid patch exits 1" update C-1 <<<'{"status":"finished"}'

# --- delete ---
expect 1 "delete refused while linked" delete E-2
has "still linked" "and says why"
expect 0 "delete a link" delete L-1
expect 0 "delete a case without seizures" delete C-2
expect 3 "delete again is not found" delete C-2

# --- audit ---
expect 0 "audit log" audit log
has "create" "log shows creates"
expect 0 "audit verify" audit verify
has "intact" "chain intact"

# --- export ---
expect 0 "export-json" export-json
printf '%s\n' "$out" | sed -n 's/.*"id": *"\([A-Z]-[0-9]*\)".*/\1/p' | sort > "$T/exported"
: > "$T/live"
for k in case seizure entity route link; do
	capture j list "$k" --json --limit 1000
	printf '%s\n' "$j" | sed -n 's/.*"id": *"\([A-Z]-[0-9]*\)".*/\1/p' >> "$T/live"
done
sort -o "$T/live" "$T/live"
[ -s "$T/live" ] && cmp -s "$T/exported" "$T/live" && ! grep -qx 'C-2\|L-1' "$T/exported"
ok $? "export has every live record, and no deleted one ($(tr '\n' ' ' < "$T/exported"))"

# --- names and identifiers compare as their indexes do ---
setup add entity <<<'{"type":"vessel","name":"Ocean Star","identifiers":{"imo":"IMO 9074729"}}'
setup add entity <<<'{"type":"account","name":"Acct","identifiers":{"iban":"GB82 WEST 1234 5698 7654 32"}}'
expect 0 "--where on an IMO number without its IMO" list entity --where identifiers.imo=9074729
has "Ocean Star" "finds the vessel stored as 'IMO 9074729'"
expect 0 "search an IBAN typed without spaces" search GB82WEST12345698765432
has "Acct" "finds the account stored with spaces"
expect 0 "--where on a name, without diacritics or case" list entity --where "name=NGUYEN  van hung"
has "Nguyễn Văn Hùng" "finds the name"
expect 0 "--where on a name that is not there" list entity --where "name=nguyen van"
[ -z "$out" ]; ok $? "a part of a name is not the name"

# --- input: - for standard input, a file after the kind or id ---
echo '{"title":"From stdin"}' > "$T/c2.json"
expect 0 "add case - reads standard input" add case - < "$T/c2.json"
expect 0 "add case FILE" add case "$T/c2.json"
echo '{"status":"referred"}' | "$CORDON" update C-1 - >/dev/null; ok $? "update ID - reads standard input"
printf '' > "$T/empty.json"
expect 1 "empty input" add case -f "$T/empty.json"
has "no JSON object (it is empty)" "says the input is empty"
printf '\357\273\277{"title":"With a byte order mark"}' > "$T/bom.json"
expect 0 "input with a byte order mark" add case -f "$T/bom.json"
printf '{"title":"a\\u0000b"}' > "$T/nul.json"
expect 1 "a NUL in a string" add case -f "$T/nul.json"
has "NUL character" "says so plainly"

# --- text fields: one line unless meant for prose, no control characters ---
printf '{"title":"two\\nlines"}' > "$T/nl.json"
expect 1 "a line break in a title" add case -f "$T/nl.json"
has "title: must be one line" "is refused"
printf '{"title":"ok","summary":"two\\nlines\\tand a tab"}' > "$T/nl.json"
expect 0 "line breaks and tabs in a summary" add case -f "$T/nl.json"
printf '{"title":"a\\u007fb"}' > "$T/del.json"
expect 1 "DEL in a title" add case -f "$T/del.json"
printf '{"title":"a\\u009bb"}' > "$T/c1.json"
expect 1 "a C1 control character in a title" add case -f "$T/c1.json"
has "control character" "is refused"

# --- instants and order across fields ---
printf '{"case":"C-1","occurred_at":"2024-05-12t08:30:00z","commodity":{"category":"tobacco"}}' > "$T/lc.json"
expect 0 "a date-time with lower-case t and z" add seizure -f "$T/lc.json" --json
has '"occurred_at": "2024-05-12T08:30:00Z"' "is stored as 2024-05-12T08:30:00Z"
expect 1 "a link that ends before it begins" link E-1 E-2 associate_of --since 2024-05-01 --until 2024-04-01
has "until: 2024-04-01 is before since 2024-05-01" "names the field and both dates"
printf '{"legs":[{"from":{"country":"KE"},"to":{"country":"VN"},"departed_at":"2024-05-10","arrived_at":"2024-05-01"}]}' > "$T/r.json"
expect 1 "a leg that arrives before it departs" add route -f "$T/r.json"
has "legs[0].arrived_at" "names the leg and the field"

# --- a patch that changes nothing ---
capture j get C-1 --json
v_before=$(printf '%s' "$j" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
setup update C-1 <<<'{}'
setup update C-1 <<<'{"status":"referred"}'
capture j get C-1 --json
v_after=$(printf '%s' "$j" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
[ -n "$v_before" ] && [ "$v_before" = "$v_after" ]; ok $? "patches that change nothing keep the version ($v_before, $v_after)"

# --- links of a record; free fields in --where ---
expect 0 "list link --linked" list link --linked E-1
has "L-2" "the links touching E-1"
setup add case <<<'{"title":"With attributes","attributes":{"operation":"lotus"}}'
expect 0 "--where on an attribute" list case --where attributes.operation=lotus
has "With attributes" "finds the case"

# --- import from standard input ---
printf '{"kind":"case","title":"Piped in"}\n' > "$T/in.jsonl"
expect 0 "import - reads standard input" import - < "$T/in.jsonl"
has "imported standard input: 1 case" "and says what it made"

# --- --store and CORDON_STORE ---
expect 1 "--store to a non-store" --store "$T/elsewhere" list case
[ ! -e "$T/elsewhere" ]; ok $? "nothing created there"
expect 0 "--store after the command" list case --store "$CORDON_STORE" --limit 1
expect 2 "--store without a directory" list case --store
has "--store needs a directory" "says what is missing"
expect 2 "--store with an empty name" list case --store=
expect 0 "--json before the command" --json list case --limit 1
printf '%s' "$out" | python3 -c 'import json,sys; json.loads(sys.stdin.readline())' 2>/dev/null
ok $? "is JSON"
CORDON_USER="$(printf 'a\033[31mb')" "$CORDON" add case - < "$T/c2.json" 2>"$T/uerr"
grep -q "a?\[31mb" "$T/uerr"; ok $? "control characters in a message are shown as ?"

# --- demo: a sample, the shipped rules' alerts, and a user for the web UI ---
expect 0 "demo on a new store" --store "$T/demo" --json demo
pw=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["web"]["password"])')
[ ${#pw} -ge 12 ]; ok $? "it gives the web UI's password"
capture j --store "$T/demo" --json alert list
na=$(printf '%s\n' "$j" | grep -c "\"rule\":")
[ "$na" -gt 10 ]; ok $? "the shipped rules raised alerts over the sample ($na)"
CORDON_STORE="$T/demo" start_server
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"user\":\"demo\",\"password\":\"$pw\"}" "http://127.0.0.1:$PORT/api/v1/login")
[ "$status" = 200 ]; ok $? "the demo user signs in with it ($status)"
stop_server
expect 0 "demo again" --store "$T/demo" demo
has "already holds records" "keeps the store as it is"
lacks "$pw" "and gives a new password"

done_testing
