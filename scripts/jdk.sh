# Sourced by bin/perstack and ./test: locates a JDK 25 or newer without starting a JVM.

# The major version of a JDK home, read from its release file so no JVM has to start (and, with bash builtins
# only, no process either: every start of the CLI pays for this).
jdk_major() {
  local release="$1/release" line v=0
  [ -f "$release" ] || { echo 0; return; }
  while IFS= read -r line; do
    if [[ "$line" =~ ^JAVA_VERSION=\"([0-9]+) ]]; then v="${BASH_REMATCH[1]}"; break; fi
  done < "$release"
  echo "$v"
}

find_jdk() {
  local home
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(jdk_major "$JAVA_HOME")" -ge 25 ]; then
    echo "$JAVA_HOME"; return
  fi
  if command -v java >/dev/null 2>&1; then
    home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    if [ "$(jdk_major "$home")" -ge 25 ]; then echo "$home"; return; fi
  fi
  for home in /usr/lib/jvm/*; do
    if [ -x "$home/bin/java" ] && [ "$(jdk_major "$home")" -ge 25 ]; then echo "$home"; return; fi
  done
  return 1
}

# Prints the JDK home or explains on stderr what is missing.
require_jdk() {
  if ! find_jdk; then
    echo "perstack: no JDK 25 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm/*)." >&2
    echo "Install one (e.g. Temurin 25) and set JAVA_HOME." >&2
    return 1
  fi
}
