#!/bin/sh
# ruleapi.sh - fuzz the rule API's arguments (cordon.find, count, get, links, alert): seeds, past crashes, and a short run (check.sh).
NAME=ruleapi
. "${TESTS_DIR:?}/fuzz/check.sh"
