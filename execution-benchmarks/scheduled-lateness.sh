#!/usr/bin/env bash
# How late scheduled executions start on Redis: COUNT executions due at random over SPREAD
# seconds, all pending before the first is due, run by WORKERS worker contexts in one JVM.
# Usage: execution-benchmarks/scheduled-lateness.sh [count] [spread-seconds] [redis-port] [workers]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=execution-benchmarks/target/execution-benchmarks-0.1.0-SNAPSHOT.jar
[ -f "$JAR" ] || ./mvnw -q -DskipTests package -pl execution-benchmarks -am
java -cp "$JAR" -Dloader.main=io.execution.benchmarks.ScheduledLateness \
  org.springframework.boot.loader.launch.PropertiesLauncher "${1:-10000}" "${2:-10}" "${3:-6379}" "${4:-2}" \
  | grep '^{'
