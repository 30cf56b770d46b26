#!/usr/bin/env bash
# GMM per-iteration benchmark (see GmmBench's Javadoc), standalone until benchmarks/pom.xml lands:
# compiles benchmarks/src against target/classes and runs it. Usage: benchmarks/gmm-bench.sh [backend] [lo] [hi]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"; JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
[ -f target/classpath.txt ] || ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
./mvnw -q -B compile
mkdir -p benchmarks/target/classes
"$JAVAC" -d benchmarks/target/classes -cp target/classes benchmarks/src/main/java/dev/clusterby/bench/GmmBench.java
exec "$JAVA" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx4g \
  -cp "benchmarks/target/classes:target/classes:$(cat target/classpath.txt)" dev.clusterby.bench.GmmBench "$@"
