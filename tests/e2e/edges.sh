#!/bin/bash
# edges.sh - the store at its edges, on the command line and over HTTP:
# links between links (refused, and old cycles of them deletable),
# versions at their bound, patches that change nothing, errors that name
# the file the user gave rather than a temporary one, and bidirectional
# controls in names (refused) and in text (shown as \u{XXXX}).
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"
STORE_EDIT=${STORE_EDIT:-$(pwd)/tests/tools/store-edit}
RLO=$(printf '\342\200\256')	# U+202E RIGHT-TO-LEFT OVERRIDE

setup init
PW='correct horse battery staple'
users olga:officer
token TOK olga
H=(-H "Authorization: Bearer $TOK")
J=(-H "Content-Type: application/json")
M=(-H "Content-Type: application/merge-patch+json")
setup add case <<<'{"title":"Pangolin scales"}'
setup add entity <<<'{"type":"person","name":"Tran Van A"}'
setup add entity <<<'{"type":"person","name":"Le Thi B"}'

# --- links never end at links ------------------------------------------------------------
cat > "$T/cycle.jsonl" <<'EOF'
{"kind":"link","ref":"l1","from":"@l2","to":"E-1","type":"associate_of"}
{"kind":"link","ref":"l2","from":"@l1","to":"E-2","type":"associate_of"}
EOF
expect 1 "an import of two links pointing at each other is refused" import "$T/cycle.jsonl"
has "1: from: cannot be a link" "naming the first line"
has "2: from: cannot be a link" "and the second"
setup link E-1 E-2 associate_of
setup link E-2 E-1 family_of
expect 1 "a link from a link, on the command line" link L-1 E-1 associate_of
has "cannot be a link (L-1)" "says why"
# Two links made to point at each other, as an older cordon let an import do.
"$STORE_EDIT" relink "$CORDON_STORE" L-1 to L-2 && "$STORE_EDIT" relink "$CORDON_STORE" L-2 to L-1
ok $? "a cycle of two links, as an older cordon left it"
start_server
req POST /api/v1/links "${H[@]}" "${J[@]}" -d '{"from":"L-1","to":"E-1","type":"associate_of"}'
is_status 422 "a link to a link over HTTP: 422"
case $out in *'cannot be a link'*) ok 0 "saying why" ;; *) ok 1 "saying why"; echo "#   $out" ;; esac
stop_server
expect 0 "a link in the cycle can be deleted" delete L-1
expect 3 "the link pointing at it went with it" get L-2
run audit log --limit 1
has "it pointed at L-1, deleted" "and the audit trail says why"

# --- versions ---------------------------------------------------------------------------
printf '%s\n' '{"kind":"case","title":"Far future","version":9223372036854775807}' > "$T/v.jsonl"
expect 1 "an import with a version near 2^63 is refused" import "$T/v.jsonl"
has "version: must be at most 9007199254740991" "naming the bound"
printf '%s\n' '{"kind":"case","title":"At the top","version":9007199254740991}' > "$T/v.jsonl"
expect 0 "the highest version imports" import "$T/v.jsonl"
expect 1 "but a record there cannot be updated" update C-2 <<<'{"title":"one more"}'
has "the highest there is" "saying why"
run get C-2 --json
has '"version": 9007199254740991' "and its version is unchanged"

# --- a patch that changes nothing writes nothing ---------------------------------------------
capture before audit log --limit 1 --json
expect 0 "a read-only field patched with null" update C-1 <<<'{"version":null,"updated_at":null}'
run get C-1 --json
has '"version": 1' "keeps its version"
capture after audit log --limit 1 --json
[ -n "$before" ] && [ "$after" = "$before" ]; ok $? "and writes no audit entry"
start_server
req PATCH /api/v1/cases/C-1 "${H[@]}" "${M[@]}" -d '{"created_by":null}'
is_status 200 "the same over HTTP"
case $out in *'"version":1,'*|*'"version": 1,'*) ok 0 "still version 1" ;; *) ok 1 "still version 1"; echo "#   $out" ;; esac

# --- errors name what the user knows ---------------------------------------------------------
: > "$T/empty.png"
req POST "/api/v1/cases/C-1/evidence?filename=empty.png" "${H[@]}" --data-binary @"$T/empty.png"
is_status 422 "an empty upload is refused"
case $out in *'empty.png is empty'*) ok 0 "naming the file as it was sent" ;; *) ok 1 "naming the file as it was sent"; echo "#   $out" ;; esac
case $out in *tmp*|*cordon-up*) ok 1 "and no temporary file"; echo "#   $out" ;; *) ok 0 "and no temporary file" ;; esac

# --- bidirectional controls ------------------------------------------------------------------
printf 'MZ not a picture' > "$T/inv.exe"
req POST "/api/v1/cases/C-1/evidence?filename=inv${RLO}gpj.exe" "${H[@]}" --data-binary @"$T/inv.exe"
is_status 422 "an upload named inv<U+202E>gpj.exe is refused"
case $out in *'U+202E RIGHT-TO-LEFT OVERRIDE'*) ok 0 "naming the character" ;; *) ok 1 "naming the character"; echo "#   $out" ;; esac
stop_server
expect 1 "so is evidence add with that name" evidence add C-1 "$T/inv.exe" --name "inv${RLO}gpj.exe"
has "U+202E RIGHT-TO-LEFT OVERRIDE" "naming it too"
expect 1 "a name with a bidirectional override is refused" add entity <<<"{\"type\":\"company\",\"name\":\"ACME${RLO}dtl\"}"
has "name: contains U+202E RIGHT-TO-LEFT OVERRIDE" "naming field and character"
expect 0 "notes may hold one (text in any script)" update C-1 <<<"{\"notes\":\"seen at ${RLO}port\"}"
run get C-1
has "seen at \u{202E}port" "and the command line shows it as \u{202E}"
lacks "$RLO" "never the character itself"
run list case
lacks "$RLO" "nor does a list"

done_testing
