#!/bin/bash
# misp.sh - the MISP feed as a partner's MISP instance would take it: for a
# non-nominal and a nominal partner, a feed check-misp.py finds valid
# (manifest and event files agree, templates, relationships, hashes.csv)
# and check-redaction.py finds nothing withheld in; SHA256SUMS checked by
# sha256sum, stock OpenSSL and `cordon export verify`, a flipped byte
# caught; the same state giving the same bytes; a changed record giving
# its events a later timestamp, even within the second of the last feed,
# while the other events keep theirs; a non-empty directory refused with
# nothing written; the export in the audit trail.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

FIX="$TESTS_DIR/partners"
CHECK="$TESTS_DIR/tools/check-misp.py"

run --json init
uuid=$(printf '%s' "$out" | sed -n 's/.*"uuid":"\([^"]*\)".*/\1/p')
[ -n "$uuid" ]; ok $? "a store ($uuid)"
expect 0 "a rule that raises an alert per seizure" rule add "$FIX/share-all.lua"
expect 0 "people, companies, conveyances, seizures and links at every TLP" \
    import "$FIX/records.jsonl"
# An alert is marked at least as high as what it names (a red person
# makes it red); analysts mark them down as redaction.sh does.
for a in A-1:green A-2:amber A-3:amber A-4:clear A-5:amber+strict A-6:green; do
	setup update "${a%%:*}" <<<"{\"tlp\":\"${a#*:}\"}"
done
setup export-json "$T/all.jsonl"
ok $? "every record, for the redaction check"
expect 0 "a non-nominal partner with two cases" \
    partner add kh --country KH --max-tlp amber --cases C-1,C-2
expect 0 "a nominal one" \
    partner add kh-nominal --country KH --max-tlp amber --profile nominal --cases C-1,C-2

# manifest FEED: "UUID TIMESTAMP" per event, sorted.
manifest() {
	python3 -c 'import json, sys
for u, e in sorted(json.load(open(sys.argv[1] + "/manifest.json")).items()):
    print(u, e["timestamp"])' "$1"
}
# events_with FEED RECORD: the event files holding an object of RECORD.
events_with() {
	grep -l "\"comment\":\"cordon $2\"" "$1"/*-*.json | xargs -n1 basename | sort
}

# --- a valid feed for each profile -------------------------------------------------------------
for p in kh kh-nominal; do
	run --json export misp --partner "$p" -o "$T/$p"
	[ "$rc" -eq 0 ]; ok $? "$p: exported"
	groups=$(printf '%s' "$out" | sed -n 's/.*"groups":\([0-9]*\).*/\1/p')
	objects=$(printf '%s' "$out" | sed -n 's/.*"objects":\([0-9]*\).*/\1/p')
	[ "$(manifest "$T/$p" | wc -l)" -eq "$groups" ] && [ "$groups" -ge 5 ]
	ok $? "$p: an event per alert and case ($groups)"
	nobj=$(python3 -c 'import json, glob, sys
print(sum(len(json.load(open(f))["Event"]["Object"]) for f in glob.glob(sys.argv[1] + "/*-*.json")))' "$T/$p")
	[ "$nobj" -eq "$objects" ]; ok $? "$p: the audit record counts its $objects objects"
	python3 "$CHECK" "$T/$p" > "$T/check" 2>&1
	st=$?
	ok $st "$p: check-misp.py finds it valid ($(tail -1 "$T/check"))"
	[ $st -eq 0 ] || head -5 "$T/check" | sed 's/^/#   /'
	case $p in
	kh) expect=(--expect-id S-1 --expect 9074729 --expect CMAU4244930) ;;
	*) expect=(--expect-id S-1 --expect "Nguyễn Văn Hùng" --expect N4175316) ;;
	esac
	profile=non-nominal
	[ "$p" = kh-nominal ] && profile=nominal
	python3 "$TESTS_DIR/tools/check-redaction.py" --records "$T/all.jsonl" --store-uuid "$uuid" \
	    --profile "$profile" --ceiling amber "${expect[@]}" "$T/$p" > "$T/check" 2>&1
	st=$?
	ok $st "$p: nothing withheld in any byte ($(tail -1 "$T/check"))"
	[ $st -eq 0 ] || head -5 "$T/check" | sed 's/^/#   /'
