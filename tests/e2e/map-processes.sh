#!/bin/bash
# map-processes.sh - processes sharing a store while its map grows: an
# import grows the data file several times over while other processes open
# the store again and again. Every process maps at least
# what any other has grown the file to; a process that mapped less would
# cut the file under the others (LMDB sets the file's length to its map
# size with MDB_WRITEMAP) and lose their pages.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

"$CORDON" init >/dev/null || { echo "Bail out! cordon init failed"; exit 1; }
"$GEN_DATA" --seizures 60000 --cases 600 --seed 7 >"$T/big.jsonl" ||
	{ echo "Bail out! gen-data failed"; exit 1; }
size0=$(stat -c %s "$CORDON_STORE/data.mdb")

# Openers: each opens the store anew and reads (a write would wait for
# the import, which is one transaction).
opener() {
	local i=0
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		"$CORDON" list case --limit 1 >/dev/null 2>>"$T/opener.err" || echo "list $i" >>"$T/opener.fail"
	done
	echo "$i" >"$T/opener.$1"
}
opener 1 & o1=$!
opener 2 & o2=$!
"$CORDON" import "$T/big.jsonl" >"$T/import.out" 2>"$T/import.err"
ok $? "an import grows the store while other processes open it"
touch "$T/stop"
wait $o1 $o2
size1=$(stat -c %s "$CORDON_STORE/data.mdb")
[ "$size1" -ge $((size0 * 4)) ]
ok $? "the data file grew several times over ($size0 → $size1 bytes)"
[ "$(cat "$T/opener.1")" -gt 2 ] && [ "$(cat "$T/opener.2")" -gt 2 ]
ok $? "the other processes opened it meanwhile ($(cat "$T/opener.1") and $(cat "$T/opener.2") times)"
[ ! -s "$T/opener.fail" ]
ok $? "none of their reads or writes failed"
[ -s "$T/opener.fail" ] && head -5 "$T/opener.err" | sed 's/^/#   /'
[ -s "$T/import.err" ] && head -3 "$T/import.err" | sed 's/^/#   /'
run audit verify
ok $rc "audit verify: every record and entry is whole"
[ "$rc" -ne 0 ] && echo "$out$err" | head -5 | sed 's/^/#   /'
run list seizure --limit 1 --json
ok $rc "and the seizures read back"
run add case <<<'{"title":"after the import"}'
ok $rc "and the store takes writes after it"
done_testing
