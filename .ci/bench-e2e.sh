#!/usr/bin/env bash
# make bench-e2e: AuditDesk timed as a user meets it. Every figure is a whole
# process, from its start to its exit, beside the tool a user would pick
# instead, on the same events, in the same run, as a ratio; medians of RUNS.
#
#   BENCH_EVENTS   events the simulator serves (default 1,000,000)
#   RUNS           runs of each command (default 3)
#
# The server is `auditdesk simulate --rich --seed 7`: every event carries a
# details object, about 490 bytes of JSON an event, as a real platform's.
# The peers:
#   - the first sync: .ci/pagereader, a plain client that reads and decodes
#     every page one after the other and keeps nothing;
#   - queries and the CSV export: sqlite3 over the same events (a table
#     with indexes on time, scope, category, status and user, ANALYZEd), and
#     grep -i -F over them as JSON Lines (what `auditdesk query --json`
#     prints), each writing its rows to a file as AuditDesk does;
#   - the window: .ci/emptywindow, a Wails window with a page of one line
#     that, once the window is shown, paints a frame and calls Go: what any
#     window of Wails and WebKitGTK costs here before it shows anything. The window's time to first rows is its
#     "first rows" log line (the page saying it has painted them) against
#     the moment it was started; both on one Xvfb server started before,
#     their runs taken in turns.
# Prints a table and `BENCH-E2E name value unit` lines, and writes
# build/bench-e2e.json.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_EVENTS:-1000000}
RUNS=${RUNS:-3}
SEARCH=WHISPER-JA # a model name: about 1% of events (seed 7)
BIN=${AUDITDESK_BIN:-$PWD/build/bin/auditdesk}
OUT=$PWD/build/bench-e2e.json
W=$(mktemp -d /tmp/auditdesk-bench-e2e.XXXXXX)
SIM_PID= XVFB_PID=
cleanup() {
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT

say() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
figures=()
figure() { # name value unit
  figures+=("$1 $2 $3")
  echo "BENCH-E2E $1 $2 $3"
}

# timed NAME PREP CMD: runs PREP (untimed), then CMD under /usr/bin/time,
# RUNS times, and sets SECS and MB to the medians of its wall time and peak
# resident memory. Both are shell text, evaluated at each run, where $run
# is the run's number.
timed() {
  local name=$1 prep=$2 cmd=$3
  : >"$W/$name.times"
  for run in $(seq 1 "$RUNS"); do
    eval "$prep"
    eval "/usr/bin/time -f '%e %M' -o \"\$W/time\" $cmd" >"$W/$name.out" 2>"$W/$name.err" || {
      say "$name failed:"
      cat "$W/$name.err" >&2
      exit 1
    }
    cat "$W/time" >>"$W/$name.times"
  done
  SECS=$(awk '{print $1}' "$W/$name.times" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  MB=$(awk '{print $2}' "$W/$name.times" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1024}')
  say "$name: $(tr '\n' ' ' <"$W/$name.times")-> ${SECS} s, ${MB} MB"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

# The server, on a free loopback port, its history ending a day ago: the
# incremental sync then reads the day since from the same server started
# again at the same address with the history up to now (the same events,
# and those of the day: about 2,700 at 1M).
start_sim() { # ADDR [--now T]
  "$BIN" simulate --addr "$@" --events "$N" --seed 7 --rich >"$W/sim.out" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 1 300); do
    grep -q '^owner token' "$W/sim.out" 2>/dev/null && break
    sleep 0.1
  done
  API=$(sed -n 's/^serving the Audit Log API at \([^ ]*\) .*/\1/p' "$W/sim.out")
  AUDITDESK_TOKEN=$(awk '/^owner token/ {print $3}' "$W/sim.out")
  export AUDITDESK_TOKEN
  [ -n "$AUDITDESK_TOKEN" ] || { say "the simulator did not start:"; cat "$W/sim.out" >&2; exit 1; }
}
say "starting the simulator: $N events, --rich, up to a day ago"
start_sim 127.0.0.1:0 --now "$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)"
go build -o "$W/pagereader" ./.ci/pagereader
go build -tags desktop,production,webkit2_41 -trimpath -ldflags "-s -w" -o "$W/emptywindow" ./.ci/emptywindow

# First sync, into a new data dir each run; the plain reader beside it.
timed pagereader ':' '"$W/pagereader" -api "$API"'
read_s=$SECS
bytes_each=$(sed -n 's/.*(\([0-9]*\) an event).*/\1/p' "$W/pagereader.out")
timed first_sync 'rm -rf "$W/data$run"' '"$BIN" sync --api "$API" --data "$W/data$run"'
sync_s=$SECS sync_mb=$MB
D=$W/data$RUNS
kill "$SIM_PID"
wait "$SIM_PID" 2>/dev/null || true
say "starting the simulator again at ${API#http://}, up to now"
start_sim "${API#http://}"
# Each run syncs a copy of the first sync's data, written out to the disk
# first (a copy's dirty pages would be the sync's to flush).
timed incremental_sync 'rm -rf "$W/inc"; cp -a "$D" "$W/inc"; sync' '"$BIN" sync --api "$API" --data "$W/inc"'
inc_s=$SECS inc_mb=$MB
inc_n=$(sed -n 's/.*: \([0-9,]*\) new events.*/\1/p' "$W/incremental_sync.out" | tr -d ,)

# The peers' copies of the same events: JSON Lines and a sqlite3 database.
say "writing the peers' copies"
"$BIN" query --data "$D" --json >"$W/events.jsonl"
events=$(wc -l <"$W/events.jsonl")
sqlite3 "$W/events.db" <<EOF
CREATE TABLE raw(j TEXT);
.mode ascii
.separator "\037" "\n"
.import $W/events.jsonl raw
CREATE TABLE events(id TEXT, ts TEXT, user TEXT, scope TEXT, category TEXT, action TEXT, target TEXT, status TEXT, description TEXT, workspace TEXT);
INSERT INTO events SELECT j->>'id', j->>'timestamp', j->>'user', j->>'scope', j->>'category', j->>'action', j->>'target', j->>'status', j->>'description', j->>'\$.workspace.name' FROM raw;
DROP TABLE raw;
CREATE INDEX events_ts ON events(ts);
CREATE INDEX events_scope ON events(scope);
CREATE INDEX events_category ON events(category);
CREATE INDEX events_status ON events(status);
CREATE INDEX events_user ON events(user);
ANALYZE;
VACUUM;
EOF

term=$(echo "$SEARCH" | tr '[:upper:]' '[:lower:]')
like="lower(user) LIKE '%$term%' OR lower(scope) LIKE '%$term%' OR lower(category) LIKE '%$term%' OR lower(action) LIKE '%$term%' OR lower(target) LIKE '%$term%' OR lower(description) LIKE '%$term%'"
timed search ':' '"$BIN" query --data "$D" --search "$SEARCH" --json'
search_s=$SECS search_mb=$MB search_n=$(wc -l <"$W/search.out")
timed sqlite_search ':' 'sqlite3 -readonly -json "$W/events.db" "SELECT * FROM events WHERE $like ORDER BY ts DESC"'
sqlite_search_s=$SECS
timed grep_search ':' 'grep -i -F "$SEARCH" "$W/events.jsonl"'
grep_search_s=$SECS

timed filter ':' '"$BIN" query --data "$D" --status FAILED --scope Service --json'
filter_s=$SECS filter_mb=$MB filter_n=$(wc -l <"$W/filter.out")
q_filter="SELECT * FROM events WHERE status = 'FAILED' AND scope = 'Service' ORDER BY ts DESC"
timed sqlite_filter ':' 'sqlite3 -readonly -json "$W/events.db" "$q_filter"'
sqlite_filter_s=$SECS
cat >"$W/grep_filter.sh" <<EOF
grep -F '"status":"FAILED"' "$W/events.jsonl" | grep -F '"scope":"Service"'
EOF
timed grep_filter ':' 'sh "$W/grep_filter.sh"'
grep_filter_s=$SECS

timed export_csv 'rm -f "$W/all.csv" "$W/all.csv.manifest.json"' '"$BIN" export --data "$D" --out "$W/all.csv"'
csv_s=$SECS csv_mb=$MB
timed sqlite_csv ':' 'sqlite3 -readonly -csv -header "$W/events.db" "SELECT * FROM events ORDER BY ts DESC"'
sqlite_csv_s=$SECS
timed export_xlsx 'rm -f "$W/all.xlsx" "$W/all.xlsx.manifest.json"' '"$BIN" export --data "$D" --out "$W/all.xlsx"'
xlsx_s=$SECS xlsx_mb=$MB

# Import of the console's CSV export of every event (newest first, the
# console's eight columns, times to the second), into a new case each run,
# its index ready; beside it sqlite3 importing the same file into a table
# and indexing it as the peers' database is (time, scope, category,
# status, user).
sqlite3 -readonly -csv -header "$W/events.db" "SELECT replace(substr(ts, 1, 19), 'T', ' ') AS Timestamp, user AS User, scope AS Scope, category AS Category, action AS Action, target AS Target, status AS Status, description AS Description FROM events ORDER BY ts DESC" >"$W/console.csv"
cat >"$W/sqlite_import.sql" <<EOF
.import --csv $W/console.csv events
CREATE INDEX events_ts ON events(Timestamp);
CREATE INDEX events_scope ON events(Scope);
CREATE INDEX events_category ON events(Category);
CREATE INDEX events_status ON events(Status);
CREATE INDEX events_user ON events(User);
EOF
timed import 'rm -rf "$W/imp"' '"$BIN" import "$W/console.csv" --data "$W/imp" --tz UTC'
import_s=$SECS import_mb=$MB
timed sqlite_import 'rm -f "$W/imp.db"' 'sqlite3 "$W/imp.db" <"$W/sqlite_import.sql"'
sqlite_import_s=$SECS

# The window, to its first rows (its log says when), on one Xvfb server
# started before, so that the X server's own start is not counted.
for disp in $(seq 90 120); do [ -e "/tmp/.X$disp-lock" ] || break; done
Xvfb ":$disp" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
for _ in $(seq 1 100); do [ -e "/tmp/.X11-unix/X$disp" ] && break; sleep 0.05; done
window_first_rows() {
  local log=$D/auditdesk.log before=0 start line at pid
  [ -f "$log" ] && before=$(wc -l <"$log")
  start=$(date +%s.%N)
  AUDITDESK_DEMO=off DISPLAY=":$disp" "$BIN" --data "$D" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    line=$(tail -n +"$((before + 1))" "$log" 2>/dev/null | grep -m1 'msg="first rows"' || true)
    [ -n "$line" ] && break
    sleep 0.05
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -n "$line" ] || { say "the window showed no rows in 30 s"; return 1; }
  at=$(date -d "$(echo "$line" | sed -n 's/^time=\([^ ]*\).*/\1/p')" +%s.%N)
  awk -v a="$at" -v s="$start" 'BEGIN { printf "%.2f\n", a - s }'
}
empty_window() {
  local start end
  start=$(date +%s.%N)
  DISPLAY=":$disp" timeout 30 "$W/emptywindow" >/dev/null 2>&1 || { say "the empty window failed"; return 1; }
  end=$(date +%s.%N)
  awk -v a="$end" -v s="$start" 'BEGIN { printf "%.2f\n", a - s }'
}
median() { sort -g "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >"$W/window.times"
: >"$W/empty.times"
# Five runs at least: a window's start varies more than a command's here.
for _ in $(seq 1 "$((RUNS > 5 ? RUNS : 5))"); do
  window_first_rows >>"$W/window.times"
  empty_window >>"$W/empty.times"
done
window_s=$(median "$W/window.times")
empty_s=$(median "$W/empty.times")
say "window: $(tr '\n' ' ' <"$W/window.times")-> $window_s s; empty window: $(tr '\n' ' ' <"$W/empty.times")-> $empty_s s"

cache_mb=$(du -sm "$D/profiles"/*/cache | awk '{s+=$1} END {print s}')
index_mb=$(du -sm "$D/profiles"/*/index.bin | awk '{s+=$1} END {print s}')
jsonl_mb=$(du -sm "$W/events.jsonl" | awk '{print $1}')
sqlite_mb=$(du -sm "$W/events.db" | awk '{print $1}')

figure events "$events" events
figure json_bytes_per_event "$bytes_each" B
figure first_sync_s "$sync_s" s
figure first_sync_rate "$(rate "$events" "$sync_s")" events/s
figure first_sync_peak_mb "$sync_mb" MB
figure pagereader_rate "$(rate "$events" "$read_s")" events/s
figure first_sync_vs_reader "$(ratio "$read_s" "$sync_s")" x
figure incremental_sync_s "$inc_s" s
figure incremental_sync_events "${inc_n:-0}" events
figure incremental_sync_peak_mb "$inc_mb" MB
figure search_s "$search_s" s
figure search_peak_mb "$search_mb" MB
figure search_sqlite_over_auditdesk "$(ratio "$sqlite_search_s" "$search_s")" x
figure search_grep_over_auditdesk "$(ratio "$grep_search_s" "$search_s")" x
figure filter_s "$filter_s" s
figure filter_peak_mb "$filter_mb" MB
figure filter_sqlite_over_auditdesk "$(ratio "$sqlite_filter_s" "$filter_s")" x
figure csv_s "$csv_s" s
figure csv_peak_mb "$csv_mb" MB
figure csv_sqlite_over_auditdesk "$(ratio "$sqlite_csv_s" "$csv_s")" x
figure xlsx_s "$xlsx_s" s
figure import_s "$import_s" s
figure import_rate "$(rate "$events" "$import_s")" rows/s
figure import_peak_mb "$import_mb" MB
figure import_sqlite_over_auditdesk "$(ratio "$sqlite_import_s" "$import_s")" x
figure window_first_rows_s "$window_s" s
figure empty_window_s "$empty_s" s
figure window_empty_over_auditdesk "$(ratio "$empty_s" "$window_s")" x
figure cache_mb "$cache_mb" MB
figure index_mb "$index_mb" MB

cat <<EOF

AuditDesk as a user runs it: $events events of $bytes_each bytes of JSON, whole processes, medians of $RUNS
| work | AuditDesk | beside it | peer time / AuditDesk time |
|---|---|---|---|
| first sync, start to exit | $sync_s s, $sync_mb MB ($(rate "$events" "$sync_s") ev/s) | plain page reader $read_s s ($(rate "$events" "$read_s") ev/s) | $(ratio "$read_s" "$sync_s") |
| incremental sync, a day later (${inc_n:-0} new) | $inc_s s, $inc_mb MB | | |
| query --search $SEARCH ($search_n rows) | $search_s s, $search_mb MB | sqlite3 LIKE $sqlite_search_s s; grep -i -F $grep_search_s s | $(ratio "$sqlite_search_s" "$search_s"); $(ratio "$grep_search_s" "$search_s") |
| query --status FAILED --scope Service ($filter_n rows) | $filter_s s, $filter_mb MB | sqlite3 indexed $sqlite_filter_s s; grep $grep_filter_s s | $(ratio "$sqlite_filter_s" "$filter_s"); $(ratio "$grep_filter_s" "$filter_s") |
| export, CSV of every row | $csv_s s, $csv_mb MB | sqlite3 -csv $sqlite_csv_s s | $(ratio "$sqlite_csv_s" "$csv_s") |
| export, XLSX of every row | $xlsx_s s, $xlsx_mb MB | | |
| import of the console's CSV of every row, index ready | $import_s s, $import_mb MB ($(rate "$events" "$import_s") rows/s) | sqlite3 .import and 5 indexes $sqlite_import_s s | $(ratio "$sqlite_import_s" "$import_s") |
| the window, start to first rows painted | $window_s s | an empty Wails window $empty_s s | $(ratio "$empty_s" "$window_s") |
| on disk | cache $cache_mb MB + index $index_mb MB | sqlite3 $sqlite_mb MB; JSONL $jsonl_mb MB | |
A ratio above 1 means AuditDesk took less time than the peer.
EOF

{
  printf '{\n  "commit": "%s",\n  "time": "%s",\n  "figures": [' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  sep=
  for f in "${figures[@]}"; do
    set -- $f
    printf '%s\n    {"name": "%s", "value": %s, "unit": "%s"}' "$sep" "$1" "$2" "$3"
    sep=,
  done
  printf '\n  ]\n}\n'
} >"$OUT"
say "wrote $OUT"
