#!/usr/bin/env bash
# Local OpenLink Virtuoso 7 (Debian's virtuoso-opensource) for GovKG development and tests.
#
#   scripts/servers/virtuoso.sh start|stop|status|restart
#
# Installs the Debian package if virtuoso-t is missing (waits for the dpkg lock if another apt-get
# is running), writes $VIRTUOSO_DATA_DIR/virtuoso.ini from the packaged one with every database file
# in the data dir and both listeners on 127.0.0.1, runs `virtuoso-t +foreground` detached, then
# (through isql-vt) grants SPARQL_UPDATE to the anonymous SPARQL user so that
#   SPARQL query + update   http://127.0.0.1:8890/sparql
#   Graph Store protocol    http://127.0.0.1:8890/sparql-graph-crud   (?graph-uri=IRI)
# accept writes without authentication. ISQL (SQL, bulk loader): 127.0.0.1:1111, user dba.
#
# dba password: a new database is created by Virtuoso with dba/dba. If VIRTUOSO_DBA_PASSWORD is
# something else, the script logs in once with "dba" and changes it; later starts log in with
# VIRTUOSO_DBA_PASSWORD. Changing VIRTUOSO_DBA_PASSWORD for an existing data dir therefore only
# works from the default "dba" (otherwise change it with isql-vt, or use a fresh data dir).
# Both listeners are bound to 127.0.0.1, so the default is only reachable from this machine.
#
# Environment (defaults in brackets):
#   VIRTUOSO_HTTP_PORT       HTTP port (/sparql, /conductor)             [8890]
#   VIRTUOSO_ISQL_PORT       SQL/ISQL port                               [1111]
#   VIRTUOSO_DBA_PASSWORD    dba password (see above)                    [dba]
#   VIRTUOSO_DATA_DIR        database, virtuoso.ini, logs, pid file      [$GOVKG_SERVERS_HOME/virtuoso]
#   VIRTUOSO_DIRS_ALLOWED    extra comma-separated dirs for DirsAllowed (e.g. a bulk-load dir) []
#   VIRTUOSO_START_TIMEOUT   seconds to wait for /sparql to answer       [90]
#   GOVKG_SERVERS_HOME       root of default data dirs                   [${XDG_CACHE_HOME:-/tmp}/govkg-servers]
SERVER_NAME=virtuoso
# shellcheck source-path=SCRIPTDIR source=_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

VIRTUOSO_HTTP_PORT="${VIRTUOSO_HTTP_PORT:-8890}"
VIRTUOSO_ISQL_PORT="${VIRTUOSO_ISQL_PORT:-1111}"
VIRTUOSO_DBA_PASSWORD="${VIRTUOSO_DBA_PASSWORD:-dba}"
VIRTUOSO_DATA_DIR="${VIRTUOSO_DATA_DIR:-$GOVKG_SERVERS_HOME/virtuoso}"
VIRTUOSO_DIRS_ALLOWED="${VIRTUOSO_DIRS_ALLOWED:-}"
VIRTUOSO_START_TIMEOUT="${VIRTUOSO_START_TIMEOUT:-90}"
require_uint VIRTUOSO_HTTP_PORT "$VIRTUOSO_HTTP_PORT"
require_uint VIRTUOSO_ISQL_PORT "$VIRTUOSO_ISQL_PORT"
require_uint VIRTUOSO_START_TIMEOUT "$VIRTUOSO_START_TIMEOUT"
[[ "$VIRTUOSO_DBA_PASSWORD" =~ ^[A-Za-z0-9_.+=-]+$ ]] ||
    die "VIRTUOSO_DBA_PASSWORD may only contain letters, digits and _.+=- (it is passed to isql)"

mkdir -p "$VIRTUOSO_DATA_DIR"
VIRTUOSO_DATA_DIR="$(cd "$VIRTUOSO_DATA_DIR" && pwd)"
PIDFILE="$VIRTUOSO_DATA_DIR/virtuoso.pid"
LOGFILE="$VIRTUOSO_DATA_DIR/virtuoso-stdout.log"
INI="$VIRTUOSO_DATA_DIR/virtuoso.ini"
MARKER="$INI"
PACKAGED_INI=/etc/virtuoso-opensource-7/virtuoso.ini
BASE_URL="http://$BIND_HOST:$VIRTUOSO_HTTP_PORT"

