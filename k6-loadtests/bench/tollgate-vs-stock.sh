#!/usr/bin/env bash
# The headline comparison, same machine, same run, one wrk case after another:
#   stock Spring Cloud Gateway (same jars, no Tollgate, no Spring Security), plain route, as shipped and with
#   its per-request observations off (as Tollgate ships)
#   Tollgate, public route (no policies)
#   Tollgate, JWT + RequireScopes, validated-token cache on / off
#   Tollgate, JWT + RequireScopes + ClusterRateLimit + SharedCircuitBreaker ("all on")
# Gateway pinned to CPU $GATEWAY_CPU; wrk, Redis and the upstream on CPU $LOAD_CPU. Prints a markdown table
# with the gateway's CPU time per request (robust when other processes share the machine).
# Each gateway JVM is warmed on all its routes (2 x WARMUP each) before anything is measured; each case is measured
# ROUNDS times (default 2) and the best round is printed (run-to-run noise on a small VM is large).
# Env: DURATION (10s), WARMUP (20s), CONNS (64), GW_PORT, MGMT_PORT, UPSTREAM_PORT, DEMO_PORT, REDIS_PORT.
source "$(dirname "$0")/lib.sh"
need_tools
REDIS_PORT=${REDIS_PORT:-16399}
cfg=$(mktemp --suffix=.yml)
cat >"$cfg" <<YML
spring.data.redis.url: redis://127.0.0.1:$REDIS_PORT
spring.cloud.gateway.server.webflux.routes:
  - id: plain
    uri: http://127.0.0.1:$UPSTREAM_PORT
    predicates: [ "Path=/plain/**" ]
    metadata: { public: true }
  - id: jwt
    uri: http://127.0.0.1:$UPSTREAM_PORT
    predicates: [ "Path=/jwt/**" ]
    filters: [ "RequireScopes=orders:read" ]
  - id: all
    uri: http://127.0.0.1:$UPSTREAM_PORT
    predicates: [ "Path=/all/**" ]
    filters:
      - RequireScopes=orders:read
      - ClusterRateLimit=1000000/1s, principal
      - SharedCircuitBreaker=bench-upstream
logging.level.root: warn
logging.level.io.tollgate.gateway.TollgateApplication: info
YML
R=spring.cloud.gateway.server.webflux.routes
start_redis "$REDIS_PORT"
start_upstream "$UPSTREAM_PORT"
table_header
for variant in "as shipped" "observations off"; do
  extra=()
  [ "$variant" = "observations off" ] && extra=(--management.observations.enable.http.server.requests=false
    --spring.cloud.gateway.server.webflux.observability.enabled=false)
  start_stock_gateway /tmp/tollgate-bench-stock.log --logging.level.root=warn "--$R[0].id=plain" \
    "--$R[0].uri=http://127.0.0.1:$UPSTREAM_PORT" "--$R[0].predicates[0]=Path=/plain/**" "${extra[@]}"
  warm "http://127.0.0.1:$GW_PORT/plain/x"; warm "http://127.0.0.1:$GW_PORT/plain/x"
  wrk_case "stock SCG, plain route ($variant)" "http://127.0.0.1:$GW_PORT/plain/x"
  stop_gateway
done
for cache in true false; do
  start_gateway /tmp/tollgate-bench-gw.log --spring.profiles.active=demo \
    --spring.config.additional-location="file:$cfg" --tollgate.security.jwt.cache.enabled=$cache
  TOKEN=$(curl -s "http://127.0.0.1:$DEMO_PORT/token?sub=bench&scope=orders:read")
  AUTH="Authorization: Bearer $TOKEN"
  for _ in 1 2; do
    if [ "$cache" = true ]; then
      warm "http://127.0.0.1:$GW_PORT/plain/x"; warm "http://127.0.0.1:$GW_PORT/all/x" "$AUTH"
    fi
    warm "http://127.0.0.1:$GW_PORT/jwt/x" "$AUTH"
  done
  if [ "$cache" = true ]; then
    wrk_case "Tollgate, public route (no policies)" "http://127.0.0.1:$GW_PORT/plain/x"
    wrk_case "Tollgate, JWT + scopes (token cache on)" "http://127.0.0.1:$GW_PORT/jwt/x" "$AUTH"
    wrk_case "Tollgate, JWT + rate limit + breaker" "http://127.0.0.1:$GW_PORT/all/x" "$AUTH"
  else
    wrk_case "Tollgate, JWT + scopes (token cache off)" "http://127.0.0.1:$GW_PORT/jwt/x" "$AUTH"
  fi
  stop_gateway
done
rm -f "$cfg"
