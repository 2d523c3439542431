#!/bin/bash
# stats.sh - GET /api/v1/stats, the dashboard's figures, over loopback:
# seizures by commodity and month, countries, routes, alerts by severity
# and cases by status on records whose counts are known; the filters a
# list takes; every parameter checked (400 naming it); roles; and a key
# without an index answered by reading the records.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init
users alice:officer pat:partner
token TOK alice
token PTOK pat

# Every seizure raises an alert: critical for narcotics, medium otherwise.
cat > "$T/flag.lua" <<'LUA'
return {
  name = "flag-seizure",
  title = "Every seizure",
  severity = "medium",
  on = { "seizure" },
  check = function(rec)
    local sev = "medium"
    if rec.commodity.category == "narcotics" then sev = "critical" end
    alert { key = rec.id, title = "Seizure " .. rec.id, refs = { rec.id }, severity = sev }
  end,
}
LUA
setup rule add "$T/flag.lua"

# Eleven seizures: wildlife 3 in 2024-01 (VN, VN, TH) and 2 in 2024-02
# (VN); narcotics 4 in 2024-01 (LA, on route r1) and 1 in 2024-03 (VN,
# route r2); timber 1 in 2023-12 without a country.
{
	echo '{"kind":"case","ref":"c1","title":"Ivory","status":"open","lead":"alice"}'
	echo '{"kind":"case","ref":"c2","title":"Heroin","status":"investigating","lead":"alice"}'
	echo '{"kind":"case","ref":"c3","title":"Logs","status":"closed"}'
	echo '{"kind":"route","ref":"r1","legs":[{"from":{"country":"LA"},"to":{"country":"VN"},"mode":"road"}]}'
	echo '{"kind":"route","ref":"r2","legs":[{"from":{"country":"KH"},"to":{"country":"VN"},"mode":"road"}]}'
	for d in 2024-01-03 2024-01-17T10:00:00Z; do
		echo '{"kind":"seizure","case":"@c1","occurred_at":"'$d'","commodity":{"category":"wildlife"},"location":{"country":"VN"},"tags":["cites"]}'
	done
	echo '{"kind":"seizure","case":"@c1","occurred_at":"2024-01-31T23:59:59Z","commodity":{"category":"wildlife"},"location":{"country":"TH"}}'
	for d in 2024-02-01 2024-02-29T08:00:00+07:00; do
		echo '{"kind":"seizure","case":"@c1","occurred_at":"'$d'","commodity":{"category":"wildlife"},"location":{"country":"VN"},"tags":["cites"]}'
	done
	for d in 2024-01-05 2024-01-06 2024-01-07 2024-01-08; do
		echo '{"kind":"seizure","case":"@c2","occurred_at":"'$d'","commodity":{"category":"narcotics"},"location":{"country":"LA"},"route":"@r1","detection":"canine"}'
	done
	echo '{"kind":"seizure","case":"@c2","occurred_at":"2024-03-02","commodity":{"category":"narcotics"},"location":{"country":"VN"},"route":"@r2","detection":"x_ray"}'
	echo '{"kind":"seizure","case":"@c3","occurred_at":"2023-12-20","commodity":{"category":"timber"}}'
} > "$T/data.jsonl"
setup import "$T/data.jsonl"
# One alert triaged: no longer new.
setup alert ack A-6

start_server

# get QUERY [TOKEN]: status in $status, body in $out
get() {
	status=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer ${2:-$TOK}" \
	    "$URL/api/v1/stats?$1")
	out=$(cat "$T/body")
	err=
}
# jq-free checks: the answer's groups as "KEY/KEY=N" lines, sorted
groups() {
	python3 -c 'import json,sys
d=json.load(sys.stdin)
for g in d["groups"]: print("/".join(g["key"]) + "=" + str(g["count"]))' <<<"$out"
}
field() {	# field NAME: a top-level member of the answer
	python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" <<<"$out"
}
same() {	# same WANT GOT DESCRIPTION
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   want: $1" | tr '\n' ' '; echo; echo "#   got:  $2" | tr '\n' ' '; echo; fi
}

# --- seizures by commodity and month -----------------------------------------------
get 'kind=seizure&by=commodity.category,month'
is_status 200 "seizures by commodity.category,month"
same "$(printf '%s\n' narcotics/2024-01=4 wildlife/2024-01=3 wildlife/2024-02=2 narcotics/2024-03=1 timber/2023-12=1)" \
    "$(groups)" "each commodity's months, the largest first (ties by key)"
same "11 0 0" "$(field total) $(field missing) $(field read)" "11 in all, none without a key, none read: the indexes answered"
has '"by":["commodity.category","month"]' "the answer says what it counted"
has '"kind":"seizure"' "and of which kind"
get 'kind=seizure&by=month,commodity.category&order=key'
same "$(printf '%s\n' 2023-12/timber=1 2024-01/narcotics=4 2024-01/wildlife=3 2024-02/wildlife=2 2024-03/narcotics=1)" \
    "$(groups)" "order=key: by month, then commodity"
get 'kind=seizure&by=commodity.category,month&since=2024-01-01&until=2024-01-31'
same "$(printf '%s\n' narcotics/2024-01=4 wildlife/2024-01=3)" "$(groups)" \
    "since and until a month's first and last day: that month, its last second included"
