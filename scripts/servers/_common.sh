# shellcheck shell=bash
# Shared helpers for scripts/servers/{neo4j,fuseki,virtuoso}.sh. Sourced, never executed.
#
# Each server script sets SERVER_NAME, then uses:
#   - find_java MIN MAX          -> echoes a java binary whose major version is in [MIN, MAX]
#   - mvn_classpath POM OUT LOG  -> resolves POM's dependencies with Maven into a classpath file
#   - daemon_* helpers           -> pid file, detached launch, readiness wait, stop, status
# Everything binds to 127.0.0.1 only; nothing here is meant to be exposed on a network.

set -euo pipefail

# shellcheck disable=SC2034  # used by the scripts that source this file
SERVERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Root for default data dirs and build caches (override per server with its own *_DATA_DIR).
GOVKG_SERVERS_HOME="${GOVKG_SERVERS_HOME:-${XDG_CACHE_HOME:-/tmp}/govkg-servers}"
BIND_HOST=127.0.0.1

info() { printf '%s: %s\n' "$SERVER_NAME" "$*"; }
warn() { printf '%s: WARNING: %s\n' "$SERVER_NAME" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$SERVER_NAME" "$*" >&2
    exit 1
}

usage_exit() {
    printf 'usage: %s {start|stop|status|restart}\n' "$(basename "$0")" >&2
    exit 2
}

require_uint() { # NAME VALUE
    [[ "$2" =~ ^[0-9]+$ ]] || die "$1 must be a number, got '$2'"
}

# --------------------------------------------------------------------------------------------
# Java and Maven
# --------------------------------------------------------------------------------------------

