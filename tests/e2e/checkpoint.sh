#!/bin/bash
# checkpoint.sh - signed checkpoints of the audit trail: made with the
# store's key or a supervisor's key kept elsewhere, checked by
# `audit verify --checkpoint`; a record edited behind cordon's back with
# the trail re-chained after it passes `audit verify` alone but not
# against a checkpoint, which names the first entry that differs; every
# signed partner export carries a checkpoint beside it.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"
STORE_EDIT=${STORE_EDIT:-$(pwd)/tests/tools/store-edit}

setup init
expect 1 "an empty trail has nothing to checkpoint" audit checkpoint -o "$T/empty.json"
has "nothing to witness" "says so"
[ ! -e "$T/empty.json" ]; ok $? "and writes nothing"
expect 2 "checkpoint needs -o" audit checkpoint

for t in Pangolin Rosewood Ivory; do setup add case <<<"{\"title\":\"$t\"}"; done
setup update C-1 <<<'{"notes":"opened at the port"}'
setup update C-2 <<<'{"notes":"sent on"}'

# --- making them -------------------------------------------------------------------------
expect 0 "a checkpoint signed with the store's key" audit checkpoint -o "$T/store.cp"
has "audit entry 5" "of the trail's head"
expect 1 "into a directory that is not there: refused" key generate -o "$T/media/sup.key"
mkdir -p "$T/media"
expect 0 "a supervisor's key on the 'removable media'" key generate -o "$T/media/sup.key"
has "BEGIN PUBLIC KEY" "prints its public key"
printf '%s\n' "$out" | sed -n '/BEGIN/,/END/p' > "$T/sup.pub"
[ "$(stat -c %a "$T/media/sup.key")" = 600 ]; ok $? "the private key is mode 0600"
expect 1 "an existing key is never overwritten" key generate -o "$T/media/sup.key"
expect 0 "a checkpoint signed with the supervisor's key" audit checkpoint --key "$T/media/sup.key" -o "$T/sup.cp"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); sys.exit(not(c["checkpoint"]["seq"] == 5 and len(c["checkpoint"]["marks"]) == 5 and len(c["signature"]) == 128))' "$T/sup.cp"
ok $? "it holds the head, a mark per entry and a signature"

# --- checking them ----------------------------------------------------------------------
setup update C-3 <<<'{"notes":"later"}'
expect 0 "the trail extends both (supervisor's public key given)" audit verify --checkpoint "$T/store.cp" --checkpoint "$T/sup.cp" --key "$T/sup.pub"
has "it extends checkpoint $T/sup.cp (entry 5" "says so for each"
expect 0 "the private key file does as well as the public one" audit verify --checkpoint "$T/sup.cp" --key "$T/media/sup.key"
expect 1 "a checkpoint signed by a key nobody vouched for" audit verify --checkpoint "$T/sup.cp"
has "neither the store's nor given with --key" "is refused, saying why"
sed 's/"seq":5/"seq":4/' "$T/sup.cp" > "$T/edited.cp"
expect 1 "an edited checkpoint" audit verify --checkpoint "$T/edited.cp" --key "$T/sup.pub"
has "changed after it was signed" "fails its signature"
printf 'not json' > "$T/junk.cp"
expect 1 "a file that is no checkpoint" audit verify --checkpoint "$T/junk.cp"
has "not a checkpoint" "says so"
mkdir "$T/other"
setup --store "$T/other/s" init
setup --store "$T/other/s" add case <<<'{"title":"x"}'
setup --store "$T/other/s" audit checkpoint --key "$T/media/sup.key" -o "$T/other.cp"
expect 1 "another store's checkpoint" audit verify --checkpoint "$T/other.cp" --key "$T/sup.pub"
has "another store" "is named as such"

# --- a partner export carries one ---------------------------------------------------------
setup update C-1 <<<'{"tlp":"green"}'
setup partner add kh --country KH --max-tlp amber --cases C-1
expect 0 "a STIX export" export stix --partner kh -o "$T/kh.json"
[ -s "$T/kh.json.checkpoint.json" ] && [ "$(stat -c %s "$T/kh.json.checkpoint.json.sig")" = 64 ]
ok $? "with a checkpoint beside it, and its signature"
capture pub key show
printf '%s\n' "$pub" > "$T/store.pub"
openssl pkeyutl -verify -pubin -inkey "$T/store.pub" -rawin -in "$T/kh.json.checkpoint.json" \
	-sigfile "$T/kh.json.checkpoint.json.sig" >/dev/null 2>&1
ok $? "stock openssl verifies the checkpoint's signature"
expect 0 "cordon export verify agrees" export verify "$T/kh.json.checkpoint.json"
run export log --json
has '.checkpoint.json"' "the export's record lists the checkpoint that left"
expect 0 "the trail extends the partner's checkpoint" audit verify --checkpoint "$T/kh.json.checkpoint.json"
expect 0 "a MISP feed" export misp --partner kh -o "$T/feed"
[ -s "$T/feed.checkpoint.json" ] && [ -s "$T/feed.checkpoint.json.sig" ] && [ ! -e "$T/feed/checkpoint.json" ]
ok $? "has its checkpoint beside the feed, not in it"

# --- editing behind cordon's back ---------------------------------------------------------------
# The entry that recorded C-2's current bytes is the first the editor
# must rewrite; every later one is re-chained.
capture j audit log --record C-2 --limit 1 --json
first=$(printf '%s\n' "$j" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["seq"])')
"$STORE_EDIT" rechain "$CORDON_STORE" C-2 title "Rosewood (nothing seized)" >/dev/null
ok $? "C-2 edited in the file, and the trail re-chained after it"
run get C-2
has "nothing seized" "the edit is in place"
expect 0 "audit verify alone finds nothing" audit verify
has "audit trail intact" "says intact"
expect 1 "against the checkpoints it fails" audit verify --checkpoint "$T/store.cp" --checkpoint "$T/sup.cp" --key "$T/sup.pub" --checkpoint "$T/kh.json.checkpoint.json"
has "audit entry $first: first entry that differs from checkpoint $T/sup.cp" "naming the first entry that differs (entry $first)"
has "audit entry $first: first entry that differs from checkpoint $T/kh.json.checkpoint.json" "and so does the partner's witness"
run audit verify --checkpoint "$T/sup.cp" --key "$T/sup.pub" --json
has '"ok":false' "as JSON too"

done_testing
