#!/bin/bash
# graph.sh - the graph of a hub over HTTP and on the command line: a
# company in 600 seizures is answered with a summary ("600 seizures"),
# not its neighbourhood; the node cap; the links kept between what is
# shown; the parameters checked. And search saying which field matched.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

# py EXPR: evaluate EXPR over the JSON in $out (as g); exit 0 if true.
py() {
	printf '%s' "$out" | python3 -c "import json,sys; g=json.load(sys.stdin); sys.exit(0 if ($1) else 1)" 2>"$T/py.err"
}

"$CORDON" init >/dev/null
printf '%s\n' 'correct horse battery staple' | "$CORDON" user add alice --role officer >/dev/null
TOK=$("$CORDON" token create alice)

# A hub: Minh Phat, consignee of 600 seizures; its director; a vessel that
# carried the first seizure; the director's alias to search for.
{
	echo '{"kind":"case","ref":"c","title":"Minh Phat imports"}'
	echo '{"kind":"entity","ref":"hub","type":"company","name":"Công ty TNHH Minh Phát"}'
	echo '{"kind":"entity","ref":"dir","type":"person","name":"Nguyễn Văn Hùng","aliases":["Hùng Béo"],"identifiers":{"passport":"N4175316"}}'
	echo '{"kind":"entity","ref":"ves","type":"vessel","name":"Ocean Pearl","identifiers":{"imo":"9074729"}}'
	echo '{"kind":"link","from":"@dir","to":"@hub","type":"director_of"}'
	for i in $(seq 1 600); do
		printf '{"kind":"seizure","ref":"s%d","case":"@c","occurred_at":"2024-%02d-%02d","commodity":{"category":"wildlife","description":"pangolin scales"},"quantity":{"amount":%d,"unit":"kg"}}\n' \
		    "$i" $((i % 12 + 1)) $((i % 28 + 1)) "$i"
		printf '{"kind":"link","from":"@hub","to":"@s%d","type":"consignee_of"}\n' "$i"
	done
	echo '{"kind":"link","from":"@ves","to":"@s1","type":"carrier_of"}'
} > "$T/hub.jsonl"
"$CORDON" import "$T/hub.jsonl" >/dev/null
ok $? "import a company in 600 seizures"
HUB=E-1 DIR=E-2 VES=E-3

start_server
get() {	# PATH: status in $status, body in $out
	status=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK" "$URL$1")
	out=$(cat "$T/body")
}

# --- the hub ----------------------------------------------------------------------
get "/api/v1/entities/$HUB/graph"
[ "$status" = 200 ]; ok $? "the graph of the hub"
py 'len(g["nodes"]) == 2 and [n["id"] for n in g["nodes"]] == ["E-1", "E-2"]'
ok $? "its 600 seizures are not among the nodes: the hub and its director"
py 'g["summaries"] == [{"id": "E-1", "kind": "seizure", "count": 600, "via": ["consignee_of"]}]'
ok $? "but a summary: 600 seizures, via consignee_of"
py '[l["id"] for l in g["links"]] == ["L-1"] and g["truncated"] is False and g["limit"] == 200 and g["summary"] == 20'
ok $? "the director's link; not truncated; the defaults said"
[ "$(wc -c < "$T/body")" -lt 4000 ]; ok $? "a small answer ($(wc -c < "$T/body") bytes)"

get "/api/v1/seizures?linked=$HUB&limit=1000"
py 'len(g["items"]) == 600'
ok $? "the summary opens as the list of seizures linked to the hub"

get "/api/v1/entities/$HUB/graph?summary=0&limit=2000"
py 'len(g["nodes"]) == 602 and len(g["links"]) == 601 and g["summaries"] == []'
ok $? "summary=0: every neighbour, 602 nodes and 601 links"
get "/api/v1/entities/$HUB/graph?summary=0&limit=50"
py 'len(g["nodes"]) == 50 and g["truncated"] is True and all(l["from"] in {n["id"] for n in g["nodes"]} and l["to"] in {n["id"] for n in g["nodes"]} for l in g["links"])'
ok $? "limit=50: 50 nodes, truncated, and only links between them"

# From one seizure, two hops: the hub, the vessel, the hub's director;
# the hub's other 599 seizures summarised.
get "/api/v1/seizures/S-1/graph?depth=2"
py '{n["id"] for n in g["nodes"]} == {"S-1", "E-1", "E-2", "E-3"}'
ok $? "a seizure at depth 2: itself, the hub, its director and the vessel"
py '{l["id"] for l in g["links"]} == {"L-1", "L-2", "L-602"} and g["summaries"][0]["count"] == 600'
ok $? "with the links between them, the hub's seizures as a summary"
get "/api/v1/seizures/S-1/graph?depth=2&summary=0&limit=2000"
py 'len(g["nodes"]) == 603'
ok $? "the same without summaries reaches all 600"