# apt_get ARGS...: apt-get that waits for the dpkg/apt locks held by another apt-get or dpkg:
# DPkg::Lock::Timeout covers the dpkg lock; other lock failures are retried every 5 s for 15 min.
apt_get() {
    local -a cmd=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=900
        -o Acquire::Retries=3 "$@")
    ((EUID == 0)) || cmd=(sudo "${cmd[@]}")
    local try out rc
    for ((try = 0; try < 180; try++)); do
        rc=0
        out=$("${cmd[@]}" 2>&1) || rc=$?
        printf '%s\n' "$out" >>"$VIRTUOSO_DATA_DIR/apt.log"
        ((rc == 0)) && return 0
        if [[ "$out" != *"Could not get lock"* && "$out" != *"Unable to acquire"* &&
            "$out" != *"Unable to lock"* ]]; then
            printf '%s\n' "$out" | tail -n 15 >&2
            return "$rc"
        fi
        ((try % 6 == 0)) && info "apt/dpkg is busy (another apt-get?); waiting for its lock"
        sleep 5
    done
    return 1
}

ensure_installed() {
    command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1 && return 0
    if ((EUID != 0)) && ! command -v sudo >/dev/null 2>&1; then
        die "virtuoso-t is missing and we are not root: install the Debian package virtuoso-opensource"
    fi
    info "installing Debian package virtuoso-opensource (log: $VIRTUOSO_DATA_DIR/apt.log)"
    if ! apt_get install --no-install-recommends virtuoso-opensource; then
        info "install failed; refreshing the package lists and retrying"
        apt_get update || die "apt-get update failed; see $VIRTUOSO_DATA_DIR/apt.log"
        apt_get install --no-install-recommends virtuoso-opensource ||
            die "apt-get install virtuoso-opensource failed; see $VIRTUOSO_DATA_DIR/apt.log"
    fi
    if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
        die "virtuoso-t/isql-vt still missing after installing virtuoso-opensource"
    fi
}

write_ini() {
    [[ -f "$PACKAGED_INI" ]] || die "$PACKAGED_INI not found (is virtuoso-opensource-7 installed?)"
    local dirs=". , /usr/share/virtuoso-opensource-7/vad , $VIRTUOSO_DATA_DIR"
    [[ -n "$VIRTUOSO_DIRS_ALLOWED" ]] && dirs="$dirs , $VIRTUOSO_DIRS_ALLOWED"
    # Line-based edit: the packaged file repeats some keys, which configparser rejects.
    python3 - "$PACKAGED_INI" "$INI.tmp" <<PY
import re, sys
src, dst = sys.argv[1], sys.argv[2]
d = "$VIRTUOSO_DATA_DIR"
want = {
    "Database": {"DatabaseFile": f"{d}/virtuoso.db", "ErrorLogFile": f"{d}/virtuoso.log",
                 "LockFile": f"{d}/virtuoso.lck", "TransactionFile": f"{d}/virtuoso.trx",
                 "xa_persistent_file": f"{d}/virtuoso.pxa"},
    "TempDatabase": {"DatabaseFile": f"{d}/virtuoso-temp.db", "TransactionFile": f"{d}/virtuoso-temp.trx"},
    "Parameters": {"ServerPort": "$BIND_HOST:$VIRTUOSO_ISQL_PORT", "DirsAllowed": "$dirs",
                   "DisableUnixSocket": "1"},
    "HTTPServer": {"ServerPort": "$BIND_HOST:$VIRTUOSO_HTTP_PORT"},
    "URIQA": {"DefaultHost": "localhost:$VIRTUOSO_HTTP_PORT"},
}
out, section, seen = [], None, set()
def flush(sec):
    for k, v in want.get(sec, {}).items():
        if (sec, k) not in seen:
            out.append(f"{k} = {v}\n")
for line in open(src, encoding="utf-8"):
    m = re.match(r"\s*\[([^\]]+)\]", line)
    if m:
        flush(section)
        section = m.group(1).strip()
    else:
        m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=", line)
        if m and m.group(1) in want.get(section, {}):
            key = m.group(1)
            if (section, key) in seen:
                continue  # drop duplicates of a key we set
            seen.add((section, key))
            line = f"{key} = {want[section][key]}\n"
    out.append(line)
flush(section)
open(dst, "w", encoding="utf-8").write("".join(out))
PY
    mv -f "$INI.tmp" "$INI"
}

isql() { # PASSWORD SQL: run SQL as dba; output goes to the log. isql-vt exits 0 after SQL
    # errors, so those are detected in its output.
    local rc=0
    ISQL_OUT=$(timeout 60 isql-vt "$BIND_HOST:$VIRTUOSO_ISQL_PORT" dba "$1" "exec=$2" </dev/null 2>&1) || rc=$?
    printf '%s\n' "$ISQL_OUT" >>"$LOGFILE"
    ((rc == 0)) && [[ "$ISQL_OUT" != *"*** Error"* ]]
}

