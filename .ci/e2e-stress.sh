#!/usr/bin/env bash
# The end-to-end suite as a fresh, busy machine runs it: a new HOME, so no
# font, Chromium or WebKit cache of an earlier run is there, and stress-ng
# keeping the cores busy beside it, and Chromium started 5 s late
# (E2E_LATE), as a fresh machine's first start is, while the dev binary's
# own window goes ahead. Not part of `make test`: run it (make e2e-stress)
# before resolving anything that touches the window. RUNS=N runs it N
# times in a row, each with a new HOME, and fails if any fails.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-1}
cpus=${STRESS_CPUS:-2}
command -v stress-ng >/dev/null || { echo "e2e-stress: stress-ng is missing; run it through make e2e-stress" >&2; exit 1; }

failed=0
for run in $(seq "$runs"); do
  home=$(mktemp -d)
  stress-ng --cpu "$cpus" --timeout 0 --quiet &
  stress=$!
  start=$SECONDS
  rc=0
  env -u XDG_CACHE_HOME -u XDG_CONFIG_HOME -u XDG_DATA_HOME HOME="$home" E2E_LATE="${E2E_LATE:-5}" .ci/e2e.sh || rc=$?
  kill "$stress" 2>/dev/null || true
  wait "$stress" 2>/dev/null || true
  rm -rf "$home"
  if [ "$rc" -eq 0 ]; then
    echo "e2e-stress: run $run of $runs passed in $((SECONDS - start)) s (stress-ng --cpu $cpus, fresh HOME, Chromium ${E2E_LATE:-5} s late)"
  else
    echo "e2e-stress: run $run of $runs FAILED in $((SECONDS - start)) s (stress-ng --cpu $cpus, fresh HOME, Chromium ${E2E_LATE:-5} s late)" >&2
    failed=$((failed + 1))
  fi
done
[ "$failed" -eq 0 ]
