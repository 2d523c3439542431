#!/bin/bash
# bounds.sh - what a user asks of a query is read and bounded alike on the
# command line and over HTTP (query.h): --where and where=, --limit and
# limit=, --depth and depth=, --summary and summary=. Each bad value is
# refused by both front-ends, with the same words.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init
users alice:officer
token TOK alice
printf '%s\n' '{"title":"Ivory in cashew shipment"}' | setup add case
printf '%s\n' '{"type":"company","name":"Minh Phat"}' | setup add entity
setup link E-1 C-1 involved_in
start_server
get() {	# PATH: status in $status, body in $out
	req GET "$1" -H "Authorization: Bearer $TOK"
}

# both WHAT CLI-ARGS HTTP-PATH MESSAGE: the command line refuses CLI-ARGS
# (exit 2) and HTTP refuses HTTP-PATH (400), each saying MESSAGE (with the
# option's dashes on the command line).
both() {
	expect 2 "$1 on the command line" $2
	has "--$4" "  says: --$4"
	get "$3"
	is_status 400 "$1 over HTTP"
	has "\"$4" "  says: $4"
}

both "graph depth 0" "graph E-1 --depth 0" "/api/v1/entities/E-1/graph?depth=0" "depth must be 1 to 4"
both "graph depth 5" "graph E-1 --depth 5" "/api/v1/entities/E-1/graph?depth=5" "depth must be 1 to 4"
both "graph depth +2" "graph E-1 --depth +2" "/api/v1/entities/E-1/graph?depth=+2" "depth must be 1 to 4"
both "graph limit 2001" "graph E-1 --limit 2001" "/api/v1/entities/E-1/graph?limit=2001" "limit must be 1 to 2000"
both "graph summary 1001" "graph E-1 --summary 1001" "/api/v1/entities/E-1/graph?summary=1001" "summary must be 0 to 1000"
both "search limit 0" "search minh --limit 0" "/api/v1/search?q=minh&limit=0" "limit must be 1 to 1000"
both "search limit 1001" "search minh --limit 1001" "/api/v1/search?q=minh&limit=1001" "limit must be 1 to 1000"
both "search limit 5abc" "search minh --limit 5abc" "/api/v1/search?q=minh&limit=5abc" "limit must be 1 to 1000"
both "a where without =" "list case --where title" "/api/v1/cases?where=title" "where must be FIELD=VALUE"
both "a where with no field" "list case --where =x" "/api/v1/cases?where=%3Dx" "where must be FIELD=VALUE"
both "a where whose field is not a path" "list case --where a%20b=x" "/api/v1/cases?where=a%2520b%3Dx" "where must be FIELD=VALUE"

# At most 16 conditions, on both.
w=() q=
for i in $(seq 1 17); do
	w+=(--where "status=open")
	q="$q&where=status%3Dopen"
done
expect 2 "17 --where on the command line" list case "${w[@]}"
has "at most 16" "  says how many may be given"
get "/api/v1/cases?${q#&}"
is_status 400 "17 where= over HTTP"
has "at most 16" "  says how many may be given"
expect 0 "16 --where are taken" list case "${w[@]:2}"
get "/api/v1/cases?${q#&where=status%3Dopen&}"
is_status 200 "and 16 where="

# What is within the bounds is taken on both.
expect 0 "graph depth 4 on the command line" graph E-1 --depth 4
get "/api/v1/entities/E-1/graph?depth=4"
is_status 200 "and over HTTP"
expect 0 "search limit 1000 on the command line" search minh --limit 1000
has "E-1" "  finds the company"
get "/api/v1/search?q=minh&limit=1000"
is_status 200 "and over HTTP"

done_testing
