#!/bin/bash
# alerts.sh - triage and rule history through the API, as the web UI's
# alert inbox and rule editor use them: alert lists filtered by severity
# and by when they were raised, attaching an alert to an existing case
# (and `cordon alert attach`), an alert's history of triage, a rule's
# versions, a version's source and a diff of two made by libgit2, dry runs
# over a period, and rule errors with the line of the source they name.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init
users olga:officer anna:analyst
token TOK olga
token ATOK anna

cat > "$T/seed.jsonl" <<'JSONL'
{"kind":"case","ref":"c1","title":"Ivory at Cat Lai"}
{"kind":"entity","ref":"e1","type":"company","name":"Hoang Long Trading"}
{"kind":"seizure","ref":"s1","case":"@c1","occurred_at":"2024-03-10","commodity":{"category":"wildlife","description":"ivory"},"quantity":{"amount":120,"unit":"kg"}}
{"kind":"seizure","ref":"s2","case":"@c1","occurred_at":"2024-06-20","commodity":{"category":"wildlife","description":"pangolin scales"},"quantity":{"amount":300,"unit":"kg"}}
{"kind":"seizure","ref":"s3","case":"@c1","occurred_at":"2024-09-05","commodity":{"category":"wildlife","description":"rhino horn"},"quantity":{"amount":5,"unit":"kg"}}
{"kind":"link","from":"@e1","to":"@s2","type":"consignee_of"}
JSONL
setup import "$T/seed.jsonl"

start_server

# jq-free: the value of the first "KEY":"VALUE" in $out
first() { printf '%s' "$out" | grep -o "\"$1\":\"[^\"]*\"" | head -1 | sed 's/.*:"\(.*\)"/\1/'; }
count() { printf '%s' "$out" | grep -o "$1" | wc -l; }
A=(-H "Authorization: Bearer $TOK")
AN=(-H "Authorization: Bearer $ATOK")
J=(-H "Content-Type: application/json")
L=(-H "Content-Type: text/x-lua")

# --- a rule in two versions, and its history ------------------------------------------------
cat > "$T/v1.lua" <<'LUA'
return {
  name = "big-wildlife",
  title = "Large wildlife seizure",
  severity = "high",
  on = { "seizure" },
  check = function(rec)
    local q = rec.quantity
    if rec.commodity.category == "wildlife" and q and q.amount > 100 then
      alert { key = rec.id, title = "Wildlife: " .. q.amount .. " kg", refs = { rec.id } }
    end
  end,
}
LUA
sed 's/q.amount > 100/q.amount > 200/' "$T/v1.lua" > "$T/v2.lua"
req PUT /api/v1/rules/big-wildlife "${AN[@]}" "${L[@]}" --data-binary @"$T/v1.lua"
is_status 200 "version 1 of a rule"
c1=$(first commit)
req PUT /api/v1/rules/big-wildlife "${AN[@]}" "${L[@]}" --data-binary @"$T/v2.lua"
is_status 200 "version 2"
c2=$(first commit)
[ -n "$c1" ] && [ -n "$c2" ] && [ "$c1" != "$c2" ]; ok $? "each version is its own commit"

req GET /api/v1/rules/big-wildlife/history "${AN[@]}"
is_status 200 "a rule's history"
[ "$(count '"version":')" -eq 2 ]; ok $? "lists both versions"
[ "$(first commit)" = "$c2" ]; ok $? "newest first"
has '"author":"anna"' "with the commit's author"
has '"message":"Update rule big-wildlife (version 2)"' "and its message, from the repository"
has '"at":"' "and when"
req GET /api/v1/rules/big-wildlife/history "${A[@]}"
is_status 403 "an officer may not read a rule's history"
req GET /api/v1/rules/no-such-rule/history "${AN[@]}"
is_status 404 "the history of no rule"

req GET "/api/v1/rules/big-wildlife/source?version=$c1" "${AN[@]}"
is_status 200 "the source of version 1"
has 'q.amount > 100' "is version 1's"
has '"version":1' "numbered"
req GET /api/v1/rules/big-wildlife/source "${AN[@]}"
has 'q.amount > 200' "without a version: the current source"
req GET "/api/v1/rules/big-wildlife/source?version=zz" "${AN[@]}"
is_status 400 "a version that is not a commit"
has '"field":"version"' "names the parameter"
req GET "/api/v1/rules/big-wildlife/source?version=0123456789abcdef0123456789abcdef01234567" "${AN[@]}"
is_status 404 "a commit that is not one of the rule's versions"