# A walk that runs out of records before its depth.
get "/api/v1/entities/$DIR/graph?depth=4"
py '[n["id"] for n in g["nodes"]] == ["E-1", "E-2"] and len(g["summaries"]) == 1'
ok $? "a walk that ends before its depth: the director, the hub, the summary"

# The walk from the hub at depth 2 with a cap: what is left unexpanded
# still has its links between shown nodes (found from the index).
get "/api/v1/entities/$VES/graph?depth=3&summary=0&limit=4"
py 'len(g["nodes"]) == 4 and g["truncated"] is True and {l["id"] for l in g["links"]} >= {"L-602", "L-2"}'
ok $? "a capped walk keeps the links among the nodes it shows"

# --- parameters ---------------------------------------------------------------------
for q in depth=0 depth=5 depth=x limit=0 limit=2001 summary=-1 summary=1001 summary=2x \
    depth depth= limit summary; do
	get "/api/v1/entities/$HUB/graph?$q"
	[ "$status" = 400 ] && case $out in *"\"field\":\"${q%%=*}\""*) true ;; *) false ;; esac
	ok $? "graph?$q is refused, naming the parameter"
done
get "/api/v1/entities/$HUB/graph?dept=2"
[ "$status" = 400 ]; ok $? "a misspelt parameter is refused"
get "/api/v1/entities/E-99/graph"
[ "$status" = 404 ]; ok $? "the graph of a missing record: 404"

# --- search: which field matched -------------------------------------------------------
get "/api/v1/search?q=nguyen+van+hung"
py 'g["items"][0]["id"] == "E-2" and g["items"][0]["match"] == {"field": "name", "text": "Nguyễn Văn Hùng"}'
ok $? "search without diacritics finds the name, and says so"
get "/api/v1/search?q=hung+beo"
py 'g["items"][0]["match"] == {"field": "aliases", "text": "Hùng Béo"}'
ok $? "an alias: the match is in aliases"
get "/api/v1/search?q=n4175316"
py 'g["items"][0]["match"] == {"field": "identifiers.passport", "text": "N4175316"}'
ok $? "an identifier: identifiers.passport"
get "/api/v1/search?q=IMO+9074729"
py 'g["items"][0]["id"] == "E-3" and g["items"][0]["match"]["field"] == "identifiers.imo"'
ok $? "an IMO number written another way: identifiers.imo"
get "/api/v1/search?q=pangolin&limit=3"
py 'len(g["items"]) == 3 and g["items"][0]["match"] == {"field": "commodity.description", "text": "pangolin scales"}'
ok $? "a seizure: commodity.description, and limit applies"
get "/api/v1/search?q=pangolin&limit=0"
[ "$status" = 400 ]; ok $? "search with limit=0 is refused"
for q in limit=1001 limit limit= limits=2000 depth=2; do
	get "/api/v1/search?q=pangolin&$q"
	[ "$status" = 400 ] && case $out in *"\"field\":\"${q%%=*}\""*) true ;; *) false ;; esac
	ok $? "search?$q is refused, naming the parameter"
done
for q in limit limit=1001; do
	get "/api/v1/seizures?$q"
	[ "$status" = 400 ] && case $out in *'"field":"limit"'*) true ;; *) false ;; esac
	ok $? "a list with $q is refused, naming the parameter"
done

# --- the command line ------------------------------------------------------------------
run graph "$HUB"
has "602 records, 601 links" "cordon graph without options: the whole neighbourhood, as before"
run graph "$HUB" --summary 20
has "E-1: 600 seizure records, not shown (via consignee_of)" "--summary counts the hub's seizures"
has "2 records, 1 link" "and shows the rest"
run --json graph "$HUB" --limit 3
out=$(cat "$T/out")
py 'len(g["nodes"]) == 3 and g["truncated"] is True'
ok $? "--limit caps the nodes (--json says truncated)"
run --json graph "$HUB"
out=$(cat "$T/out")
py 'sorted(g) == ["links", "nodes"]'
ok $? "--json without options keeps its shape"
expect 2 "--limit 0 is a usage error" graph "$HUB" --limit 0

kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
grep -q 'Sanitizer' "$T/server.log" && { echo "# server log:"; tail -20 "$T/server.log" | sed 's/^/#   /'; ok 1 "the server ran clean"; }
done_testing
