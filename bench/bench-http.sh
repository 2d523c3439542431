#!/bin/bash
# bench-http.sh - `cordon serve` under wrk on loopback, against the floor
# measured in the same run: libmicrohttpd, configured the same, answering
# a fixed body of the same size (bench/mhd-fixed).
#
#   bench-http.sh CORDON MHD_FIXED [--store DIR] [--seconds N]
#
# 1. GET /api/v1/cases/{id} on a small store (made here).
# 2. GET /api/v1/seizures/{id}/graph?depth=2 on the store given with
#    --store (the store bench-rules builds), if any: the seizure in the
#    middle of it (S-500000 of 1,000,000, S-50000 of --quick's 100,000).
# 3. On that store, TAXII 2.1: the partner bench-export made paging its
#    collection, 10 pages of 1,000 objects, round robin.
# Each body benchmarked must first be answered 200 (a 404 benchmarks
# nothing), and wrk must see no error. Goals: requests/s >= 0.6 x the
# fixed response (0.3 for TAXII pages), a verdict printed for each; the
# exit status is 1 if a body was not a 200 or a server did not stop
# cleanly.
set -u
CORDON=$1 FIXED=$2
shift 2
STORE= DUR=10
while [ $# -gt 0 ]; do
	case $1 in
	--store) STORE=$2; shift 2 ;;
	--seconds) DUR=$2; shift 2 ;;
	*) echo "usage: bench-http.sh CORDON MHD_FIXED [--store DIR] [--seconds N]" >&2; exit 2 ;;
	esac
done
command -v wrk >/dev/null || { echo "bench-http: needs wrk (apt-get install wrk)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cordon-bench-http.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT

# wrk_run URL [headers...]: requests/s and p99 (ms) of a run.
wrk_run() {
	local url=$1
	shift
	wrk -t2 -c8 -d"${DUR}s" --latency "$@" "$url" > "$T/wrk" 2>&1
	rps=$(awk '/Requests\/sec/ { print $2 }' "$T/wrk")
	p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }; print v }' "$T/wrk")
	errs=$(awk '/Non-2xx|Socket errors/ { print }' "$T/wrk")
}