req GET "/api/v1/rules/big-wildlife/diff?from=$c1&to=$c2" "${AN[@]}"
is_status 200 "a diff of the two versions"
has '--- a/big-wildlife.lua' "is a unified diff"
has '-    if rec.commodity.category == \"wildlife\" and q and q.amount > 100 then' "removing the old line"
has '+    if rec.commodity.category == \"wildlife\" and q and q.amount > 200 then' "adding the new one"
has '"added":1' "counting what it adds"
has '"removed":1' "and removes"
req GET "/api/v1/rules/big-wildlife/diff?from=$c2&to=$c2" "${AN[@]}"
has '"diff":""' "a version against itself: no difference"
req GET "/api/v1/rules/big-wildlife/diff?from=$c1" "${AN[@]}"
is_status 400 "a diff needs both ends"
has '"field":"to"' "and names the missing one"

# A commit of another rule is not a version of this one.
sed 's/big-wildlife/other-rule/' "$T/v1.lua" > "$T/other.lua"
req PUT /api/v1/rules/other-rule "${AN[@]}" "${L[@]}" --data-binary @"$T/other.lua"
c3=$(first commit)
req GET "/api/v1/rules/big-wildlife/diff?from=$c1&to=$c3" "${AN[@]}"
is_status 404 "another rule's commit is refused"
req POST /api/v1/rules/other-rule/disable "${AN[@]}"
expect 0 "rule log lists the versions" rule log big-wildlife
has "Update rule big-wildlife (version 2)" "with their messages"

# --- dry runs over a period, errors with their lines -------------------------------------------
req POST "/api/v1/rules/test" "${AN[@]}" "${L[@]}" --data-binary @"$T/v1.lua"
[ "$(count '"rule":"big-wildlife"')" -eq 2 ]; ok $? "a dry run over everything: two seizures over 100 kg"
req POST "/api/v1/rules/test?since=2024-05-01&until=2024-06-30" "${AN[@]}" "${L[@]}" --data-binary @"$T/v1.lua"
is_status 200 "a dry run over a period"
[ "$(count '"rule":"big-wildlife"')" -eq 1 ]; ok $? "finds the one seizure in it"
has '"records":1' "and ran on that one record only"
req POST "/api/v1/rules/test?until=2024-03-10" "${AN[@]}" "${L[@]}" --data-binary @"$T/v1.lua"
has '"records":1' "until a bare date takes in that whole day"
req POST "/api/v1/rules/test?until=March" "${AN[@]}" "${L[@]}" --data-binary @"$T/v1.lua"
is_status 400 "until must be a date"
has '"field":"until"' "and says so"
expect 0 "rule test --until" rule test "$T/v1.lua" --until 2024-04-01 --json
[ "$(printf '%s\n' "$out" | grep -c '"rule"')" -eq 1 ]; ok $? "the command line takes the same period"

sed 's/local q = rec.quantity/local q = rec.quantity.nothing.here/' "$T/v1.lua" > "$T/bad.lua"
req POST /api/v1/rules/test "${AN[@]}" "${L[@]}" --data-binary @"$T/bad.lua"
is_status 200 "a dry run of a rule that fails on every record"
has '"line":7' "gives each error's line"
has '"record":"S-1"' "and its record"
sed 's/then$/then then/' "$T/v1.lua" > "$T/syntax.lua"
req POST /api/v1/rules/test "${AN[@]}" "${L[@]}" --data-binary @"$T/syntax.lua"
is_status 422 "a syntax error"
has '"line":8' "with its line"
req PUT /api/v1/rules/big-wildlife "${AN[@]}" "${L[@]}" --data-binary @"$T/syntax.lua"
is_status 422 "saving it is refused"
has '"line":8' "with its line too"
printf 'return { name = "loop", title = "t", severity = "low", on = { "seizure" },\n  check = function(rec) while true do end end }\n' > "$T/loop.lua"
req POST /api/v1/rules/test "${AN[@]}" "${L[@]}" --data-binary @"$T/loop.lua"
has '"line":null' "an error no line caused (a spent budget) has none"

