#!/usr/bin/env bash
# make demo: the main job end to end on the embedded store: generate a world, ingest it, score it, run the batch
# over the upcoming arrivals, re-check history, export a clue packet, and serve the dashboard.
# DEMO_NO_SERVE=1 stops before serving (used by the tests); DEMO_PERSONS sets the world's size.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
OUT=out/demo
STORE=$OUT/cluegraph.duckdb
PERSONS=${DEMO_PERSONS:-2000}
export CLUEGRAPH_STORE=$STORE CLUEGRAPH_RUNS=$OUT/runs CLUEGRAPH_USERS=$OUT/users.json CLUEGRAPH_AUDIT=$OUT/audit.jsonl
rm -rf "$OUT"
mkdir -p "$OUT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. Generate a synthetic border world ($PERSONS people, 7 days of upcoming arrivals) into $OUT/world"
$BIN/cluegraph world "$OUT/world" --persons "$PERSONS" --days 7 --seed 1
echo "   source files as outside systems send them: crossings.csv, advance/paxlst, advance/pnrgov, associated/*.csv"

step "2. Ingest every source file: read, validate, normalise, resolve identities, load (report: $OUT/ingest_report.json)"
$BIN/cluegraph ingest "$OUT/world" --report "$OUT/ingest_report.json"

step "3. Screen everyone against the watchlists"
$BIN/cluegraph screen

step "4. Propagate risk from the seeds and find clue clusters"
$BIN/cluegraph score --top 5
$BIN/cluegraph clusters --out "$OUT/clusters"

step "5. Batch run over the upcoming arrivals (2026-03-01 .. 2026-03-07)"
$BIN/cluegraph run --from 2026-03-01 --to 2026-03-07

step "6. Re-check all history against the newest intelligence"
$BIN/cluegraph recheck --out "$OUT/recheck"

step "7. Hand the top clue cluster to another unit as a signed clue packet"
top=$(awk -F, 'NR==2 {print $1}' "$OUT/clusters/clusters.csv")
mkdir -p "$OUT/keys" && $BIN/cluegraph packet-keygen "$OUT/keys/demo.key" "$OUT/keys/demo.pub"
$BIN/cluegraph export-packet --cluster "$top" --note "demo lead" --creator "demo unit" --sign-key "$OUT/keys/demo.key" \
  --out "$OUT/packets/$top.zip"

step "8. What the store holds"
$BIN/cluegraph stats

PASSWORD=demo-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$PASSWORD" | $BIN/cluegraph users add demo --role supervisor --password-stdin
cat <<MSG

Done: world -> ingest -> screening -> propagation, clusters -> batch run -> re-check -> clue packet.
Outputs under $OUT: ingest_report.json, clusters/clusters.csv, runs/<run id>/ (worklist, alerts, manifest),
recheck/retro_hits.csv, packets/$top.zip (verify: .venv/bin/cluegraph verify-packet FILE --verify-key $OUT/keys/demo.pub).
MSG
if [[ -n "${DEMO_NO_SERVE:-}" ]]; then
  exit 0
fi
step "9. The investigator dashboard: http://127.0.0.1:8050  (user: demo  password: $PASSWORD)  Ctrl-C stops it"
exec $BIN/cluegraph serve --host 127.0.0.1 --port 8050
