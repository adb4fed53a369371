#!/usr/bin/env bash
# Runs the rows the benchmark targets are about, 1 KB each way, and renders them. Each set-up is
# warmed for at least [warmup-seconds], then until the JIT compiler has settled (at most
# JIT_SETTLE seconds more, 180 by default): on 2 cores three Spring contexts in one JVM were seen
# keeping a compiler thread busy for 30 s to over 2 minutes. Each row reports its warm-up and
# the compiling done while it was measured.
# Then prints each goal of issue 37 as a ratio to its floor or peer of the same run (ratios.sh);
# RUNS=3 repeats the whole set three times (the goals hold when every run meets them).
# A run measures its rows in order, then again in the reverse order (PASSES=1 for one pass), and
# ratios.sh takes each row's mean: a machine whose speed drifts over the minutes of a run (seen
# here: the same row 30 % apart three minutes later) then weighs on a row and its peer alike, as
# a row measured once before its peer, or once after it, cannot.
#   execution-benchmarks/run-targets.sh [seconds-per-run] [warmup-seconds] [redis-port]
# Needs the jar (./mvnw -q -DskipTests clean package) and a Redis on the given port.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
WARMUP=${2:-25}
REDIS_PORT=${3:-6379}
JIT_SETTLE=${JIT_SETTLE:-180}
RUNS=${RUNS:-1}
PASSES=${PASSES:-2}
JAR=execution-benchmarks/target/execution-benchmarks-0.1.0-SNAPSHOT.jar
run() {
  echo "== $*" >&2
  java -jar "$JAR" "$@" --payload 1024 --seconds "$SECONDS_PER_RUN" --warmup "$WARMUP" --jit-settle "$JIT_SETTLE" --row-warmup 5 \
    --redis-port "$REDIS_PORT" \
    2>/dev/null >> "$OUT" || echo "{\"peer\":\"$2\",\"failed\":true}" >> "$OUT"
}
MET=0
for round in $(seq "$RUNS"); do
  OUT=execution-benchmarks/target/targets-$round.jsonl
  : > "$OUT"
  ROWS=("direct --callers 1" "local --callers 1" "executor --callers 16" "memory-queue --callers 16"
    "http --callers 16" "spring-http-interface --callers 16" "grpc --callers 16"
    "redis-queue --callers 1,16 --workers 2" "redis-streams --callers 1,16 --workers 2"
    "redisson-remote --callers 1,16 --workers 2")
  for row in "${ROWS[@]}"; do
    # shellcheck disable=SC2086
    run --mode $row
  done
  if [ "$PASSES" -ge 2 ]; then
    for ((i = ${#ROWS[@]} - 1; i >= 0; i--)); do
      # shellcheck disable=SC2086
      run --mode ${ROWS[$i]}
    done
  fi
  cp "$OUT" execution-benchmarks/target/targets.jsonl
  echo "## Run $round of $RUNS"
  execution-benchmarks/render.sh "$OUT"
  echo
  if execution-benchmarks/ratios.sh "$OUT"; then MET=$((MET + 1)); fi
  echo
done
echo "runs meeting every goal: $MET of $RUNS"
