#!/usr/bin/env bash
# Peak heap and RSS of DataPanel.read on one large CSV, this tree's reader against another build's (the one before
# streaming), side by side in one run. Usage: benchmarks/readers/read-peak.sh FILE.csv BASE_CLASSES_DIR [XMX]
# (BASE_CLASSES_DIR: target/classes of the build to compare with; the library must be built: ./mvnw package -DskipTests).
# XMX may list several heaps ("8g 2g"): each build runs under each, so the smallest heap that reads shows too.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
file="$1"; base="$2"; heaps="${3:-8g}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
# Each build on its own runtime dependencies (the build before streaming still needs commons-csv).
deps() { (cd "$1/../.." && "$here/mvnw" -q -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime); }
uptime
for xmx in $heaps; do for build in "$base" "$here/target/classes"; do
  echo "== $build -Xmx$xmx"
  /usr/bin/time -f "time: %e s wall, max RSS %M kB" "$java" -Xmx"$xmx" --enable-native-access=ALL-UNNAMED \
      -cp "$build:$(deps "$build")" "$here/benchmarks/readers/ReadPeak.java" "$file" || echo "(failed: exit $?)"
done; done
uptime
