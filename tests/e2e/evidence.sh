#!/bin/bash
# evidence.sh - evidence as a user drives it: add, new versions, get any
# version, log, custody, verify; bad input; stock git reading the history;
# a backup taken while evidence is being added; a 1 GiB file streamed.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init
setup add case <<<'{"title":"Pangolin scales in cashew bags"}'
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000\037\025\304\211' > "$T/scan.png"
head -c 200000 /dev/urandom > "$T/photo.raw"
printf 'Lab report.\nSample 3: Manis javanica scales.\n' > "$T/report.txt"

expect 0 "evidence add" evidence add C-1 "$T/scan.png" --note "x-ray, lane 4"
[ "$out" = "V-1" ]; ok $? "prints the new id"
expect 0 "evidence add --json" evidence add C-1 "$T/report.txt" --description "lab report" --json
has '"media_type": "text/plain"' "the media type is read from the content"
has '"description": "lab report"' "the description is kept"
expect 0 "evidence update" evidence update V-1 "$T/photo.raw" --note "full resolution"
has "V-1 version 2" "a second version"
expect 0 "evidence get the latest" evidence get V-1 -o "$T/out2"
cmp -s "$T/out2" "$T/photo.raw"; ok $? "version 2 comes back byte for byte"
expect 0 "evidence get --version 1" evidence get V-1 --version 1 -o "$T/out1"
cmp -s "$T/out1" "$T/scan.png"; ok $? "version 1 comes back byte for byte"
"$CORDON" evidence get V-1 > "$T/out3"; ok $? "evidence get to a pipe or file"
cmp -s "$T/out3" "$T/photo.raw"; ok $? "standard output gets the latest version"
expect 3 "a version that does not exist" evidence get V-1 --version 9 -o "$T/out9"
[ ! -e "$T/out9" ]; ok $? "and no file is left behind"
expect 3 "evidence that does not exist" evidence get V-99 -o "$T/out9"
expect 2 "an id that is not an id" evidence get banana -o "$T/out9"
expect 0 "custody" evidence custody V-1 received --note "sealed bag 0042"
expect 0 "custody again" evidence custody V-1 analysed --note "lab: Manis javanica"
expect 0 "evidence log" evidence log V-1
has "version 1" "the log shows version 1"
has "version 2" "and version 2"
has "received" "and the custody events"
has "sealed bag 0042" "with their notes"
expect 0 "audit log" audit log --limit 3
has "custody" "custody events are audit entries"
expect 1 "an unknown custody action" evidence custody V-1 misplaced
has "action" "names the action"

# --- bad input: clear errors, nothing written ---
entries() {	# VAR: the audit trail's entries; it must verify
	local j
	capture j audit verify --json
	printf -v "$1" '%s' "$(printf '%s' "$j" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"])')"
}
entries before
: > "$T/empty.bin"
expect 1 "an empty file" evidence add C-1 "$T/empty.bin"
has "is empty" "says so"
export CORDON_EVIDENCE_MAX=100K
expect 1 "a file over the limit" evidence add C-1 "$T/photo.raw"
has "over the limit" "says so"
unset CORDON_EVIDENCE_MAX
expect 1 "a name with .." evidence add C-1 "$T/scan.png" --name "../../etc/passwd"
expect 1 "a name with a control character" evidence add C-1 "$T/scan.png" --name "$(printf 'a\033b.png')"
expect 3 "a missing case" evidence add C-9 "$T/scan.png"
has "no case C-9" "names it"
expect 1 "a missing file" evidence add C-1 "$T/nope.png"
entries after
[ -n "$before" ] && [ "$before" = "$after" ]; ok $? "none of them wrote anything ($before audit entries, then $after)"
expect 1 "evidence is never deleted" delete V-1
has "custody" "and the error says what to do instead"

