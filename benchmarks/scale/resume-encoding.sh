#!/usr/bin/env bash
# A resumed encoding: embed TEXTS.csv (column text) with ENCODER, kill the JVM (SIGKILL) once the checkpoint holds
# half the rows, rerun, and print the rows each run encoded. Usage: resume-encoding.sh TEXTS.csv [ENCODER] [CACHE_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
texts="$1"; encoder="${2:-minilm}"; cache="${3:-$(mktemp -d)}"
rows=$(($(wc -l < "$texts") - 1)); half=$((rows / 2))
rm -rf "$cache"; mkdir -p "$cache"
echo "load before: $(uptime)"
# Rows done, from the checkpoint header (CBEMB002: magic, rows, cols, key length, rows done at byte 20).
done_rows() { local f; f=$(ls "$cache"/*.emb.part 2>/dev/null | head -1); [ -n "$f" ] && od -An -tu4 -j20 -N4 "$f" | tr -d ' ' || echo 0; }
start=$(date +%s.%N)
"$here/clusterby" cluster "$texts" --by text --encoder "$encoder" --k 8 --cache-dir "$cache" > "$cache/run1.out" 2> "$cache/run1.err" &
pid=$!
while kill -0 $pid 2>/dev/null; do
  d=$(done_rows); if [ "${d:-0}" -ge "$half" ]; then pkill -KILL -P $pid 2>/dev/null || true; kill -KILL $pid 2>/dev/null || true; break; fi
  sleep 0.5
done
wait $pid 2>/dev/null || true
t1=$(echo "$(date +%s.%N) - $start" | bc)
echo "run 1: killed (SIGKILL) after ${t1}s with $(done_rows) of $rows rows in the checkpoint; load $(uptime | sed 's/.*average: //')"
start=$(date +%s.%N)
"$here/clusterby" cluster "$texts" --by text --encoder "$encoder" --k 8 --cache-dir "$cache" > "$cache/run2.out" 2> "$cache/run2.err"
t2=$(echo "$(date +%s.%N) - $start" | bc)
echo "run 2: ${t2}s; load $(uptime | sed 's/.*average: //')"
grep -E '^(embedded|fit):' "$cache/run2.out"
ls -la "$cache"
