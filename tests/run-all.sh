#!/usr/bin/env bash
# Runs every jstack test: the README's test command. Run it as root (sudo tests/run-all.sh): the live tests
# create network namespaces and TUN devices; without root they are skipped, each saying why (under CI=true they
# fail instead). Checks the OS packages the tests drive and installs the missing ones with apt-get when root
# (otherwise prints exactly which are missing), finds a JDK 21+, and runs `mvn -B verify` on the whole project.
# Extra arguments go to Maven (e.g. -Dtest='Ping*' -Dsurefire.failIfNoSpecifiedTests=false).
# Exit code: Maven's.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The OS packages the tests use (Debian names).
PACKAGES=(iputils-ping tshark libpcap0.8 dnsutils traceroute netcat-openbsd socat curl python3 python3-scapy
          iproute2 wrk apache2-utils maven chromium)

is_root() { [ "$(id -u)" -eq 0 ]; }

missing_packages() {
    local p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
    done
}

if command -v dpkg-query >/dev/null 2>&1; then
    mapfile -t missing < <(missing_packages)
    if [ "${#missing[@]}" -gt 0 ]; then
        if is_root && command -v apt-get >/dev/null 2>&1; then
            echo "run-all: installing missing packages: ${missing[*]}"
            export DEBIAN_FRONTEND=noninteractive
            apt-get install -y --no-install-recommends "${missing[@]}" \
                || { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; } \
                || { echo "run-all: could not install: ${missing[*]}" >&2; exit 1; }
        else
            echo "run-all: missing packages: ${missing[*]}" >&2
            echo "run-all: install them with: sudo apt-get install ${missing[*]}" >&2
        fi
    fi
else
    echo "run-all: not a Debian system: cannot check packages; the tests need: ${PACKAGES[*]}" >&2
fi

if ! is_root; then
    echo "run-all: not root: the live TUN tests will be skipped (run 'sudo tests/run-all.sh' to include them)" >&2
fi

# shellcheck source=../tools/find-jdk.sh
. "$repo/tools/find-jdk.sh"
if ! jstack_find_jdk; then
    # Debian 13 and later package a JDK 21; Debian 12 does not (see the README for Temurin).
    if is_root && apt-cache show openjdk-21-jdk-headless >/dev/null 2>&1; then
        echo "run-all: installing openjdk-21-jdk-headless"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-21-jdk-headless || exit 1
        jstack_find_jdk || exit 1
    else
        exit 1
    fi
fi
echo "run-all: JAVA_HOME=$JAVA_HOME"

if ! command -v mvn >/dev/null 2>&1; then
    echo "run-all: Maven (mvn) is not installed: apt-get install maven" >&2
    exit 1
fi

cd "$repo" || exit 1
mvn -B verify "$@"
exit $?
