#!/usr/bin/env bash
# Times the native GMM E-step and moments kernels at 20000 x 32 (diag k=32, full k=16), wall and CPU time.
# Usage: benchmarks/native-gmm.sh [threads [reps [n d]]]    (builds the library with CMake first)
set -euo pipefail
source "$(dirname "$0")/native-bench-build.sh"
native_bench_build native-gmm -lm
OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}" "$bench_binary" "$@"
