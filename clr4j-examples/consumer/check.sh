#!/usr/bin/env bash
# A consumer's view of clr4j-djl: installs clr4j into the local Maven repository, prints the consumer's
# dependency tree (no pytorch-native-*, no SLF4J binding, no clr4j-data may come from clr4j), then runs Main offline
# with the natives the consumer added itself.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
(cd "$root" && ./mvnw -B -ntp -q -Dmaven.test.skip=true -pl clr4j-djl -am install)
mvn=("$root/mvnw" -B -ntp -f "$here/pom.xml")
"${mvn[@]}" -q dependency:tree -Dscope=compile -DoutputFile="$here/target/tree-compile.txt"
echo "== what depending on clr4j-djl brings (compile scope):"
cat "$here/target/tree-compile.txt"
if grep -E "pytorch-native|slf4j-(nop|simple|log4j|jdk)|logback|clr4j-data" "$here/target/tree-compile.txt"; then
  echo "FAIL: clr4j-djl brings natives, a logging binding or clr4j-data" >&2
  exit 1
fi
"${mvn[@]}" -q compile dependency:build-classpath -Dmdep.outputFile="$here/target/cp.txt"
java -Dai.djl.offline=true -cp "$here/target/classes:$(cat "$here/target/cp.txt")" com.example.Main
