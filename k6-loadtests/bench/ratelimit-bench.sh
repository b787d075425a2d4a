#!/usr/bin/env bash
# ClusterRateLimit benchmark: requests/s and p50/p99 through the gateway for
#   plain     a proxied route without rate limiting
#   crl-1     the same route with ClusterRateLimit, one limit
#   crl-3     the same route with ClusterRateLimit, three limits
#   stock     the same route with Spring Cloud Gateway's RequestRateLimiter + RedisRateLimiter
# Limits are far above the achievable rate, so every request takes the full "admitted" path (one Redis script call).
# The gateway is pinned to CPU 0; wrk, Redis and the upstream share CPU 1. Everything listens on 127.0.0.1 only.
#
# Usage: k6-loadtests/bench/ratelimit-bench.sh      (env: DURATION=10s WARMUP=5s ROUNDS=2 CONNECTIONS=32 THREADS=2)
#        PROFILE=crl-1 k6-loadtests/bench/ratelimit-bench.sh   also records JFR during that case and prints hot frames
#        EXTRA_ARGS='--some.property=value'                    extra gateway arguments (e.g. to try a setting)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/k6-loadtests/bench"
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-2}
GW_CPU=${GW_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PROFILE=${PROFILE:-}
EXTRA_ARGS=${EXTRA_ARGS:-}

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk" >&2
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
JAR="$ROOT/gateway-app/target/gateway-app.jar"
if [ ! -f "$JAR" ]; then
  (cd "$ROOT" && ./mvnw -B -q -o -pl gateway-app -am package -DskipTests)
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { # url, what
  for _ in $(seq 1 600); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    sleep 0.2
  done
  echo "$2 did not come up ($1)" >&2; return 1
}

REDIS_PORT=$(free_port); UP_PORT=$(free_port); GW_PORT=$(free_port); MGMT_PORT=$(free_port)

taskset -c "$LOAD_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)

# the stock limiter's KeyResolver, compiled against the gateway's own libraries
mkdir -p "$WORK/jar" "$WORK/classes"
(cd "$WORK/jar" && unzip -q "$JAR" 'BOOT-INF/lib/*')
javac -q -d "$WORK/classes" -cp "$WORK/jar/BOOT-INF/lib/*" "$HERE/ratelimit/BenchKeyResolvers.java" 2>/dev/null \
  || javac -d "$WORK/classes" -cp "$WORK/jar/BOOT-INF/lib/*" "$HERE/ratelimit/BenchKeyResolvers.java"
taskset -c "$LOAD_CPU" java -Xmx256m -cp "$WORK/jar/BOOT-INF/lib/*" "$HERE/BenchUpstream.java" "$UP_PORT" >"$WORK/upstream.log" 2>&1 &
PIDS+=($!)

R=spring.cloud.gateway.server.webflux.routes
UP="http://127.0.0.1:$UP_PORT"
taskset -c "$GW_CPU" java -Xms512m -Xmx512m -Dloader.path="$WORK/classes" -cp "$JAR" \
  org.springframework.boot.loader.launch.PropertiesLauncher \
  --spring.main.sources=io.tollgate.bench.BenchKeyResolvers \
  --server.port="$GW_PORT" --management.server.port="$MGMT_PORT" \
  --spring.data.redis.url="redis://127.0.0.1:$REDIS_PORT" \
  --logging.level.root=warn \
  --$R[0].id=plain --$R[0].uri="$UP" --$R[0].predicates[0]=Path=/plain/** --$R[0].metadata.public=true \
  --$R[1].id=crl-1 --$R[1].uri="$UP" --$R[1].predicates[0]=Path=/crl-1/** --$R[1].metadata.public=true \
  --$R[1].filters[0]="ClusterRateLimit=1000000/1s, ip" \
  --$R[2].id=crl-3 --$R[2].uri="$UP" --$R[2].predicates[0]=Path=/crl-3/** --$R[2].metadata.public=true \
  --$R[2].filters[0]="ClusterRateLimit=1000000/1s;10000000/1m;100000000/1h, ip" \
  --$R[3].id=stock --$R[3].uri="$UP" --$R[3].predicates[0]=Path=/stock/** --$R[3].metadata.public=true \
  --$R[3].filters[0].name=RequestRateLimiter \
  --$R[3].filters[0].args.redis-rate-limiter.replenishRate=1000000 \
  --$R[3].filters[0].args.redis-rate-limiter.burstCapacity=1000000 \
  --$R[3].filters[0].args.key-resolver='#{@benchIpKeyResolver}' \
  $EXTRA_ARGS \
  >"$WORK/gateway.log" 2>&1 &
GW_PID=$!
PIDS+=($GW_PID)

wait_http "$UP/ready" "upstream" || { tail -20 "$WORK/upstream.log"; exit 1; }
wait_http "http://127.0.0.1:$MGMT_PORT/actuator/health" "gateway" || {
  curl -s "http://127.0.0.1:$MGMT_PORT/actuator/health" >&2 || true; tail -50 "$WORK/gateway.log"; exit 1; }
for route in plain crl-1 crl-3 stock; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW_PORT/$route/x")
  [ "$code" = 200 ] || { echo "route $route answered $code" >&2; tail -50 "$WORK/gateway.log"; exit 1; }
done
curl -s -D - -o /dev/null "http://127.0.0.1:$GW_PORT/crl-3/x" | grep -i '^ratelimit' >&2 || true

to_ms() { # wrk latency such as 812.00us, 1.23ms, 1.01s -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

gw_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$GW_PID/stat"; }
TICKS=$(getconf CLK_TCK)

run_case() { # route duration -> "rps p50 p99 non2xx cpu-us-per-request"
  local out before after
  before=$(gw_cpu_ticks)
  out=$(taskset -c "$LOAD_CPU" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency "http://127.0.0.1:$GW_PORT/$1/x")
  after=$(gw_cpu_ticks)
  local rps p50 p99 bad requests cpu
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' <<<"$out")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  # gateway CPU time per request: robust against other load on the machine, unlike req/s
  cpu=$(awk -v t="$((after - before))" -v n="$requests" -v hz="$TICKS" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") ${bad:-0} $cpu"
}

echo "warming up ($WARMUP per route)..." >&2
for route in plain crl-1 crl-3 stock; do run_case "$route" "$WARMUP" >/dev/null; done

# interleaved rounds: a machine shared with other work disturbs one case less; the best round per case is reported
declare -A RESULT
for round in $(seq 1 "$ROUNDS"); do
  for route in plain crl-1 crl-3 stock; do
    echo "round $round: measuring $route ($DURATION)..." >&2
    if [ "$route" = "$PROFILE" ]; then jcmd "$GW_PID" JFR.start name=bench settings=profile >/dev/null; fi
    r=$(run_case "$route" "$DURATION")
    if [ "$route" = "$PROFILE" ]; then jcmd "$GW_PID" JFR.stop name=bench filename="$WORK/$route-$round.jfr" >/dev/null; fi
    prev=${RESULT[$route]:-"0 0 0 0 0"}
    if awk -v a="${r%% *}" -v b="${prev%% *}" 'BEGIN { exit !(a > b) }'; then RESULT[$route]=$r; fi
  done
done

plain_rps=$(cut -d' ' -f1 <<<"${RESULT[plain]}")
printf '\n%-36s %10s %9s %9s %9s %12s %8s\n' "case" "req/s" "p50 ms" "p99 ms" "vs plain" "CPU us/req" "non-2xx"
for route in plain crl-1 crl-3 stock; do
  read -r rps p50 p99 bad cpu <<<"${RESULT[$route]}"
  case $route in
    plain) name="plain proxied route" ;;
    crl-1) name="ClusterRateLimit, 1 limit" ;;
    crl-3) name="ClusterRateLimit, 3 limits" ;;
    stock) name="RequestRateLimiter+RedisRateLimiter" ;;
  esac
  rel=$(awk -v a="$rps" -v b="$plain_rps" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')
  printf '%-36s %10s %9s %9s %9s %12s %8s\n' "$name" "$rps" "$p50" "$p99" "$rel" "$cpu" "$bad"
done
echo
echo "gateway: 1 CPU (taskset -c $GW_CPU), wrk -t$THREADS -c$CONNECTIONS -d$DURATION (best of $ROUNDS interleaved rounds) on CPU $LOAD_CPU with Redis and upstream; $(nproc) CPUs total"

if [ -n "$PROFILE" ]; then
  for f in "$WORK/$PROFILE"-*.jfr; do
    jfr print --events jdk.ExecutionSample --stack-depth 40 "$f"
  done | python3 -c '
import re, sys, collections
self_c, incl_c, n = collections.Counter(), collections.Counter(), 0
frames = None
for line in sys.stdin:
    if "jdk.ExecutionSample" in line:
        frames = []
    elif frames is not None and re.match(r"\s+[\w$.<>]+\(.*line:", line):
        frames.append(re.sub(r"\s+line:.*", "", line.strip()))
    elif frames is not None and line.strip() == "]":
        if frames:
            n += 1
            self_c[frames[0]] += 1
            for f in set(frames):
                incl_c[f] += 1
        frames = None
print(f"\n{n} samples in {sys.argv[1]}; hottest frames (self):")
for f, c in self_c.most_common(25):
    print(f"{100*c/n:5.1f}%  {f}")
print("\nrate-limit and redis frames (inclusive):")
for f, c in incl_c.most_common(400):
    if re.search(r"tollgate|ratelimit|RateLimit|redis|lettuce|Timeout|Micrometer|micrometer", f):
        print(f"{100*c/n:5.1f}%  {f}")
' "$PROFILE"
fi
