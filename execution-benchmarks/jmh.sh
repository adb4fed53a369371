#!/usr/bin/env bash
# Runs the JMH micro-benchmarks: what local mode adds to a method call (LocalCallBenchmark) and
# the envelope's cost per payload size (EnvelopeBenchmark). JMH options pass through, e.g.
#   execution-benchmarks/jmh.sh -prof gc                 # with bytes allocated per call
#   execution-benchmarks/jmh.sh LocalCall -prof gc -f 1
# Needs the build (./mvnw -q -DskipTests install); forks get the plain class path, not the fat jar.
set -euo pipefail
cd "$(dirname "$0")/.."
CP_FILE=execution-benchmarks/target/jmh.classpath
./mvnw -q -B -o -pl execution-benchmarks dependency:build-classpath -Dmdep.outputFile="$PWD/$CP_FILE" >/dev/null \
  || ./mvnw -q -B -pl execution-benchmarks dependency:build-classpath -Dmdep.outputFile="$PWD/$CP_FILE" >/dev/null
exec java -cp "execution-benchmarks/target/classes:$(cat "$CP_FILE")" org.openjdk.jmh.Main "$@"
