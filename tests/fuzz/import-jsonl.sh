#!/bin/sh
# import-jsonl.sh - fuzz the JSON Lines import: seeds, past crashes, and a short run (check.sh).
NAME=import-jsonl
. "${TESTS_DIR:?}/fuzz/check.sh"
