#!/usr/bin/env bash
# Local PostgreSQL for o2c.
#   postgres.sh start   use DATABASE_URL, else a server at PGHOST:PGPORT (127.0.0.1:5432), else start
#                       a private cluster in <state>/postgres (needs Debian's postgresql package)
#   postgres.sh stop    stop the private cluster, if running; never touches any other server
#   postgres.sh status
# Prints DATABASE_URL=postgres://user@host:port (no database: each service creates its own).
# Env: DATABASE_URL, PGHOST, PGPORT, PGUSER, O2C_PG_PORT (private cluster port, 5432 if free
#      else 55432), O2C_PG_PRIVATE=1 (always the private cluster, never a server found running), O2C_STATE.
set -euo pipefail
LOG_TAG=postgres
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR=$O2C_STATE/postgres
DATA=$DIR/data
PGUSER_=${PGUSER:-postgres}

# The newest Debian server binaries (initdb, pg_ctl are not on PATH on Debian).
PGBIN=$(printf "%s\n" /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
PGBIN=${PGBIN%/initdb}; [[ -x $PGBIN/initdb ]] || PGBIN=

# as_owner CMD...: postgres refuses to run as root, so root runs the private cluster as "postgres".
as_owner() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

# reachable URL: the server accepts a login (not only a TCP connection).
reachable() {
  if command -v psql >/dev/null; then
    PGCONNECT_TIMEOUT=3 psql -w -X -q -d "$1" -c 'select 1' >/dev/null 2>&1
  else
    local hostport=${1#*@}; hostport=${hostport%%/*}
    tcp_open "${hostport%:*}" "${hostport##*:}"
  fi
}

# url with /postgres appended, for tools that need a database name.
with_db() { [[ $1 =~ ^postgres(ql)?://[^/]*$ ]] && echo "$1/postgres" || echo "$1"; }

private_running() { [[ -n $PGBIN && -f $DATA/postmaster.pid ]] && as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }
private_url() { echo "postgres://postgres@127.0.0.1:$(<"$DIR/port")"; }

start_private() {
  local port=${O2C_PG_PORT:-}
  if [[ -z $port ]]; then
    port=5432; tcp_open 127.0.0.1 5432 && port=55432
  fi
  tcp_open 127.0.0.1 "$port" && die "port $port is taken; set O2C_PG_PORT to a free port"
  mkdir -p "$DIR"
  if [[ ! -f $DATA/PG_VERSION ]]; then
    log "creating a private PostgreSQL cluster in $DATA"
    ((EUID == 0)) && chown -R postgres: "$DIR"
    as_owner "$PGBIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C >"$DIR/initdb.log" 2>&1 \
      || { tail -n 20 "$DIR/initdb.log" >&2; die "initdb failed (if running as root: can user postgres reach $DIR?)"; }
  fi
  ((EUID == 0)) && chown -R postgres: "$DIR"
  echo "$port" >"$DIR/port"
  log "starting private PostgreSQL on 127.0.0.1:$port (log: $DIR/postgres.log)"
  # TCP only (-k ''): the default socket dir may not be writable by us, and a socket path under
  # a deep checkout could exceed the 107-byte limit. fsync=off: disposable dev/test data.
  as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k '' -c fsync=off" start >/dev/null \
    || { tail -n 20 "$DIR/postgres.log" >&2; die "PostgreSQL did not start"; }
}

cmd_start() {
  ensure_state_dir
  local url
  if [[ -n ${O2C_PG_PRIVATE:-} ]]; then
    [[ -n $PGBIN ]] || die "O2C_PG_PRIVATE needs Debian's postgresql package (initdb)"
    private_running || start_private
    url=$(private_url)
  elif [[ -n ${DATABASE_URL:-} ]]; then
    url=$DATABASE_URL
    reachable "$(with_db "$url")" || die "DATABASE_URL=$url does not accept a login"
    log "using DATABASE_URL"
  elif private_running; then
    url=$(private_url)
    log "reused: private cluster on port $(<"$DIR/port")"
  else
    url="postgres://$PGUSER_@${PGHOST:-127.0.0.1}:${PGPORT:-5432}"
    if reachable "$url/postgres"; then
      log "reused: server at ${PGHOST:-127.0.0.1}:${PGPORT:-5432} (not started by us, never stopped by us)"
    elif [[ -n $PGBIN ]]; then
      log "no PostgreSQL accepts a login at $url"
      start_private
      url=$(private_url)
    else
      log "no PostgreSQL accepts a login as $PGUSER_ at ${PGHOST:-127.0.0.1}:${PGPORT:-5432}. Either:"
      log "  - install it (Debian: apt-get install -y postgresql) and rerun: a private cluster is created in $DIR"
      log "  - or start your own server and allow $PGUSER_ without password from 127.0.0.1 (trust),"
      log "  - or export DATABASE_URL=postgres://user:password@host:port (no database name)"
      exit 1
    fi
  fi
  echo "DATABASE_URL=$url"
}

cmd_stop() {
  if private_running; then
    log "stopping private cluster"
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  else
    log "nothing to stop (no private cluster running)"
  fi
}

cmd_status() {
  local url
  if [[ -n ${DATABASE_URL:-} ]]; then url=$DATABASE_URL
  elif private_running; then url=$(private_url); log "private cluster running (data $DATA)"
  else url="postgres://$PGUSER_@${PGHOST:-127.0.0.1}:${PGPORT:-5432}"
  fi
  if reachable "$(with_db "$url")"; then log "accepting logins at $url"; echo "DATABASE_URL=$url"
  else log "not reachable at $url"; return 1
  fi
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
