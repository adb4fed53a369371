#!/usr/bin/env bash
# Runs the benchmark matrix (modes x callers x payload) and renders it as a Markdown table.
#   execution-benchmarks/run-all.sh [seconds-per-row] [redis-port] [warmup-seconds]
# One JVM per mode runs its nine rows on one set-up: the first after the warm-up and until the JIT
# compiler settled (at most JIT_SETTLE seconds more, 180 by default), the others after 2 s of
# their own load (and the compiler's settling, within the same limit).
# Needs the jar (./mvnw -q -DskipTests clean package) and, for redis-queue and redisson-remote, a
# Redis on the given port.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_ROW=${1:-5}
REDIS_PORT=${2:-6379}
WARMUP=${3:-20}
JIT_SETTLE=${JIT_SETTLE:-180}
JAR=execution-benchmarks/target/execution-benchmarks-0.1.0-SNAPSHOT.jar
OUT=execution-benchmarks/target/results.jsonl
: > "$OUT"
for mode in direct executor local memory-queue http spring-http-interface redis-queue redisson-remote; do
  echo "== $mode" >&2
  java -jar "$JAR" --mode "$mode" --callers 1,16,64 --payload 100,1024,65536 --seconds "$SECONDS_PER_ROW" \
    --warmup "$WARMUP" --jit-settle "$JIT_SETTLE" --row-warmup 2 --redis-port "$REDIS_PORT" 2>/dev/null >> "$OUT" \
    || echo "{\"peer\":\"$mode\",\"failed\":true}" >> "$OUT"
done
execution-benchmarks/render.sh "$OUT"