# --- alerts: filters ---------------------------------------------------------------------------
# The rule is on: a new big seizure raises an alert, and another rule a
# medium one.
req POST /api/v1/rules/big-wildlife/enable "${AN[@]}"
sed -e 's/big-wildlife/any-wildlife/' -e 's/q.amount > 100/q.amount > 0/' -e 's/"high"/"medium"/' "$T/v1.lua" > "$T/any.lua"
req PUT /api/v1/rules/any-wildlife "${AN[@]}" "${L[@]}" --data-binary @"$T/any.lua"
for d in 1 2 3; do
	req POST /api/v1/seizures "${A[@]}" "${J[@]}" -d "{\"case\":\"C-1\",\"occurred_at\":\"2024-10-0$d\",\"commodity\":{\"category\":\"wildlife\"},\"quantity\":{\"amount\":$((240 + d * 10)),\"unit\":\"kg\"}}"
done
req GET "/api/v1/alerts?severity=high" "${A[@]}"
is_status 200 "alerts by severity"
[ "$(count '"severity":"high"')" -eq 3 ] && [ "$(count '"severity":"medium"')" -eq 0 ]; ok $? "only the high ones"
req GET "/api/v1/alerts?severity=medium&rule=any-wildlife&status=new" "${A[@]}"
[ "$(count '"severity":"medium"')" -eq 3 ]; ok $? "severity, rule and status together"
req GET "/api/v1/alerts?severity=urgent" "${A[@]}"
is_status 400 "a severity that does not exist"
has '"field":"severity"' "names the parameter"
req GET "/api/v1/alerts?status=open" "${A[@]}"
is_status 400 "so does a status"
today=$(date -u +%Y-%m-%d)
req GET "/api/v1/alerts?since=$today&until=$today" "${A[@]}"
[ "$(count '"kind":"alert"')" -eq 6 ]; ok $? "since and until: raised today"
req GET "/api/v1/alerts?until=2020-01-01" "${A[@]}"
has '"items":[]' "none raised before 2020"
req GET "/api/v1/alerts?since=2999-01-01" "${A[@]}"
has '"items":[]' "nor after 2999"

# --- promote, attach, history ------------------------------------------------------------------
req GET "/api/v1/alerts?severity=high" "${A[@]}"
ids=($(printf '%s' "$out" | grep -o '"id":"A-[0-9]*"' | sed 's/.*"\(A-[0-9]*\)"/\1/'))
[ "${#ids[@]}" -eq 3 ]; ok $? "three high alerts to work with"
req POST "/api/v1/alerts/${ids[0]}/ack" "${A[@]}" "${J[@]}" -d '{"note":"checking the manifest"}'
is_status 200 "acknowledge with a note"
req GET "/api/v1/alerts/${ids[0]}/history" "${A[@]}"
is_status 200 "an alert's history"
has '"op":"acknowledge"' "holds the change"
has '"note":"checking the manifest"' "with the note"
has '"user":"olga"' "and who made it"
req POST "/api/v1/alerts/${ids[0]}/promote" "${A[@]}" "${J[@]}" -d '{"note":"opening a case"}'
is_status 200 "promote to a new case"
case_id=$(first case)
[ -n "$case_id" ]; ok $? "the alert names its case ($case_id)"

req POST "/api/v1/alerts/${ids[1]}/attach" "${A[@]}" "${J[@]}" -d "{\"case\":\"$case_id\",\"note\":\"same shipment\"}"
is_status 200 "attach another alert to that case"
has '"status":"promoted"' "it is promoted"
has "\"case\":\"$case_id\"" "to that case"
req GET "/api/v1/alerts/${ids[1]}/history" "${A[@]}"
has '"op":"attach"' "its history says attached"
has '"note":"same shipment"' "with the note"
req GET "/api/v1/alerts/${ids[1]}" "${A[@]}"
sid=$(printf '%s' "$out" | grep -o '"refs":\["S-[0-9]*"' | sed 's/.*"\(S-[0-9]*\)"/\1/')
req GET "/api/v1/links?where=from=$sid&where=to=$case_id" "${A[@]}"
has '"type":"involved_in"' "its record is linked to the case"
[ "$(count '"kind":"link"')" -eq 1 ]; ok $? "once"

# Attaching an alert whose record is linked to the case already adds no link.
req GET "/api/v1/alerts?severity=medium&where=refs=$sid" "${A[@]}"
mid=$(first id)
req POST "/api/v1/alerts/$mid/attach" "${A[@]}" "${J[@]}" -d "{\"case\":\"$case_id\"}"
is_status 200 "attach an alert naming the same seizure"
req GET "/api/v1/links?where=from=$sid&where=to=$case_id" "${A[@]}"
[ "$(count '"kind":"link"')" -eq 1 ]; ok $? "the record is not linked twice"