done
grep -q '"full-name"' "$T"/kh/*-*.json
[ $? -ne 0 ]; ok $? "kh: no person's name (non-nominal)"
grep -q '"value":"person E-1 (name withheld)"' "$T"/kh/*-*.json
ok $? "kh: people are known by their label"
grep -q '"object_relation":"full-name","type":"full-name","category":"Person","value":"Nguyễn Văn Hùng"' \
    "$T"/kh-nominal/*-*.json
ok $? "kh-nominal: a person's full name"

# --- it checks ---------------------------------------------------------------------------------
F="$T/kh"
(cd "$F" && sha256sum -c --quiet SHA256SUMS) >/dev/null 2>&1
ok $? "sha256sum -c SHA256SUMS"
[ "$(wc -l < "$F/SHA256SUMS")" -eq "$(ls "$F" | grep -cv '^SHA256SUMS')" ]
ok $? "SHA256SUMS lists every file"
capture key key show
printf '%s\n' "$key" > "$T/key.pem"
openssl pkeyutl -verify -pubin -inkey "$T/key.pem" -rawin -in "$F/SHA256SUMS" \
    -sigfile "$F/SHA256SUMS.sig" >/dev/null 2>&1
ok $? "stock openssl verifies SHA256SUMS.sig"
expect 0 "cordon export verify" export verify "$F"
has "unchanged" "says it is unchanged"
cp -r "$F" "$T/flip"
victim=$(ls "$T/flip" | grep -- '-.*\.json$' | head -1)
python3 -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 0x20
open(sys.argv[1], "wb").write(b)' "$T/flip/$victim"
expect 1 "a flipped byte in an event file fails cordon export verify" export verify "$T/flip"
has "$victim" "naming the file"
python3 "$CHECK" "$T/flip" > "$T/check" 2>&1
[ $? -ne 0 ]; ok $? "and check-misp.py (integrity:sha256)"

# --- check-misp.py fails on a broken feed --------------------------------------------------------
cp -r "$F" "$T/broken"
ev=$(ls "$T/broken" | grep -- '-.*\.json$' | head -1)
python3 - "$T/broken" "$ev" <<'PY'
import json, sys
d, name = sys.argv[1], sys.argv[2]
doc = json.load(open("%s/%s" % (d, name)))
ev = doc["Event"]
ev["Tag"].append({"name": "tlp:green", "colour": "#339900"})
o = ev["Object"][1]
o["template_version"] = "0"
o["Attribute"].append(dict(o["Attribute"][0], uuid="00000000-0000-5000-8000-000000000001",
                           object_relation="no-such-attribute"))
o["Attribute"][0]["type"] = "url"
o["ObjectReference"].append({"uuid": "00000000-0000-5000-8000-000000000002",
                             "object_uuid": o["uuid"], "relationship_type": "smuggles",
                             "referenced_uuid": "00000000-0000-5000-8000-000000000003",
                             "timestamp": "1", "comment": "", "deleted": False})
json.dump(doc, open("%s/%s" % (d, name), "w"))
with open(d + "/hashes.csv", "a") as f:
    f.write("0123456789abcdef0123456789abcdef,%s\n" % ev["uuid"])
PY
python3 "$CHECK" "$T/broken" > "$T/check" 2>&1
[ $? -ne 0 ]; ok $? "check-misp.py fails a broken feed"
for what in "2 tlp: tags" "template_version" "not an attribute of template" "the template says" \
    "relationship_type 'smuggles'" "not an object of this event" "integrity:sha256" \
    "is no attribute value"; do
	grep -q -- "$what" "$T/check"; ok $? "naming the problem: $what"
done
rm "$T/broken/manifest.json"
python3 "$CHECK" "$T/broken" > "$T/check" 2>&1
[ $? -ne 0 ]; ok $? "and a feed without its manifest"

# --- the same state, the same bytes --------------------------------------------------------------
expect 0 "export again from the same state" export misp --partner kh -o "$T/kh2"
diff -rq "$F" "$T/kh2" > "$T/diff" 2>&1
st=$?
ok $st "byte-identical files, signature included"
[ $st -eq 0 ] || head -5 "$T/diff" | sed 's/^/#   /'

# --- a change: later timestamps for its events, the same for the others ---------------------------
touched=$(events_with "$F" S-4)
[ -n "$touched" ]; ok $? "S-4 is in events: $(echo $touched)"
patch_s4() {	# a new quantity: content a partner receives
	setup update S-4 - <<<"{\"quantity\":{\"amount\":$1,\"unit\":\"kg\"}}"
}
# Once a record changed in the second of a feed, MISP must still see a
# later timestamp: start at the top of a second, change S-4, export,
# change it again and export, all within one second if the machine allows.
same=0
for try in 1 2 3 4 5; do
	python3 -c 'import time; time.sleep(1 - time.time() % 1 + 0.01)'
	patch_s4 $((20 + 2 * try))
	capture j --json get S-4
	v1=$(printf '%s' "$j" | sed -n 's/.*"updated_at":"\([^"]*\)".*/\1/p')
	rm -rf "$T/a" "$T/b"
	setup export misp --partner kh -o "$T/a"
	patch_s4 $((21 + 2 * try))
	capture j --json get S-4
	v2=$(printf '%s' "$j" | sed -n 's/.*"updated_at":"\([^"]*\)".*/\1/p')
	setup export misp --partner kh -o "$T/b"
	[ -n "$v1" ] && [ "$v1" = "$v2" ] && { same=1; break; }