serve() {	# STORE: start cordon serve on it; PORT once it listens
	local addr=
	rm -f "$T/ready"
	mkfifo "$T/ready"
	"$CORDON" --store "$1" serve --listen 127.0.0.1:0 --ready-fd 3 3>"$T/ready" 2>>"$T/serve.log" &
	SPID=$!
	read -r addr < "$T/ready"	# a line once listening, nothing if it exits
	PORT=${addr##*:}
	[ -n "$addr" ] || { tail -3 "$T/serve.log" >&2; return 1; }
}

stop() {	# stop the server serve started; it must exit 0
	local st
	kill "$SPID"
	wait "$SPID"
	st=$?
	[ "$st" -eq 0 ] || { echo "bench-http: cordon serve exited with status $st" >&2; exit 1; }
}

# verdict LABEL RPS BASE FACTOR: met if RPS >= FACTOR x BASE and wrk saw
# no error
verdict() {
	local v=met
	[ "$(echo "$2 >= $4 * $3" | bc -l)" = 1 ] && [ -z "$errs" ] || v="not met"
	echo "goal: $1 at >= $4 x the fixed body: $v"
}

fixed() {	# FILE: start the baseline serving FILE; FPORT once it listens
	rm -f "$T/fready"
	mkfifo "$T/fready"
	"$FIXED" 0 "$1" > "$T/fready" &
	FPID=$!
	read -r FPORT < "$T/fready"	# its port once listening, nothing if it exits
	[ -n "$FPORT" ]
}

compare() {	# LABEL PATH TOKEN
	local label=$1 path=$2 tok=$3 code
	code=$(curl -s --max-time 60 -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $tok" \
	    "http://127.0.0.1:$PORT$path")
	[ "$code" = 200 ] || { echo "bench-http: $path answers $code, not 200: nothing to benchmark" >&2; exit 1; }
	size=$(wc -c < "$T/body")
	fixed "$T/body" || { echo "bench-http: the baseline did not start" >&2; exit 1; }
	wrk_run "http://127.0.0.1:$FPORT$path"
	base_rps=$rps base_p99=$p99
	kill $FPID; wait $FPID 2>/dev/null
	wrk_run "http://127.0.0.1:$PORT$path" -H "Authorization: Bearer $tok"
	printf '%-34s %8s B %10.0f/s %10.0f/s %7.2f  p99 %7.2f ms (fixed %.2f ms)%s\n' "$label" "$size" \
	    "$rps" "$base_rps" "$(echo "$rps / $base_rps" | bc -l)" "$p99" "$base_p99" \
	    "${errs:+  [$errs]}"
	verdict "$label" "$rps" "$base_rps" 0.6
}

# taxii STORE: a partner paging its TAXII collection, 10 pages of 1,000
# objects (the partner bench-export made, if there is one), against the
# fixed body of a page's size.
taxii() {
	local store=$1 coll pages=10 url i size next
	"$CORDON" --store "$store" partner show bench-partner >/dev/null 2>&1 || return 0
	tok=$("$CORDON" --store "$store" token create bench-partner) || return 1
	serve "$store" || { echo "bench-http: cordon serve did not start on $store" >&2; exit 1; }
	ACC='Accept: application/taxii+json;version=2.1'
	coll=$(curl -s -H "Authorization: Bearer $tok" -H "$ACC" "http://127.0.0.1:$PORT/taxii2/api/collections/" |
	    sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p')
	[ -n "$coll" ] || { echo "bench-http: no TAXII collection for bench-partner" >&2; stop; return 1; }
	url="/taxii2/api/collections/$coll/objects/?limit=1000"
	: > "$T/urls"
	for i in $(seq 1 $pages); do
		echo "$url" >> "$T/urls"
		curl -s -D "$T/h" -H "Authorization: Bearer $tok" -H "$ACC" "http://127.0.0.1:$PORT$url" > "$T/page$i"
		grep -q '^HTTP/1.1 200' "$T/h" || { echo "bench-http: TAXII page $i failed" >&2; kill $SPID; return 1; }
		next=$(sed -n 's/.*"next":"\([^"]*\)".*/\1/p' "$T/page$i")
		[ -n "$next" ] || break
		url="/taxii2/api/collections/$coll/objects/?limit=1000&next=$next"
	done
	size=$(cat "$T"/page* | wc -c)
	size=$((size / $(wc -l < "$T/urls")))
	{
		echo 'local urls = {}'
		echo "for line in io.lines(\"$T/urls\") do urls[#urls + 1] = line end"
		echo 'local i = 0'
		echo 'request = function()'
		echo '	i = i % #urls + 1'
		echo "	return wrk.format(\"GET\", urls[i], { [\"Authorization\"] = \"Bearer $tok\", [\"Accept\"] = \"application/taxii+json;version=2.1\" })"
		echo 'end'
	} > "$T/pages.lua"
	head -c "$size" "$T/page1" > "$T/body"
	fixed "$T/body" || { echo "bench-http: the baseline did not start" >&2; exit 1; }
	wrk_run "http://127.0.0.1:$FPORT/"
	base_rps=$rps base_p99=$p99
	kill $FPID; wait $FPID 2>/dev/null
	wrk_run "http://127.0.0.1:$PORT/" -s "$T/pages.lua"
	printf '%-34s %8s B %10.0f/s %10.0f/s %7.2f  p99 %7.2f ms (fixed %.2f ms)%s\n' \
	    "TAXII: $(wc -l < "$T/urls") pages of 1000 objects" "$size" "$rps" "$base_rps" \
	    "$(echo "$rps / $base_rps" | bc -l)" "$p99" "$base_p99" "${errs:+  [$errs]}"
	verdict "TAXII paging" "$rps" "$base_rps" 0.3
	stop
}

echo
echo "HTTP: wrk -t2 -c8 -d${DUR}s on loopback; x fixed = cordon's requests/s over a fixed body's"
printf '%-34s %10s %12s %12s %7s\n' "" "body" "cordon" "fixed" "x fixed"

"$CORDON" --store "$T/small" init >/dev/null
printf '%s\n' 'benchmark password' | "$CORDON" --store "$T/small" user add bench --role officer >/dev/null
tok=$("$CORDON" --store "$T/small" token create bench)
for i in $(seq 1 50); do echo "{\"kind\":\"case\",\"ref\":\"c$i\",\"title\":\"Case $i: ivory in cashew nuts\",\"office\":\"Cat Lai\"}"; done > "$T/cases.jsonl"
"$CORDON" --store "$T/small" import "$T/cases.jsonl" >/dev/null
serve "$T/small" || { echo "bench-http: cordon serve did not start" >&2; exit 1; }
compare "GET /api/v1/cases/C-17" /api/v1/cases/C-17 "$tok"
stop

if [ -n "$STORE" ] && [ -d "$STORE" ]; then
	tok=$("$CORDON" --store "$STORE" token create bench 2>/dev/null ||
	    { printf '%s\n' 'benchmark password' | "$CORDON" --store "$STORE" user add bench --role officer >/dev/null &&
	      "$CORDON" --store "$STORE" token create bench; })
	# The seizure in the middle of the store.
	mid=
	for s in S-500000 S-50000 S-5000 S-500 S-1; do
		"$CORDON" --store "$STORE" get "$s" >/dev/null 2>&1 && { mid=$s; break; }
	done
	[ -n "$mid" ] || { echo "bench-http: no seizure in $STORE" >&2; exit 1; }
	serve "$STORE" || { echo "bench-http: cordon serve did not start on $STORE" >&2; exit 1; }
	compare "GET /api/v1/seizures/$mid/graph?depth=2" "/api/v1/seizures/$mid/graph?depth=2" "$tok"
	stop
	taxii "$STORE"
fi
