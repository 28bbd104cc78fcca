#!/usr/bin/env bash
# Whole-process benchmark of the agent loop: runs `perstack run` against the scripted LLM server for a 1-step and a
# 100-step tool loop and reports time to first LLM request, median gap between LLM requests, peak RSS of the CLI
# process and bytes stored. Numbers go to stdout as a table; nothing here is asserted.
#
# Usage: bench/loop.sh [repetitions]   (default 3; the median of the repetitions is reported)
set -euo pipefail
ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/jdk.sh"
JDK="$(require_jdk)" || exit 1
REPS="${1:-3}"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

# Build the CLI (through the launcher) and the test kit's server.
"$ROOT/perstack" --version >/dev/null
(cd "$ROOT" && JAVA_HOME="$JDK" ./mvnw -q -B -Dmaven.test.skip=true -pl testkit -am install 1>&2)
CP_FILE="$OUT/testkit.classpath"
(cd "$ROOT" && JAVA_HOME="$JDK" ./mvnw -q -B -pl testkit dependency:build-classpath \
  -Dmdep.outputFile="$CP_FILE" 1>&2)
CP="$ROOT/testkit/target/classes:$(cat "$CP_FILE")"

script_for() { # steps -> script JSON: steps-1 tool calls, then a final text
  local tools=$(( $1 - 1 ))
  if [ "$tools" -eq 0 ]; then
    echo '{"replies":[{"text":"done","usage":{"input":10,"output":2}}]}'
  else
    echo "{\"replies\":[{\"toolCalls\":[{\"id\":\"toolu_b\",\"name\":\"healthCheck\",\"input\":{}}],\"repeat\":$tools,\"usage\":{\"input\":10,\"output\":2}},{\"text\":\"done\"}]}"
  fi
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

run_once() { # steps rep -> "ttfr_ms median_gap_ms rss_kib bytes"
  local steps="$1" rep="$2" work="$OUT/work-$1-$2"
  rm -rf "$work"; mkdir -p "$work"
  script_for "$steps" > "$work/script.json"
  cp "$ROOT/bench/perstack.toml" "$work/perstack.toml"
  "$JDK/bin/java" -cp "$CP" io.perstack.testkit.llm.ScriptedLlmServerMain "$work/script.json" \
    > "$work/server.out" 2> "$work/server.err" &
  local server=$!
  for _ in $(seq 100); do [ -s "$work/server.out" ] && break; sleep 0.05; done
  local base; base="$(jq -r .baseUrl < "$work/server.out")"
  local start_ms; start_ms="$(date +%s%3N)"
  (cd "$work" && env -i PATH="$PATH" HOME="$work" ANTHROPIC_API_KEY=bench-dummy \
     ANTHROPIC_BASE_URL="$base/v1" PERSTACK_STORAGE_PATH="$work/perstack" \
     /usr/bin/time -f '%M' -o "$work/rss" "$ROOT/perstack" run bench "Loop" --runtime local \
     --max-steps $(( steps + 10 )) > "$work/events.jsonl" 2> "$work/cli.err") || {
       echo "run failed, see $work/cli.err" >&2; kill "$server"; exit 1; }
  kill "$server"; wait "$server" 2>/dev/null || true
  # The server logs "<epochMillis> <method> <path>" per request on stderr.
  local times; times="$(awk '$1 ~ /^[0-9]+$/ && $2 == "POST" {print $1}' "$work/server.err")"
  local first; first="$(echo "$times" | head -1)"
  local gap; gap="$(echo "$times" | awk 'NR>1 {print $1-prev} {prev=$1}' | median)"
  echo "$(( first - start_ms )) $gap $(cat "$work/rss") $(du -sb "$work/perstack" | cut -f1)"
}

printf '%-6s %-22s %-22s %-16s %-14s\n' steps time_to_first_req_ms median_req_gap_ms peak_rss_mib bytes_stored
for steps in 1 100; do
  results=()
  for rep in $(seq "$REPS"); do results+=("$(run_once "$steps" "$rep")"); done
  col() { printf '%s\n' "${results[@]}" | awk -v c="$1" '{print $c}' | median; }
  printf '%-6s %-22s %-22s %-16s %-14s\n' "$steps" "$(col 1)" "$(col 2)" \
    "$(awk -v k="$(col 3)" 'BEGIN {printf "%.1f", k/1024}')" "$(col 4)"
done
