# Shared helpers for the benchmark scripts (sourced). Loopback only; every run is bounded in time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR="$ROOT/gateway-app/target/gateway-app.jar"
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-20s}
CONNS=${CONNS:-64}
GATEWAY_CPU=${GATEWAY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
GW_PORT=${GW_PORT:-8080}
MGMT_PORT=${MGMT_PORT:-8081}
UPSTREAM_PORT=${UPSTREAM_PORT:-9100}
DEMO_PORT=${DEMO_PORT:-9000}
PIDS=()

cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

need_tools() {
  if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package)"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  fi
  if [ ! -f "$JAR" ]; then (cd "$ROOT" && ./mvnw -B -q -DskipTests package); fi
  BENCH_LIB="$ROOT/gateway-app/target/bench-lib"
  if [ ! -d "$BENCH_LIB" ] || [ "$JAR" -nt "$BENCH_LIB" ]; then
    rm -rf "$BENCH_LIB"; mkdir -p "$BENCH_LIB"
    (cd "$BENCH_LIB" && unzip -q -o "$JAR" 'BOOT-INF/lib/*')
  fi
  STOCK_CLASSES="$ROOT/gateway-app/target/bench-stock"
  if [ ! -f "$STOCK_CLASSES/StockGateway.class" ] || [ "$BENCH_LIB" -nt "$STOCK_CLASSES" ]; then
    mkdir -p "$STOCK_CLASSES"
    javac -nowarn -cp "$(stock_classpath)" -d "$STOCK_CLASSES" "$ROOT/k6-loadtests/bench/StockGateway.java"
  fi
}

# Tollgate's own jars left out: stock Spring Cloud Gateway on exactly the same library versions
stock_classpath() {
  find "$ROOT/gateway-app/target/bench-lib/BOOT-INF/lib" -name '*.jar' ! -name 'policy-extensions-*' | sort | paste -sd:
}

start_stock_gateway() { # log-file, extra args...
  local log=$1; shift
  taskset -c "$GATEWAY_CPU" java -Xms512m -Xmx512m -cp "$ROOT/gateway-app/target/bench-stock:$(stock_classpath)" \
    StockGateway --server.port="$GW_PORT" --management.server.port="$MGMT_PORT" --management.server.address=127.0.0.1 \
    --management.endpoints.web.exposure.include=health --logging.level.StockGateway=info "$@" >"$log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=($GATEWAY_PID)
  wait_gateway "$log"
}

wait_http() { # url timeout-seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "timed out waiting for $1" >&2; return 1
}

start_upstream() { # port
  taskset -c "$LOAD_CPU" java -cp "$ROOT/gateway-app/target/bench-lib/BOOT-INF/lib/*" \
    "$ROOT/k6-loadtests/bench/BenchUpstream.java" "$1" >/tmp/tollgate-bench-upstream.log 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$1/" 60
}

start_gateway() { # log-file, extra args...
  local log=$1; shift
  taskset -c "$GATEWAY_CPU" java -Xms512m -Xmx512m -jar "$JAR" --server.port="$GW_PORT" \
    --management.server.port="$MGMT_PORT" --tollgate.demo.port="$DEMO_PORT" "$@" >"$log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=($GATEWAY_PID)
  wait_gateway "$log"
}

# waits until this gateway process (not another one on the port) is up
wait_gateway() {
  for _ in $(seq 1 1200); do
    kill -0 "$GATEWAY_PID" 2>/dev/null || { echo "gateway exited; see $1" >&2; tail -20 "$1" >&2; return 1; }
    grep -q "Started " "$1" 2>/dev/null && curl -s -o /dev/null "http://127.0.0.1:$MGMT_PORT/actuator/health" && return 0
    sleep 0.1
  done
  echo "gateway did not start; see $1" >&2; return 1
}

start_redis() { # port
  taskset -c "$LOAD_CPU" redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no >/tmp/tollgate-bench-redis.log 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "redis-server did not start" >&2; return 1
}

stop_gateway() { kill "$GATEWAY_PID" 2>/dev/null || true; wait "$GATEWAY_PID" 2>/dev/null || true; sleep 1; }

# warm url [header]: load without measuring, so the JIT has compiled the path before wrk_case measures it
warm() {
  local args=(-t1 -c"$CONNS")
  [ -n "${2:-}" ] && args+=(-H "$2")
  taskset -c "$LOAD_CPU" wrk "${args[@]}" -d"$WARMUP" "$1" >/dev/null
}

# wrk_case label url [header]: measure one case ROUNDS times (default 2) and print the best round as a table row
wrk_case() {
  local best="" best_rps=0 row rps
  for _ in $(seq 1 "${ROUNDS:-2}"); do
    row=$(wrk_round "$@")
    rps=$(awk -F'|' '{gsub(/ /, "", $3); print $3}' <<<"$row")
    if awk -v a="$rps" -v b="$best_rps" 'BEGIN { exit !(a > b) }'; then best=$row; best_rps=$rps; fi
  done
  echo "$best"
}

wrk_round() {
  local label=$1 url=$2 header=${3:-}
  local args=(-t1 -c"$CONNS" --latency)
  [ -n "$header" ] && args+=(-H "$header")
  local cpu0; cpu0=$(cpu_ticks "$GATEWAY_PID")
  local out; out=$(taskset -c "$LOAD_CPU" wrk "${args[@]}" -d"$DURATION" "$url")
  local cpu1; cpu1=$(cpu_ticks "$GATEWAY_PID")
  local rps p50 p99 non2xx reqs cpu_us
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  # gateway CPU time per request: robust even when other processes share the machine
  cpu_us=$(awk -v t=$((cpu1 - cpu0)) -v n="$reqs" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (n > 0 ? t * 1e6 / hz / n : 0) }')
  printf "| %-44s | %10s | %9s | %9s | %8s | %11s |\n" "$label" "$rps" "$p50" "$p99" "$non2xx" "$cpu_us"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

table_header() {
  printf "| %-44s | %10s | %9s | %9s | %8s | %11s |\n" "case" "req/s" "p50" "p99" "non-2xx" "CPU µs/req"
  printf "|%s|%s|%s|%s|%s|%s|\n" "$(printf -- '-%.0s' {1..46})" "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..11})" "$(printf -- '-%.0s' {1..11})" "$(printf -- '-%.0s' {1..10})" "$(printf -- '-%.0s' {1..13})"
}
