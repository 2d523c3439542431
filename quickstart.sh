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
	libjansson-dev libutf8proc-dev libjemalloc-dev zlib1g-dev libmagic-dev
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

# build DIR [CONFIGURE-ARGS...]: configure and build out of tree in DIR.
build() {
	local dir=$1
	shift
	[ -x configure ] || autoreconf -fi || return 1
	mkdir -p "$dir" && cd "$dir" || return 1
	[ -f Makefile ] || "$top/configure" "$@" >configure.log || { cat configure.log; return 1; }
	make -j"$(nproc)" >make.log 2>&1 || { tail -40 make.log; return 1; }
	cd "$top"
}

# The tests that run threads (the worker pool, the sorter, imports, the
# query cache, rule runs, the HTTP server, TAXII, exports and imports in
# the background).
threaded_tests="tests/unit/test-pool tests/unit/test-mapgrow tests/unit/test-sorter tests/unit/test-import tests/unit/test-qcache tests/e2e/import.sh tests/e2e/rules.sh tests/e2e/serve.sh tests/e2e/taxii.sh tests/e2e/partners.sh tests/e2e/import-http.sh"

# The fuzz harnesses (tests/fuzz/, doc/security.md).
fuzz_tests="tests/fuzz/import-jsonl.sh tests/fuzz/import-csv.sh tests/fuzz/validate.sh tests/fuzz/patch.sh tests/fuzz/ruleapi.sh tests/fuzz/evname.sh tests/fuzz/router.sh tests/fuzz/export.sh"

# count DIR: add the TAP results of DIR's last `make check` to the totals.
passed=0
failed=0
count() {
	local p f
	p=$(cat "$1"/tests/unit/*.trs "$1"/tests/e2e/*.trs "$1"/tests/fuzz/*.trs 2>/dev/null | grep -c '^:test-result: \(PASS\|XFAIL\|SKIP\)')
	f=$(cat "$1"/tests/unit/*.trs "$1"/tests/e2e/*.trs "$1"/tests/fuzz/*.trs 2>/dev/null | grep -c '^:test-result: \(FAIL\|XPASS\|ERROR\)')
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
	status=0
	echo "== plain build, warnings as errors"
	if build build --enable-werror; then
		(cd build && make check -j"$(nproc)") || status=1
		count build
	else
		status=1
		failed=$((failed + 1))
	fi
	echo "== AddressSanitizer + UndefinedBehaviorSanitizer build"
	if build build-asan --enable-werror --enable-asan; then
		(cd build-asan && ASAN_OPTIONS=detect_leaks=1 make check -j"$(nproc)") || status=1
		count build-asan
	else
		status=1
		failed=$((failed + 1))
	fi
	echo "== ThreadSanitizer build, the tests that use threads"
	if build build-tsan --enable-werror --enable-tsan; then
		(cd build-tsan && TSAN_OPTIONS="halt_on_error=1 suppressions=$top/tests/tsan.supp" make check TESTS="$threaded_tests") || status=1
		count build-tsan
	else
		status=1
		failed=$((failed + 1))
	fi
	echo "== libFuzzer build, the fuzz harnesses"
	if build build-fuzz --enable-fuzz; then
		(cd build-fuzz && make check TESTS="$fuzz_tests") || status=1
		count build-fuzz
	else
		status=1
		failed=$((failed + 1))
	fi
	echo "== make distcheck"
	if (cd build && make distcheck >distcheck.log 2>&1); then
		passed=$((passed + 1))
	else
		tail -40 build/distcheck.log
		failed=$((failed + 1))
		status=1
	fi
	for log in build/test-suite.log build-asan/test-suite.log build-tsan/test-suite.log build-fuzz/test-suite.log; do
		[ -f "$log" ] && grep -q '^# FAIL: *[1-9]' "$log" && sed -n '/^FAIL\|^ERROR/,$p' "$log" | head -80
	done
	echo "$passed passed, $failed failed"
	exit $status
	;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac
