#!/bin/bash
# quickstart.sh - install what cordon needs on Debian 12, build it, and
# either run the demo or the whole test suite.
#
#   ./quickstart.sh demo   install, build, run `cordon demo` on ./demo-store
#                          and serve the web UI on it (http://127.0.0.1:8080/)
#   ./quickstart.sh test   install, build twice (plain, and with Address- and
#                          UndefinedBehaviorSanitizer), run every test in both
#                          builds, the tests that use threads once more under
#                          ThreadSanitizer, the fuzz harnesses with clang's
#                          libFuzzer, and `make distcheck`; ends with
#                          "N passed, M failed"
#
# Run as root (it calls apt-get), or as a user after installing the
# packages listed in README.md yourself (set CORDON_NO_APT=1).
set -u
cd "$(dirname "$0")"
top=$(pwd)

packages="build-essential autoconf automake libtool pkg-config python3
	liblmdb-dev libgit2-dev liblua5.4-dev libmicrohttpd-dev libssl-dev
	libjansson-dev libmsgpack-dev libutf8proc-dev libjemalloc-dev zlib1g-dev libmagic-dev
	libsqlite3-dev git curl openssl python3-jsonschema
	libjs-chart.js node-d3 libjs-codemirror"
# The browser tests drive Debian's chromium with Node.js (>= 20, with npm;
# Debian's own nodejs only where the machine has none); the fuzz harnesses
# are built with clang's libFuzzer.
test_packages="chromium clang"

install_packages() {
	[ -n "${CORDON_NO_APT:-}" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "quickstart: not root: skipping apt-get (set CORDON_NO_APT=1 to silence)" >&2
		return 0
	fi
	export DEBIAN_FRONTEND=noninteractive
	local more=
	[ "${1:-}" = test ] && more=$test_packages
	[ "${1:-}" = test ] && ! command -v node >/dev/null && more="$more nodejs npm"
	apt-get update -qq >/dev/null && \
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $packages $more >/dev/null
}

# build DIR [CONFIGURE-ARGS...]: configure (always: a folder configured
# earlier, by the demo say, may have other flags) and build out of tree
# in DIR.
build() {
	local dir=$1
	shift
	[ -x configure ] || autoreconf -fi || return 1
	mkdir -p "$dir" || return 1
	(cd "$dir" && "$top/configure" "$@" >configure.log) || { cat "$dir/configure.log"; return 1; }
	(cd "$dir" && make -j"$(nproc)" >make.log 2>&1) || { tail -40 "$dir/make.log"; return 1; }
}

# The tests that run threads (the worker pool, the sorter, imports, the
# query cache, rule runs, the HTTP server, TAXII, exports and imports in
# the background).
threaded_tests="tests/unit/test-pool tests/unit/test-mapgrow tests/unit/test-sorter tests/unit/test-import tests/unit/test-qcache tests/e2e/import.sh tests/e2e/rules.sh tests/e2e/serve.sh tests/e2e/taxii.sh tests/e2e/partners.sh tests/e2e/import-http.sh"

# The fuzz harnesses (tests/fuzz/, doc/security.md).
fuzz_tests="tests/fuzz/import-jsonl.sh tests/fuzz/import-csv.sh tests/fuzz/validate.sh tests/fuzz/patch.sh tests/fuzz/ruleapi.sh tests/fuzz/evname.sh tests/fuzz/router.sh tests/fuzz/export.sh"

# check NAME DIR [TESTS] [ENV...]: build DIR's tests and run them (every
# test when TESTS is empty), then add their results to the totals. The
# plan, the test files to run, is printed first and counted from a clean
# slate: a test file that wrote no result (its program did not compile,
# make stopped, it crashed before its plan) counts as failed, and so
# does a make check that failed without any test saying why.
passed=0
failed=0
check() {
	local name=$1 dir=$2 tests=$3 t p f missing=0 rc
	shift 3
	[ -n "$tests" ] || tests=$(make -s -C "$dir" print-tests) || {
		echo "$name: cannot list the tests"; failed=$((failed + 1)); return; }
	echo "== $name: plan: $(echo "$tests" | wc -w) test files"
	for t in $tests; do rm -f "$dir/${t%.sh}.trs" "$dir/${t%.sh}.log"; done
	(cd "$dir" && env "$@" make -k check -j"$(nproc)" TESTS="$tests")
	rc=$?
	p=0 f=0
	for t in $tests; do
		# automake drops the .sh of a test's name for its results.
		if [ -f "$dir/${t%.sh}.trs" ]; then
			p=$((p + $(grep -c '^:test-result: \(PASS\|XFAIL\|SKIP\)' "$dir/${t%.sh}.trs")))
			f=$((f + $(grep -c '^:test-result: \(FAIL\|XPASS\|ERROR\)' "$dir/${t%.sh}.trs")))
		else
			echo "$name: $t wrote no result (did it build?)"
			missing=$((missing + 1))
		fi
	done
	f=$((f + missing))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$name: make check failed (exit $rc) with every test passing"
		f=1
	fi
	echo "== $name: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
}

case "${1:-}" in
demo)
	install_packages || { echo "quickstart: apt-get failed" >&2; exit 1; }
	build build || exit 1
	store=${CORDON_STORE:-$top/demo-store}
	build/cordon --store "$store" demo || exit 1
	# The web UI on the demo store, until Ctrl-C.
	exec build/cordon --store "$store" serve --listen "${CORDON_LISTEN:-127.0.0.1:8080}"
	;;
test)
	install_packages test || { echo "quickstart: apt-get failed" >&2; echo "0 passed, 1 failed"; exit 1; }
	# A build that fails counts as one failed test.
	echo "== plain build, warnings as errors"
	if build build --enable-werror; then
		check "plain build" build ""
	else
		failed=$((failed + 1))
	fi
	echo "== AddressSanitizer + UndefinedBehaviorSanitizer build"
	if build build-asan --enable-werror --enable-asan; then
		check "ASan build" build-asan "" ASAN_OPTIONS=detect_leaks=1
	else
		failed=$((failed + 1))
	fi
	echo "== ThreadSanitizer build, the tests that use threads"
	if build build-tsan --enable-werror --enable-tsan; then
		check "TSan build" build-tsan "$threaded_tests" \
		    TSAN_OPTIONS="halt_on_error=1 suppressions=$top/tests/tsan.supp"
	else
		failed=$((failed + 1))
	fi
	echo "== libFuzzer build, the fuzz harnesses"
	if build build-fuzz --enable-fuzz; then
		check "libFuzzer build" build-fuzz "$fuzz_tests"
	else
		failed=$((failed + 1))
	fi
	echo "== make distcheck"
	if (cd build && make distcheck >distcheck.log 2>&1); then
		passed=$((passed + 1))
	else
		tail -40 build/distcheck.log
		failed=$((failed + 1))
	fi
	# The details of every test file that failed or crashed.
	# (distcheck's own run is under build/cordon-*/_build/sub, kept when it fails).
	for log in build/test-suite.log build-asan/test-suite.log build-tsan/test-suite.log build-fuzz/test-suite.log \
	    build/cordon-*/_build/sub/test-suite.log; do
		[ -f "$log" ] && grep -q '^# \(FAIL\|ERROR\|XPASS\): *[1-9]' "$log" &&
			{ echo "== $log"; sed -n '/^FAIL\|^ERROR\|^XPASS/,$p' "$log" | head -80; }
	done
	# The closing line and the exit status say the same thing.
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
	;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac
