#!/bin/bash
# rules.sh - analyst rules as a user drives them: add (validated, kept in
# git), list, show, log, test, run, enable, disable; on-write triggering;
# hostile rules, each a rule error with a clear message while the writes
# and the other rules carry on; alert triage and promotion, audited.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

HOSTILE=${TESTS_DIR:-$(dirname "$0")/..}/rules/hostile
setup init

cat > "$T/big-case.lua" <<'LUA'
-- big-case: a case whose title mentions tonnes.
return {
  name = "big-case",
  title = "Case about tonnes",
  severity = "medium",
  on = { "case" },
  check = function(rec)
    if rec.title:find("tonnes", 1, true) then
      alert { key = rec.id, title = "Big case " .. rec.id, refs = { rec.id },
              explain = "The title says tonnes." }
    end
  end,
}
LUA

# --- validation --------------------------------------------------------------
printf 'return {' > "$T/syntax.lua"
expect 1 "a syntax error is refused" rule add "$T/syntax.lua"
has "unexpected symbol" "with Lua's message"
printf 'return { name = "x", title = "t", severity = "low", on = { "case" } }' > "$T/nocheck.lua"
expect 1 "a rule without check is refused" rule add "$T/nocheck.lua"
has "check" "naming the missing field"
printf 'return { name = "Bad Name", title = "t", severity = "low", on = { "case" }, check = function() end }' > "$T/badname.lua"
expect 1 "a bad rule name is refused" rule add "$T/badname.lua"
has "a-z, 0-9" "saying what a name may hold"
printf 'return { name = "x", title = "t", severity = "urgent", on = { "case" }, check = function() end }' > "$T/badsev.lua"
expect 1 "an unknown severity is refused" rule add "$T/badsev.lua"
printf 'return { name = "x", title = "t", severity = "low", on = { "alert" }, check = function() end }' > "$T/onalert.lua"
expect 1 "a rule on alerts is refused" rule add "$T/onalert.lua"
printf 'return { name = "x", title = "t", severity = "low", on = { "case" }, check = function() end, colour = 1 }' > "$T/unknown.lua"
expect 1 "an unknown field is refused" rule add "$T/unknown.lua"
printf '\033LuaT\000\031\223\015\012\032\012' > "$T/binary.lua"
expect 1 "a binary chunk is refused" rule add "$T/binary.lua"
has "binary" "saying it is binary"
expect 0 "nothing was stored by refused rules" rule list
has "no rules" "the rule list is empty"

