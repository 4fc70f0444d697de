#!/usr/bin/env bash
# A real Neo4j Community server (5.26 LTS, from Maven Central) for tests and development.
#
#   bash tools/neo4j/neo4j.sh start    build the launcher if needed, start Neo4j in the background,
#                                      wait for Bolt, print bolt://127.0.0.1:PORT as the last stdout line
#   bash tools/neo4j/neo4j.sh stop     stop it (harmless when nothing runs)
#   bash tools/neo4j/neo4j.sh status   exit 0 and print the URI if it runs, exit 1 otherwise
#   bash tools/neo4j/neo4j.sh reset    stop it and delete its data (tools/neo4j/run/)
#   bash tools/neo4j/neo4j.sh import ARGS_FILE
#                                      first load: replace its database with `neo4j-admin database import
#                                      full @ARGS_FILE` (the files graph/store/neo4j_import.py writes) and
#                                      serve it again on the same port; prints the URI like start. A running
#                                      launcher does it in its own JVM (told through the pipe run/control):
#                                      no JVM to start twice; otherwise stop, import, start
#   bash tools/neo4j/neo4j.sh warm     wait until the started server has run its warm-up (after Bolt
#                                      answers, the launcher imports a generated sample into a scratch home
#                                      beside its database and builds its constraints, so a first load meets
#                                      compiled code; see WarmUp.java); prints its time to stderr
#   bash tools/neo4j/neo4j.sh empty    delete the database (not the logs) and serve an empty one on the same
#                                      port; prints the URI like start. A running launcher does it in its own
#                                      JVM, which keeps its compiled code warm; otherwise stop, delete, start
#
# Auth is disabled; TLS is off. Only the URI goes to stdout, messages go to stderr.
# Exit codes: 0 ok; 1 build or start failed; 3 Java 17/21 or Maven missing.
# Settings (environment): CLUEGRAPH_NEO4J_JAVA_HOME, CLUEGRAPH_NEO4J_PORT (default 0 = a free port),
# CLUEGRAPH_NEO4J_HEAP (3g), CLUEGRAPH_NEO4J_PAGECACHE_MB (2048; taken as pages are read, not up front), CLUEGRAPH_NEO4J_START_TIMEOUT (120 s),
# CLUEGRAPH_NEO4J_WARM_UP ("NODES,EDGES" of the warm-up sample, default 100000,500000; 0 = no warm-up).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=$HERE/run
TARGET=$HERE/target
PIDFILE=$RUN/neo4j.pid
PORTFILE=$RUN/bolt_port
URIFILE=$RUN/bolt_uri
LOG=$RUN/launcher.log
CONTROL=$RUN/control
DBHOME=$RUN/home
MAIN=org.cluegraph.tools.neo4j.Launcher
PORT=${CLUEGRAPH_NEO4J_PORT:-0}
HEAP=${CLUEGRAPH_NEO4J_HEAP:-3g}
PAGECACHE_MB=${CLUEGRAPH_NEO4J_PAGECACHE_MB:-2048}
TIMEOUT=${CLUEGRAPH_NEO4J_START_TIMEOUT:-120}
WARM_UP=${CLUEGRAPH_NEO4J_WARM_UP:-100000,500000}
read -r -a JAVA_OPTS <<<"${CLUEGRAPH_NEO4J_JAVA_OPTS:-}"

say() { echo "neo4j.sh: $*" >&2; }

java_major() {  # prints the major version of the java binary $1
    "$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}' | awk -F. '{print ($1 == "1") ? $2 : $1}'
}