java_major() { # JAVA_BIN -> major version number (8, 11, 17, 21, ...)
    "$1" -version 2>&1 | awk -F'"' '/version/ {
        split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

# find_java MIN MAX: GOVKG_JAVA (used as given) or the first of $JAVA_HOME/bin/java, `java` on
# PATH, /usr/lib/jvm/*/bin/java whose major version lies in [MIN, MAX].
find_java() {
    local min=$1 max=$2 cand major
    if [[ -n "${GOVKG_JAVA:-}" ]]; then
        [[ -x "$GOVKG_JAVA" ]] || die "GOVKG_JAVA=$GOVKG_JAVA is not an executable"
        echo "$GOVKG_JAVA"
        return 0
    fi
    local -a cands=()
    [[ -n "${JAVA_HOME:-}" ]] && cands+=("$JAVA_HOME/bin/java")
    command -v java >/dev/null 2>&1 && cands+=("$(command -v java)")
    for cand in /usr/lib/jvm/*/bin/java; do [[ -e "$cand" ]] && cands+=("$cand"); done
    for cand in "${cands[@]}"; do
        [[ -x "$cand" ]] || continue
        major=$(java_major "$cand" || true)
        [[ "$major" =~ ^[0-9]+$ ]] || continue
        if ((major >= min && major <= max)); then
            echo "$cand"
            return 0
        fi
    done
    die "no Java between $min and $max found (looked at: ${cands[*]:-nothing}); set GOVKG_JAVA"
}

# mvn_classpath POM OUT LOG: let Maven resolve POM's dependencies (downloading them into the local
# repository, ~/.m2 by default, on first use) and write the classpath to OUT. Reuses OUT when it
# is newer than POM and every jar on it still exists, so warm runs do not start Maven at all.
mvn_classpath() {
    local pom=$1 out=$2 logf=$3 jar ok=1
    if [[ -s "$out" && "$out" -nt "$pom" ]]; then
        while IFS= read -r -d: jar || [[ -n "$jar" ]]; do
            [[ -z "$jar" || -f "$jar" ]] || { ok=0; break; }
        done <"$out"
        ((ok)) && return 0
    fi
    command -v mvn >/dev/null 2>&1 || die "mvn (Maven) is not installed; apt-get install maven"
    mkdir -p "$(dirname "$out")"
    info "resolving $(basename "$(dirname "$pom")") artifacts with Maven (first run downloads them; log: $logf)"
    local -a opts=(-B -f "$pom")
    [[ -n "${GOVKG_M2_REPO:-}" ]] && opts+=("-Dmaven.repo.local=$GOVKG_M2_REPO")
    if ! mvn "${opts[@]}" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile="$out.tmp" -Dmdep.includeScope=runtime >"$logf" 2>&1; then
        rm -f "$out.tmp"
        tail -n 20 "$logf" >&2 || true
        die "Maven could not resolve $pom; see $logf"
    fi
    mv -f "$out.tmp" "$out"
}

# --------------------------------------------------------------------------------------------
# Process management
# --------------------------------------------------------------------------------------------

# daemon_pid PIDFILE MARKER: echo the pid if PIDFILE names a live (non-zombie) process whose
# command line contains MARKER (so a recycled pid is never mistaken for our server).
daemon_pid() {
    local pidfile=$1 marker=$2 pid state
    [[ -f "$pidfile" ]] || return 1
    pid=$(<"$pidfile") || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/stat" ]] || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ "$state" != Z ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
    echo "$pid"
}

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/$BIND_HOST/$1" 2>/dev/null
}

# daemon_launch PIDFILE LOGFILE CMD...: run CMD detached (own session, stdin from /dev/null,
# output appended to LOGFILE) and record its pid. The previous log is kept as LOGFILE.1.
daemon_launch() {
    local pidfile=$1 logfile=$2 i
    shift 2
    rm -f "$pidfile"
    [[ -f "$logfile" ]] && mv -f "$logfile" "$logfile.1"
    printf '=== %s starting %s at %s\n' "$SERVER_NAME" "$1" "$(date -Is)" >"$logfile"
    # sh writes its own pid, then execs CMD, so the pid file names the server process itself.
    # shellcheck disable=SC2016  # $$ and $@ are for the inner sh
    setsid sh -c 'echo $$ >"$0.tmp" && mv -f "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" \
        >>"$logfile" 2>&1 </dev/null 9>&- &
    for ((i = 0; i < 100; i++)); do
        [[ -s "$pidfile" ]] && return 0
        sleep 0.1
    done
    die "could not launch $1 (no pid file after 10 s); see $logfile"
}

# daemon_wait_ready PIDFILE MARKER LOGFILE TIMEOUT CHECK_FN [ARGS...]: poll CHECK_FN until it
# succeeds. Fails (and stops the half-started server) if the process exits or TIMEOUT elapses.
daemon_wait_ready() {
    local pidfile=$1 marker=$2 logfile=$3 tmo=$4 start=$SECONDS
    shift 4
    while :; do
        if ! daemon_pid "$pidfile" "$marker" >/dev/null; then
            rm -f "$pidfile"
            printf -- '--- last lines of %s:\n' "$logfile" >&2
            tail -n 25 "$logfile" >&2 || true
            die "server process exited during startup; see log $logfile"
        fi
        if "$@"; then
            return 0
        fi
        if ((SECONDS - start >= tmo)); then
            printf -- '--- last lines of %s:\n' "$logfile" >&2
            tail -n 25 "$logfile" >&2 || true
            daemon_stop "$pidfile" "$marker" 30 >/dev/null 2>&1 || true
            die "server did not answer within ${tmo}s (stopped it again); see log $logfile"
        fi
        sleep 0.5
    done
}

# daemon_stop PIDFILE MARKER GRACE: SIGTERM, wait up to GRACE seconds, then SIGKILL.
daemon_stop() {
    local pidfile=$1 marker=$2 grace=$3 pid i
    if ! pid=$(daemon_pid "$pidfile" "$marker"); then
        rm -f "$pidfile"
        info "not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 5; i++)); do
        daemon_pid "$pidfile" "$marker" >/dev/null || break
        sleep 0.2
    done
    if daemon_pid "$pidfile" "$marker" >/dev/null; then
        warn "pid $pid still alive after ${grace}s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$pidfile"
    info "stopped (pid $pid)"
}

# with_lock LOCKFILE: serialise start/stop of one data dir between concurrent callers.
with_lock() {
    exec 9>"$1"
    flock -w 900 9 || die "could not lock $1 within 900 s"
}

# http_ok URL: GET URL answers 2xx within 5 s (curl if installed, else Python's urllib).
http_ok() {
    if command -v curl >/dev/null 2>&1; then
        curl -sf -o /dev/null --max-time 5 "$1"
    else
        python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5).read()' \
            "$1" >/dev/null 2>&1
    fi
}