same 7 "$(field total)" "7 in January 2024"
get 'kind=seizure&by=month&until=2024-02-28T23:00:00Z&since=2024-02-01'
same "2024-02=1" "$(groups)" "an offset date-time is placed at its instant (2024-02-29T08:00+07:00 is 01:00Z)"

# --- countries, routes, filters ------------------------------------------------------------
get 'kind=seizure&by=location.country&limit=2'
same "$(printf '%s\n' VN=5 LA=4)" "$(groups)" "the top 2 countries"
same "11 1 1" "$(field total) $(field others) $(field missing)" "TH among the others, the timber seizure without a country"
get 'kind=seizure&by=route'
same "$(printf '%s\n' R-1=4 R-2=1)" "$(groups)" "seizures by route"
get 'kind=seizure&by=location.country&where=commodity.category=wildlife'
same "$(printf '%s\n' VN=4 TH=1)" "$(groups)" "where=commodity.category=wildlife"
get 'kind=seizure&by=commodity.category&tag=cites&where=location.country=VN'
same "wildlife=4" "$(groups)" "tag and where together"
list=$(curl -s -H "Authorization: Bearer $TOK" "$URL/api/v1/seizures?tag=cites&where=location.country=VN&limit=100" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
same "$list" "$(field total)" "the same count as the list with the same filters"
counted=$(curl -s -H "Authorization: Bearer $TOK" "$URL/api/v1/seizures?tag=cites&where=location.country=VN&limit=1&count=1" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["count"], len(d["items"]))')
same "$list 1" "$counted" "count=1: the list's count of every page, beside a page of one"
counted=$(curl -s -H "Authorization: Bearer $TOK" "$URL/api/v1/seizures?where=commodity.category=wildlife&since=2024-01-01&count=1" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["count"] == len(d["items"]) > 0, "count" in d)')
same "True True" "$counted" "a count with a date window is the number of records listed"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" "$URL/api/v1/seizures?count=yes")
same 400 "$status" "count takes 0 or 1"
get 'kind=seizure&by=commodity.category&linked=R-1'
is_status 200 "linked is taken"
get 'kind=seizure&by=detection'
same "$(printf '%s\n' canine=4 x_ray=1)" "$(groups)" "a field without an index: the records are read"
same "11 6" "$(field read) $(field missing)" "all 11 read, 6 without a detection"

# --- alerts and cases ------------------------------------------------------------------------
get 'kind=alert&by=severity&status=new'
same "$(printf '%s\n' medium=6 critical=4)" "$(groups)" "new alerts by severity (one acknowledged)"
get 'kind=alert&by=severity&status=new&severity=critical'
same "critical=4" "$(groups)" "alerts take severity too"
get 'kind=alert&by=status&ref=S-6'
same "acknowledged=1" "$(groups)" "ref: the alerts naming a record"
get 'kind=alert&by=status'
same "$(printf '%s\n' new=10 acknowledged=1)" "$(groups)" "alerts by status: the one acknowledged is no longer new"
same 0 "$(field read)" "answered from the status index, without reading an alert"
get 'kind=case&by=status&order=key'
same "$(printf '%s\n' closed=1 investigating=1 open=1)" "$(groups)" "cases by status"
get 'kind=cases&by=status&where=lead=alice'
same "$(printf '%s\n' investigating=1 open=1)" "$(groups)" "kind in the plural; a case's lead"

# --- parameters checked ------------------------------------------------------------------------
for bad in 'by=month:kind' 'kind=ship&by=month:kind' 'kind=seizure:by' 'kind=seizure&by=colour:by' \
    'kind=seizure&by=tags:by' 'kind=seizure&by=quantity:by' 'kind=seizure&by=a,b,c:by' \
    'kind=seizure&by=month,month:by' 'kind=seizure&by=month&since=soon:since' \
    'kind=seizure&by=month&until=2024-13-01:until' 'kind=seizure&by=month&limit=0:limit' \
    'kind=seizure&by=month&limit=10001:limit' 'kind=seizure&by=month&limit=-1:limit' \
    'kind=seizure&by=month&order=size:order' 'kind=seizure&by=month&where=nothing:where' \
    'kind=seizure&by=month&where=colour=red:colour' \
    'kind=seizure&by=month&where=commodity.category=drugs:commodity.category' \
    'kind=alert&by=severity&status=old:status' 'kind=seizure&by=month&linked=nobody:linked' \
    'kind=seizure&by=month&status=new:status' 'kind=seizure&by=month&sort=key:sort'; do
	get "${bad%:*}"
	is_status 400 "400 for ${bad%:*}"
	has "\"field\":\"${bad##*:}\"" "naming ${bad##*:}"
done
get 'kind=seizure&by=month%FF'
is_status 400 "a key that is not text: 400"
status=$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/stats?kind=seizure&by=month")
same 401 "$status" "no credentials: 401"
get 'kind=seizure&by=month' "$PTOK"
is_status 403 "a partner: 403"
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOK" "$URL/api/v1/stats?kind=seizure&by=month")
same 405 "$status" "POST: 405"

stop_server
done_testing
