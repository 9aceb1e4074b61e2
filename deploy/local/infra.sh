#!/usr/bin/env bash
# Local infrastructure for o2c: PostgreSQL + Kafka, no Docker.
#   infra.sh up      start (or reuse) both; prints KAFKA_BROKERS=... and DATABASE_URL=... on stdout
#                    and writes them to <state>/infra.env (for `source`)
#   infra.sh down    stop what `up` started (a private PostgreSQL cluster, a broker it launched);
#                    servers it only reused are left alone
#   infra.sh status
# Honours DATABASE_URL / KAFKA_BROKERS (external services) and the variables listed in
# postgres.sh and kafka.sh. State: ${O2C_STATE:-<repo>/.o2c}; downloads: ${O2C_CACHE:-~/.cache/o2c}.
set -euo pipefail
LOG_TAG=infra
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ENV_FILE=$O2C_STATE/infra.env

up() {
  local t0=$SECONDS pg kafka
  ensure_state_dir
  pg=$("$LOCAL_DIR/postgres.sh" start)
  kafka=$("$LOCAL_DIR/kafka.sh" start)
  {
    echo "# written by deploy/local/infra.sh up"
    printf '%s=%q\n' DATABASE_URL "${pg#DATABASE_URL=}" KAFKA_BROKERS "${kafka#KAFKA_BROKERS=}"
  } >"$ENV_FILE"
  log "up in $((SECONDS - t0))s; environment in $ENV_FILE"
  echo "$kafka"
  echo "$pg"
}

down() {
  local rc=0
  "$LOCAL_DIR/kafka.sh" stop || rc=1
  "$LOCAL_DIR/postgres.sh" stop || rc=1
  rm -f "$ENV_FILE"
  return $rc
}

status() {
  local rc=0
  "$LOCAL_DIR/postgres.sh" status || rc=1
  "$LOCAL_DIR/kafka.sh" status || rc=1
  return $rc
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
