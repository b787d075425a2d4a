#!/usr/bin/env bash
# Rolling restart of the replicas of the cluster up.sh started, one at a time, so a load test running through
# the load balancer sees no failed request: each replica gets SIGTERM (readiness goes DOWN, HAProxy drains it,
# in-flight requests complete, the process exits), is started again on the same ports, and the next one is
# only touched once HAProxy reports this one UP again.
#   k6-loadtests/cluster/restart.sh [replica-2 ...]      (default: every replica, in order)
source "$(dirname "$0")/lib.sh"
load_env
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then for i in $(seq 1 "$REPLICAS"); do targets+=("replica-$i"); done; fi
for name in "${targets[@]}"; do
  i=${name#replica-}
  [[ "$i" =~ ^[0-9]+$ ]] && [ "$i" -ge 1 ] && [ "$i" -le "$REPLICAS" ] || die "no such replica: $name (1..$REPLICAS)"
  t0=$SECONDS
  log "$name: stopping (pid $(pid_of "$name"))"
  stop_process "$name"
  log "$name: exited after $((SECONDS - t0))s; starting"
  start_replica "$i"
  wait_replica "$i"
  log "$name: UP in HAProxy again ($((SECONDS - t0))s in total)"
done
log "rolling restart done"
