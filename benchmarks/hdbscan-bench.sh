#!/usr/bin/env bash
# HDBSCAN timings for benchmarks/RESULTS-hdbscan.md: clusterby against Tribuo 4.3.2 (same data, same parameters, same
# JVM), the approximate tree's deviation from the exact one, and the default pipeline on 100k×384. Needs the test
# classes (./mvnw -DskipTests test-compile) and the test classpath in target/test-classpath.txt:
#   ./mvnw -q dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
run() { nice -n 19 "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx4g -Xss8m -Djava.util.logging.config.file=src/test/resources/logging.properties \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" dev.clusterby.cluster.HdbscanBench "$@"; }
date -u; uptime
run tribuo 20000 10 600; uptime
run deviation 20000 10; uptime
run deviation 50000 10; uptime
run pipeline 100000; uptime
run tribuo 100000 10 900; uptime
