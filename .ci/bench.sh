#!/usr/bin/env bash
# Reads `go test -bench` output on stdin and prints one line per figure,
# `BENCH name value unit`, then writes the same figures as JSON to $1.
# name is package/Benchmark (without the -GOMAXPROCS suffix); every
# value-unit pair the benchmark reported is a figure (ns/op, B/op,
# allocs/op and b.ReportMetric's own units).
set -euo pipefail
out=${1:-build/bench.json}
mkdir -p "$(dirname "$out")"
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
tee "$raw" | awk '/^(FAIL|panic:|--- FAIL)/ { print > "/dev/stderr" }' >&2 || true

awk '
  /^pkg: / { n = split($2, p, "/"); pkg = p[n]; next }
  /^Benchmark/ {
    name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
    for (i = 3; i + 1 <= NF; i += 2) printf "BENCH %s/%s %s %s\n", pkg, name, $i, $(i + 1)
  }' "$raw" | tee "$raw.lines"

{
  printf '{\n  "commit": "%s",\n  "time": "%s",\n  "figures": [' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  awk 'BEGIN { sep = "" } { printf "%s\n    {\"name\": \"%s\", \"value\": %s, \"unit\": \"%s\"}", sep, $2, $3, $4; sep = "," }' "$raw.lines"
  printf '\n  ]\n}\n'
} >"$out"
rm -f "$raw.lines"
if grep -qE '^(FAIL|--- FAIL)' "$raw"; then
  echo "bench: a benchmark failed" >&2
  exit 1
fi
echo "bench: $(grep -c '"name"' "$out") figures in $out"
