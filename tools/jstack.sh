#!/usr/bin/env bash
# Builds and starts jstack as root: the README's run command. Finds a JDK 21+ (even when the default java is
# older), builds tools/target/jstack.jar with Maven if it is missing (JSTACK_REBUILD=1 forces a rebuild), then
# runs it as root with the given arguments, e.g.
#     tools/jstack.sh                       # tun0, virtual host 10.0.0.2, kernel side 10.0.0.1/24
#     tools/jstack.sh --netns demo --pcap /tmp/demo.pcap
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=find-jdk.sh
. "$repo/tools/find-jdk.sh"
jstack_find_jdk || exit 1

jar="$repo/tools/target/jstack.jar"
if [ ! -f "$jar" ] || [ "${JSTACK_REBUILD:-0}" = 1 ]; then
    if ! command -v mvn >/dev/null 2>&1; then
        echo "jstack: Maven is needed to build the jar: apt-get install maven" >&2
        exit 1
    fi
    echo "jstack: building $jar with $JAVA_HOME ..." >&2
    (cd "$repo" && mvn -B -q -pl tools -am package -DskipTests) || { echo "jstack: the build failed" >&2; exit 1; }
fi

java="$JAVA_HOME/bin/java"
if [ "$(id -u)" -eq 0 ]; then
    exec "$java" -jar "$jar" "$@"
elif command -v sudo >/dev/null 2>&1; then
    exec sudo "$java" -jar "$jar" "$@"
else
    echo "jstack: needs root to open /dev/net/tun, and sudo is not installed: run this as root" >&2
    exit 1
fi
