#!/usr/bin/env bash
# The project's entry point for every npm script: puts the pinned Node first on PATH,
# installs dependencies when they are missing or stale, starts what a command needs
# (local Kafka broker, SMTP inbox) and stops what it started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=node/ensure-node.sh
source "$ROOT/tools/node/ensure-node.sh"

log() { printf '\033[36m[reclaim]\033[0m %s\n' "$*" >&2; }

ensure_deps() {
  local marker="node_modules/.package-lock.json"
  if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
    log "installing dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

build() {
  ensure_deps
  rm -rf dist
  node_modules/.bin/swc apps libs tools --extensions .ts -d dist --config-file .swcrc -q
}

BROKER_STARTED=""
ensure_kafka() {
  if [ -n "${KAFKA_BROKERS:-}" ]; then return; fi
  # A broker that already runs (another command's, kept with RECLAIM_KEEP_BROKER) is reused and
  # left running: only the broker this command started is stopped when it ends.
  local running=""
  if node tools/kafka/broker.mjs status >/dev/null 2>&1; then running=1; fi
  log "starting a local Kafka broker (tools/kafka)"
  local line
  line="$(node tools/kafka/broker.mjs start | tail -n 1)"
  export KAFKA_BROKERS="${line#KAFKA_BROKERS=}"
  if [ -z "$running" ]; then BROKER_STARTED=1; fi
  log "Kafka at $KAFKA_BROKERS"
}

docker_engine() {
  [ "${RECLAIM_TEST_NO_DOCKER:-}" != 1 ] && [ -z "${KAFKA_BROKERS:-}" ] && command -v docker >/dev/null 2>&1 &&
    timeout 5 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1
}

MAILDEV_PID=""
ensure_smtp() {
  if [ -n "${SMTP_URL:-}" ]; then return; fi
  local smtp_port="${MAILDEV_SMTP_PORT:-1025}" web_port="${MAILDEV_WEB_PORT:-1080}"
  log "starting a local SMTP inbox (maildev): smtp://127.0.0.1:$smtp_port, web UI http://localhost:$web_port"
  mkdir -p .local
  node_modules/.bin/maildev --smtp "$smtp_port" --web "$web_port" --ip 127.0.0.1 --silent >.local/maildev.log 2>&1 &
  MAILDEV_PID=$!
  export SMTP_URL="smtp://127.0.0.1:$smtp_port"
  export MAILDEV_WEB_URL="http://localhost:$web_port"
}

cleanup() {
  local status=$?
  if [ -n "$MAILDEV_PID" ]; then kill "$MAILDEV_PID" 2>/dev/null || true; fi
  if [ -n "$BROKER_STARTED" ] && [ -z "${RECLAIM_KEEP_BROKER:-}" ]; then
    node tools/kafka/broker.mjs stop >/dev/null 2>&1 || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Local defaults for dev and demo; every one can be overridden from the environment.
local_defaults() {
  export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/reclaim}"
  export INGESTION_API_KEYS="${INGESTION_API_KEYS:-demo-store:demo-store-key-0001}"
  export RESUME_LINK_SECRET="${RESUME_LINK_SECRET:-local-dev-resume-secret}"
  export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:${INGESTION_PORT:-3000}}"
  # The demo store's read-only reports key (dashboard sign-in) and the dashboard's signing secret.
  export REPORTS_API_KEYS="${REPORTS_API_KEYS:-demo-store:demo-store-reports-0001}"
  export DASHBOARD_SECRET="${DASHBOARD_SECRET:-local-dev-dashboard-secret}"
  # Resume links land on Reclaim's own cart page for the demo store (apps/ingestion/README.md).
  local demo_landing='{"demo-store":{"landing":"reclaim","name":"Reclaim Demo Store","checkoutUrl":"https://shop.example/checkout?cart={cartId}","returns":"Free returns within 30 days.","delivery":"Ships in 1–2 working days.","support":"help@shop.example"}}'
  export RESUME_STORES="${RESUME_STORES:-$demo_landing}"
}

SERVICES=(ingestion segmentation scheduler email sms push attribution)

cmd="${1:-}"
shift || true
case "$cmd" in
  build)
    build
    ;;
  typecheck)
    ensure_deps
    node_modules/.bin/tsc -p tsconfig.json
    ;;
  lint)
    ensure_deps
    NX_DAEMON=false NX_NO_CLOUD=true node_modules/.bin/eslint apps libs tools test "$@"
    node_modules/.bin/prettier --check --log-level warn .
    ;;
  test)
    ensure_deps
    log "typecheck"
    node_modules/.bin/tsc -p tsconfig.json
    # With a Docker engine the test environment starts Kafka (and PostgreSQL) with testcontainers
    # (libs/testing/src/infrastructure.ts); without one, the native broker, once for the whole run.
    if docker_engine; then log "a Docker engine answers: testcontainers provides Kafka"; else ensure_kafka; fi
    # Browser specs drive Debian's Chromium (installed here when missing and allowed).
    bash tools/browser/ensure-chromium.sh
    log "jest: unit, integration and end-to-end (real Kafka at ${KAFKA_BROKERS:-a Kafka container}, real PostgreSQL)"
    # kafkajs 2.2.4 arms negative timers on Node 24 (harmless; see libs/kafka/src/settings.ts).
    NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning" node_modules/.bin/jest --ci "$@"
    ;;
  dev | demo)
    build
    ensure_kafka
    ensure_smtp
    local_defaults
    if [ "$cmd" = demo ]; then export RECOVERY_TIME_SCALE="${RECOVERY_TIME_SCALE:-0.0002}"; fi
    names="$(IFS=,; echo "${SERVICES[*]}")"
    cmds=()
    for s in "${SERVICES[@]}"; do cmds+=("node dist/apps/$s/src/main.js"); done
    if [ "$cmd" = dev ]; then
      log "starting ${#SERVICES[@]} services; Ctrl-C stops everything"
      node_modules/.bin/concurrently --kill-others --names "$names" --prefix "[{name}]" "${cmds[@]}"
    else
      node dist/tools/demo/demo.js "${cmds[@]}"
    fi
    ;;
  bench)
    build
    ensure_kafka
    local_defaults
    node dist/tools/bench/bench.js "$@"
    ;;
  email-check)
    # Renders every email template for sample carts in Chromium and SpamAssassin (tools/email-check).
    build
    bash tools/browser/ensure-chromium.sh
    node dist/tools/email-check/email-check.js "$@"
    ;;
  docs-check)
    node --no-warnings tools/docs/generate-topics-table.ts --check
    node --no-warnings tools/docs/generate-config-table.ts --check
    ;;
  kafka-start)
    export RECLAIM_KEEP_BROKER=1
    build
    ensure_kafka
    node dist/tools/kafka/provision-topics.js
    echo "KAFKA_BROKERS=$KAFKA_BROKERS"
    ;;
  kafka-partitions)
    # Talks to the deployment's broker (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX): never starts one.
    # Grows topics below the catalog's partition count (docs/scaling.md); --dry-run only reports.
    build
    node dist/tools/kafka/provision-topics.js --grow-partitions "$@"
    ;;
  kafka-stop)
    node tools/kafka/broker.mjs stop
    ;;
  dlq)
    # Talks to the deployment's broker (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX): never starts one.
    build
    node dist/tools/dlq/dlq.js "$@"
    ;;
  *)
    echo "usage: tools/run.sh {build|typecheck|lint|docs-check|test|dev|demo|bench|email-check|kafka-start|kafka-partitions|kafka-stop|dlq}" >&2
    exit 64
    ;;
esac