# Make /sparql writable for the anonymous "SPARQL" user; set the dba password if asked to.
configure() {
    if ! isql "$VIRTUOSO_DBA_PASSWORD" "SELECT 1;"; then
        if [[ "$VIRTUOSO_DBA_PASSWORD" != dba ]] && isql dba "SELECT 1;"; then
            info "changing the dba password from the default to \$VIRTUOSO_DBA_PASSWORD"
            if ! isql dba "USER_SET_PASSWORD ('dba', '$VIRTUOSO_DBA_PASSWORD');" ||
                ! isql "$VIRTUOSO_DBA_PASSWORD" "SELECT 1;"; then
                fail_configure "could not change the dba password"
            fi
        else
            fail_configure "isql-vt cannot log in as dba on $BIND_HOST:$VIRTUOSO_ISQL_PORT with" \
                "\$VIRTUOSO_DBA_PASSWORD (an existing data dir keeps its password; see the header of $0)"
        fi
    fi
    # SPARQL_UPDATE lets /sparql run SPARQL Update; the default permissions of "nobody" (7 =
    # read + write + list) let the anonymous user write any graph, also via /sparql-graph-crud.
    # GRANT fails when the role is already granted (a restart): that error is the steady state.
    isql "$VIRTUOSO_DBA_PASSWORD" "GRANT SPARQL_UPDATE TO \"SPARQL\";" ||
        [[ "$ISQL_OUT" == *"already have role"* ]] ||
        fail_configure "granting SPARQL_UPDATE to SPARQL failed"
    isql "$VIRTUOSO_DBA_PASSWORD" "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);" ||
        fail_configure "setting the default RDF graph permissions of nobody failed"
}

fail_configure() { # stop the half-configured server so that a retry starts clean
    daemon_stop "$PIDFILE" "$MARKER" 60 >/dev/null 2>&1 || true
    die "$* (server stopped again); see $LOGFILE"
}

ready() { http_ok "$BASE_URL/sparql?query=ASK%7B%7D"; }

do_start() {
    local pid t0=$SECONDS
    if pid=$(daemon_pid "$PIDFILE" "$MARKER"); then
        daemon_wait_ready "$PIDFILE" "$MARKER" "$LOGFILE" "$VIRTUOSO_START_TIMEOUT" ready
        info "already running (pid $pid) at $BASE_URL/sparql"
        return 0
    fi
    port_open "$VIRTUOSO_HTTP_PORT" &&
        die "port $BIND_HOST:$VIRTUOSO_HTTP_PORT is already in use by another process (set VIRTUOSO_HTTP_PORT)"
    port_open "$VIRTUOSO_ISQL_PORT" &&
        die "port $BIND_HOST:$VIRTUOSO_ISQL_PORT is already in use by another process (set VIRTUOSO_ISQL_PORT)"
    ensure_installed
    write_ini
    # A lock file left by a killed server would make virtuoso-t refuse to start.
    rm -f "$VIRTUOSO_DATA_DIR/virtuoso.lck"
    cd "$VIRTUOSO_DATA_DIR" || exit 1
    daemon_launch "$PIDFILE" "$LOGFILE" "$(command -v virtuoso-t)" +configfile "$INI" +foreground
    daemon_wait_ready "$PIDFILE" "$MARKER" "$LOGFILE" "$VIRTUOSO_START_TIMEOUT" ready
    configure
    info "started (pid $(<"$PIDFILE")) at $BASE_URL/sparql (isql $BIND_HOST:$VIRTUOSO_ISQL_PORT) in" \
        "$((SECONDS - t0))s (data $VIRTUOSO_DATA_DIR; logs $VIRTUOSO_DATA_DIR/virtuoso.log, $LOGFILE)"
}

do_status() {
    local pid
    if ! pid=$(daemon_pid "$PIDFILE" "$MARKER"); then
        info "not running (data $VIRTUOSO_DATA_DIR)"
        return 3
    fi
    if ready; then
        info "running (pid $pid) at $BASE_URL/sparql, isql $BIND_HOST:$VIRTUOSO_ISQL_PORT (data $VIRTUOSO_DATA_DIR)"
        return 0
    fi
    info "process $pid is up but $BASE_URL/sparql does not answer yet; see $VIRTUOSO_DATA_DIR/virtuoso.log"
    return 1
}

case "${1:-}" in
start) with_lock "$VIRTUOSO_DATA_DIR/.lock"; do_start ;;
stop) with_lock "$VIRTUOSO_DATA_DIR/.lock"; daemon_stop "$PIDFILE" "$MARKER" 60 ;;
restart) with_lock "$VIRTUOSO_DATA_DIR/.lock"; daemon_stop "$PIDFILE" "$MARKER" 60; do_start ;;
status) do_status ;;
*) usage_exit ;;
esac
