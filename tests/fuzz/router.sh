#!/bin/sh
# router.sh - fuzz the HTTP routes and their query parameters: seeds, past crashes, and a short run (check.sh).
NAME=router
. "${TESTS_DIR:?}/fuzz/check.sh"