req POST "/api/v1/alerts/${ids[1]}/attach" "${A[@]}" "${J[@]}" -d "{\"case\":\"$case_id\"}"
is_status 422 "a promoted alert is final"
req POST "/api/v1/alerts/${ids[2]}/attach" "${A[@]}" "${J[@]}" -d '{"case":"C-999"}'
is_status 422 "attach to a case that does not exist"
has '"field":"case"' "names the field"
req POST "/api/v1/alerts/${ids[2]}/attach" "${A[@]}" "${J[@]}" -d '{"case":"S-1"}'
is_status 422 "attach to a record that is not a case"
req POST "/api/v1/alerts/${ids[2]}/attach" "${A[@]}" "${J[@]}" -d '{}'
is_status 422 "attach needs a case"
req POST "/api/v1/alerts/${ids[2]}/attach" "${A[@]}" "${J[@]}" -d '{"case":1}'
is_status 422 "a case that is not a string"
req POST "/api/v1/alerts/${ids[2]}/ack" "${A[@]}" "${J[@]}" -d '{"notes":"typo"}'
is_status 422 "an unknown field in a triage body"
has '"field":"notes"' "is named"
long=$(head -c 2100 /dev/zero | tr '\0' 'x')
req POST "/api/v1/alerts/${ids[2]}/ack" "${A[@]}" "${J[@]}" -d "{\"note\":\"$long\"}"
is_status 422 "a note over 2,000 bytes"
has '"field":"note"' "is refused, naming it"

# Notes obey the rule of all free text: a terminal escape or another
# control character would forge lines where the audit trail is shown.
req POST "/api/v1/alerts/${ids[2]}/ack" "${A[@]}" "${J[@]}" -d '{"note":"ok\u001b[2J\u001b[1;1Hforged"}'
is_status 422 "a note with a terminal escape"
has "control character" "is refused, saying why"
expect 1 "cordon alert ack with a control character in the note" alert ack "${ids[2]}" --note "$(printf 'a\033[31mb')"
has "note: contains a control character" "is refused the same way"

# --- a write whose rules fail, over HTTP -------------------------------------------------
# A rule raising a title that is not UTF-8 fails on its own: the write
# stands (201), the good rule's alert is saved, and the failure is the
# rule's error, shown with the rule.
cat > "$T/good.lua" <<'LUA'
return { name = "every-case", title = "Every case", severity = "low", on = { "case" },
  check = function(rec) alert { key = rec.id, title = "Case " .. rec.id, refs = { rec.id } } end }
LUA
cat > "$T/bad.lua" <<'LUA'
return { name = "latin1-title", title = "t", severity = "low", on = { "case" },
  check = function(rec) alert { key = rec.id, title = "Caf\xe9 " .. rec.id } end }
LUA
req PUT /api/v1/rules/every-case "${AN[@]}" "${L[@]}" --data-binary @"$T/good.lua"
is_status 200 "a good rule"
req PUT /api/v1/rules/latin1-title "${AN[@]}" "${L[@]}" --data-binary @"$T/bad.lua"
is_status 200 "a rule raising text that is not UTF-8"
req POST /api/v1/cases "${A[@]}" "${J[@]}" -d '{"title":"Rosewood at Hai Phong"}'
is_status 201 "a write with both rules enabled"
cid=$(first id)
req GET "/api/v1/alerts?rule=every-case" "${AN[@]}"
has "\"key\":\"$cid\"" "the good rule's alert is there when the write is answered"
req GET /api/v1/rules/latin1-title "${AN[@]}"
has "\"record\":\"$cid\"" "the failure is kept with the rule that failed"
has "alert: title is not valid UTF-8" "named as what it is"
has '"error_count":1' "counted"
req POST /api/v1/rules/latin1-title/disable "${AN[@]}"
req POST /api/v1/rules/every-case/disable "${AN[@]}"

expect 0 "cordon alert attach" alert attach "${ids[2]}" "$case_id" --note "from the command line"
has "${ids[2]} attached to case $case_id" "says so"
expect 2 "cordon alert attach needs a case" alert attach "${ids[2]}"
expect 0 "audit verify after all this" audit verify

stop_server
done_testing
