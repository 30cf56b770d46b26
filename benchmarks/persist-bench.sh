#!/usr/bin/env bash
# Kept models (issue 12): clusterby's ModelBench, then scikit-learn on the same rows in the same run.
# Usage: benchmarks/persist-bench.sh [DIR] [rows]   (DIR default /tmp/persist-bench; needs ~0.6 GB there)
# Maven calls honour MAVEN_ARGS (for example -Dmaven.repo.local=...).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"; JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
DIR="${1:-/tmp/persist-bench}"; ROWS="${2:-100000}"
./mvnw -q -B compile -Dinvoker.skip=true
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
# A copy of the classes, so a rebuild in this checkout during the run changes nothing under it.
rm -rf benchmarks/target/persist && mkdir -p benchmarks/target/persist && cp -r target/classes benchmarks/target/persist/lib
"$JAVAC" -d benchmarks/target/persist -cp target/classes benchmarks/persist/ModelBench.java
echo "load: $(uptime)"
"$JAVA" --enable-native-access=ALL-UNNAMED -Xmx4g -cp "benchmarks/target/persist:benchmarks/target/persist/lib:$(cat target/classpath.txt)" \
  dev.clusterby.bench.ModelBench "$DIR" "$ROWS" src/test/resources/data/reuters-crude-acq.csv
OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/persist_peers.py "$DIR/data.npy"
echo "load: $(uptime)"
