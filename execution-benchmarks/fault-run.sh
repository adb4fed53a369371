#!/usr/bin/env bash
# A repeatable fault run, not part of ./mvnw verify: calls with unique keys go through a Redis
# queue to worker JVMs that are killed (SIGKILL) and paused (SIGSTOP) while Redis itself is
# restarted, on a topology this script starts from redis-server; then every call is counted:
# answered right, failed (by type), lost, run twice, and dead letters whose caller got a result.
# With 'jdbc' the queue is on a throwaway PostgreSQL cluster (initdb/pg_ctl) that is restarted
# (immediate stop, as a crash) instead; a long transaction holds the waiting calls' rows while a
# worker is paused, and the caller's pool has 4 connections for 16 callers (exhausted).
#   execution-benchmarks/fault-run.sh [standalone|sentinel|cluster|jdbc] [seconds] [callers] [workers]
# Environment: REDIS_DOWN (seconds Redis stays down, default 5), WORKER_CHAOS (1 to kill and pause
# workers, the default; 0 to leave them alone and see what a Redis outage alone does), VISIBILITY
# (the workers' execution.queue.redis.visibility-timeout, default 3s).
# Needs the jar (./mvnw -q -DskipTests package) and redis-server / redis-cli on the PATH (for
# jdbc: PostgreSQL's binaries under /usr/lib/postgresql).
set -euo pipefail
cd "$(dirname "$0")/.."
TOPOLOGY=${1:-standalone}
SECONDS_TO_RUN=${2:-60}
CALLERS=${3:-16}
WORKERS=${4:-2}
REDIS_DOWN=${REDIS_DOWN:-5}
WORKER_CHAOS=${WORKER_CHAOS:-1}
VISIBILITY=${VISIBILITY:-3s}
JAR=execution-benchmarks/target/execution-benchmarks-0.1.0-SNAPSHOT.jar
DIR=$(mktemp -d)
PIDS=()
free_port() { # a free port whose +10000 (a Cluster node's bus) is free too, at most 55535
  python3 -c '
import random, socket
while True:
    p = random.randint(20000, 55535)
    try:
        a = socket.socket(); a.bind(("127.0.0.1", p)); b = socket.socket(); b.bind(("127.0.0.1", p + 10000))
        a.close(); b.close(); print(p); break
    except OSError:
        pass'
}
start_redis() { # port dir extra...
  local port=$1 dir=$2; shift 2
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --save "" "$@" > "$dir/log" 2>&1 &
  echo $! > "$dir/pid"
  until redis-cli -p "$port" ping > /dev/null 2>&1; do sleep 0.1; done
}
cleanup() { for d in "$DIR"/*/; do [ -f "$d/pid" ] && kill -9 "$(cat "$d/pid")" 2>/dev/null || true; done; }
trap cleanup EXIT

BACKEND=redis
case "$TOPOLOGY" in
  jdbc)
    BACKEND=jdbc
    BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    P=$(free_port); mkdir -p "$DIR/pg"; AS=()
    if [ "$(id -u)" = 0 ]; then chown postgres "$DIR" "$DIR/pg"; AS=(runuser -u postgres --); fi
    "${AS[@]}" "$BIN/initdb" -D "$DIR/pg/data" -U postgres --auth=trust -E UTF8 -N > /dev/null
    pg() { "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/log" -o "-p $P -k $DIR/pg -c listen_addresses=127.0.0.1" "$@" > /dev/null; }
    pg -w start
    cleanup() { pg -m immediate stop 2>/dev/null || true; }
    SPRING=(--spring.datasource.url="jdbc:postgresql://127.0.0.1:$P/postgres" --spring.datasource.username=postgres
      --spring.datasource.hikari.maximum-pool-size=4) ;;
  standalone)
    P=$(free_port); start_redis "$P" "$DIR/n1"
    VICTIM="$DIR/n1"; VICTIM_ARGS=("$P" "$DIR/n1")
    SPRING=(--spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$P") ;;
  sentinel)
    P=$(free_port); start_redis "$P" "$DIR/n1"
    S=$(free_port); mkdir -p "$DIR/s1"
    printf 'port %s\nbind 127.0.0.1\ndir %s\nsentinel monitor mymaster 127.0.0.1 %s 1\nsentinel down-after-milliseconds mymaster 2000\n' "$S" "$DIR/s1" "$P" > "$DIR/s1/sentinel.conf"
    redis-server "$DIR/s1/sentinel.conf" --sentinel > "$DIR/s1/log" 2>&1 & echo $! > "$DIR/s1/pid"
    until redis-cli -p "$S" ping > /dev/null 2>&1; do sleep 0.1; done
    VICTIM="$DIR/n1"; VICTIM_ARGS=("$P" "$DIR/n1")
    SPRING=(--spring.data.redis.sentinel.master=mymaster --spring.data.redis.sentinel.nodes=127.0.0.1:"$S") ;;
  cluster)
    NODES=()
    for i in 1 2 3; do
      P=$(free_port); start_redis "$P" "$DIR/n$i" --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000
      NODES+=("127.0.0.1:$P"); [ "$i" = 1 ] && VICTIM_ARGS=("$P" "$DIR/n1" --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000)
    done
    redis-cli --cluster create "${NODES[@]}" --cluster-yes > "$DIR/create.log"
    until [ "$(redis-cli -p "${VICTIM_ARGS[0]}" cluster info | grep -c 'cluster_state:ok')" = 1 ]; do sleep 0.2; done
    VICTIM="$DIR/n1"
    SPRING=(--spring.data.redis.cluster.nodes="$(IFS=,; echo "${NODES[*]}")") ;;
  *) echo "topology must be standalone, sentinel, cluster or jdbc" >&2; exit 2 ;;
esac

# The server is killed (Redis as by kill -9, PostgreSQL by an immediate stop) a third of the way
# in, down for REDIS_DOWN s, then started again on its data.
(
  sleep $(( 8 + SECONDS_TO_RUN / 3 ))
  if [ "$BACKEND" = jdbc ]; then
    echo "fault-run: postgresql stopped (immediate)" >&2; pg -m immediate stop; sleep "$REDIS_DOWN"; pg -w start
    echo "fault-run: postgresql back" >&2
  else
    echo "fault-run: kill -9 redis $(cat "$VICTIM/pid")" >&2
    kill -9 "$(cat "$VICTIM/pid")"; sleep "$REDIS_DOWN"
    start_redis "${VICTIM_ARGS[@]}"
    echo "fault-run: redis back" >&2
  fi
) &

java -cp "$JAR" -Dloader.main=io.execution.faultrun.FaultRun org.springframework.boot.loader.launch.PropertiesLauncher \
  --role=driver --backend="$BACKEND" --seconds="$SECONDS_TO_RUN" --callers="$CALLERS" --workers="$WORKERS" --worker-chaos="$WORKER_CHAOS" --visibility="$VISIBILITY" "${SPRING[@]}" \
  | sed "s/^{/{\"topology\":\"$TOPOLOGY\",\"seconds\":$SECONDS_TO_RUN,/"
