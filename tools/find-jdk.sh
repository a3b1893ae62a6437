# Sourced by tools/jstack.sh and tests/run-all.sh: finds a JDK 21 or newer, even where the default `java` is
# older (Debian 12 ships 17). Looks at $JAVA_HOME, then the `java` on PATH, then /usr/lib/jvm/* and /opt/java/*
# (newest first). On success sets and exports JAVA_HOME and returns 0; otherwise prints why and returns 1.

jstack_java_major() { # prints the major version of the java binary $1, or nothing
    local line
    line=$("$1" -version 2>&1 | grep -m1 -E 'version "') || return 0
    line=${line#*version \"}
    line=${line%%\"*}
    case "$line" in
        1.*) line=${line#1.}; echo "${line%%.*}" ;;
        *) line=${line%%[.+-]*}; echo "${line%%[!0-9]*}" ;;
    esac
}

jstack_find_jdk() {
    local min=21 c major candidates=()
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if command -v java >/dev/null 2>&1; then
        c=$(readlink -f "$(command -v java)")
        candidates+=("${c%/bin/java}")
    fi
    for c in $(ls -d /usr/lib/jvm/*/ /opt/java/*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}"); done
    for c in "${candidates[@]}"; do
        [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
        major=$(jstack_java_major "$c/bin/java")
        if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
            export JAVA_HOME="$c"
            return 0
        fi
    done
    echo "jstack: no JDK $min or newer found (looked at \$JAVA_HOME, the java on PATH, /usr/lib/jvm/*, /opt/java/*)." >&2
    echo "jstack: install one, e.g. 'apt-get install openjdk-21-jdk-headless' (Debian 13) or Temurin 21+ from https://adoptium.net, or set JAVA_HOME." >&2
    return 1
}
