#!/bin/sh
# import-csv.sh - fuzz the CSV import: seeds, past crashes, and a short run (check.sh).
NAME=import-csv
. "${TESTS_DIR:?}/fuzz/check.sh"
