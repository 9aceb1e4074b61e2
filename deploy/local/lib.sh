# shellcheck shell=bash
# Shared helpers for deploy/local/*.sh (sourced, not run).
# Conventions: human messages go to stderr, machine-readable KEY=value lines to stdout.

LOCAL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$LOCAL_DIR/../.." && pwd)
O2C_STATE=${O2C_STATE:-$REPO_ROOT/.o2c}       # per-checkout runtime state (data, logs, pids)
O2C_CACHE=${O2C_CACHE:-$HOME/.cache/o2c}       # per-machine download cache, shared by checkouts

log() { printf '[%s] %s\n' "${LOG_TAG:-infra}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Create the state folder; it ignores itself so git never sees it, whatever .gitignore says.
ensure_state_dir() {
  mkdir -p "$O2C_STATE"
  [[ -f $O2C_STATE/.gitignore ]] || echo '*' >"$O2C_STATE/.gitignore"
}

# tcp_open HOST PORT: true when something accepts TCP connections there.
# shellcheck disable=SC2016  # $1/$2 expand in the child bash
tcp_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null; }

# pid_alive PIDFILE: true when the file names a running process.
pid_alive() {
  local pid
  [[ -f $1 ]] && pid=$(<"$1") && [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}
