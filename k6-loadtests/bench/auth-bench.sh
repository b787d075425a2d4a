#!/usr/bin/env bash
# JWT cost and the effect of the validated-token cache, same machine, same run:
#   plain public route | JWT route, cache on | JWT route, cache off
# Gateway pinned to CPU $GATEWAY_CPU, wrk and the upstream on CPU $LOAD_CPU. Prints a markdown table.
source "$(dirname "$0")/lib.sh"
need_tools
cfg=$(mktemp --suffix=.yml)
cat >"$cfg" <<YML
spring.cloud.gateway.server.webflux.routes:
  - id: plain
    uri: http://127.0.0.1:$UPSTREAM_PORT
    predicates: [ "Path=/plain/**" ]
    metadata: { public: true }
  - id: jwt
    uri: http://127.0.0.1:$UPSTREAM_PORT
    predicates: [ "Path=/jwt/**" ]
    filters: [ "RequireScopes=orders:read" ]
logging.level.root: warn
logging.level.org.springframework.boot.SpringApplication: info
logging.level.io.tollgate.gateway.TollgateApplication: info
YML
start_upstream $UPSTREAM_PORT
table_header
for cache in true false; do
  start_gateway /tmp/tollgate-bench-gw.log --spring.profiles.active=demo \
    --spring.config.additional-location="file:$cfg" --tollgate.security.jwt.cache.enabled=$cache
  TOKEN=$(curl -s 'http://127.0.0.1:$DEMO_PORT/token?sub=bench&scope=orders:read')
  [ "$cache" = true ] && wrk_case "plain public route (no JWT)" "http://127.0.0.1:$GW_PORT/plain/x"
  wrk_case "JWT + RequireScopes, token cache $([ $cache = true ] && echo on || echo off)" \
    "http://127.0.0.1:$GW_PORT/jwt/x" "Authorization: Bearer $TOKEN"
  stop_gateway
done
rm -f "$cfg"
