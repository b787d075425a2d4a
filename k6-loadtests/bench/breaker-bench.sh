#!/usr/bin/env bash
# Overhead of SharedCircuitBreaker on a healthy route: requests/s of a plain route vs. the same
# upstream behind SharedCircuitBreaker, measured against one gateway process in the same run.
# The gateway is pinned to CPU 0; wrk, the upstream and a private redis-server share CPU 1.
# Usage: k6-loadtests/bench/breaker-bench.sh [seconds per run (default 8)] [connections (default 32)] [rounds (default 8)]
# Needs: wrk, redis-server, taskset, JDK 17; builds gateway-app/target/gateway-app.jar if missing.
set -euo pipefail

DURATION="${1:-8}"
CONNECTIONS="${2:-32}"
ROUNDS="${3:-8}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAR="$ROOT/gateway-app/target/gateway-app.jar"
WORK="$(mktemp -d /tmp/breaker-bench.XXXXXX)"
PIDS=()

cleanup() {
	status=$?
	if [[ $status -ne 0 ]]; then
		for log in "$WORK"/*.log; do
			echo "== $log" >&2
			tail -n 30 "$log" >&2
		done
	fi
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_port() {
	for _ in $(seq 1 120); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.5
	done
	echo "port $1 never opened" >&2
	return 1
}

command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
if [[ ! -f "$JAR" ]]; then
	(cd "$ROOT" && ./mvnw -B -o -q package -pl gateway-app -am -DskipTests)
fi

REDIS_PORT="$(free_port)"
UPSTREAM_PORT="$(free_port)"
GATEWAY_PORT="$(free_port)"

taskset -c 1 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
	--dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)

mkdir -p "$WORK/app"
(cd "$WORK/app" && unzip -q "$JAR")
taskset -c 1 java -Xmx256m -cp "$WORK/app/BOOT-INF/lib/*" "$HERE/BenchUpstream.java" "$UPSTREAM_PORT" \
	>"$WORK/upstream.log" 2>&1 &
PIDS+=($!)

R=--spring.cloud.gateway.server.webflux.routes
taskset -c 0 java -Xmx512m -XX:ActiveProcessorCount=1 -jar "$JAR" \
	--server.port="$GATEWAY_PORT" \
	--spring.data.redis.url="redis://127.0.0.1:$REDIS_PORT" \
	--logging.level.root=WARN \
	$R[0].id=plain $R[0].uri="http://127.0.0.1:$UPSTREAM_PORT" $R[0].predicates[0]=Path=/plain/** \
	$R[0].metadata.public=true \
	$R[1].id=breaker $R[1].uri="http://127.0.0.1:$UPSTREAM_PORT" $R[1].predicates[0]=Path=/breaker/** \
	$R[1].metadata.public=true $R[1].filters[0]=SharedCircuitBreaker=bench \
	>"$WORK/gateway.log" 2>&1 &
PIDS+=($!)

wait_port "$REDIS_PORT"
wait_port "$UPSTREAM_PORT"
wait_port "$GATEWAY_PORT"
curl -fsS "http://127.0.0.1:$GATEWAY_PORT/plain/x" >/dev/null
curl -fsS "http://127.0.0.1:$GATEWAY_PORT/breaker/x" >/dev/null

run() {
	taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${2}s" --latency "http://127.0.0.1:$GATEWAY_PORT/$1/x"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up (JIT) ..."
run plain 30 >/dev/null
run breaker 30 >/dev/null

RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
	# alternate the order so drift in machine load does not favour one route
	if (( round % 2 )); then order="plain breaker"; else order="breaker plain"; fi
	for route in $order; do
		out="$(run "$route" "$DURATION")"
		rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
		p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
		p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
		non2xx="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
		echo "round $round $route: ${rps} req/s, p50 ${p50}, p99 ${p99}, non-2xx ${non2xx:-0}"
		RESULTS+=("$round $route $rps")
	done
done
printf '%s\n' "${RESULTS[@]}" | python3 -c '
import sys, statistics
rows = [l.split() for l in sys.stdin if l.strip()]
by = {}
for rnd, route, rps in rows:
    by.setdefault(route, {})[rnd] = float(rps)
plain, breaker = by["plain"], by["breaker"]
ratios = [breaker[r] / plain[r] for r in plain]
print(f"median plain {statistics.median(plain.values()):.0f} req/s, median breaker {statistics.median(breaker.values()):.0f} req/s,"
      f" median per-round breaker/plain {statistics.median(ratios):.3f} (overhead {100 * (1 - statistics.median(ratios)):.1f}%)")
'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "breaker calls recorded in Redis window (should be > 0):"
redis-cli -p "$REDIS_PORT" --scan --pattern 'tollgate:cb:*' | head
