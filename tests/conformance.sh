#!/bin/bash
# The conformance report in one command: runs every script of src/test/resources/conformance on jstack and,
# as root with /dev/net/tun, on the Linux kernel in a namespace; prints the side-by-side table and writes
# tests/CONFORMANCE.md (rewritten only when both runners ran and an outcome changed; the latest run is always in
# tests/target/CONFORMANCE.md). Extra arguments go to Maven, e.g. `tests/conformance.sh -o` to build offline.
# Finds a JDK 21+ itself (tools/find-jdk.sh). Exit status: Maven's (non-zero when a script fails against its marks).
cd "$(dirname "$0")/.." || exit 2
# shellcheck source=../tools/find-jdk.sh
. tools/find-jdk.sh
jstack_find_jdk || exit 1
mvn -B -q -pl tests -am verify -Dtest='*Conformance*' -Dsurefire.failIfNoSpecifiedTests=false "$@"
rc=$?
if [ -f tests/target/conformance.txt ]; then
    cat tests/target/conformance.txt
    echo "Report: tests/target/CONFORMANCE.md (published: tests/CONFORMANCE.md)"
else
    echo "no report: the build failed before the conformance tests ran" >&2
fi
exit $rc
