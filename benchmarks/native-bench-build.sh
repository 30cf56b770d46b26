#!/usr/bin/env bash
# Builds libclusterby with CMake into target/native-bench and links benchmarks/<name>.c against it.
# Sourced by native-assign.sh and native-gmm.sh: native_bench_build NAME [extra gcc flags...] sets $bench_binary.
native_bench_build() {
    local name="$1"; shift
    local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    local build="$root/target/native-bench"
    cmake -S "$root/native" -B "$build" -DCMAKE_BUILD_TYPE=Release > /dev/null
    cmake --build "$build" -j2 > /dev/null
    gcc -O2 -I"$root/native/include" "$root/benchmarks/$name.c" -o "$build/$name" \
        -L"$build" -lclusterby -Wl,-rpath,"$build" "$@"
    bench_binary="$build/$name"
}