find_java() {  # sets JAVA to a Java 17 or 21 (what Neo4j 5.26 supports)
    local c m
    if [ -n "${CLUEGRAPH_NEO4J_JAVA_HOME:-}" ]; then
        JAVA=$CLUEGRAPH_NEO4J_JAVA_HOME/bin/java
        [ -x "$JAVA" ] && return 0
        say "CLUEGRAPH_NEO4J_JAVA_HOME=$CLUEGRAPH_NEO4J_JAVA_HOME has no bin/java"
        return 1
    fi
    for c in /usr/lib/jvm/java-17-openjdk-*/bin/java "${JAVA_HOME:+$JAVA_HOME/bin/java}" \
             "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
        [ -n "$c" ] && [ -x "$c" ] || continue
        m=$(java_major "$c" || true)
        case $m in 17|21) JAVA=$c; return 0 ;; esac
    done
    say "no Java 17 or 21 found (Neo4j 5.26 needs one); install openjdk-17-jdk-headless" \
        "or set CLUEGRAPH_NEO4J_JAVA_HOME"
    return 1
}

pid_alive() {  # the pid in PIDFILE is alive and is our launcher
    local pid
    [ -f "$PIDFILE" ] || return 1
    pid=$(cat "$PIDFILE")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$MAIN $DBHOME " || return 1
}

build_stamp() {  # what the build depends on: sources, pom, Java major version
    { cat "$HERE/pom.xml"; find "$HERE/src" -type f | LC_ALL=C sort | xargs cat; java_major "$JAVA"; } \
        | sha256sum | cut -d' ' -f1
}

build_is_current() {
    local jar
    [ -f "$TARGET/neo4j-launcher.jar" ] && [ -f "$TARGET/classpath.txt" ] && [ -f "$TARGET/build.stamp" ] \
        || return 1
    [ "$(cat "$TARGET/build.stamp")" = "$(build_stamp)" ] || return 1
    while IFS= read -r -d: jar; do [ -f "$jar" ] || return 1; done < <(tr -d '\n' <"$TARGET/classpath.txt"; echo :)
}

build() {
    build_is_current && return 0
    if ! command -v mvn >/dev/null 2>&1; then
        say "Maven (mvn) not found; install maven to build the Neo4j launcher"
        exit 3
    fi
    say "building the Neo4j launcher with Maven (the first build downloads ~175 MB from Maven Central into ~/.m2)"
    local t0=$SECONDS jh
    jh=$(dirname "$(dirname "$(readlink -f "$JAVA")")")
    mkdir -p "$RUN"
    rm -f "$TARGET/build.stamp"
    if ! (cd "$HERE" && JAVA_HOME=$jh mvn -q -B -Dstyle.color=never package) >"$RUN/build.log" 2>&1; then
        say "Maven build failed; last lines of $RUN/build.log:"
        tail -n 40 "$RUN/build.log" >&2
        exit 1
    fi
    build_stamp >"$TARGET/build.stamp"
    say "built in $((SECONDS - t0)) s"
}

