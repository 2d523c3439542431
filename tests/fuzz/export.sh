#!/bin/sh
# export.sh - fuzz the partner exports (STIX, MISP, CSV) of any records: seeds, past crashes, and a short run (check.sh).
NAME=export
. "${TESTS_DIR:?}/fuzz/check.sh"
