#!/usr/bin/env bash
# Many jobs in one JVM through the Java API (see ConcurrentJobs): prints wall time, jobs ended, peak heap and CPU
# time per step. Usage: bench/concurrent.sh [jobs=500] [steps=10] [latencyMs=1000]
set -euo pipefail
ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/jdk.sh"
JDK="$(require_jdk)" || exit 1
(cd "$ROOT" && JAVA_HOME="$JDK" ./mvnw -q -B -Dmaven.test.skip=true -pl bench -am package 1>&2)
exec "$JDK/bin/java" -Xmx2g --enable-native-access=ALL-UNNAMED \
  -cp "$ROOT/bench/target/perstack-bench-0.1.0.jar:$ROOT/bench/target/lib/*" \
  io.perstack.bench.ConcurrentJobs "$@"
