#!/bin/sh
# evname.sh - fuzz evidence file names, stored and downloaded: seeds, past crashes, and a short run (check.sh).
NAME=evname
. "${TESTS_DIR:?}/fuzz/check.sh"
