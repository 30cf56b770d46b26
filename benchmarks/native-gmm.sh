#!/usr/bin/env bash
# Times the native GMM E-step and moments kernels at 20000 x 32 (diag k=32, full k=16), wall and CPU time.
# Usage: benchmarks/native-gmm.sh [threads [reps [n d]]]    (builds the library with CMake first)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/target/native-bench"
cmake -S "$root/native" -B "$build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build" -j2 > /dev/null
gcc -O2 -I"$root/native/include" "$root/benchmarks/native-gmm.c" -o "$build/native-gmm" \
    -L"$build" -lclusterby -Wl,-rpath,"$build" -lm
OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}" "$build/native-gmm" "$@"
