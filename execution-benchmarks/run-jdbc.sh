#!/usr/bin/env bash
# The PostgreSQL rows: Execution's jdbc queue against a plain SKIP LOCKED work queue written with
# JdbcClient (jdbc-skip-locked) and db-scheduler one-time tasks answering by NOTIFY (db-scheduler), 16 callers, 2 worker applications, 1 KB each way, alternating
# runs, on a throwaway PostgreSQL cluster (the distribution's initdb/pg_ctl, fsync off, port 5433)
# so that its CPU per call is read from /proc and nothing else runs on it.
#   execution-benchmarks/run-jdbc.sh [seconds-per-run] [warmup-seconds] [pairs]
# Needs the jar (./mvnw -q -DskipTests package -pl execution-benchmarks -am) and PostgreSQL's binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
WARMUP=${2:-20}
PAIRS=${3:-3}
JIT_SETTLE=${JIT_SETTLE:-90}
PORT=${PG_PORT:-5433}
JAR=${JAR:-execution-benchmarks/target/execution-benchmarks-0.1.0-SNAPSHOT.jar}
OUT=execution-benchmarks/target/jdbc.jsonl
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DATA=$(mktemp -d /tmp/bench-pg.XXXXXX)
AS=()
if [ "$(id -u)" = 0 ]; then chown postgres "$DATA"; AS=(runuser -u postgres --); fi
"${AS[@]}" "$BIN/initdb" -D "$DATA/data" -U postgres --auth=trust -E UTF8 -N > /dev/null
"${AS[@]}" "$BIN/pg_ctl" -D "$DATA/data" -w -l "$DATA/log" \
  -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start > /dev/null
trap '"${AS[@]}" "$BIN/pg_ctl" -D "$DATA/data" -m immediate stop > /dev/null; rm -rf "$DATA"' EXIT
: > "$OUT"
run() {
  echo "== $*" >&2
  java -Dbench.jdbc-url="jdbc:postgresql://127.0.0.1:$PORT/postgres" -Dbench.pg-data="$DATA/data" -jar "$JAR" "$@" \
    --payload 1024 --seconds "$SECONDS_PER_RUN" --warmup "$WARMUP" --jit-settle "$JIT_SETTLE" \
    2>/dev/null >> "$OUT" || echo "{\"peer\":\"$2\",\"failed\":true}" >> "$OUT"
}
for _ in $(seq "$PAIRS"); do
  run --mode jdbc-queue --callers 16 --workers 2
  run --mode jdbc-skip-locked --callers 16 --workers 2
  run --mode db-scheduler --callers 16 --workers 2
done
cat "$OUT"
