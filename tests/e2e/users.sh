#!/bin/bash
# users.sh - users, roles and API tokens from the command line: passwords
# checked and never stored in clear, tokens shown once and kept hashed,
# every change audited.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

setup init
PW='correct horse battery staple'

printf '%s\n' "$PW" > "$T/pw"
expect 0 "user add" user add alice --role analyst < "$T/pw"
has "user alice: added" "says so"
expect 1 "the same user twice" user add alice --role officer < "$T/pw"
has "exists" "is refused"
printf 'short\n' > "$T/short"
expect 1 "a short password" user add bob --role officer < "$T/short"
has "at least 12 bytes" "is refused with the rule"
expect 1 "an unknown role" user add bob --role boss < "$T/pw"
has "not a role" "is refused"
expect 1 "a bad user name" user add "bad name" --role officer < "$T/pw"
expect 2 "user add without --role" user add bob < "$T/pw"
: > "$T/empty"
expect 1 "no password on standard input" user add bob --role officer < "$T/empty"
expect 0 "user list" user list
has "alice" "lists the user"
has "analyst" "with the role"
expect 0 "user list --json" user list --json
lacks "$PW" "never shows the password"
lacks '"password"' "nor its hash"
# stored TEXT: whether TEXT is anywhere in the store: any file, and any
# object of the evidence repository (compressed on disk)
stored() {
	grep -r -a -q -F -e "$1" "$CORDON_STORE" && return 0
	git --git-dir="$CORDON_STORE/evidence.git" cat-file --batch-all-objects --batch 2>/dev/null |
		grep -a -q -F -e "$1"
}
stored "$PW"; [ $? -ne 0 ]; ok $? "the password is in no file of the store in clear"
stored '"name":"alice","role":"analyst"'; ok $? "(where the search does find what the store holds: the user)"
grep -a -q '"scheme":"scrypt"' "$CORDON_STORE/data.mdb"; ok $? "an scrypt hash is"
printf 'another long password\n' > "$T/pw2"
expect 0 "user passwd" user passwd alice < "$T/pw2"
expect 3 "user passwd of a user that does not exist" user passwd nobody < "$T/pw2"

expect 0 "token create" token create alice --label "nightly export"
token=$out
case "$token" in cordon_*) ok 0 "prints a token" ;; *) ok 1 "prints a token ($token)" ;; esac
[ ${#token} -eq 71 ]; ok $? "of 71 characters"
stored "$token"; [ $? -ne 0 ]; ok $? "the token is in no file of the store in clear"
stored "${token#cordon_}"; [ $? -ne 0 ]; ok $? "nor its secret part"
expect 3 "token for a user that does not exist" token create nobody
expect 2 "token without a subcommand" token

expect 0 "audit log" audit log --json
has '"op":"user-add"' "user add is audited"
has '"op":"user-passwd"' "the password change is audited"
has '"op":"token-create"' "the token is audited"
expect 0 "audit verify" audit verify
has "intact" "passes"
done_testing
