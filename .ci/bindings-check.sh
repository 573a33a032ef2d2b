#!/usr/bin/env bash
# Fails when frontend/wailsjs does not match the bound Go methods. Wails
# writes the enums of one package in map order, so the generated files are
# compared line-sorted, and when only that order changed the committed
# files are put back untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=frontend/wailsjs
keep=$(mktemp -d)
trap 'rm -rf "$keep"' EXIT
cp -a "$dir/." "$keep/"
sorted() { (cd "$1" && find . -type f | sort | while read -r f; do echo "== $f"; sort "$f"; done); }
make --no-print-directory bindings >/dev/null
if [ "$(sorted "$keep")" = "$(sorted "$dir")" ]; then
  rm -rf "$dir" && mkdir -p "$dir" && cp -a "$keep/." "$dir/"
  exit 0
fi
echo "lint: frontend/wailsjs was stale and is now regenerated; review and commit it" >&2
diff -r "$keep" "$dir" | head -20 >&2 || true
exit 1
