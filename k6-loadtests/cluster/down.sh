#!/usr/bin/env bash
# Stops exactly what up.sh started, by recorded PID (a PID reused by another process is left alone):
# HAProxy first, then the replicas (graceful: SIGTERM, drain, exit), the demo process and Redis.
source "$(dirname "$0")/lib.sh"
[ -d "$PIDS_DIR" ] || { echo "nothing to stop in $CLUSTER_DIR"; exit 0; }
order=()
[ -f "$PIDS_DIR/haproxy.pid" ] && order+=(haproxy)
for f in "$PIDS_DIR"/replica-*.pid; do [ -e "$f" ] && order+=("$(basename "$f" .pid)"); done
[ -f "$PIDS_DIR/demo.pid" ] && order+=(demo)
for f in "$PIDS_DIR"/redis*.pid; do [ -e "$f" ] && order+=("$(basename "$f" .pid)"); done
stop_process haproxy 10
# replicas stop in parallel (each drains on its own); everything else in order
pids=()
for name in "${order[@]}"; do
  case $name in
    replica-*) stop_process "$name" & pids+=($!) ;;
  esac
done
for p in "${pids[@]}"; do wait "$p" || true; done
for name in "${order[@]}"; do
  case $name in
    replica-*|haproxy) ;;
    *) stop_process "$name" 10 ;;
  esac
done
log "stopped: ${order[*]:-nothing}"
rm -f "$ENV_FILE"