done
echo "# S-4 changed twice within one second: $([ $same = 1 ] && echo yes || echo no, the machine is slow)"
manifest "$F" > "$T/m0"
manifest "$T/a" > "$T/ma"
manifest "$T/b" > "$T/mb"
later=1 kept=1 objs=1
for e in $(ls "$F" | grep -- '-.*\.json$'); do
	u=${e%.json}
	t0=$(grep "^$u " "$T/m0" | cut -d' ' -f2)
	ta=$(grep "^$u " "$T/ma" | cut -d' ' -f2)
	tb=$(grep "^$u " "$T/mb" | cut -d' ' -f2)
	if printf '%s\n' $touched | grep -qx "$e"; then
		[ "$ta" -gt "$t0" ] && [ "$tb" -gt "$ta" ] || {
			later=0; echo "# $e: $t0, $ta, $tb"; }
		# MISP keeps an object whose timestamp did not grow.
		python3 - "$T/a/$e" "$T/b/$e" <<'PY' || objs=0
import json, sys
def s4(path):
    ev = json.load(open(path))["Event"]
    o = [o for o in ev["Object"] if o["comment"] == "cordon S-4"][0]
    return int(o["timestamp"]), {int(a["timestamp"]) for a in o["Attribute"]}
(oa, aa), (ob, ab) = s4(sys.argv[1]), s4(sys.argv[2])
sys.exit(0 if ob > oa and min(ab) > max(aa) else 1)
PY
	else
		[ "$ta" = "$t0" ] && [ "$tb" = "$t0" ] && cmp -s "$F/$e" "$T/b/$e" || {
			kept=0; echo "# $e: $t0, $ta, $tb"; }
	fi
done
[ $later = 1 ]; ok $? "the events holding S-4 have a later timestamp after each change"
[ $objs = 1 ]; ok $? "and so do S-4's object and its attributes"
[ $kept = 1 ]; ok $? "the other events keep theirs, byte for byte"
python3 "$CHECK" "$T/b" > "$T/check" 2>&1
ok $? "the changed feed is valid ($(tail -1 "$T/check"))"
expect 0 "the nominal partner's feed is still the same but for S-4" \
    export misp --partner kh-nominal -o "$T/kh-nominal2"
nchanged=$(diff -rq "$T/kh-nominal" "$T/kh-nominal2" | grep -cE '/[0-9a-f-]{36}\.json ')
[ "$nchanged" -eq "$(events_with "$T/kh-nominal" S-4 | wc -l)" ]
ok $? "its events change only where S-4 is ($nchanged)"

# --- nothing written on error ----------------------------------------------------------------------
mkdir -p "$T/busy"
echo keep > "$T/busy/notes.txt"
capture j export log
before=$(printf '%s' "$j" | grep -c .)
expect 1 "an existing non-empty directory is refused" export misp --partner kh -o "$T/busy"
has "not empty" "says it is not empty"
[ "$(ls "$T/busy")" = notes.txt ] && [ "$(cat "$T/busy/notes.txt")" = keep ]
ok $? "and leaves it as it was"
ls -d "$T"/busy.export-* >/dev/null 2>&1
[ $? -ne 0 ]; ok $? "with no temporary directory beside it"
capture j export log
[ "$(printf '%s' "$j" | grep -c .)" -eq "$before" ]; ok $? "and no export recorded ($before before)"
mkdir -p "$T/empty"
expect 0 "an existing empty directory is taken" export misp --partner kh -o "$T/empty"
expect 3 "an unknown partner" export misp --partner nobody -o "$T/none"
[ ! -e "$T/none" ]; ok $? "writes nothing"

# --- the audit trail --------------------------------------------------------------------------------
expect 0 "export log" export log --partner kh
has "misp" "lists the MISP feeds"
run --json audit log --limit 0
has '"op":"export"' "the audit trail has the exports"
expect 0 "audit verify" audit verify

done_testing
