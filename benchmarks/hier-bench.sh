#!/usr/bin/env bash
# Builds the library, compiles HierarchicalSpectralBench against target/classes, runs it (writing the data as
# .npy), then times scikit-learn on the same files. Usage: benchmarks/hier-bench.sh [n] [d] [spectralN] [clusters]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"; JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
[ -d target/classes ] || ./mvnw -q -B compile
out=target/hier-bench
mkdir -p "$out/classes"
"$JAVAC" -d "$out/classes" -cp target/classes benchmarks/src/main/java/dev/clusterby/bench/HierarchicalSpectralBench.java
cp=target/classes:$out/classes
[ -f target/classpath.txt ] && cp=$cp:$(cat target/classpath.txt)
"$JAVA" --enable-native-access=ALL-UNNAMED -Xmx4g -cp "$cp" dev.clusterby.bench.HierarchicalSpectralBench "$out" "$@"
OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/hier_spectral_peers.py "$out" "$@"
