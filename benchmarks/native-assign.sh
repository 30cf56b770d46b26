#!/usr/bin/env bash
# Reports one Lloyd iteration on both assign paths (C tiles, OpenBLAS-fused) and a same-shape OpenBLAS sgemm.
# Usage: benchmarks/native-assign.sh [threads [n d k]]    (builds the library with CMake first)
set -euo pipefail
source "$(dirname "$0")/native-bench-build.sh"
native_bench_build native-assign -ldl
build="$(dirname "$bench_binary")"
# The bytedeco OpenBLAS jar (fetched by Maven) carries a libopenblas tuned at run time; unpack it for the comparison.
jar="$(ls ~/.m2/repository/org/bytedeco/openblas/*/openblas-*-linux-x86_64.jar 2>/dev/null | tail -1 || true)"
blas=""
if [ -n "$jar" ]; then
    mkdir -p "$build/openblas" && (cd "$build/openblas" && unzip -oq "$jar" 'org/bytedeco/openblas/linux-x86_64/*')
    blas="$(ls "$build"/openblas/org/bytedeco/openblas/linux-x86_64/libopenblas_nolapack.so* 2>/dev/null | head -1 || true)"
    [ -n "$blas" ] || blas="$(ls "$build"/openblas/org/bytedeco/openblas/linux-x86_64/libopenblas.so* | head -1)"
    export LD_LIBRARY_PATH="$(dirname "$blas")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
"$bench_binary" "$blas" "${1:-2}" ${2:-} ${3:-} ${4:-}
