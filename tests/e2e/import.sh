#!/bin/bash
# import.sh - bulk import as a user drives it: JSON Lines with @refs in
# both directions, CSV seizures, bad files (all or nothing, every bad line
# reported), and export-json re-importing to an identical store.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init

# --- JSON Lines, the contract's example plus a forward reference ---
cat > "$T/a.jsonl" <<'J'
{"kind":"link","from":"@e1","to":"@s1","type":"consignee_of"}
{"kind":"case","ref":"c1","title":"Heroin in blower consignment"}
{"kind":"seizure","ref":"s1","case":"@c1","occurred_at":"2022-05-12","commodity":{"category":"narcotics","description":"heroin"},"quantity":{"amount":2.8,"unit":"kg"}}

{"kind":"entity","ref":"e1","type":"company","name":"Công ty TNHH Minh Phát"}
J
expect 0 "import JSON Lines with forward and backward refs" import "$T/a.jsonl"
has "1 case" "reports cases created"
has "1 seizure" "reports seizures created"
has "1 link" "reports links created"
expect 0 "the link points at the new ids" get L-1 --json
has '"from": "E-1"' "from resolved"
has '"to": "S-1"' "to resolved"
expect 0 "search finds the imported company" search minh phat
has "E-1" "imported names are indexed"

# --- a bad file changes nothing and lists every bad line ---
cat > "$T/bad.jsonl" <<'J'
{"kind":"case","ref":"c1","title":"Good case"}
{"kind":"seizure","case":"@c1","occurred_at":"2022-13-40","commodity":{"category":"narcotics"}}
{"kind":"seizure","case":"@nope","occurred_at":"2022-05-12","commodity":{"category":"narcotics"}}
not json at all
{"kind":"spaceship","name":"x"}
{"kind":"case","title":"typo","staus":"open"}
{"kind":"entity","type":"vessel","name":"Ocean Star","identifiers":{"imo":"1234568"}}
J
store_state "$T/before"
expect 1 "a file with bad lines fails" import "$T/bad.jsonl"
has "2: occurred_at" "line 2: bad date named"
has "3: case" "line 3: unknown ref named"
has "4: " "line 4: not JSON reported"
has "5: kind" "line 5: unknown kind named"
has "6: staus" "line 6: unknown field named"
has "7: identifiers.imo" "line 7: IMO check digit named"
lacks "1: " "the good line is not reported"
store_state "$T/after"
cmp -s "$T/before" "$T/after"; ok $? "nothing of the bad file was written (every record, and the audit trail, as before)"
expect 0 "audit still verifies" audit verify

# --- CSV seizures ---
cat > "$T/s.csv" <<'C'
case,occurred_at,commodity.category,commodity.description,quantity.amount,quantity.unit,location.country,transport_mode,tags
C-1,2024-03-01,narcotics,"methamphetamine, crystal",12.5,kg,VN,air,joint-op;priority
Pangolin scales at Hai Phong,2024-03-02,wildlife,pangolin scales,1400,kg,VN,sea,
Pangolin scales at Hai Phong,2024-03-05,wildlife,"scales in ""cashew"" bags",600,kg,VN,sea,
C
expect 0 "import CSV" import "$T/s.csv"
has "1 case" "one new case from the title"
has "3 seizures" "three seizures"
expect 0 "CSV rows landed" list seizure --where case=C-2 --json
[ "$(printf '%s\n' "$out" | grep -c .)" -eq 2 ]; ok $? "two seizures in the new case"
has 'scales in \"cashew\" bags' "quoted CSV field with escaped quotes"
expect 0 "tags from CSV" list seizure --tag priority
has "S-2" "tag split on ;"
printf 'case,occurred_at,commodity.category,quantity.amount\nC-1,2024-03-01,narcotics,lots\nC-1,2024-03-01,narcotics,3\nC-1,2024-03-01,gold,3\n' > "$T/bad.csv"
expect 1 "bad CSV fails" import "$T/bad.csv"
has "2: quantity.amount" "CSV line 2: number named"
has "4: commodity.category" "CSV line 4: enum named"

# --- export and re-import ---
setup link E-1 C-2 involved_in
expect 0 "export-json to a file" export-json "$T/export.jsonl"
total=$(wc -l < "$T/export.jsonl")
[ "$total" -eq 9 ]; ok $? "export holds every record ($total)"
export CORDON_STORE="$T/copy"
setup init
expect 0 "re-import the export into a new store" import "$T/export.jsonl"
capture j export-json
printf '%s\n' "$j" > "$T/export2.jsonl"
cmp -s "$T/export.jsonl" "$T/export2.jsonl"; ok $? "the re-imported store exports identically"
if ! cmp -s "$T/export.jsonl" "$T/export2.jsonl"; then diff "$T/export.jsonl" "$T/export2.jsonl" | head -6 | sed 's/^/#   /'; fi

# --- files that are not there or not importable ---
expect 1 "missing file" import "$T/nope.jsonl"
printf '' > "$T/empty.jsonl"
expect 0 "empty file imports nothing" import "$T/empty.jsonl"
has "nothing" "and says so"
done_testing
