# Shared by up.sh, down.sh and restart.sh (sourced). Everything listens on 127.0.0.1 only.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CLUSTER_DIR=${CLUSTER_DIR:-"$HERE/.run"}
JAR=${JAR:-"$ROOT/gateway-app/target/gateway-app.jar"}
PIDS_DIR="$CLUSTER_DIR/pids"
LOGS_DIR="$CLUSTER_DIR/logs"
ENV_FILE="$CLUSTER_DIR/cluster.env"
START_TIMEOUT=${START_TIMEOUT:-180}   # seconds for one process to become healthy
STOP_TIMEOUT=${STOP_TIMEOUT:-60}      # seconds a replica may take to drain and exit before it is killed

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# start-time of a process (field 22 of /proc/PID/stat): tells our process from a later one with a reused PID
proc_start() { awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null || true; }

# spawn NAME LOGFILE CMD...: runs CMD detached from this shell, records "PID START-TIME" in pids/NAME.pid
spawn() {
  local name=$1 logfile=$2; shift 2
  mkdir -p "$PIDS_DIR" "$LOGS_DIR"
  if command -v setsid >/dev/null 2>&1; then
    setsid "$@" </dev/null >>"$logfile" 2>&1 &
  else
    nohup "$@" </dev/null >>"$logfile" 2>&1 &
  fi
  local pid=$!
  local start=""
  for _ in $(seq 1 50); do start=$(proc_start "$pid"); [ -n "$start" ] && break; sleep 0.02; done
  echo "$pid $start" >"$PIDS_DIR/$name.pid"
}

# pid_of NAME: the recorded PID if that very process is still alive, else nothing
pid_of() {
  local f="$PIDS_DIR/$1.pid" pid start
  [ -f "$f" ] || return 0
  read -r pid start <"$f" || return 0
  [ -n "${pid:-}" ] && [ "$(proc_start "$pid")" = "${start:-x}" ] && echo "$pid"
  return 0
}

# stop NAME [timeout]: SIGTERM the recorded process, wait for it to exit, SIGKILL after the timeout
stop_process() {
  local name=$1 timeout=${2:-$STOP_TIMEOUT} pid
  pid=$(pid_of "$name")
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while [ -n "$(pid_of "$name")" ]; do
      if [ "$waited" -ge $((timeout * 10)) ]; then
        log "$name (pid $pid) still running after ${timeout}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
        break
      fi
      sleep 0.1; waited=$((waited + 1))
    done
  fi
  rm -f "$PIDS_DIR/$name.pid"
}

# wait_until DESCRIPTION TIMEOUT-SECONDS NAME-OF-PROCESS-THAT-MUST-STAY-ALIVE COMMAND...
wait_until() {
  local what=$1 timeout=$2 name=$3; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ -n "$name" ] && [ -z "$(pid_of "$name")" ]; then
      echo "--- $LOGS_DIR/$name.log (last 40 lines)" >&2; tail -n 40 "$LOGS_DIR/$name.log" >&2 || true
      die "$name exited while waiting for $what"
    fi
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 40 "$LOGS_DIR/$name.log" >&2 || true; die "timed out after ${timeout}s waiting for $what"; }
    sleep 0.2
  done
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# status of one server in HAProxy's stats CSV (UP, DOWN, "UP 1/2", MAINT, ...)
lb_status() {
  curl -fsS --max-time 2 "http://127.0.0.1:$STATS_PORT/stats;csv" 2>/dev/null \
    | awk -F, -v s="$1" '$1 == "gateways" && $2 == s { print $18 }'
}
lb_up() { [ "$(lb_status "$1")" = "UP" ]; }

load_env() {
  [ -f "$ENV_FILE" ] || die "no cluster at $CLUSTER_DIR (no cluster.env): start one with up.sh"
  # shellcheck disable=SC1090
  source "$ENV_FILE"
}

replica_port() { echo "$REPLICA_PORTS" | cut -d' ' -f"$1"; }
mgmt_port() { echo "$MGMT_PORTS" | cut -d' ' -f"$1"; }

# start_replica I: one gateway replica running the demo routes against the shared demo process and Redis
start_replica() {
  local i=$1 name="replica-$1"
  local redis_arg
  if [ "$REDIS_MODE" = cluster ]; then
    redis_arg="--spring.data.redis.cluster.nodes=$REDIS_NODES"
  else
    redis_arg="--spring.data.redis.url=redis://127.0.0.1:$REDIS_PORT"
  fi
  # one API-key secret for every replica (a key issued on one works on all), kept in the cluster folder and
  # handed over in the environment, not on the command line
  local secret_file="$CLUSTER_DIR/api-keys.secret"
  if [ ! -s "$secret_file" ]; then
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' >"$secret_file")
  fi
  # shellcheck disable=SC2086
  TOLLGATE_APIKEYS_SECRET="$(cat "$secret_file")" spawn "$name" "$LOGS_DIR/$name.log" java $JAVA_OPTS -jar "$JAR" \
    --spring.profiles.active=demo --tollgate.demo.embedded=false --tollgate.demo.port="$DEMO_PORT" \
    --server.port="$(replica_port "$i")" --management.server.port="$(mgmt_port "$i")" \
    "$redis_arg" --tollgate.replica.id="$name" $GATEWAY_ARGS
}

wait_replica() {
  local i=$1
  wait_until "replica-$i readiness on :$(mgmt_port "$i")" "$START_TIMEOUT" "replica-$i" \
    http_ok "http://127.0.0.1:$(mgmt_port "$i")/actuator/health/readiness"
  wait_until "HAProxy to mark replica-$i UP" 30 "haproxy" lb_up "replica-$i"
}
