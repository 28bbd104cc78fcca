#!/usr/bin/env bash
# Whole-process benchmark of the agent loop: runs `perstack run` against the scripted LLM server for a 1-step and a
# 100-step tool loop (writeTextFile, readTextFile, exec in turn), and once a 1000-step loop for the storage slope.
# Reports min/median/max over the repetitions of: time from process start to the first LLM request, median gap
# between LLM requests, wall time, peak RSS of the CLI process, bytes stored. Nothing here is asserted.
#
# Usage: bench/loop.sh [repetitions]   (default 5)
set -euo pipefail
ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/jdk.sh"
JDK="$(require_jdk)" || exit 1
REPS="${1:-5}"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

# Build the CLI (through the launcher) and the test kit's server.
"$ROOT/bin/perstack" --version >/dev/null
(cd "$ROOT" && JAVA_HOME="$JDK" ./mvnw -q -B -Dmaven.test.skip=true -pl testkit -am install 1>&2)
CP_FILE="$OUT/testkit.classpath"
(cd "$ROOT" && JAVA_HOME="$JDK" ./mvnw -q -B -pl testkit dependency:build-classpath \
  -Dmdep.outputFile="$CP_FILE" 1>&2)
CP="$ROOT/testkit/target/classes:$(cat "$CP_FILE")"

script_for() { # steps -> script JSON: steps-1 tool calls cycling writeTextFile, readTextFile, exec; then a text
  python3 - "$1" <<'PY'
import json, sys
steps = int(sys.argv[1])
calls = [
    ("writeTextFile", {"path": "notes.txt", "text": "step output\n" * 20}),
    ("readTextFile", {"path": "notes.txt"}),
    ("exec", {"command": "ls", "args": ["-la"], "env": {}, "cwd": ".", "stdout": True, "stderr": True}),
]
replies = []
for i in range(steps - 1):
    name, args = calls[i % 3]
    replies.append({"toolCalls": [{"id": "toolu_%d" % i, "name": name, "input": args}],
                    "usage": {"input": 10, "output": 2}})
replies.append({"text": "done", "usage": {"input": 10, "output": 2}})
print(json.dumps({"replies": replies}))
PY
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

run_once() { # steps rep -> "ttfr_ms median_gap_ms wall_ms rss_kib bytes"
  local steps="$1" rep="$2" work="$OUT/work-$1-$2"
  rm -rf "$work"; mkdir -p "$work"
  script_for "$steps" > "$work/script.json"
  cp "$ROOT/bench/perstack.toml" "$work/perstack.toml"
  # The server is a fixture that should answer instantly and stay out of the CLI's way on a small machine: warmed up
  # before the run, C1 only and the serial collector, so no C2 or G1 background threads compete for the cores.
  "$JDK/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CP" io.perstack.testkit.llm.ScriptedLlmServerMain \
    "$work/script.json" --warm-up 300 \
    > "$work/server.out" 2> "$work/server.err" &
  local server=$!
  for _ in $(seq 600); do [ -s "$work/server.out" ] && break; sleep 0.05; done
  local base; base="$(jq -r .baseUrl < "$work/server.out")"
  local start_ms end_ms; start_ms="$(date +%s%3N)"
  (cd "$work" && env -i PATH="$PATH" HOME="$work" ANTHROPIC_API_KEY=bench-dummy \
     ANTHROPIC_BASE_URL="$base/v1" PERSTACK_STORAGE_PATH="$work/perstack" \
     /usr/bin/time -f '%M' -o "$work/rss" "$ROOT/bin/perstack" run bench "Loop" --runtime local \
     --max-steps $(( steps + 10 )) > "$work/events.jsonl" 2> "$work/cli.err") || {
       echo "run failed, see $work/cli.err" >&2; kill "$server"; exit 1; }
  end_ms="$(date +%s%3N)"
  kill "$server"; wait "$server" 2>/dev/null || true
  # The server logs "<epochMillis> <method> <path>" per request on stderr.
  local times; times="$(awk '$1 ~ /^[0-9]+$/ && $2 == "POST" {print $1}' "$work/server.err")"
  local first; first="$(echo "$times" | head -1)"
  local gap; gap="$(echo "$times" | awk 'NR>1 {print $1-prev} {prev=$1}' | median)"
  echo "$(( first - start_ms )) $gap $(( end_ms - start_ms )) $(cat "$work/rss") $(du -sb "$work/perstack" | cut -f1)"
}

stats() { # column -> "min/median/max"
  printf '%s\n' "${results[@]}" | awk -v c="$1" '{print $c}' | sort -n | awk '
    {a[NR]=$1} END {m = (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%s/%s/%s", a[1], m, a[NR]}'
}

printf '%-6s %-18s %-16s %-20s %-20s %-24s\n' steps first_req_ms req_gap_ms wall_ms peak_rss_kib bytes_stored
printf '%-6s %-18s %-16s %-20s %-20s %-24s\n' "" min/med/max min/med/max min/med/max min/med/max min/med/max
for steps in 1 100; do
  results=()
  for rep in $(seq "$REPS"); do results+=("$(run_once "$steps" "$rep")"); done
  printf '%-6s %-18s %-16s %-20s %-20s %-24s\n' "$steps" "$(stats 1)" "$(stats 2)" "$(stats 3)" "$(stats 4)" \
    "$(stats 5)"
done
results=("$(run_once 1000 1)")
printf '%-6s %-18s %-16s %-20s %-20s %-24s\n' 1000 "$(stats 1)" "$(stats 2)" "$(stats 3)" "$(stats 4)" "$(stats 5)"
