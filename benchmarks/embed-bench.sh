#!/usr/bin/env bash
# Embedding throughput against langchain4j (RESULTS-embed.md): whole processes, interleaved, then the in-JVM bench.
# Needs `./mvnw -q install -DskipTests` at the root, then `cd benchmarks && ../mvnw -q package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt`.
# Usage: benchmarks/embed-bench.sh EMOJI_JSON SPAM_DIR [rounds] [e-mails in-JVM, default 300]
set -euo pipefail
cd "$(dirname "$0")"
emoji=$1 spam=$2 rounds=${3:-3} mails_in_jvm=${4:-300}
cp="target/classes:$(cat target/classpath.txt)"
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
flags="--enable-native-access=ALL-UNNAMED -Xmx3g"
cache=$(mktemp -d)
run() { # side model set count
  local start end
  start=$(date +%s.%N)
  $java $flags -cp "$cp" dev.clusterby.internal.embed.EmbedProcess "$1" "$2" "$3" "$4" "$emoji" "$spam" "$cache" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
echo "whole process, $(nproc) cores, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| model | set | round | clusterby s | langchain4j s | × | load |"
echo "|---|---|---|---|---|---|---|"
# The first clusterby run writes the optimised model into the cache folder; it is run once before timing.
# A long text also opens the model as shipped (its own optimised model): one warm-up run on e-mails writes that too.
run clusterby bge-small short 20 >/dev/null; run clusterby minilm short 20 >/dev/null; run clusterby bge-small long 5 >/dev/null
for round in $(seq 1 "$rounds"); do
  for spec in "bge-small long 300" "bge-small short 1000" "minilm short 1000"; do
    set -- $spec
    ours=$(run clusterby "$1" "$2" "$3"); peer=$(run langchain4j "$1" "$2" "$3")
    printf "| %s | %s %s | %s | %.1f | %.1f | %.2f | %s |\n" "$1" "$3" "$2" "$round" "$ours" "$peer" "$(echo "$peer / $ours" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
echo
echo "in-JVM:"
$java $flags -cp "$cp" dev.clusterby.internal.embed.EmbedThroughputBench "$emoji" "$spam" 1000 "$mails_in_jvm" "$rounds"
rm -rf "$cache"
