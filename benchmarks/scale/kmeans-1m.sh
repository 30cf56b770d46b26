#!/usr/bin/env bash
# k-means 1M×384, k=256, 10 iterations, seeding included: clusterby (all rows, and the default sample) and
# scikit-learn on the same .npy in the same session. Usage: kmeans-1m.sh X.npy
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
x="$1"
export CLUSTERBY_JAVA_OPTS="${CLUSTERBY_JAVA_OPTS:--Xmx2g}"
for sample in all auto; do
  echo "== clusterby sample=$sample; load $(uptime | sed 's/.*average: //')"
  /usr/bin/time -f "wall_s=%e peak_rss_mb=%M" "$here/clusterby" cluster "$x" --k 256 --max-iter 10 --tol 0 \
      --param n-init=1 --param sample=$sample --seed 0 2>&1 | grep -E '^(fit|wall_s|error)'
done
echo "== scikit-learn; load $(uptime | sed 's/.*average: //')"
OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 "$here/benchmarks/scale/kmeans_sklearn.py" "$x" 256 10
echo "== done; load $(uptime | sed 's/.*average: //')"