# --- add, list, show, log ------------------------------------------------------
expect 0 "rule add" rule add "$T/big-case.lua"
has "version 1" "the first version"
has "enabled" "enabled on add"
expect 0 "rule list" rule list
has "big-case" "lists the rule"
expect 0 "rule show" rule show big-case
has "rec.title:find" "shows the source"
capture j rule show big-case --json
commit1=$(printf '%s\n' "$j" | sed -n 's/.*"commit": *"\([0-9a-f]*\)".*/\1/p' | head -1)
[ ${#commit1} -eq 40 ]; ok $? "the version has a git commit"
git --git-dir="$CORDON_STORE/evidence.git" cat-file -p "$commit1:big-case.lua" > "$T/git.lua" 2>/dev/null
cmp -s "$T/git.lua" "$T/big-case.lua"; ok $? "stock git reads the rule's source back from its commit"

# --- on write ------------------------------------------------------------------
echo '{"title":"Two tonnes of ivory"}' | "$CORDON" add case > "$T/id"
ok $? "a write with the rule enabled succeeds"
expect 0 "alert list" alert list --json
has '"key":"C-1"' "the alert is there when the write returns"
has "\"rule_version\":\"$commit1\"" "and records the commit of the rule that raised it"
setup add case <<<'{"title":"Five kilos of heroin"}'
expect 0 "alert list" alert list --json
lacks '"key":"C-2"' "a record the rule does not match raises nothing"

# A new version: a new commit; alerts raised from now on carry it.
sed 's/"tonnes"/"kilos"/' "$T/big-case.lua" > "$T/big-case2.lua"
expect 0 "rule add of a new version" rule add "$T/big-case2.lua"
has "version 2" "is version 2"
expect 0 "rule log" rule log big-case
[ "$(printf '%s\n' "$out" | grep -c '^version')" -eq 2 ]; ok $? "the log lists both versions"
capture j rule show big-case --json
commit2=$(printf '%s\n' "$j" | sed -n 's/.*"commit": *"\([0-9a-f]*\)".*/\1/p' | head -1)
[ ${#commit2} -eq 40 ] && [ "$commit2" != "$commit1" ]; ok $? "each version is its own commit"
expect 0 "rule run over history" rule run big-case
expect 0 "alert list" alert list --json
has "\"rule_version\":\"$commit2\"" "the new alert records the new version"

# --- test (dry run) ---------------------------------------------------------------
expect 0 "rule test" rule test "$T/big-case.lua"
has "Big case C-1" "prints what it would raise"
capture before alert list --json
expect 0 "rule test --json" rule test "$T/big-case.lua" --json
capture after alert list --json
[ -n "$before" ] && [ "$before" = "$after" ]; ok $? "rule test saves nothing (the alert list is the same, and not empty)"
expect 0 "rule test --since" rule test "$T/big-case.lua" --since 2999-01-01
has "0 records checked" "--since leaves out older records"

# --- disable, enable -------------------------------------------------------------
expect 0 "rule disable" rule disable big-case
setup add case <<<'{"title":"Ten kilos of cocaine"}'
expect 0 "alert list" alert list --json
lacks '"key":"C-3"' "a disabled rule does not run on writes"
expect 0 "rule enable" rule enable big-case
setup add case <<<'{"title":"Three kilos of cocaine"}'
expect 0 "alert list" alert list --json
has '"key":"C-4"' "an enabled rule runs again"
expect 3 "enable a rule that does not exist" rule enable nope
has "no rule nope" "says there is no such rule"
expect 2 "rule with no subcommand" rule

# --- hostile rules ------------------------------------------------------------------
check_hostile() {	# NAME EXPECTED-MESSAGE
	expect 0 "$1: rule test runs" rule test "$HOSTILE/$1.lua"
	has "$2" "$1: a rule error says: $2"
	has "rule error" "$1: counted as a rule error"
}
check_hostile os-execute "global 'os'"
check_hostile io-open "global 'io'"
check_hostile require-os "global 'require'"
check_hostile load-binary "global 'load'"
check_hostile string-dump "field 'dump'"
check_hostile debug-lib "global 'debug'"
check_hostile real-globals "reachable: false nil nil"
check_hostile infinite-loop "over its budget"
check_hostile pcall-loop "over its budget"
check_hostile rep-bomb "memory limit"
check_hostile table-bomb "memory limit"
check_hostile deep-recursion "over its"
check_hostile huge-alert "title must be 1 to 200 bytes"
check_hostile pattern-bomb "string.find"
check_hostile gc-finaliser "__gc is not allowed"
check_hostile record-write "read-only"
[ ! -e /tmp/cordon-pwned ]; ok $? "os.execute ran nothing"

# All of them enabled with a good rule: writes and the good rule carry on.
for f in "$HOSTILE"/*.lua; do
	"$CORDON" rule add "$f" >/dev/null 2>>"$T/hostile.err" || ok 1 "rule add $(basename "$f")"
done
expect 0 "a write with every hostile rule enabled succeeds" add case --json <<JSON
{"title":"Four tonnes and four kilos"}
JSON
has '"id": "C-5"' "the record is written"
expect 0 "get the record back" get C-5
expect 0 "alert list" alert list --json
has '"key":"C-5"' "the good rule still raised its alert"
expect 0 "rule list" rule list
has "infinite-loop" "the hostile rules are listed"
errs=$(printf '%s\n' "$out" | grep -c ' 1 err ')
[ "$errs" -ge 16 ]; ok $? "each hostile rule kept its error ($errs)"
expect 0 "rule show keeps the error" rule show infinite-loop
has "over its budget" "with its message"
for f in "$HOSTILE"/*.lua; do setup rule disable "$(basename "$f" .lua)"; done

# --- text that is not UTF-8, and messages cut short ----------------------------------
# A rule whose alert title is not UTF-8, and one whose error message is cut
# at its byte limit in the middle of a character: each is that rule's
# error; the write, the good rule's alert and the queue carry on.
setup rule enable big-case
cat > "$T/latin1.lua" <<'LUA'
return { name = "latin1", title = "t", severity = "low", on = { "case" },
  check = function(rec)
    alert { key = rec.id, title = "Caf\xe9 " .. rec.id }
  end }
LUA
cat > "$T/long-error.lua" <<'LUA'
return { name = "long-error", title = "t", severity = "low", on = { "case" },
  check = function(rec)
    error("x" .. string.rep("\u{1EC7}", 300))
  end }
LUA
expect 0 "a rule raising a title that is not UTF-8 is added" rule add "$T/latin1.lua"
expect 0 "a rule with a long error message of accented letters is added" rule add "$T/long-error.lua"
expect 0 "a write with both enabled succeeds" add case <<JSON
{"title":"Six kilos of timber"}
JSON
id=$out
lacks "did not run" "the rules ran on it"
expect 0 "alert list" alert list --json
has "\"key\":\"$id\"" "the good rule's alert is saved"
expect 0 "rule show latin1" rule show latin1
has "alert: title is not valid UTF-8" "the bad title is the rule's error, named as what it is"
lacks "out of memory" "not reported as out of memory"
expect 0 "rule show long-error --json" rule show long-error --json
printf '%s' "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
m = r["recent_errors"][0]["message"]
assert m.startswith("long-error.lua:3: x\u1ec7\u1ec7") and len(m.encode()) > 400, m
' 2>/dev/null
ok $? "the long message is kept, cut on a character boundary"
expect 0 "the next command has nothing left to run" list case
lacks "did not run" "the queue was drained"
for r in latin1 long-error; do setup rule disable $r; done
setup rule disable big-case

# --- what rules show on a terminal --------------------------------------------------------
# A rule's source and what it prints reach the terminal with control and
# bidirectional characters escaped; the source keeps its lines.
printf 'return { name = "shouty", title = "t", severity = "low", on = { "case" },\n  -- \033[2J\342\200\256cod.exe\n  check = function(rec) print("one\\n" .. rec.id .. ": \\27[31mforged") end }\n' > "$T/shouty.lua"
expect 0 "a rule whose source holds a terminal escape is added" rule add "$T/shouty.lua"
expect 0 "rule show" rule show shouty
printf '%s' "$out" | grep -q "$(printf '\033')"; [ $? -ne 0 ]; ok $? "the source reaches the terminal without its escape"
has '-- \x1B[2J\u{202E}cod.exe' "which is shown escaped, with the bidi override"
[ "$(printf '%s\n' "$out" | grep -c 'check = function')" -eq 1 ]; ok $? "and its lines are kept"
expect 0 "rule test of a rule printing an escape and a newline" rule test "$T/shouty.lua"
printf '%s' "$err" | grep -q "$(printf '\033')"; [ $? -ne 0 ]; ok $? "what it prints reaches the terminal without the escape"
has 'shouty: one\nC-1: \x1B[31mforged' "on one line, escaped"
setup rule disable shouty
echo hi > "$T/ev.txt"
capture v evidence add C-1 "$T/ev.txt"
setup evidence custody "$v" note --note "$(printf 'checked\n    99  2024-01-01T00:00:00Z  boss  delete  C-1')"
expect 0 "audit log" audit log
lacks "$(printf '\n    99  2024')" "a note cannot pass for another audit entry"
has 'note: checked\n    99' "it is shown on its entry's line"

# --- records as the rule sees them -------------------------------------------------------
cat > "$T/shape.lua" <<'LUA'
return { name = "shape", title = "t", severity = "low", on = { "case" },
  check = function(rec)
    local keys = {}
    for k in pairs(rec) do keys[#keys + 1] = k end
    table.sort(keys)
    alert { key = rec.id, title = "shape of " .. rec.id,
            explain = string.format("kind=%s version=%d tags=%d type=%s keys=%s str=%s same=%s",
              rec.kind, rec.version, #rec.tags, type(rec), table.concat(keys, ","),
              tostring(rec), tostring(rec.tags == rec.tags and rec.tags ~= rec)) }
  end }
LUA
expect 0 "a rule reading a record's fields" rule test "$T/shape.lua" --json
has "kind=case version=1 tags=0" "fields read as in the record's JSON"
has "keys=created_at,created_by,id,kind,notes,status,tags,title" "pairs() walks the record's own fields"
has "str=record C-1 same=true" "tostring names it; == compares by value"
cat > "$T/keep.lua" <<'LUA'
local last
return { name = "keep", title = "t", severity = "low", on = { "case" },
  check = function(rec)
    if last then local t = last.title end
    last = rec
  end }
LUA
expect 0 "a rule keeping a record for the next call" rule test "$T/keep.lua"
has "earlier call of check()" "is told records last for one call"

# --- limits are configurable -----------------------------------------------------------
cat > "$T/work.lua" <<'LUA'
return { name = "work", title = "t", severity = "low", on = { "case" },
  check = function(rec) local s = 0 for i = 1, 200000 do s = s + i end end }
LUA
expect 0 "a rule doing some work" rule test "$T/work.lua"
lacks "rule error" "passes under the default budget"
CORDON_RULE_INSTRUCTIONS=100000 "$CORDON" rule test "$T/work.lua" > "$T/out" 2> "$T/err"
out=$(cat "$T/out"); err=$(cat "$T/err")
has "over its budget of 100000 instructions" "CORDON_RULE_INSTRUCTIONS lowers the budget"
CORDON_RULE_MEMORY=1M "$CORDON" rule test "$HOSTILE/table-bomb.lua" > "$T/out" 2> "$T/err"
out=$(cat "$T/out"); err=$(cat "$T/err")
has "memory limit of 1048576 bytes" "CORDON_RULE_MEMORY sets the memory limit"
CORDON_RULE_MEMORY=lots "$CORDON" rule test "$T/work.lua" > "$T/out" 2> "$T/err"
rc=$?; out=$(cat "$T/out"); err=$(cat "$T/err")
[ "$rc" -ne 0 ]; ok $? "a bad limit is refused"
has "CORDON_RULE_MEMORY" "naming the variable"

# --- an alert's TLP ----------------------------------------------------------------------
# An alert says that what it names belongs together: it is marked at least
# amber, and as high as any record it names or link between two of them.
cat > "$T/pair.lua" <<'LUA'
return { name = "pair", title = "t", severity = "low", on = { "link" },
  check = function(rec)
    alert { key = rec.id, title = "pair " .. rec.id, refs = { rec.from, rec.to } }
  end }
LUA
expect 0 "a rule naming both ends of a link" rule add "$T/pair.lua"
cat > "$T/pairs.jsonl" <<'JSONL'
{"kind":"entity","ref":"a","type":"person","name":"Pair One","tlp":"clear"}
{"kind":"entity","ref":"b","type":"person","name":"Pair Two","tlp":"clear"}
{"kind":"entity","ref":"c","type":"company","name":"Pair Three","tlp":"amber+strict"}
{"kind":"link","from":"@a","to":"@b","type":"associate_of","tlp":"red"}
{"kind":"link","from":"@a","to":"@b","type":"family_of","tlp":"clear"}
{"kind":"link","from":"@b","to":"@c","type":"employee_of","tlp":"clear"}
JSONL
expect 0 "clear people, linked in secret and in the open" import "$T/pairs.jsonl"
alert_tlp() {
	local j
	capture j alert list --json
	printf '%s\n' "$j" | grep "\"title\":\"pair $1\"" | sed 's/.*"tlp":"\([^"]*\)".*/\1/'
}
capture j list link --json
links=$(printf '%s\n' "$j" | sed -n 's/.*"id":"\(L-[0-9]*\)".*/\1/p' | tail -3)
set -- $links
[ "$(alert_tlp "$1")" = red ]; ok $? "naming two records a red link joins: red"
[ "$(alert_tlp "$2")" = red ]; ok $? "so is another alert naming the same two"
[ "$(alert_tlp "$3")" = amber+strict ]; ok $? "naming an amber+strict record: amber+strict"
capture j alert list --json
a=$(printf '%s\n' "$j" | grep "\"title\":\"pair $2\"" | sed 's/.*"id":"\(A-[0-9]*\)".*/\1/')
setup update "$a" <<<'{"tlp":"green"}'
expect 0 "the rule run again over every link" rule run pair
[ "$(alert_tlp "$2")" = green ]; ok $? "an analyst's lower marking stays when nothing new is named"
setup rule disable pair

# --- alerts: triage and promotion ------------------------------------------------------
capture j alert list --json
a=$(printf '%s\n' "$j" | head -1 | sed 's/.*"id":"\(A-[0-9]*\)".*/\1/')
expect 0 "alert ack" alert ack "$a" --note "looking into it"
expect 0 "alert escalate" alert escalate "$a" --note "for the intel unit"
expect 1 "the same status twice is refused" alert escalate "$a"
expect 0 "alert promote" alert promote "$a" --note "opening a case"
has "promoted to case" "says which case"
case_id=$(printf '%s' "$out" | sed 's/.*case \(C-[0-9]*\).*/\1/')
expect 0 "the new case links the alert's refs" graph "$case_id" --json
has "involved_in" "through involved_in links"
expect 1 "a promoted alert is final" alert dismiss "$a"
expect 0 "audit log" audit log --json
out=$(printf '%s\n' "$out" | grep "\"id\":\"$a\"")
has '"op":"acknowledge"' "the ack is audited"
has "looking into it" "with its note"
has '"op":"escalate"' "the escalation is audited"
has '"op":"promote"' "the promotion is audited"
has "opening a case" "with its note"
expect 0 "audit verify" audit verify
has "intact" "the audit trail is intact after it all"
expect 3 "an alert that does not exist" alert ack A-999

done_testing
