#!/bin/sh
# patch.sh - fuzz merge patches and record updates: seeds, past crashes, and a short run (check.sh).
NAME=patch
. "${TESTS_DIR:?}/fuzz/check.sh"
