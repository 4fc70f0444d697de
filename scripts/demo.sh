#!/usr/bin/env bash
# make demo: run the main job end to end on the embedded store, with what exists so far, and say what it did.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
OUT=out/demo
STORE=$OUT/cluegraph.duckdb
mkdir -p "$OUT"
rm -f "$STORE" "$STORE.wal"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. Generate a synthetic border world (2,000 people, 7 days of upcoming arrivals) into $OUT/world"
$BIN/cluegraph world "$OUT/world" --persons 2000 --days 7 --seed 1
echo "   source files written as outside systems would: crossings.csv, advance/paxlst, advance/pnrgov, associated/*.csv"
echo "   ground truth for scoring: $OUT/world/truth/ (see docs/world.md)"

step "2. Load the committed sample graph (data/sample_graph) into the embedded store $STORE"
$BIN/cluegraph load-graph data/sample_graph --store "$STORE"

step "3. What the store holds"
$BIN/cluegraph stats --store "$STORE"

step "4. Search: who is called ZHANG?"
$BIN/cluegraph find zhang --label Person --store "$STORE"

step "5. Expand: two hops around the traveller P-0001 (booking, contact phone, card, document)"
$BIN/cluegraph neighbours "Person=P-0001" --depth 2 --store "$STORE"

step "6. Three hops: the booking contact phone leads to P-0002, the organiser of case C-17"
$BIN/cluegraph neighbours "Person=P-0001" --depth 3 --edge-type BOOKED --edge-type CONTACT --edge-type USES \
  --edge-type INVOLVED_IN --store "$STORE"

cat <<MSG

Done. What ran: the world generator, the embedded DuckDB graph store, search and link expansion.
Also there: the Neo4j store for a team server (\`cluegraph sync\`, see the README) and the readers of
the world's files (ingest/). Not yet part of cluegraph (open issues): the ingest pipeline into the graph
(#4), risk analytics (#6), batch runs (#7), the investigator dashboard (#8) and clue packets (#9).
Try it yourself:  .venv/bin/cluegraph --help   (store: $STORE)
MSG
