# Source me: sets JAVA to a java of version 21 or newer (JAVA_HOME first, then Temurin 25, then PATH), and
# REPO to the repository root. jstack needs 21+; Debian's default java here is 17.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
java_ok() { [ -x "$1" ] && "$1" -version 2>&1 | awk -F'"' '/version/{split($2,v,"."); exit !(v[1] >= 21)}'; }
JAVA=
for j in "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/temurin-25-jdk-amd64/bin/java "$(command -v java 2>/dev/null)"; do
  if [ -n "$j" ] && java_ok "$j"; then JAVA=$j; break; fi
done
[ -n "$JAVA" ] || { echo "no Java 21+ found: set JAVA_HOME" >&2; exit 1; }
export JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA")")")
