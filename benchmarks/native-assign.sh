#!/usr/bin/env bash
# Reports one Lloyd iteration on both assign paths (C tiles, OpenBLAS-fused) and a same-shape OpenBLAS sgemm.
# Usage: benchmarks/native-assign.sh [threads [n d k]]    (builds the library with CMake first)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/target/native-bench"
cmake -S "$root/native" -B "$build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build" -j2 > /dev/null
gcc -O2 -I"$root/native/include" "$root/benchmarks/native-assign.c" -o "$build/native-assign" \
    -L"$build" -lclusterby -Wl,-rpath,"$build" -ldl
# The bytedeco OpenBLAS jar (fetched by Maven) carries a libopenblas tuned at run time; unpack it for the comparison.
jar="$(ls ~/.m2/repository/org/bytedeco/openblas/*/openblas-*-linux-x86_64.jar 2>/dev/null | tail -1 || true)"
blas=""
if [ -n "$jar" ]; then
    mkdir -p "$build/openblas" && (cd "$build/openblas" && unzip -oq "$jar" 'org/bytedeco/openblas/linux-x86_64/*')
    blas="$(ls "$build"/openblas/org/bytedeco/openblas/linux-x86_64/libopenblas_nolapack.so* 2>/dev/null | head -1 || true)"
    [ -n "$blas" ] || blas="$(ls "$build"/openblas/org/bytedeco/openblas/linux-x86_64/libopenblas.so* | head -1)"
    export LD_LIBRARY_PATH="$(dirname "$blas")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
"$build/native-assign" "$blas" "${1:-2}" ${2:-} ${3:-} ${4:-}
