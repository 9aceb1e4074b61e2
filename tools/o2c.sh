#!/usr/bin/env bash
# The project's commands, each runnable on a fresh clone:
#   o2c.sh demo     install, start PostgreSQL + Kafka + the four services and the console, wait until healthy
#   o2c.sh stop     stop the services and what `demo` started of the infrastructure
#   o2c.sh test     install, start the infrastructure, run every check and test, stop what it started
#   o2c.sh bench    install, start the infrastructure, run the benchmark (bench/README.md), stop what it started
#   o2c.sh fuzz     the same for the fuzzer: bad input at volume against the running services (docs/security.md)
#   o2c.sh chaos    the chaos run: faults while deals flow, then the checker (docs/security.md); it starts its own
#                   PostgreSQL and Kafka, so that restarting them touches nothing else
#   o2c.sh statements  the SQL statements each service sends per deal, from PostgreSQL's log (docs/performance.md)
#   o2c.sh infra up|down|status
set -euo pipefail
O2C_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$O2C_ROOT"
source tools/node.sh
O2C_STATE=${O2C_STATE:-$O2C_ROOT/.o2c}
SERVICES=(deals subscriptions invoicing provisioning)
declare -A PORTS=([deals]=3001 [subscriptions]=3002 [invoicing]=3003 [provisioning]=3004)
CONSOLE_PORT=${CONSOLE_PORT:-3005}
export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=${NX_SKIP_NX_CACHE:-${CI:+true}}

say() { printf '\033[1m[o2c]\033[0m %s\n' "$*" >&2; }

install() {
  o2c_ensure_node
  # npm ci only when the lockfile changed since the last install (node_modules/.package-lock.json mirrors it).
  local stamp=node_modules/.o2c-lock.sha
  local want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing npm packages (node $(node -v))"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" >"$stamp"
  fi
  export PATH="$O2C_ROOT/node_modules/.bin:$PATH"
}

# The infrastructure for one run (test, bench, fuzz): what DATABASE_URL and KAFKA_BROKERS give, or what a
# running `infra up` started, or started now and stopped when the run ends.
infra_for_run() {
  local started=yes
  [ -f "$O2C_STATE/infra.env" ] && started=no
  [ -n "${DATABASE_URL:-}" ] && [ -n "${KAFKA_BROKERS:-}" ] && started=no
  [ "$started" = yes ] && trap 'bash deploy/local/infra.sh down || true' EXIT
  infra_up
}

infra_up() {
  local out
  out=$(bash deploy/local/infra.sh up)
  eval "export $(grep -E '^(DATABASE_URL|KAFKA_BROKERS)=' <<<"$out" | tr '\n' ' ')"
}

wait_ready() { # service port seconds
  local deadline=$((SECONDS + $3))
  until curl -fsS "http://127.0.0.1:$2/health/ready" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      say "$1 is not ready after $3s; its log:"
      tail -n 30 "$O2C_STATE/logs/$1.log" >&2 || true
      return 1
    fi
    sleep 1
  done
}

webhook_secret() {
  # The deals webhook secret of this checkout's demo, made once; set DEALS_WEBHOOK_SECRETS to use your CRM's.
  local file="$O2C_STATE/deals-webhook-secret"
  if [ -z "${DEALS_WEBHOOK_SECRETS:-}" ]; then
    mkdir -p "$O2C_STATE"
    [ -f "$file" ] || node -e "console.log('whsec_' + require('crypto').randomBytes(24).toString('base64'))" >"$file"
    DEALS_WEBHOOK_SECRETS=$(cat "$file")
  fi
  export DEALS_WEBHOOK_SECRETS
  # Likewise the licence signing key (Ed25519, PKCS#8 DER in base64); set PROVISIONING_SIGNING_KEY to use yours.
  local key="$O2C_STATE/provisioning-signing-key"
  if [ -z "${PROVISIONING_SIGNING_KEY:-}" ]; then
    [ -f "$key" ] || node -e "const c=require('crypto');console.log(c.generateKeyPairSync('ed25519').privateKey.export({format:'der',type:'pkcs8'}).toString('base64'))" >"$key"
    PROVISIONING_SIGNING_KEY=$(cat "$key")
  fi
  export PROVISIONING_SIGNING_KEY
}

admin_token() {
  # The bearer token of every service's operations endpoints (ADMIN_TOKEN), made once for this checkout's demo
  # and readable by its owner only; set ADMIN_TOKEN to use your own.
  local file="$O2C_STATE/admin-token"
  if [ -z "${ADMIN_TOKEN:-}" ]; then
    mkdir -p "$O2C_STATE"
    [ -f "$file" ] || (umask 077 && node -e "console.log(require('crypto').randomBytes(32).toString('hex'))" >"$file")
    ADMIN_TOKEN=$(cat "$file")
  fi
  export ADMIN_TOKEN
}

