#!/usr/bin/env bash
# Renders benchmark JSON lines (one per run) as a Markdown table.
set -euo pipefail
echo "| peer | callers | workers | payload B | calls/s | p50 µs | p99 µs | errors | JVM CPU µs/call | JVM switches/call | Redis CPU µs/call | Redis PING p50 µs | warm-up s | JIT ms measured |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
awk '
function field(name,   m) {
  if (match($0, "\"" name "\":\"?[^,\"}]*")) { m = substr($0, RSTART, RLENGTH); sub("\"" name "\":\"?", "", m); return m }
  return "-"
}
{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", field("peer"), field("callers"), field("workers"),
    field("payload"), field("throughput_per_s"), field("p50_us"), field("p99_us"), field("errors"),
    field("jvm_cpu_us_per_call"), field("jvm_switches_per_call"), field("redis_cpu_us_per_call"), field("redis_ping_p50_us"),
    field("warmup_s"), field("jit_ms") }
' "${1:-/dev/stdin}"
