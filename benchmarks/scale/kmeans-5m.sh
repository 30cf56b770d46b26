#!/usr/bin/env bash
# k-means 5M×384 from a memory-mapped .npy, k=1000, the default sampled fit; samples the JVM's resident memory every
# second: RssAnon (heap, off-heap, code: what is beyond the mapped file) and RssFile (mapped pages). Usage: kmeans-5m.sh X.npy [MAX_ITER]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
x="$1"; iters="${2:-10}"
export CLUSTERBY_JAVA_OPTS="${CLUSTERBY_JAVA_OPTS:--Xmx2g}"
echo "file: $(du -h "$x" | cut -f1); load $(uptime | sed 's/.*average: //')"
start=$(date +%s.%N)
"${CLUSTERBY:-$here/clusterby}" cluster "$x" --k 1000 --max-iter "$iters" --param n-init=1 --seed 0 > /tmp/kmeans5m.out 2>&1 &
pid=$!
peak_anon=0; peak_file=0
while kill -0 $pid 2>/dev/null; do
  if [ -r /proc/$pid/status ]; then
    anon=$(awk '/^RssAnon/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0); file=$(awk '/^RssFile/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
    [ "${anon:-0}" -gt "$peak_anon" ] && peak_anon=$anon; [ "${file:-0}" -gt "$peak_file" ] && peak_file=$file
  fi
  sleep 1
done
wait $pid; rc=$?
echo "exit $rc after $(echo "$(date +%s.%N) - $start" | bc) s; peak RssAnon $((peak_anon / 1024)) MB, peak RssFile $((peak_file / 1024)) MB; load $(uptime | sed 's/.*average: //')"
grep -E '^(embedded|fit|error)' /tmp/kmeans5m.out