bolt_answers() {  # a Bolt handshake on 127.0.0.1:$1 gets a version back
    timeout 5 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "\x60\x60\xb0\x17\x00\x04\x04\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00" >&3
        v=$(head -c 4 <&3 | od -An -tx1 | tr -d " \n")
        [ ${#v} -eq 8 ] && [ "$v" != 00000000 ]' _ "$1" 2>/dev/null
}

show_logs() {
    say "last lines of $LOG:"
    tail -n 30 "$LOG" >&2 2>/dev/null || true
    if [ -f "$DBHOME/logs/debug.log" ]; then
        say "last lines of $DBHOME/logs/debug.log:"
        tail -n 30 "$DBHOME/logs/debug.log" >&2
    fi
}

lock() {  # one start/stop at a time
    mkdir -p "$RUN"
    if command -v flock >/dev/null 2>&1; then exec 9>"$RUN/.lock"; flock 9; fi
}

cmd_stop() {
    local pid i
    if ! pid_alive; then
        [ -f "$PIDFILE" ] && say "not running (removing a stale pid file)" || say "not running"
        rm -f "$PIDFILE" "$PORTFILE" "$URIFILE"
        return 0
    fi
    pid=$(cat "$PIDFILE")
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        say "Neo4j (pid $pid) did not stop within 60 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE" "$PORTFILE" "$URIFILE" "$CONTROL"
    say "stopped (pid $pid)"
}

cmd_start() {
    local pid port="" t0=$SECONDS deadline uri
    if pid_alive && [ -f "$URIFILE" ]; then
        say "already running (pid $(cat "$PIDFILE"))"
        cat "$URIFILE"
        return 0
    fi
    cmd_stop 2>/dev/null
    find_java || exit 3
    build
    mkdir -p "$DBHOME"
    rm -f "$PORTFILE" "$URIFILE" "$CONTROL" "$RUN/warmup.reply"
    mkfifo "$CONTROL"
    local cp
    cp="$TARGET/neo4j-launcher.jar:$(tr -d '\n' <"$TARGET/classpath.txt")"
    t0=$SECONDS
    setsid nohup "$JAVA" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS[@]+"${JAVA_OPTS[@]}"} \
        --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
        -Dlog4j2.disable.jmx=true -Dcluegraph.warmup="$WARM_UP" -cp "$cp" \
        "$MAIN" "$DBHOME" "$PORTFILE" "$PORT" "$PAGECACHE_MB" "$CONTROL" </dev/null >"$LOG" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$PIDFILE"
    deadline=$((SECONDS + TIMEOUT))
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "Neo4j exited during startup"
            show_logs
            rm -f "$PIDFILE"
            exit 1
        fi
        [ -z "$port" ] && [ -s "$PORTFILE" ] && port=$(cat "$PORTFILE")
        if [ -n "$port" ] && bolt_answers "$port"; then break; fi
        if [ $SECONDS -ge $deadline ]; then
            say "Bolt did not answer within $TIMEOUT s"
            show_logs
            cmd_stop
            exit 1
        fi
        sleep 0.5
    done
    uri="bolt://127.0.0.1:$port"
    echo "$uri" >"$URIFILE"
    say "Neo4j running (pid $pid), Bolt answered after $((SECONDS - t0)) s, auth disabled, data in $DBHOME"
    echo "$uri"
}

wait_for_bolt() {  # $1 = pid, $2 = port; fails when the process exits or Bolt stays silent for $TIMEOUT s
    local deadline=$((SECONDS + TIMEOUT))
    until bolt_answers "$2"; do
        kill -0 "$1" 2>/dev/null && [ $SECONDS -lt $deadline ] || return 1
        sleep 0.2
    done
}

control_ready() {  # the running launcher reads commands from $CONTROL (a build from before it did not)
    pid_alive && [ -p "$CONTROL" ] && [ -s "$PORTFILE" ] \
        && tr '\0' ' ' <"/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null | grep -qF -- " $CONTROL "
}

cmd_warm() {  # wait for the warm-up the launcher runs after its start (WarmUp.java); harmless without one
    local pid deadline=$((SECONDS + TIMEOUT))
    control_ready || { say "not running (no warm-up to wait for)"; return 0; }
    pid=$(cat "$PIDFILE")
    until [ -s "$RUN/warmup.reply" ]; do
        if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
            say "no warm-up reply within $TIMEOUT s"
            return 1
        fi
        sleep 0.2
    done
    say "$(cut -d' ' -f2- "$RUN/warmup.reply")"
}

cmd_import() {  # first load: neo4j-admin's importer (in the same jars) into the server's stopped database
    local args=$1 t0=$SECONDS pid port reply=$RUN/import.reply rc
    [ -f "$args" ] || { say "import: no arguments file $args"; exit 2; }
    args=$(readlink -f "$args")
    find_java || exit 3
    build
    mkdir -p "$DBHOME/conf"
    touch "$DBHOME/conf/neo4j.conf"
    if control_ready; then
        # In the server's own JVM: the DBMS shuts down, the importer runs, the DBMS starts on the same port.
        pid=$(cat "$PIDFILE") port=$(cat "$PORTFILE")
        rm -f "$reply"
        if timeout 30 bash -c 'printf "import\t%s\t%s\n" "$1" "$2" >"$3"' _ "$args" "$reply" "$CONTROL"; then
            while [ ! -s "$reply" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
            if [ -s "$reply" ] && wait_for_bolt "$pid" "$port"; then
                rc=$(cut -d' ' -f1 "$reply")
                if [ "$rc" != 0 ]; then
                    say "import failed (the database is empty again); last lines of $RUN/import.log:"
                    tail -n 30 "$RUN/import.log" >&2
                    exit 1
                fi
                say "imported in $((SECONDS - t0)) s in the server's JVM ($(cut -d' ' -f2- "$reply")):" \
                    "$(grep -A4 '^IMPORT DONE' "$RUN/import.log" | tr '\n' ' ')"
                cat "$URIFILE"
                return 0
            fi
            say "the server did not come back after the import; last lines of $LOG:"
            show_logs
            exit 1
        fi
        say "the server did not take the import command; importing with a separate importer"
    fi
    import_offline "$args"
}

import_offline() {  # stop the server, run the importer in its own JVM, start the server again on its port
    local args=$1 port=${CLUEGRAPH_NEO4J_PORT:-0} cp t0=$SECONDS
    if pid_alive && [ -s "$PORTFILE" ]; then port=$(cat "$PORTFILE"); fi
    cmd_stop
    cp="$TARGET/neo4j-launcher.jar:$(tr -d '\n' <"$TARGET/classpath.txt")"
    if ! NEO4J_HOME=$DBHOME NEO4J_CONF=$DBHOME/conf "$JAVA" -Xmx"$HEAP" -XX:+UseG1GC -cp "$cp" \
            org.neo4j.cli.AdminTool database import full --overwrite-destination=true --report-file="$RUN/import.report" neo4j "@$args" \
            >"$RUN/import.log" 2>&1; then
        say "import failed; last lines of $RUN/import.log:"
        tail -n 30 "$RUN/import.log" >&2
        rm -rf "$DBHOME/data/databases/neo4j" "$DBHOME/data/transactions/neo4j"
        PORT=$port; cmd_start >/dev/null || true
        exit 1
    fi
    say "imported in $((SECONDS - t0)) s: $(grep -A4 '^IMPORT DONE' "$RUN/import.log" | tr '\n' ' ')"
    PORT=$port
    cmd_start
}

cmd_empty() {  # an empty database on the same port, in the running JVM when there is one
    local reply=$RUN/empty.reply pid port
    if control_ready; then
        pid=$(cat "$PIDFILE") port=$(cat "$PORTFILE")
        rm -f "$reply"
        if timeout 30 bash -c 'printf "empty\t%s\n" "$1" >"$2"' _ "$reply" "$CONTROL"; then
            while [ ! -s "$reply" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
            if [ -s "$reply" ] && wait_for_bolt "$pid" "$port"; then
                say "$(cut -d' ' -f2- "$reply") in the server's JVM"
                cat "$URIFILE"
                return 0
            fi
            say "the server did not come back after emptying its database"
            show_logs
            exit 1
        fi
        say "the server did not take the empty command; restarting it on an empty database"
    fi
    port=${CLUEGRAPH_NEO4J_PORT:-0}
    if pid_alive && [ -s "$PORTFILE" ]; then port=$(cat "$PORTFILE"); fi
    cmd_stop
    rm -rf "$DBHOME/data/databases/neo4j" "$DBHOME/data/transactions/neo4j"
    PORT=$port
    cmd_start
}

cmd_status() {
    if pid_alive && [ -f "$URIFILE" ]; then
        echo "running (pid $(cat "$PIDFILE")): $(cat "$URIFILE")"
    else
        echo "not running"
        return 1
    fi
}

case "${1:-}" in
    start) lock; cmd_start ;;
    stop) lock; cmd_stop ;;
    status) cmd_status ;;
    reset) lock; cmd_stop; rm -rf "$DBHOME" "$RUN"/*.log; say "data removed" ;;
    import) lock; cmd_import "${2:?usage: $0 import ARGS_FILE}" ;;
    warm) cmd_warm ;;
    empty) lock; cmd_empty ;;
    *) echo "usage: $0 start|stop|status|reset|empty|warm|import ARGS_FILE" >&2; exit 2 ;;
esac
