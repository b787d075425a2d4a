#!/usr/bin/env bash
# One benchmark harness: Tollgate against the upstream direct, nginx and stock Spring Cloud Gateway, in one run.
#
#   k6-loadtests/bench/run.sh [options]
#     --duration D      measured time per case and round (wrk syntax, default 10s)
#     --warmup D        warm-up per gateway JVM, spread over all its routes (default 75s: a cold JVM on one core
#                       needs over 60 s until the JIT is steady); nginx and the upstream get a tenth of it
#     --rounds N        rounds; each round runs every case once, in a rotated order (default 5)
#     --connections N   wrk connections (default 32)
#     --cases LIST      comma-separated subset of the cases below (default: all)
#     --baseline CASE   the case the ratio column compares with (default scg-tuned)
#     --out FILE        Markdown results (default k6-loadtests/bench/RESULTS.md)
#     --gateway-cpu N / --load-cpu N   CPU for the gateway under test / for wrk, Redis, upstream, issuer (1 / 0)
#     --smoke           validate the harness only: --duration 2s --warmup 2s --rounds 1, results to a temp file
#
# Cases (each measured through its own route; every gateway JVM stays up for the whole run):
#   upstream              wrk straight to the upstream (the ceiling)
#   nginx                 nginx as a reverse proxy to it (worker_processes 1, upstream keepalive)
#   scg / scg-tuned       stock Spring Cloud Gateway on Tollgate's own jars, plain route: as shipped / tuned
#                         (HTTP server, Spring Security and Lettuce observations and the gateway's own off)
#   scg-rl / scg-rl-tuned the same with RequestRateLimiter + RedisRateLimiter (limit far above the rate)
#   tg-public             Tollgate, public route, no policy
#   tg-jwt                Tollgate, JWT + RequireScopes (one token, so the validated-token cache is hot)
#   tg-ratelimit          Tollgate, public route + ClusterRateLimit (limit far above the rate)
#   tg-breaker            Tollgate, public route + SharedCircuitBreaker (healthy upstream)
#   tg-all                Tollgate, JWT + RequireScopes + ClusterRateLimit + SharedCircuitBreaker
#   tg-apikey             Tollgate, a managed API published through the Admin API: auth.mode api-key, rate limit
#                         from the consumer's plan (limit far above the rate)
#
# Per case: req/s, p50, p99 (median over rounds), the ratio to the baseline (median of same-round ratios:
# absolute figures drift by up to 2x between runs on a small VM, ratios within a round much less), the
# gateway's CPU time per request (utime+stime from /proc), Redis commands per request (INFO commandstats
# deltas; idle background calls of the other JVMs included) and the gateway's RSS after its last round.
# Loopback only. Needs wrk, nginx, redis-server, taskset, python3, JDK 17 (installs wrk/nginx on Debian).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR="$ROOT/gateway-app/target/gateway-app.jar"
ALL_CASES="upstream nginx scg scg-tuned scg-rl scg-rl-tuned tg-public tg-jwt tg-ratelimit tg-breaker tg-all tg-apikey"

DURATION=10s WARMUP=75s ROUNDS=5 CONNECTIONS=32 CASES=$ALL_CASES BASELINE=scg-tuned
OUT="$HERE/RESULTS.md" GW_CPU=1 LOAD_CPU=0 SMOKE=false
usage() { sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --cases) CASES=${2//,/ }; shift 2 ;;
    --baseline) BASELINE=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --gateway-cpu) GW_CPU=$2; shift 2 ;;
    --load-cpu) LOAD_CPU=$2; shift 2 ;;
    --smoke) SMOKE=true; DURATION=2s; WARMUP=2s; ROUNDS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ "$SMOKE" = true ] && [ "$OUT" = "$HERE/RESULTS.md" ] && OUT=$(mktemp --suffix=-bench-smoke.md)
for c in $CASES; do [[ " $ALL_CASES " == *" $c "* ]] || { echo "unknown case '$c' (cases: $ALL_CASES)" >&2; exit 2; }; done
[[ " $CASES " == *" $BASELINE "* ]] || BASELINE=${CASES%% *}
secs() { local d=$1; case $d in *ms) echo 0 ;; *m) echo $(( ${d%m} * 60 )) ;; *s) echo "${d%s}" ;; *) echo "$d" ;; esac; }

# --- one cleanup for everything this run starts
WORK=$(mktemp -d /tmp/tollgate-bench.XXXXXX)
PIDS=()
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ $status -ne 0 ]; then
    for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "== $log" >&2; tail -n 20 "$log" >&2; }; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- tools and jars
