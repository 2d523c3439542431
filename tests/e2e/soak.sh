#!/bin/bash
# soak.sh - cordon under load while its server is killed (tests/soak/soak.py):
# 2 minutes in `make check`, SOAK_SECONDS (1800 in `make soak`) otherwise.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

"$CORDON" init >/dev/null || { echo "Bail out! cordon init failed"; exit 1; }
users olga:officer ana:analyst
SOAK_OFFICER_TOKEN=$("$CORDON" token create olga) && SOAK_ANALYST_TOKEN=$("$CORDON" token create ana) &&
	"$CORDON" org --name "Soak Customs" >/dev/null && "$CORDON" partner add soak-la --country LA --max-tlp amber >/dev/null ||
	{ echo "Bail out! setting up the store failed"; exit 1; }
export SOAK_OFFICER_TOKEN SOAK_ANALYST_TOKEN SOAK_PARTNER=soak-la CORDON
# Memory flatness means nothing under a sanitizer's allocator; and
# jemalloc's junk filling (make check's MALLOC_CONF) writes over what is
# freed, which keeps it resident: the server runs with jemalloc as shipped.
ldd "$CORDON" 2>/dev/null | grep -q 'lib[at]san' && export SOAK_SANITIZED=1
unset MALLOC_CONF
TMPDIR="$T" python3 "${TESTS_DIR:-$(dirname "$0")/..}/soak/soak.py" "${SOAK_SECONDS:-120}"
