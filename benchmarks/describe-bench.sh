#!/usr/bin/env bash
# describe() against clustering on 100k rows, k = 50 (see DescribeBench), then the scikit-learn peer on the same rows.
# Usage: benchmarks/describe-bench.sh [n] [k]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"; JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
[ -f target/classpath.txt ] || ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
./mvnw -q -B compile
mkdir -p benchmarks/target/classes benchmarks/target/describe
"$JAVAC" -d benchmarks/target/classes -cp target/classes benchmarks/src/main/java/dev/clusterby/bench/DescribeBench.java
echo "uptime: $(uptime)"
"$JAVA" --enable-native-access=ALL-UNNAMED -Xmx4g -cp "benchmarks/target/classes:target/classes:$(cat target/classpath.txt)" \
  dev.clusterby.bench.DescribeBench cli/src/main/resources/dev/clusterby/demo/emoji.csv benchmarks/target/describe "$@"
OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/describe_peer.py benchmarks/target/describe
echo "uptime: $(uptime)"