need() { command -v "$1" >/dev/null 2>&1 || { say "installing $2 (Debian)"; apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk; need nginx nginx; need redis-server redis-server; need redis-cli redis-tools
if [ ! -f "$JAR" ]; then (cd "$ROOT" && ./mvnw -B -q -DskipTests package); fi
mkdir -p "$WORK/lib" "$WORK/stock"
(cd "$WORK/lib" && unzip -q -o "$JAR" 'BOOT-INF/lib/*')
# stock Spring Cloud Gateway: exactly Tollgate's library versions, without Tollgate's own jar
STOCK_CP=$(find "$WORK/lib/BOOT-INF/lib" -name '*.jar' ! -name 'policy-extensions-*' | sort | paste -sd:)
javac -nowarn -cp "$STOCK_CP" -d "$WORK/stock" "$HERE/StockGateway.java"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { # url seconds pid
  for _ in $(seq 1 $(( $2 * 5 ))); do
    curl -fs -o /dev/null "$1" && return 0
    kill -0 "$3" 2>/dev/null || { echo "process $3 exited before $1 answered" >&2; return 1; }
    sleep 0.2
  done
  echo "$1 did not answer within $2 s" >&2; return 1
}
start() { # name cpu command... ; sets LAST_PID
  taskset -c "$2" "${@:3}" >"$WORK/$1.log" 2>&1 &
  LAST_PID=$!; PIDS+=("$LAST_PID")
}

# --- shared services on the load CPU
REDIS_PORT=$(free_port) UP_PORT=$(free_port) ISSUER_PORT=$(free_port)
start redis "$LOAD_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK"
start upstream "$LOAD_CPU" java -Xmx256m -cp "$WORK/lib/BOOT-INF/lib/*" "$HERE/BenchUpstream.java" "$UP_PORT"
UP_PID=$LAST_PID
start issuer "$LOAD_CPU" java -Xmx128m -cp "$JAR" -Dloader.main=io.tollgate.gateway.demo.DemoEnvironmentApplication \
  org.springframework.boot.loader.launch.PropertiesLauncher --tollgate.demo.port="$ISSUER_PORT"
ISSUER_PID=$LAST_PID
UP="http://127.0.0.1:$UP_PORT"
ISSUER="http://127.0.0.1:$ISSUER_PORT"

declare -A PID_OF URL_OF HDR_OF HEALTH_OF
needs() { local c; for c in "$@"; do [[ " $CASES " == *" $c "* ]] && return 0; done; return 1; }

# --- the gateways under test, each pinned to the gateway CPU
if needs nginx; then
  NGINX_PORT=$(free_port)
  mkdir -p "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
error_log $WORK/nginx/error.log warn;
pid $WORK/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$UP_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
  start nginx "$GW_CPU" nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
  PID_OF[nginx]=$LAST_PID URL_OF[nginx]="http://127.0.0.1:$NGINX_PORT/x"
fi
PID_OF[upstream]=$UP_PID URL_OF[upstream]="$UP/x"

R=spring.cloud.gateway.server.webflux.routes
TUNED=(--management.observations.enable.http.server.requests=false --management.observations.enable.spring.security=false
  --management.observations.enable.lettuce=false --spring.cloud.gateway.server.webflux.observability.enabled=false)
start_stock() { # name extra-args...
  local name=$1 port mgmt; shift
  port=$(free_port); mgmt=$(free_port)
  start "$name" "$GW_CPU" java -Xms512m -Xmx512m -cp "$WORK/stock:$STOCK_CP" StockGateway \
    --server.port="$port" --management.server.port="$mgmt" --management.server.address=127.0.0.1 \
    --management.endpoints.web.exposure.include=health --logging.level.root=warn \
    --spring.data.redis.url="redis://127.0.0.1:$REDIS_PORT" \
    "--$R[0].id=plain" "--$R[0].uri=$UP" "--$R[0].predicates[0]=Path=/plain/**" \
    "--$R[1].id=rl" "--$R[1].uri=$UP" "--$R[1].predicates[0]=Path=/rl/**" \
    "--$R[1].filters[0].name=RequestRateLimiter" \
    "--$R[1].filters[0].args.redis-rate-limiter.replenishRate=1000000" \
    "--$R[1].filters[0].args.redis-rate-limiter.burstCapacity=1000000" \
    "--$R[1].filters[0].args.key-resolver=#{@benchIpKeyResolver}" "$@"
  STOCK_PID=$LAST_PID STOCK_URL="http://127.0.0.1:$port" STOCK_HEALTH="http://127.0.0.1:$mgmt/actuator/health"
}
if needs scg scg-rl; then
  start_stock scg
  PID_OF[scg]=$STOCK_PID PID_OF[scg-rl]=$STOCK_PID URL_OF[scg]="$STOCK_URL/plain/x" URL_OF[scg-rl]="$STOCK_URL/rl/x"
  HEALTH_OF[scg]=$STOCK_HEALTH HEALTH_OF[scg-rl]=$STOCK_HEALTH
fi
if needs scg-tuned scg-rl-tuned; then
  start_stock scg-tuned "${TUNED[@]}"
  PID_OF[scg-tuned]=$STOCK_PID PID_OF[scg-rl-tuned]=$STOCK_PID
  URL_OF[scg-tuned]="$STOCK_URL/plain/x" URL_OF[scg-rl-tuned]="$STOCK_URL/rl/x"
  HEALTH_OF[scg-tuned]=$STOCK_HEALTH HEALTH_OF[scg-rl-tuned]=$STOCK_HEALTH
fi
if needs tg-public tg-jwt tg-ratelimit tg-breaker tg-all tg-apikey; then
  TG_PORT=$(free_port) TG_MGMT=$(free_port)
  cat >"$WORK/tollgate.yml" <<YML
spring.security.oauth2.resourceserver.jwt:
  issuer-uri: $ISSUER
  jwk-set-uri: $ISSUER/.well-known/jwks.json
  audiences: tollgate-demo
spring.cloud.gateway.server.webflux.routes:
  - { id: public, uri: "$UP", predicates: [ "Path=/public/**" ], metadata: { public: true } }
  - { id: jwt, uri: "$UP", predicates: [ "Path=/jwt/**" ], filters: [ "RequireScopes=bench:read" ] }
  - id: ratelimit
    uri: "$UP"
    predicates: [ "Path=/ratelimit/**" ]
    metadata: { public: true }
    filters: [ "ClusterRateLimit=1000000/1s, ip" ]
  - id: breaker
    uri: "$UP"
    predicates: [ "Path=/breaker/**" ]
    metadata: { public: true }
    filters: [ "SharedCircuitBreaker=bench-breaker" ]
  - id: all
    uri: "$UP"
    predicates: [ "Path=/all/**" ]
    filters: [ "RequireScopes=bench:read", "ClusterRateLimit=1000000/1s, principal", "SharedCircuitBreaker=bench-all" ]
logging.level.root: warn
YML
  TOLLGATE_APIKEYS_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n') \
  start tollgate "$GW_CPU" java -Xms512m -Xmx512m -jar "$JAR" --server.port="$TG_PORT" \
    --management.server.port="$TG_MGMT" --spring.data.redis.url="redis://127.0.0.1:$REDIS_PORT" \
    --spring.config.additional-location="file:$WORK/tollgate.yml"
  TG_PID=$LAST_PID
  for c in tg-public tg-jwt tg-ratelimit tg-breaker tg-all tg-apikey; do
    PID_OF[$c]=$TG_PID HEALTH_OF[$c]="http://127.0.0.1:$TG_MGMT/actuator/health"
  done
  B="http://127.0.0.1:$TG_PORT"
  URL_OF[tg-public]="$B/public/x" URL_OF[tg-jwt]="$B/jwt/x" URL_OF[tg-ratelimit]="$B/ratelimit/x"
  URL_OF[tg-breaker]="$B/breaker/x" URL_OF[tg-all]="$B/all/x" URL_OF[tg-apikey]="$B/managed/x"
fi

wait_http "$UP/" 60 "$UP_PID"
wait_http "$ISSUER/.well-known/jwks.json" 120 "$ISSUER_PID"
TOKEN=$(curl -fs "$ISSUER/token?sub=bench&scope=bench:read&ttl=86400")
for c in tg-jwt tg-all; do HDR_OF[$c]="Authorization: Bearer $TOKEN"; done
for c in $CASES; do
  if [ -n "${HEALTH_OF[$c]:-}" ]; then wait_http "${HEALTH_OF[$c]}" 240 "${PID_OF[$c]}"; fi
done
if needs tg-apikey; then
  # publish through the Admin API, as an operator would: plan, consumer, key, API
  ADMIN=$(curl -fs "$ISSUER/token?sub=bench-admin&scope=tollgate:admin&ttl=86400")
  admin() { curl -fs -X "$1" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$TG_MGMT/admin/v1/$2" -d "$3"; }
  admin PUT plans/bench '{"limits":["1000000/1s"]}' >/dev/null
  admin PUT consumers/bench '{"name":"Bench","plan":"bench"}' >/dev/null
  API_KEY=$(admin POST consumers/bench/keys '{}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  admin PUT apis/bench "{\"name\":\"Bench\",\"basePath\":\"/managed\",\"upstream\":\"$UP\",\"status\":\"published\",\"auth\":{\"mode\":\"api-key\"},\"rateLimit\":{\"fromPlan\":true}}" >/dev/null
  HDR_OF[tg-apikey]="X-API-Key: $API_KEY"
fi
for c in $CASES; do
  args=(-s -o /dev/null -w '%{http_code}')
  [ -n "${HDR_OF[$c]:-}" ] && args+=(-H "${HDR_OF[$c]}")
  for _ in $(seq 1 50); do code=$(curl "${args[@]}" "${URL_OF[$c]}" || true); [ "$code" = 200 ] && break; sleep 0.2; done
  [ "$code" = 200 ] || { echo "case $c: ${URL_OF[$c]} answered $code" >&2; exit 1; }
done

# --- the one wrk runner and parser: prints "rps p50_ms p99_ms requests non2xx socket_errors"
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
wrk_run() { # case duration
  local args=(-t1 -c"$CONNECTIONS" -d"$2" --latency)
  [ -n "${HDR_OF[$1]:-}" ] && args+=(-H "${HDR_OF[$1]}")
  local out; out=$(taskset -c "$LOAD_CPU" wrk "${args[@]}" "${URL_OF[$1]}")
  local rps p50 p99 reqs non2xx errs
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  reqs=$(awk '/requests in/ { print $1 }' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' <<<"$out")
  errs=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' <<<"$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") $reqs ${non2xx:-0} ${errs:-0}"
}
# CPU ticks of the process under test (nginx: master and its workers)
cpu_ticks() {
  local pid=$1 total=0 p
  for p in $pid $(pgrep -P "$pid" 2>/dev/null || true); do
    total=$(( total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
rss_mb() {
  local pid=$1 kb=0 p
  for p in $pid $(pgrep -P "$pid" 2>/dev/null || true); do
    kb=$(( kb + $(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0) ))
  done
  echo $(( kb / 1024 ))
}
# "all-commands scripts": every command Redis ran (those inside Lua scripts included), and script calls alone
redis_calls() {
  redis-cli -p "$REDIS_PORT" info commandstats | tr -d '\r' \
    | awk -F'[:=,]' '/^cmdstat_/ { n += $3 } /^cmdstat_(evalsha|eval|evalsha_ro|eval_ro|fcall):/ { s += $3 } END { print n + 0, s + 0 }'
}

# --- warm-up: every route of each JVM in turn, in slices, until WARMUP is spent per JVM
WARM_S=$(secs "$WARMUP")
SLICE=5; [ "$WARM_S" -lt 10 ] && SLICE=1
declare -A ROUTES_OF_PID
for c in $CASES; do ROUTES_OF_PID[${PID_OF[$c]}]+="$c "; done
say "warm-up: ${WARM_S}s per gateway JVM over all its routes (upstream/nginx: a tenth)"
for pid in "${!ROUTES_OF_PID[@]}"; do
  read -r -a routes <<<"${ROUTES_OF_PID[$pid]}"
  budget=$WARM_S
  case ${routes[0]} in upstream|nginx) budget=$(( WARM_S / 10 > 0 ? WARM_S / 10 : 1 )) ;; esac
  spent=0
  while [ "$spent" -lt "$budget" ]; do
    for c in "${routes[@]}"; do wrk_run "$c" "${SLICE}s" >/dev/null; spent=$(( spent + SLICE )); done
  done
done

# --- measured rounds, interleaved, rotated order
read -r -a ORDER <<<"$CASES"
RAW="$WORK/raw.txt"; : >"$RAW"
for round in $(seq 1 "$ROUNDS"); do
  n=${#ORDER[@]}; shift_by=$(( (round - 1) % n ))
  for k in $(seq 0 $(( n - 1 ))); do
    c=${ORDER[$(( (k + shift_by) % n ))]}
    pid=${PID_OF[$c]}
    t0=$(cpu_ticks "$pid"); read -r r0 s0 <<<"$(redis_calls)"
    read -r rps p50 p99 reqs non2xx errs <<<"$(wrk_run "$c" "$DURATION")"
    t1=$(cpu_ticks "$pid"); read -r r1 s1 <<<"$(redis_calls)"
    rss=$(rss_mb "$pid")
    echo "$round $c $rps $p50 $p99 $reqs $non2xx $errs $((t1 - t0)) $((r1 - r0)) $rss $((s1 - s0))" >>"$RAW"
    say "round $round/$ROUNDS $c: $rps req/s, p50 $p50 ms, p99 $p99 ms"
  done
done

# --- the table
MACHINE="$(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(java -version 2>&1 | head -1)"
COMMAND="k6-loadtests/bench/run.sh --duration $DURATION --warmup $WARMUP --rounds $ROUNDS --connections $CONNECTIONS --baseline $BASELINE"
[ "$CASES" = "$ALL_CASES" ] || COMMAND+=" --cases ${CASES// /,}"
python3 - "$RAW" "$BASELINE" "$(getconf CLK_TCK)" "$CASES" "$MACHINE" "$COMMAND" "$(date -u +%Y-%m-%dT%H:%MZ)" "$SMOKE" >"$OUT" <<'PY'
import sys, statistics
raw, baseline, hz, cases, machine, command, date, smoke = sys.argv[1:]
hz = int(hz)
rows = [l.split() for l in open(raw) if l.strip()]
by = {}
for r in rows:
    rnd, case = r[0], r[1]
    by.setdefault(case, {})[rnd] = dict(rps=float(r[2]), p50=float(r[3]), p99=float(r[4]), reqs=int(r[5]),
                                        bad=int(r[6]) + int(r[7]), ticks=int(r[8]), redis=int(r[9]), rss=int(r[10]),
                                        scripts=int(r[11]))
names = {
    "upstream": "upstream direct (no proxy)", "nginx": "nginx reverse proxy",
    "scg": "stock SCG, plain (as shipped)", "scg-tuned": "stock SCG, plain (tuned)",
    "scg-rl": "stock SCG, RequestRateLimiter + RedisRateLimiter (as shipped)",
    "scg-rl-tuned": "stock SCG, RequestRateLimiter + RedisRateLimiter (tuned)",
    "tg-public": "Tollgate, public route", "tg-jwt": "Tollgate, JWT + RequireScopes",
    "tg-ratelimit": "Tollgate, ClusterRateLimit", "tg-breaker": "Tollgate, SharedCircuitBreaker",
    "tg-all": "Tollgate, JWT + RequireScopes + ClusterRateLimit + SharedCircuitBreaker",
    "tg-apikey": "Tollgate, managed API: API key + plan rate limit (Admin API)",
}
med = statistics.median
out = []
if smoke == "true":
    out.append("> Harness smoke run (very short cases): these figures only show that the harness works; they are not results.\n")
out.append(f"Date: {date}  \nMachine: {machine}  \nCommand: `{command}`\n")
out.append(f"| case | req/s | p50 ms | p99 ms | vs {baseline} | gateway CPU µs/req | Redis cmds/req | of which scripts | RSS MB | errors |")
out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for case in cases.split():
    rs = by.get(case)
    if not rs:
        continue
    ratios = [rs[k]["rps"] / by[baseline][k]["rps"] for k in rs if baseline in by and k in by[baseline] and by[baseline][k]["rps"] > 0]
    cpu = med([v["ticks"] * 1e6 / hz / v["reqs"] for v in rs.values() if v["reqs"] > 0])
    redis = med([v["redis"] / v["reqs"] for v in rs.values() if v["reqs"] > 0])
    scripts = med([v["scripts"] / v["reqs"] for v in rs.values() if v["reqs"] > 0])
    last = rs[max(rs, key=int)]
    cpu_cell = "n/a" if case == "upstream" else f"{cpu:.0f}"
    out.append(f"| {names[case]} | {med([v['rps'] for v in rs.values()]):.0f} | {med([v['p50'] for v in rs.values()]):.2f} | "
               f"{med([v['p99'] for v in rs.values()]):.2f} | {med(ratios):.2f} | {cpu_cell} | {redis:.2f} | {scripts:.2f} | {last['rss']} | "
               f"{sum(v['bad'] for v in rs.values())} |")
out.append("")
out.append("req/s, p50, p99: medians over rounds. Ratio: median of same-round req/s ratios. CPU: the gateway "
           "process's utime+stime per request (for the upstream case, n/a). Redis: every command the server ran "
           "during the case per request, those run inside Lua scripts included (commandstats counts them), and the "
           "script calls (EVALSHA/EVAL: one round trip each) among them. RSS: after the last round. Errors: non-2xx answers and socket errors.")
print("\n".join(out))
PY
cat "$OUT"
say "results written to $OUT"
