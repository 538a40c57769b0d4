#!/usr/bin/env bash
# Local Apache Jena Fuseki 5 for GovKG development and tests.
#
#   scripts/servers/fuseki.sh start|stop|status|restart
#
# Serves one dataset, /govkg, with updates enabled, on 127.0.0.1:$FUSEKI_PORT:
#   SPARQL query   http://127.0.0.1:3030/govkg/query   (also /govkg/sparql)
#   SPARQL update  http://127.0.0.1:3030/govkg/update
#   Graph Store    http://127.0.0.1:3030/govkg/data    (?graph=IRI or ?default)
# No authentication (Fuseki's admin pages under /$/ accept localhost only).
# The shaded jena-fuseki-server jar comes from Maven Central via scripts/servers/fuseki/pom.xml
# (cached in ~/.m2) and runs with `java -jar`.
#
# Environment (defaults in brackets):
#   FUSEKI_PORT            HTTP port                                     [3030]
#   FUSEKI_DATASET         tdb2 (persistent, in $FUSEKI_DATA_DIR/tdb2) or mem (empty at each start) [tdb2]
#   FUSEKI_DATA_DIR        TDB2 database, Fuseki run area, log, pid file [$GOVKG_SERVERS_HOME/fuseki]
#   FUSEKI_HEAP            JVM -Xmx                                      [1g]
#   FUSEKI_JAVA_OPTS       extra JVM options, split on spaces            []
#   FUSEKI_START_TIMEOUT   seconds to wait for the endpoint to answer    [90]
#   GOVKG_SERVERS_HOME     root of default data dirs and build cache     [${XDG_CACHE_HOME:-/tmp}/govkg-servers]
#   GOVKG_JAVA             java binary to use (else a Java 17..21 is searched)
#   GOVKG_M2_REPO          Maven local repository                        [Maven's default, ~/.m2/repository]
SERVER_NAME=fuseki
# shellcheck source-path=SCRIPTDIR source=_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

FUSEKI_PORT="${FUSEKI_PORT:-3030}"
FUSEKI_DATASET="${FUSEKI_DATASET:-tdb2}"
FUSEKI_DATA_DIR="${FUSEKI_DATA_DIR:-$GOVKG_SERVERS_HOME/fuseki}"
FUSEKI_HEAP="${FUSEKI_HEAP:-1g}"
FUSEKI_JAVA_OPTS="${FUSEKI_JAVA_OPTS:-}"
FUSEKI_START_TIMEOUT="${FUSEKI_START_TIMEOUT:-90}"
require_uint FUSEKI_PORT "$FUSEKI_PORT"
require_uint FUSEKI_START_TIMEOUT "$FUSEKI_START_TIMEOUT"
case "$FUSEKI_DATASET" in tdb2 | mem) ;; *) die "FUSEKI_DATASET must be tdb2 or mem, got '$FUSEKI_DATASET'" ;; esac

mkdir -p "$FUSEKI_DATA_DIR"
FUSEKI_DATA_DIR="$(cd "$FUSEKI_DATA_DIR" && pwd)"
PIDFILE="$FUSEKI_DATA_DIR/fuseki.pid"
LOGFILE="$FUSEKI_DATA_DIR/fuseki.log"
MARKER="-Dgovkg.fuseki.home=$FUSEKI_DATA_DIR"
BASE_URL="http://$BIND_HOST:$FUSEKI_PORT"
DATASET=govkg

ready() {
    http_ok "$BASE_URL/\$/ping" && http_ok "$BASE_URL/$DATASET/query?query=ASK%7B%7D"
}

do_start() {
    local pid t0=$SECONDS jar java
    if pid=$(daemon_pid "$PIDFILE" "$MARKER"); then
        daemon_wait_ready "$PIDFILE" "$MARKER" "$LOGFILE" "$FUSEKI_START_TIMEOUT" ready
        info "already running (pid $pid) at $BASE_URL/$DATASET"
        return 0
    fi
    port_open "$FUSEKI_PORT" &&
        die "port $BIND_HOST:$FUSEKI_PORT is already in use by another process (set FUSEKI_PORT)"
    java=$(find_java 17 21)
    local cpfile="$GOVKG_SERVERS_HOME/build/fuseki/classpath.txt"
    mvn_classpath "$SERVERS_DIR/fuseki/pom.xml" "$cpfile" "$GOVKG_SERVERS_HOME/build/fuseki/mvn.log"
    jar=$(tr ':' '\n' <"$cpfile" | grep -m1 '/jena-fuseki-server-[^/]*\.jar$') ||
        die "no jena-fuseki-server jar in $cpfile"
    local -a dataset_args
    if [[ "$FUSEKI_DATASET" == mem ]]; then
        dataset_args=(--mem)
    else
        mkdir -p "$FUSEKI_DATA_DIR/tdb2"
        dataset_args=(--tdb2 "--loc=$FUSEKI_DATA_DIR/tdb2")
    fi
    mkdir -p "$FUSEKI_DATA_DIR/run"
    # Fuseki writes its run area (config, shiro.ini, logs) to FUSEKI_BASE; keep it in the data dir.
    cd "$FUSEKI_DATA_DIR" || exit 1
    export FUSEKI_BASE="$FUSEKI_DATA_DIR/run"
    local -a extra=()
    read -r -a extra <<<"$FUSEKI_JAVA_OPTS"
    daemon_launch "$PIDFILE" "$LOGFILE" \
        "$java" "-Xmx$FUSEKI_HEAP" "${extra[@]}" "$MARKER" -jar "$jar" \
        --localhost "--port=$FUSEKI_PORT" --update --ping "${dataset_args[@]}" "/$DATASET"
    daemon_wait_ready "$PIDFILE" "$MARKER" "$LOGFILE" "$FUSEKI_START_TIMEOUT" ready
    info "started (pid $(<"$PIDFILE")) at $BASE_URL/$DATASET in $((SECONDS - t0))s" \
        "($FUSEKI_DATASET dataset; data $FUSEKI_DATA_DIR; log $LOGFILE)"
}

do_status() {
    local pid
    if ! pid=$(daemon_pid "$PIDFILE" "$MARKER"); then
        info "not running (data $FUSEKI_DATA_DIR)"
        return 3
    fi
    if ready; then
        info "running (pid $pid) at $BASE_URL/$DATASET (query, update, data) (data $FUSEKI_DATA_DIR)"
        return 0
    fi
    info "process $pid is up but $BASE_URL does not answer yet; see $LOGFILE"
    return 1
}

case "${1:-}" in
start) with_lock "$FUSEKI_DATA_DIR/.lock"; do_start ;;
stop) with_lock "$FUSEKI_DATA_DIR/.lock"; daemon_stop "$PIDFILE" "$MARKER" 30 ;;
restart) with_lock "$FUSEKI_DATA_DIR/.lock"; daemon_stop "$PIDFILE" "$MARKER" 30; do_start ;;
status) do_status ;;
*) usage_exit ;;
esac
