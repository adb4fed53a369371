#!/usr/bin/env bash
# The goals of issue 37 as ratios, each row divided by its floor or peer measured in the same run
# of run-targets.sh (its JSON lines): prints a Markdown table and "goals met: N of M"; exits 1
# when one is missed or a row is absent. A row measured more than once (run-targets.sh measures
# each twice, in a forward and a reverse pass) counts with the mean of its measurements.
#   execution-benchmarks/ratios.sh [targets.jsonl]
set -euo pipefail
awk '
function field(line, name,   m) {
  if (match(line, "\"" name "\":\"?[^,\"}]*")) { m = substr(line, RSTART, RLENGTH); sub("\"" name "\":\"?", "", m); return m + 0 }
  return -1
}
{
  peer = $0; sub(/.*"peer":"/, "", peer); sub(/".*/, "", peer)
  callers = field($0, "callers")
  key = peer "@" callers
  if ($0 ~ /"failed":true/) { next }
  n[key]++
  calls[key] = mean(calls[key], field($0, "throughput_per_s"), n[key]); cpu[key] = mean(cpu[key], field($0, "jvm_cpu_us_per_call"), n[key])
  server[key] = mean(server[key], field($0, "redis_cpu_us_per_call"), n[key]); p50[key] = mean(p50[key], field($0, "p50_us"), n[key])
  ping[key] = mean(ping[key], field($0, "redis_ping_p50_us"), n[key])
  seen[key] = 1
}
# The running mean of a row measured n times; a measure a line lacks (-1) leaves it absent.
function mean(before, value, count) {
  if (value < 0 || (count > 1 && before < 0)) { return -1 }
  return (count == 1) ? value : before + (value - before) / count
}
function goal(row, against, what, value, op, bound, unit,   met, shown) {
  total++
  if (value == "") { printf "| %s | %s | %s | absent | %s %s%s | **no** |\n", row, against, what, op, bound, (unit == " µs") ? unit : "×"; return }
  met = (op == ">=") ? (value + 0 >= bound + 0) : (value + 0 <= bound + 0)
  if (met) { passed++ }
  shown = (unit == " µs") ? sprintf("%+.2f", value) : sprintf("%.2f×", value)
  printf "| %s | %s | %s | %s | %s %s%s | %s |\n", row, against, what, shown, op, bound, (unit == " µs") ? unit : "×", met ? "yes" : "**no**"
}
function ratio(a, b, map) { return (seen[a] && seen[b] && map[a] > 0 && map[b] > 0) ? map[a] / map[b] : "" }
END {
  print "| row | floor or peer (same run) | measure | ratio | goal | met |"
  print "| --- | --- | --- | ---: | ---: | --- |"
  goal("http", "spring-http-interface", "calls/s", ratio("execution-http@16", "spring-http-interface@16", calls), ">=", "1.0")
  goal("http", "spring-http-interface", "JVM CPU/call", ratio("execution-http@16", "spring-http-interface@16", cpu), "<=", "1.0")
  goal("http", "grpc", "calls/s", ratio("execution-http@16", "grpc@16", calls), ">=", "1.0")
  goal("memory-queue", "executor", "calls/s", ratio("execution-memory-queue@16", "executor@16", calls), ">=", "0.6")
  goal("redis-queue", "redis-streams", "JVM CPU/call", ratio("execution-redis-queue@16", "redis-streams@16", cpu), "<=", "0.5")
  goal("redis-queue", "redis-streams", "calls/s", ratio("execution-redis-queue@16", "redis-streams@16", calls), ">=", "2.0")
  goal("redis-queue", "redis-streams", "Redis CPU/call", ratio("execution-redis-queue@16", "redis-streams@16", server), "<=", "0.8")
  goal("redis-queue, 1 caller", "Redis PING", "p50", (seen["execution-redis-queue@1"] && ping["execution-redis-queue@1"] > 0) ? p50["execution-redis-queue@1"] / ping["execution-redis-queue@1"] : "", "<=", "4.0")
  goal("local", "direct", "JVM CPU/call", (seen["execution-local@1"] && seen["direct@1"] && cpu["execution-local@1"] >= 0 && cpu["direct@1"] >= 0) ? cpu["execution-local@1"] - cpu["direct@1"] : "", "<=", "0.3", " µs")
  # Not a goal: the lone call of the plain Streams queue against PING, what the machine allows a queue.
  if (seen["redis-streams@1"] && ping["redis-streams@1"] > 0) {
    printf "\n(not a goal) redis-streams, 1 caller / Redis PING p50: %.2f×\n", p50["redis-streams@1"] / ping["redis-streams@1"]
  }
  printf "\ngoals met: %d of %d\n", passed, total
  exit (passed == total) ? 0 : 1
}
' "${1:-execution-benchmarks/target/targets.jsonl}"
