#!/usr/bin/env bash
# Local Neo4j 5.26 (community, LTS) for GovKG development and tests, without Docker.
#
#   scripts/servers/neo4j.sh start|stop|status|restart
#
# Runs scripts/servers/neo4j/GovkgNeo4j.java: an embedded DatabaseManagementService with the Bolt
# connector on 127.0.0.1:$NEO4J_BOLT_PORT and authentication enabled (user neo4j, password
# $NEO4J_PASSWORD). The jars come from Maven Central via scripts/servers/neo4j/pom.xml (cached in
# ~/.m2); the launcher is compiled once with javac into $GOVKG_SERVERS_HOME/build/.
#
# Environment (defaults in brackets):
#   NEO4J_BOLT_PORT       Bolt port                                   [7687]
#   NEO4J_PASSWORD        password of user neo4j, >= 8 characters     [govkg-test-pw]
#   NEO4J_DATA_DIR        database, logs, pid file                    [$GOVKG_SERVERS_HOME/neo4j]
#   NEO4J_HEAP            JVM -Xmx                                    [1g]
#   NEO4J_JAVA_OPTS       extra JVM options, split on spaces; e.g. -XX:TieredStopAtLevel=1
#                         starts faster but runs long queries slower  []
#   NEO4J_PAGECACHE_MB    page cache size in MiB                      [256]
#   NEO4J_START_TIMEOUT   seconds to wait for Bolt to answer          [180]
#   GOVKG_SERVERS_HOME    root of default data dirs and build cache   [${XDG_CACHE_HOME:-/tmp}/govkg-servers]
#   GOVKG_JAVA            java binary to use (else a Java 17..21 is searched)
#   GOVKG_M2_REPO         Maven local repository                      [Maven's default, ~/.m2/repository]
SERVER_NAME=neo4j
# shellcheck source-path=SCRIPTDIR source=_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

