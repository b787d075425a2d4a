#!/usr/bin/env bash
# A local Tollgate cluster on loopback: Redis (or a 3-master Redis Cluster), the demo upstream + token issuer,
# N gateway replicas running the demo routes, and HAProxy in front of them, health-checking each replica's
# readiness on its management port.
#
#   k6-loadtests/cluster/up.sh [--replicas N] [--redis-cluster]     (default: 3 replicas, standalone Redis)
#   k6-loadtests/cluster/down.sh                                    stops exactly what up.sh started
#   k6-loadtests/cluster/restart.sh                                 rolling restart, one replica at a time
#
# State (PIDs, logs, haproxy.cfg, cluster.env) goes to $CLUSTER_DIR (default k6-loadtests/cluster/.run).
# Ports (env): LB_PORT=8080 DEMO_PORT=9000 REDIS_PORT=7379 (cluster: 7379-7381) STATS_PORT=8404
#   REPLICA_BASE_PORT=8091 MGMT_BASE_PORT=8191 (replica i: base+i-1), or explicit lists REPLICA_PORTS="..." MGMT_PORTS="...".
# Other env: JAVA_OPTS (default -Xms128m -Xmx512m), GATEWAY_ARGS (extra gateway arguments), JAR,
#   LB_RETRIES (HAProxy retries of connections that failed before the request was sent, default 2).
source "$(dirname "$0")/lib.sh"

REPLICAS=3
REDIS_MODE=standalone
while [ $# -gt 0 ]; do
  case $1 in
    --replicas) [ $# -ge 2 ] || die "--replicas needs a number"; REPLICAS=$2; shift 2 ;;
    --replicas=*) REPLICAS=${1#*=}; shift ;;
    --redis-cluster) REDIS_MODE=cluster; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ "$REPLICAS" =~ ^[1-9][0-9]?$ ]] || die "--replicas must be a number from 1 to 99, was '$REPLICAS'"

LB_PORT=${LB_PORT:-8080}
DEMO_PORT=${DEMO_PORT:-9000}
REDIS_PORT=${REDIS_PORT:-7379}
STATS_PORT=${STATS_PORT:-8404}
REPLICA_BASE_PORT=${REPLICA_BASE_PORT:-8091}
MGMT_BASE_PORT=${MGMT_BASE_PORT:-8191}
JAVA_OPTS=${JAVA_OPTS:--Xms128m -Xmx512m}
GATEWAY_ARGS=${GATEWAY_ARGS:-}
LB_RETRIES=${LB_RETRIES:-2}
[[ "$LB_RETRIES" =~ ^[0-9]$ ]] || die "LB_RETRIES must be 0-9"
if [ -z "${REPLICA_PORTS:-}" ]; then REPLICA_PORTS=$(seq -s' ' "$REPLICA_BASE_PORT" $((REPLICA_BASE_PORT + REPLICAS - 1))); fi
if [ -z "${MGMT_PORTS:-}" ]; then MGMT_PORTS=$(seq -s' ' "$MGMT_BASE_PORT" $((MGMT_BASE_PORT + REPLICAS - 1))); fi
[ "$(wc -w <<<"$REPLICA_PORTS")" -eq "$REPLICAS" ] || die "REPLICA_PORTS must list $REPLICAS ports"
[ "$(wc -w <<<"$MGMT_PORTS")" -eq "$REPLICAS" ] || die "MGMT_PORTS must list $REPLICAS ports"

