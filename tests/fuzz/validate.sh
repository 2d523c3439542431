#!/bin/sh
# validate.sh - fuzz record validation: seeds, past crashes, and a short run (check.sh).
NAME=validate
. "${TESTS_DIR:?}/fuzz/check.sh"