NEO4J_BOLT_PORT="${NEO4J_BOLT_PORT:-7687}"
NEO4J_PASSWORD="${NEO4J_PASSWORD:-govkg-test-pw}"
NEO4J_DATA_DIR="${NEO4J_DATA_DIR:-$GOVKG_SERVERS_HOME/neo4j}"
NEO4J_HEAP="${NEO4J_HEAP:-1g}"
NEO4J_JAVA_OPTS="${NEO4J_JAVA_OPTS:-}"
NEO4J_PAGECACHE_MB="${NEO4J_PAGECACHE_MB:-256}"
NEO4J_START_TIMEOUT="${NEO4J_START_TIMEOUT:-180}"
require_uint NEO4J_BOLT_PORT "$NEO4J_BOLT_PORT"
require_uint NEO4J_PAGECACHE_MB "$NEO4J_PAGECACHE_MB"
require_uint NEO4J_START_TIMEOUT "$NEO4J_START_TIMEOUT"
((${#NEO4J_PASSWORD} >= 8)) || die "NEO4J_PASSWORD must have at least 8 characters (Neo4j's minimum)"

mkdir -p "$NEO4J_DATA_DIR"
NEO4J_DATA_DIR="$(cd "$NEO4J_DATA_DIR" && pwd)"
PIDFILE="$NEO4J_DATA_DIR/neo4j.pid"
LOGFILE="$NEO4J_DATA_DIR/neo4j.log"
READYFILE="$NEO4J_DATA_DIR/neo4j.ready"
HOME_DIR="$NEO4J_DATA_DIR/home"
# Unique to this instance: recognises our process in /proc/<pid>/cmdline.
MARKER="-Dgovkg.home=$HOME_DIR"
SRC_DIR="$SERVERS_DIR/neo4j"

# Bolt handshake: magic 6060B017 + proposals 5.0-5.4 and 4.4; any non-zero reply means Bolt answers.
bolt_answers() {
    local reply
    reply=$(timeout 3 bash -c "exec 3<>/dev/tcp/$BIND_HOST/$NEO4J_BOLT_PORT || exit 1
        printf '\x60\x60\xb0\x17\x00\x04\x04\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00' >&3
        head -c 4 <&3 | od -An -tx1" 2>/dev/null) || return 1
    reply=${reply//[[:space:]]/}
    [[ -n "$reply" && "$reply" != 00000000 ]]
}

ready() { [[ -f "$READYFILE" ]] && bolt_answers; }

build() { # -> sets CLASSPATH_FILE and CLASSES_DIR
    local key
    key=$(cat "$SRC_DIR/pom.xml" "$SRC_DIR/GovkgNeo4j.java" | sha256sum | cut -c1-12)
    local bdir="$GOVKG_SERVERS_HOME/build/neo4j-$key"
    CLASSPATH_FILE="$bdir/classpath.txt"
    CLASSES_DIR="$bdir/classes"
    mkdir -p "$bdir"
    mvn_classpath "$SRC_DIR/pom.xml" "$CLASSPATH_FILE" "$bdir/mvn.log"
    if [[ ! -f "$CLASSES_DIR/GovkgNeo4j.class" ]]; then
        local javac
        javac="$(dirname "$(readlink -f "$JAVA")")/javac"
        [[ -x "$javac" ]] || die "javac not found next to $JAVA (install a JDK, not only a JRE)"
        rm -rf "$CLASSES_DIR.tmp"
        "$javac" -nowarn -d "$CLASSES_DIR.tmp" -cp "$(<"$CLASSPATH_FILE")" "$SRC_DIR/GovkgNeo4j.java" \
            >"$bdir/javac.log" 2>&1 || { cat "$bdir/javac.log" >&2; die "javac failed; see $bdir/javac.log"; }
        rm -rf "$CLASSES_DIR"
        mv "$CLASSES_DIR.tmp" "$CLASSES_DIR"
    fi
}

do_start() {
    local pid t0=$SECONDS
    if pid=$(daemon_pid "$PIDFILE" "$MARKER"); then
        daemon_wait_ready "$PIDFILE" "$MARKER" "$LOGFILE" "$NEO4J_START_TIMEOUT" ready
        info "already running (pid $pid) at bolt://$BIND_HOST:$NEO4J_BOLT_PORT"
        return 0
    fi
    port_open "$NEO4J_BOLT_PORT" &&
        die "port $BIND_HOST:$NEO4J_BOLT_PORT is already in use by another process (set NEO4J_BOLT_PORT)"
    JAVA=$(find_java 17 21)
    build
    rm -f "$READYFILE"
    mkdir -p "$HOME_DIR"
    # The password reaches the JVM through its environment only (not visible in `ps`).
    export NEO4J_PASSWORD
    local -a extra=()
    read -r -a extra <<<"$NEO4J_JAVA_OPTS"
    daemon_launch "$PIDFILE" "$LOGFILE" \
        "$JAVA" -Xms256m "-Xmx$NEO4J_HEAP" -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow \
        --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
        -Djdk.nio.maxCachedBufferSize=1024 -Dlog4j2.disable.jmx=true "${extra[@]}" \
        "$MARKER" "-Dgovkg.host=$BIND_HOST" "-Dgovkg.port=$NEO4J_BOLT_PORT" \
        "-Dgovkg.pagecache=$NEO4J_PAGECACHE_MB" "-Dgovkg.ready=$READYFILE" \
        -cp "$CLASSES_DIR:$(<"$CLASSPATH_FILE")" GovkgNeo4j
    daemon_wait_ready "$PIDFILE" "$MARKER" "$LOGFILE" "$NEO4J_START_TIMEOUT" ready
    info "started (pid $(<"$PIDFILE")) at bolt://$BIND_HOST:$NEO4J_BOLT_PORT in $((SECONDS - t0))s" \
        "(user neo4j; data $NEO4J_DATA_DIR; log $LOGFILE)"
}

do_stop() {
    daemon_stop "$PIDFILE" "$MARKER" 60
    rm -f "$READYFILE"
}

do_status() {
    local pid
    if ! pid=$(daemon_pid "$PIDFILE" "$MARKER"); then
        info "not running (data $NEO4J_DATA_DIR)"
        return 3
    fi
    if ready; then
        info "running (pid $pid) at bolt://$BIND_HOST:$NEO4J_BOLT_PORT (data $NEO4J_DATA_DIR)"
        return 0
    fi
    info "process $pid is up but Bolt on $BIND_HOST:$NEO4J_BOLT_PORT does not answer yet; see $LOGFILE"
    return 1
}

case "${1:-}" in
start) with_lock "$NEO4J_DATA_DIR/.lock"; do_start ;;
stop) with_lock "$NEO4J_DATA_DIR/.lock"; do_stop ;;
restart) with_lock "$NEO4J_DATA_DIR/.lock"; do_stop; do_start ;;
status) do_status ;;
*) usage_exit ;;
esac
