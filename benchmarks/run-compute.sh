#!/usr/bin/env bash
# Compute-kernel benchmarks in one go: build, JMH (short settings), report table, peers (scikit-learn, FAISS).
# Usage: benchmarks/run-compute.sh [--no-build] [--no-peers]     Results: benchmarks/target/compute-*.{json,txt}
# Env: JMH_OPTS overrides the JMH run settings; BACKENDS the candidate backends (default native,java,opencl);
#      EXTRA_CP is put before the jar on the class path (to try backend classes not yet merged);
#      PEERS_OPTS is passed to peers/peers.py (e.g. "--cli-iters 0" skips the slow CLI runs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/benchmarks/target"
build=1 peers=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --no-peers) peers=0 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*-25-*; do
    [ -x "$candidate/bin/java" ] && { JAVA_HOME="$candidate"; break; }
  done
fi
export JAVA_HOME
java="$JAVA_HOME/bin/java"
jmh_opts=${JMH_OPTS:--f 1 -wi 2 -i 3 -w 1s -r 1s}

if [ "$build" = 1 ]; then
  # native/build.sh writes its log under target/ before creating it, so a clean checkout needs the folder.
  mkdir -p "$root/target"
  (cd "$root" && ./mvnw -q -B install -DskipTests)
  (cd "$root/benchmarks" && ../mvnw -q -B package)
fi
jar="$out/benchmarks.jar"
cp="${EXTRA_CP:+$EXTRA_CP:}$jar"
flags=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector)

echo "== machine"; lscpu | head -20 | grep -v '^Flags'; grep -o -m1 'avx512f' /proc/cpuinfo || echo 'no AVX-512'
echo "== $(date -u +%FT%TZ)  $(uptime)"
backends=$("$java" "${flags[@]}" -cp "$cp" dev.clusterby.bench.compute.Backends $(echo "${BACKENDS:-native,java,opencl}" | tr , " ") 2> >(grep -v '^WARNING' >&2))
[ -n "$backends" ] || { echo "no accelerated backend runs here" >&2; backends=""; }
echo "== backends measured: ${backends:-none} (+ scalar at the smallest shape)"

runs=()
if [ -n "$backends" ]; then
  "$java" -cp "$cp" org.openjdk.jmh.Main 'SgemmBench|KMeansKernelsBench|GmmBench|MaskBench' -p backend="$backends" $jmh_opts \
      -rf json -rff "$out/compute-jmh.json" > "$out/compute-jmh.log" 2>&1 || true
  runs+=("$out/compute-jmh.json")
  echo "== after JMH (accelerated): $(uptime)"
else
  "$java" -cp "$cp" org.openjdk.jmh.Main 'SgemmBench' $jmh_opts -rf json -rff "$out/compute-jmh.json" > "$out/compute-jmh.log" 2>&1 || true
  runs+=("$out/compute-jmh.json")
fi
# The scalar reference only where it finishes in seconds: the smallest k-means shape, GMM and the mask.
"$java" -cp "$cp" org.openjdk.jmh.Main 'KMeansKernelsBench|GmmBench|MaskBench' -p backend=scalar -p shape=20000x64x32 $jmh_opts \
    -rf json -rff "$out/compute-jmh-scalar.json" > "$out/compute-jmh-scalar.log" 2>&1 || true
runs+=("$out/compute-jmh-scalar.json")
echo "== after JMH (scalar): $(uptime)"
grep -h 'SKIPPED\|ERROR' "$out"/compute-jmh*.log | sort -u | head -20 || true

python3 "$root/benchmarks/report.py" "${runs[@]}" | tee "$out/compute-report.txt"

if [ "$peers" = 1 ]; then
  echo "== peers (same .npy files): $(uptime)"
  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 "$root/benchmarks/peers/peers.py" --backends "${backends:-native}" ${PEERS_OPTS:-} \
      | tee "$out/compute-peers.txt"
fi
echo "== done: $(uptime)"
