#!/usr/bin/env bash
# Runs the benchmark matrix (modes x callers x payload) and renders it as a Markdown table.
#   execution-benchmarks/run-all.sh [seconds-per-run] [redis-port]
# Needs the jar (./mvnw -q -DskipTests package) and, for redis-queue, a Redis on the given port.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-5}
REDIS_PORT=${2:-6379}
JAR=execution-benchmarks/target/execution-benchmarks-0.1.0-SNAPSHOT.jar
OUT=execution-benchmarks/target/results.jsonl
: > "$OUT"
for mode in direct local memory-queue http spring-http-interface redis-queue redisson-remote; do
  for callers in 1 16 64; do
    for payload in 100 1024 65536; do
      echo "== $mode callers=$callers payload=$payload" >&2
      java -jar "$JAR" --mode "$mode" --callers "$callers" --payload "$payload" --seconds "$SECONDS_PER_RUN" \
        --warmup 2 --redis-port "$REDIS_PORT" 2>/dev/null >> "$OUT" || echo "{\"peer\":\"$mode\",\"failed\":true}" >> "$OUT"
    done
  done
done
execution-benchmarks/render.sh "$OUT"
