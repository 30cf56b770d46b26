#!/usr/bin/env bash
# The 2-D map against scikit-learn (RESULTS-map.md). Needs the DefaultsTuning export in DATA (see RESULTS-defaults.md)
# and python3-sklearn. Usage: benchmarks/map-bench.sh DATA OUT
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATA=${1:-/tmp/def-data} OUT=${2:-/tmp/map-out}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -B -q -Dinvoker.skip=true -DskipTests -Dmaven.javadoc.skip=true test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath-test.txt -Dmdep.includeScope=test
CP=target/classes:target/test-classes:$(cat target/classpath-test.txt)
J="$JAVA_HOME/bin/java -Xmx4g --enable-native-access=ALL-UNNAMED -cp $CP dev.clusterby.internal.map.MapBench"
SETS="iris wine digits emoji-minilm emoji-bge-small reuters-minilm reuters-bge-small spam-bge-small fashion2k fashion5k-pca50"
uptime
$J sets "$DATA" "$OUT" $SETS
OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 benchmarks/peers/map_peers.py "$DATA" "$OUT" $SETS
# 100k x 384: clusterby's map and PCA, then scikit-learn's PCA and t-SNE on the same rows
$J big 100000 384 50 "$OUT"
OPENBLAS_CORETYPE=SkylakeX timeout 3600 /usr/bin/python3 benchmarks/peers/map_peers.py --big "$OUT/big.npy" || echo "t-SNE did not finish within an hour"
uptime
