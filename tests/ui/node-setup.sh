#!/bin/bash
# node-setup.sh DIR - playwright-core, as tests/ui/package-lock.json pins
# it, installed with npm ci into DIR (kept while the lockfile is the same;
# it never downloads a browser: Debian's chromium is used).
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
if cmp -s "$here/package-lock.json" "$dir/package-lock.json" &&
    [ -d "$dir/node_modules/playwright-core" ]; then
	exit 0
fi
command -v npm >/dev/null || { echo "node-setup: needs Node.js >= 20 with npm" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
cp "$here/package.json" "$here/package-lock.json" "$dir/"
if ! (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
    --loglevel=error) > "$dir.log" 2>&1; then
	echo "node-setup: npm ci failed:" >&2
	tail -5 "$dir.log" >&2
	rm -rf "$dir"
	exit 1
fi
rm -f "$dir.log"