services_up() {
  webhook_secret
  admin_token
  mkdir -p "$O2C_STATE/logs" "$O2C_STATE/pids"
  for s in "${SERVICES[@]}"; do
    local pidfile="$O2C_STATE/pids/$s.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      say "$s already running (pid $(cat "$pidfile"))"
      continue
    fi
    PORT=${PORTS[$s]} nohup node --max-semi-space-size=8 "services/$s/dist/main.js" >>"$O2C_STATE/logs/$s.log" 2>&1 &
    echo $! >"$pidfile"
  done
  for s in "${SERVICES[@]}"; do wait_ready "$s" "${PORTS[$s]}" 90; done
}

console_up() {
  # The operations console's gateway (services/console): it holds no credential, the operator signs in with theirs.
  local pidfile="$O2C_STATE/pids/console.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    say "console already running (pid $(cat "$pidfile"))"
    return
  fi
  PORT=$CONSOLE_PORT DEALS_URL="http://127.0.0.1:${PORTS[deals]}" SUBSCRIPTIONS_URL="http://127.0.0.1:${PORTS[subscriptions]}" \
    INVOICING_URL="http://127.0.0.1:${PORTS[invoicing]}" PROVISIONING_URL="http://127.0.0.1:${PORTS[provisioning]}" \
    nohup node services/console/dist/main.js >>"$O2C_STATE/logs/console.log" 2>&1 &
  echo $! >"$pidfile"
  wait_ready console "$CONSOLE_PORT" 30
}

services_down() {
  for s in console "${SERVICES[@]}"; do
    local pidfile="$O2C_STATE/pids/$s.pid"
    [ -f "$pidfile" ] || continue
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  demo)
    install
    infra_up
    say "building"
    nx run-many -t build --output-style=static >/dev/null
    services_up
    console_up
    for s in "${SERVICES[@]}"; do say "$s ready on http://127.0.0.1:${PORTS[$s]} (log: .o2c/logs/$s.log)"; done
    say "operations console on http://127.0.0.1:$CONSOLE_PORT (sign in with the token in .o2c/admin-token; log: .o2c/logs/console.log)"
    say "posting the signed sample deal deploy/samples/deal.closed-won.json"
    node tools/post-deal.js deploy/samples/deal.closed-won.json "http://127.0.0.1:${PORTS[deals]}"
    say "the contract and the licence it became (invoices come with the billing engine):"
    node tools/show-flow.js "$(node -p "require('./deploy/samples/deal.closed-won.json').deal.account.id")"
    say "sign your own deals with the secret in .o2c/deals-webhook-secret: DEALS_WEBHOOK_SECRETS=\$(cat .o2c/deals-webhook-secret) node tools/post-deal.js <file>"
    say "operations endpoints (dead letters, exception queue, contracts, runs, deliveries) take ADMIN_TOKEN, the demo's in .o2c/admin-token unless you set your own:"
    say "  curl -H \"Authorization: Bearer \$(cat .o2c/admin-token)\" http://127.0.0.1:${PORTS[deals]}/v1/deals?status=rejected"
    say "stop everything with: npm run stop"
    ;;
  stop)
    services_down
    bash deploy/local/infra.sh down
    ;;
  test)
    install
    infra_for_run
    rm -rf "$O2C_ROOT/.o2c/test-results"
    say "format, lint and types"
    prettier --check . --log-level warn
    nx run-many -t lint --output-style=static
    tsc -p tsconfig.json --noEmit
    say "unit tests"
    failed=0
    nx run-many -t test --output-style=static || failed=1
    say "integration tests (PostgreSQL at ${DATABASE_URL}, Kafka at ${KAFKA_BROKERS})"
    nx run-many -t test:integration --parallel=1 --output-style=static || failed=1
    node tools/test-summary.js "$O2C_ROOT/.o2c/test-results" || failed=1
    exit $failed
    ;;
  bench | fuzz | chaos | statements)
    script=$([ "$1" = bench ] && echo main || echo "$1")
    cmd=$1
    shift
    install
    [ "$cmd" = chaos ] || infra_for_run
    say "building"
    nx run-many -t build --output-style=static >/dev/null
    node --enable-source-maps "bench/dist/$script.js" "$@"
    ;;
  infra)
    bash deploy/local/infra.sh "${2:-status}"
    ;;
  *)
    echo "usage: $0 demo|stop|test|bench|fuzz|chaos|statements|infra up|down|status" >&2
    exit 2
    ;;
esac
