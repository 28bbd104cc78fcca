#!/usr/bin/env bash
# Sandbox backend benchmark: launch-to-exit time of `exec /bin/true` through bubblewrap (and through the local
# launcher for comparison), and the egress proxy's added latency per CONNECT (CONNECT-to-200 over the per-process
# Unix socket versus a direct TCP connect to the same local upstream). Numbers go to stdout; nothing is asserted.
#
# Usage: bench/sandbox-exec.sh [runs] [rlimits]   (default 200; "rlimits" measures without cgroups)
set -euo pipefail
ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/jdk.sh"
JDK="$(require_jdk)" || exit 1
RUNS="${1:-200}"
MODE="${2:-auto}"

# Compile the sandbox module and its test classes in the reactor (never `install`: ~/.m2 is shared), and write
# each module's test class path next to its classes.
(cd "$ROOT" && JAVA_HOME="$JDK" ./mvnw -q -B -pl sandbox -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath 1>&2)
CP="$ROOT/sandbox/target/test-classes:$ROOT/sandbox/target/classes:$(cat "$ROOT/sandbox/target/bench.classpath")"
# Reactor siblings resolve to their jars or classes folders; prefer the freshly compiled classes.
CP="$ROOT/core/target/classes:$ROOT/testkit/target/classes:$CP"

"$JDK/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" io.perstack.sandbox.bwrap.SandboxBench "$RUNS" "$MODE"