# --- refuse to start twice, check tools and ports
if [ -d "$PIDS_DIR" ]; then
  for f in "$PIDS_DIR"/*.pid; do
    [ -e "$f" ] || continue
    [ -z "$(pid_of "$(basename "$f" .pid)")" ] || die "a cluster is already running from $CLUSTER_DIR: run down.sh first"
  done
fi
for tool in java curl redis-server redis-cli; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian: apt-get install -y ${tool/redis-cli/redis-tools})"
done
if ! command -v haproxy >/dev/null 2>&1; then
  log "installing haproxy (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq haproxy >/dev/null || die "could not install haproxy: apt-get install -y haproxy"
fi
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
fi
REDIS_PORTS=$REDIS_PORT
[ "$REDIS_MODE" = cluster ] && REDIS_PORTS="$REDIS_PORT $((REDIS_PORT + 1)) $((REDIS_PORT + 2))"
for p in $LB_PORT $DEMO_PORT $STATS_PORT $REPLICA_PORTS $MGMT_PORTS $REDIS_PORTS; do
  port_free "$p" || die "port $p is in use (choose other ports: see the env variables in --help)"
done
if [ "$REDIS_MODE" = cluster ]; then
  for p in $REDIS_PORTS; do port_free $((p + 10000)) || die "Redis Cluster bus port $((p + 10000)) is in use (set REDIS_PORT)"; done
fi

rm -rf "$CLUSTER_DIR"
mkdir -p "$PIDS_DIR" "$LOGS_DIR" "$CLUSTER_DIR/redis"
started_ok=false
on_exit() { if [ "$started_ok" != true ]; then log "start failed: stopping what was started"; "$HERE/down.sh" >/dev/null 2>&1 || true; fi; }
trap on_exit EXIT

# --- Redis
if [ "$REDIS_MODE" = cluster ]; then
  nodes=()
  for p in $REDIS_PORTS; do
    mkdir -p "$CLUSTER_DIR/redis/$p"
    spawn "redis-$p" "$LOGS_DIR/redis-$p.log" redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no \
      --dir "$CLUSTER_DIR/redis/$p" --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000
    nodes+=("127.0.0.1:$p")
  done
  for p in $REDIS_PORTS; do wait_until "redis on :$p" 20 "redis-$p" redis-cli -p "$p" ping; done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$LOGS_DIR/redis-cluster-create.log" 2>&1 \
    || { cat "$LOGS_DIR/redis-cluster-create.log" >&2; die "redis-cli --cluster create failed"; }
  cluster_ok() { for p in $REDIS_PORTS; do redis-cli -p "$p" cluster info | grep -q 'cluster_state:ok' || return 1; done; }
  wait_until "Redis Cluster state ok" 30 "" cluster_ok
  REDIS_NODES=$(IFS=,; echo "${nodes[*]}")
  log "Redis Cluster: $REDIS_NODES"
else
  spawn redis "$LOGS_DIR/redis.log" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$CLUSTER_DIR/redis"
  wait_until "redis on :$REDIS_PORT" 20 redis redis-cli -p "$REDIS_PORT" ping
  REDIS_NODES="127.0.0.1:$REDIS_PORT"
  log "Redis: redis://127.0.0.1:$REDIS_PORT"
fi

# --- demo upstream + token issuer (one process shared by every replica)
spawn demo "$LOGS_DIR/demo.log" java -Xms32m -Xmx128m -cp "$JAR" \
  -Dloader.main=io.tollgate.gateway.demo.DemoEnvironmentApplication \
  org.springframework.boot.loader.launch.PropertiesLauncher --tollgate.demo.port="$DEMO_PORT"

# --- replicas (started together; each JVM warms up on its own)
for i in $(seq 1 "$REPLICAS"); do start_replica "$i"; done

# --- HAProxy
cfg="$CLUSTER_DIR/haproxy.cfg"
{
  cat <<CFG
# generated by k6-loadtests/cluster/up.sh
global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout check 1s
  # a connection that failed before the request was sent is retried, on another replica for the last try
  # (LB_RETRIES=0: none, so a request a replica refused counts as an error; the cluster IT runs that way)
  retries $LB_RETRIES
$( [ "$LB_RETRIES" -gt 0 ] && echo "  option redispatch" || echo "  no option redispatch")

frontend tollgate
  bind 127.0.0.1:$LB_PORT
  default_backend gateways

backend gateways
  balance roundrobin
  # readiness on the management port: a stopping replica answers 503 while it still serves (drain)
  option httpchk
  http-check send meth GET uri /actuator/health/readiness ver HTTP/1.1 hdr Host localhost
  http-check expect status 200
  default-server inter 1s fall 2 rise 2
  http-response set-header X-Served-By %[srv_name]
CFG
  for i in $(seq 1 "$REPLICAS"); do
    echo "  server replica-$i 127.0.0.1:$(replica_port "$i") check port $(mgmt_port "$i")"
  done
  cat <<CFG

frontend stats
  bind 127.0.0.1:$STATS_PORT
  stats enable
  stats uri /stats
  stats refresh 2s
CFG
} >"$cfg"
haproxy -c -q -f "$cfg" || die "invalid HAProxy configuration $cfg"
spawn haproxy "$LOGS_DIR/haproxy.log" haproxy -db -f "$cfg"

# --- cluster.env before waiting, so down.sh and restart.sh know the layout
REPLICA_URLS=""; MGMT_URLS=""
for i in $(seq 1 "$REPLICAS"); do
  REPLICA_URLS+="http://127.0.0.1:$(replica_port "$i") "; MGMT_URLS+="http://127.0.0.1:$(mgmt_port "$i") "
done
cat >"$ENV_FILE" <<ENV
# written by k6-loadtests/cluster/up.sh; KEY=VALUE lines, read by restart.sh, down.sh and the k6 scripts (CLUSTER_ENV)
BASE_URL=http://127.0.0.1:$LB_PORT
ISSUER_URL=http://127.0.0.1:$DEMO_PORT
UPSTREAM_URL=http://127.0.0.1:$DEMO_PORT
REPLICA_URLS="${REPLICA_URLS% }"
MGMT_URLS="${MGMT_URLS% }"
STATS_URL=http://127.0.0.1:$STATS_PORT/stats
REPLICAS=$REPLICAS
REPLICA_PORTS="$REPLICA_PORTS"
MGMT_PORTS="$MGMT_PORTS"
LB_PORT=$LB_PORT
DEMO_PORT=$DEMO_PORT
STATS_PORT=$STATS_PORT
REDIS_MODE=$REDIS_MODE
REDIS_PORT=$REDIS_PORT
REDIS_NODES=$REDIS_NODES
JAVA_OPTS="$JAVA_OPTS"
GATEWAY_ARGS="$GATEWAY_ARGS"
JAR=$JAR
ENV

wait_until "demo issuer on :$DEMO_PORT" 60 demo http_ok "http://127.0.0.1:$DEMO_PORT/.well-known/jwks.json"
log "demo upstream + issuer: http://127.0.0.1:$DEMO_PORT"
for i in $(seq 1 "$REPLICAS"); do
  wait_replica "$i"
  log "replica-$i: http://127.0.0.1:$(replica_port "$i") (management :$(mgmt_port "$i")) UP in HAProxy"
done
wait_until "the load balancer to answer" 20 haproxy http_ok "http://127.0.0.1:$LB_PORT/public/hello"
started_ok=true

cat <<MSG

Tollgate cluster up ($REPLICAS replicas, Redis $REDIS_MODE), state in $CLUSTER_DIR
  load balancer   http://127.0.0.1:$LB_PORT          (HAProxy stats: http://127.0.0.1:$STATS_PORT/stats)
  token issuer    http://127.0.0.1:$DEMO_PORT/token?sub=alice&scope=orders:read
  demo upstream   http://127.0.0.1:$DEMO_PORT         (faults: PUT /faults?path=/breaker&rate=1&status=500)
  replicas        ${REPLICA_URLS% }
  management      ${MGMT_URLS% }
  logs            $LOGS_DIR

Try:  curl -i http://127.0.0.1:$LB_PORT/public/hello
Load: k6 run -e CLUSTER_ENV=$ENV_FILE $ROOT/k6-loadtests/scripts/load.js
Roll: $HERE/restart.sh      Stop: $HERE/down.sh
MSG
