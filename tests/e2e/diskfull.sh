#!/bin/bash
# diskfull.sh - a full disk under the store: writes fail with a clear
# "disk full" (HTTP 507, exit 1 on the command line), the server keeps
# running and serving reads, nothing acknowledged is lost, and writes
# resume once there is space again. The store lives on a small tmpfs
# (needs root to mount; skipped otherwise). Its data file is made
# sparse, as a store written by an older cordon or copied without its
# holes is: writing a page in a hole on a full disk was a SIGBUS.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

mkdir "$T/small"
if ! mount -t tmpfs -o size=40m tmpfs "$T/small" 2>/dev/null; then
	echo "1..0 # SKIP cannot mount a tmpfs here (needs root)"
	exit 0
fi
# The servers are stopped before this runs (lib.sh's finish).
at_exit 'umount "$T/small"'
export CORDON_STORE="$T/small/store"

setup init
users olga:officer
token TOK olga
H=(-H "Authorization: Bearer $TOK" -H "Content-Type: application/json")
for i in 1 2 3; do setup add case <<<"{\"title\":\"before $i\"}"; done

# Sparse, as an older cordon left it: only the blocks that hold data.
cp --sparse=always "$CORDON_STORE/data.mdb" "$T/small/sparse" && mv "$T/small/sparse" "$CORDON_STORE/data.mdb"
[ "$(du -k "$CORDON_STORE/data.mdb" | cut -f1)" -lt 8192 ]
ok $? "the data file is sparse"

# Fill the disk to the last block.
dd if=/dev/zero of="$T/small/fill" bs=64k 2>/dev/null
[ "$(df --output=avail -k "$T/small" | tail -1)" -lt 64 ]
ok $? "the disk is full"

start_server
kill -0 "$SPID" 2>/dev/null
ok $? "the server starts on a full disk"
codes=
for i in $(seq 1 20); do
	req POST /api/v1/cases "${H[@]}" -d "{\"title\":\"on a full disk $i\",\"notes\":\"$(head -c 3000 /dev/zero | tr '\0' x)\"}"
	codes="$codes $status"
done
case " $codes " in *" 000 "*) ok 1 "20 writes on a full disk are answered (got:$codes)" ;; *) ok 0 "20 writes on a full disk are answered" ;; esac
kill -0 "$SPID" 2>/dev/null
ok $? "the server is still running"
req POST /api/v1/cases "${H[@]}" -d '{"title":"one more"}'
is_status 507 "a write is refused with 507 Insufficient Storage"
case $out in *'"insufficient_storage"'*disk*full*) ok 0 "saying the disk is full" ;; *) ok 1 "saying the disk is full"; echo "#   $out" ;; esac
req GET /api/v1/cases/C-2 "${H[@]}"
is_status 200 "reads are still served"
run add case <<<'{"title":"from the command line"}'
[ "$rc" -eq 1 ]; ok $? "cordon add on a full disk fails with exit 1 (got $rc)"
has "disk holding the store is full" "with a clear message"
lacks "/tmp" "naming no temporary file"

# Space again.
rm -f "$T/small/fill"
req POST /api/v1/cases "${H[@]}" -d '{"title":"after"}'
is_status 201 "writes resume once there is space"
expect 0 "and on the command line" add case <<<'{"title":"after, from the command line"}'
stop_server
run list case --limit 0
has "before 3" "what was written before is all there"
has "after, from the command line" "and what was written after"
expect 0 "audit verify" audit verify
grep -q 'SIGBUS' "$T/server.log"; [ $? -ne 0 ]
ok $? "the server ran clean"

done_testing
