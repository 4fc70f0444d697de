#!/usr/bin/env bash
# make test: the whole suite on both stores. Starts a real Neo4j (tools/neo4j) for the Neo4j half of the
# store contract and stops it at the end. Without Java 17/21 or Maven the Neo4j tests are skipped with a
# message, except under CI=true, where a Neo4j that does not start fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# The dashboard's browser test drives Debian's chromium; install it when missing and we may (else it skips, or fails under CI).
command -v chromium >/dev/null || { [ "$(id -u)" = 0 ] && apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } || echo "chromium missing: the dashboard browser test will be skipped" >&2
started=""
if [[ -z "${CLUEGRAPH_TEST_NEO4J_URI:-}" ]]; then
  if uri=$(bash tools/neo4j/neo4j.sh start); then
    export CLUEGRAPH_TEST_NEO4J_URI="${uri##*$'\n'}"
    started=yes
    echo "Neo4j for the tests: $CLUEGRAPH_TEST_NEO4J_URI"
  else
    code=$?
    if [[ "${CI:-}" == "true" ]]; then
      echo "Neo4j did not start (exit $code): under CI the Neo4j tests must run" >&2
      exit 1
    fi
    echo "Neo4j did not start (exit $code): its tests will be skipped; set CLUEGRAPH_TEST_NEO4J_URI to use a server" >&2
  fi
fi
trap '[[ -n "$started" ]] && bash tools/neo4j/neo4j.sh stop >/dev/null 2>&1' EXIT
$PY -m pytest -q -m "not slow" "$@"