# --- verify, and stock git ---
expect 0 "evidence verify" evidence verify
has "evidence intact: 2 records, 3 versions" "counts records and versions"
git --git-dir="$CORDON_STORE/evidence.git" fsck --strict >/dev/null 2>&1; ok $? "git fsck --strict finds the repository sound"
git --git-dir="$CORDON_STORE/evidence.git" show HEAD:C-1/V-1/photo.raw | cmp -s - "$T/photo.raw"
ok $? "stock git reads the latest version at CASE/V-ID/NAME"
capture j get V-1 --json
blob=$(printf '%s' "$j" | python3 -c 'import json,sys; print(json.load(sys.stdin)["versions"][0]["blob"])')
obj="$CORDON_STORE/evidence.git/objects/$(printf %s "$blob" | cut -c1-2)/$(printf %s "$blob" | cut -c3-)"
cp "$obj" "$T/obj.bak"
chmod u+w "$obj"
python3 -c "import sys; p=sys.argv[1]; d=bytearray(open(p,'rb').read()); d[len(d)//2]^=1; open(p,'wb').write(d)" "$obj"
expect 1 "a flipped byte in an object" evidence verify
has "evidence V-1 version 1" "is named by evidence and version"
cp "$T/obj.bak" "$obj"
rm "$obj"
expect 1 "a deleted object" evidence verify
has "not in the repository" "is named"
cp "$T/obj.bak" "$obj"
expect 0 "restored, verify passes" evidence verify

# --- backup while evidence is being added ---
( for i in 1 2 3 4 5 6; do "$CORDON" evidence add C-1 "$T/photo.raw" --name "p$i.raw" >/dev/null || exit 1; done ) &
writer=$!
expect 0 "backup while writes go on" backup "$T/copy"
wait $writer; ok $? "and each of those writes worked"
expect 0 "the copy's evidence verifies" --store "$T/copy" evidence verify
expect 0 "the copy's audit trail verifies" --store "$T/copy" audit verify
expect 0 "the store itself still verifies" evidence verify
expect 1 "backup into a directory that is not empty" backup "$T/copy"
[ "$(stat -c %a "$T/copy/data.mdb")" = 600 ]; ok $? "the backup's data.mdb is mode 0600"
bad=$(find "$T/copy" \( -perm /077 -o ! -user "$(id -u)" \) -printf '%P ' | head -c 200)
[ -z "$bad" ]; ok $? "nothing in the backup is readable by anyone but its owner${bad:+ (not: $bad)}"
bad=$(find "$CORDON_STORE" -maxdepth 1 -type f -perm /077 -printf '%P ')
[ -z "$bad" ] && [ "$(stat -c %a "$CORDON_STORE")" = 700 ]
ok $? "nor in the store (a 0700 directory; its files 0600)${bad:+ (not: $bad)}"

# --- a write-protected copy: read and verified, never changed ---
# As root, only a read-only mount write-protects; others get chmod.
RO="$T/ro"
mkdir "$RO"
if [ "$(id -u)" = 0 ]; then
	if mount -t tmpfs -o size=64m tmpfs "$RO" 2>/dev/null; then
		at_exit 'umount "$RO" 2>/dev/null'
		cp -a "$T/copy/." "$RO/" && mount -o remount,ro "$RO"
	else
		RO=
	fi
else
	cp -a "$T/copy/." "$RO/" && chmod -R a-w "$RO"
fi
if [ -n "$RO" ]; then
	expect 0 "a write-protected backup's audit trail verifies" --store "$RO" audit verify
	expect 0 "its evidence verifies" --store "$RO" evidence verify
	expect 0 "a record can be read from it" --store "$RO" get C-1
	expect 0 "records listed" --store "$RO" list case
	expect 1 "a write is refused" --store "$RO" add case <<END
{"title":"x"}
END
	has "read-only" "saying the store is read-only"
	[ "$(id -u)" = 0 ] && umount "$RO"
	[ "$(id -u)" = 0 ] || chmod -R u+w "$RO"
else
	ok 0 "# SKIP a write-protected copy (cannot mount here)"
fi

# --- a 1 GiB file, streamed ---
truncate -s 1G "$T/big.img"
rss=$(CORDON_EVIDENCE_MAX=2G python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if r.returncode == 0 else -1)' \
	"$CORDON" evidence add C-1 "$T/big.img")
[ "$rss" -gt 0 ] && [ "$rss" -lt 102400 ]; ok $? "adding a 1 GiB file peaks at ${rss} KB of memory (under 100 MB)"
rm -f "$T/big.img"
expect 0 "and it verifies" evidence verify
done_testing
