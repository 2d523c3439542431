#!/bin/bash
# load.sh - 8 clients mixing reads and writes against one server for
# LOAD_SECONDS (default 30): no request may fail, every acknowledged
# write must be there afterwards, and the audit trail must verify.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

SECONDS_RUN=${LOAD_SECONDS:-30}
CLIENTS=8
setup init
users loader:officer
token TOK loader
start_server --threads 4
URL="http://127.0.0.1:$PORT/api/v1"

client() {	# N: writes ids to $T/acked.N, failures to $T/failed.N
	local n=$1 end=$((SECONDS + SECONDS_RUN)) i=0 code body id
	: > "$T/acked.$n"
	: > "$T/failed.$n"
	while [ $SECONDS -lt $end ]; do
		i=$((i + 1))
		body=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $TOK" \
		    -H 'Content-Type: application/json' \
		    -d "{\"title\":\"load $n.$i\",\"office\":\"Cat Lai\"}" "$URL/cases")
		code=${body##*$'\n'}
		id=$(printf '%s' "$body" | sed -n 's/.*"id":"\(C-[0-9]*\)".*/\1/p' | head -1)
		if [ "$code" = 201 ] && [ -n "$id" ]; then
			echo "$id" >> "$T/acked.$n"
		else
			echo "POST $code" >> "$T/failed.$n"
			continue
		fi
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" "$URL/cases/$id")
		[ "$code" = 200 ] || echo "GET $code" >> "$T/failed.$n"
		code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "Authorization: Bearer $TOK" \
		    -H 'Content-Type: application/json' -H 'If-Match: "1"' \
		    -d '{"status":"investigating"}' "$URL/cases/$id")
		[ "$code" = 200 ] || echo "PATCH $code" >> "$T/failed.$n"
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" \
		    "$URL/cases?limit=20&where=office=Cat%20Lai")
		[ "$code" = 200 ] || echo "LIST $code" >> "$T/failed.$n"
	done
}

pids=
for c in $(seq 1 $CLIENTS); do
	client "$c" &
	pids="$pids $!"
done
wait $pids
acked=$(cat "$T"/acked.* | wc -l)
failed=$(cat "$T"/failed.* | wc -l)
echo "# $CLIENTS clients, ${SECONDS_RUN} s: $acked writes acknowledged, $((acked * 4)) requests"
[ "$acked" -gt 0 ]; ok $? "writes were acknowledged ($acked)"
[ "$failed" -eq 0 ]; ok $? "no request failed ($failed)"
[ "$failed" -eq 0 ] || sort "$T"/failed.* | uniq -c | head -5 | sed 's/^/#   /'
stop_server
missing=0
capture j list case --limit 1000000 --json
printf '%s\n' "$j" > "$T/all"
while read -r id; do
	grep -q "\"id\":\"$id\"" "$T/all" || missing=$((missing + 1))
done < <(cat "$T"/acked.*)
[ "$missing" -eq 0 ]; ok $? "every acknowledged write is there ($missing missing)"
v2=$(grep -c '"version":2' "$T/all")
[ "$v2" -eq "$acked" ]; ok $? "and every acknowledged update ($v2 at version 2)"
expect 0 "audit verify" audit verify
has "intact" "the audit trail is intact"
done_testing
