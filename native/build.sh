#!/bin/sh
# Builds libclusterby with CMake and copies it where the jar picks it up. Called by Maven in generate-resources.
# Missing tools are not an error: the build goes on without the native backend, which then reports why.
# Usage: native/build.sh <project dir> <build dir (target)>
set -e
root="$1"
target="$2"
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) platform=linux-x86_64 ;;
    *) echo "[native] no native build for $(uname -s)-$(uname -m): skipping libclusterby"; exit 0 ;;
esac
for tool in cmake cc; do
    if ! command -v "$tool" > /dev/null 2>&1; then
        echo "[native] $tool not found: skipping libclusterby (the Java backends will be used)"
        exit 0
    fi
done
mkdir -p "$target"
cmake -S "$root/native" -B "$target/native-build" -DCMAKE_BUILD_TYPE=Release > "$target/native-build.log" 2>&1 \
    || { cat "$target/native-build.log"; exit 1; }
cmake --build "$target/native-build" -j2 >> "$target/native-build.log" 2>&1 \
    || { cat "$target/native-build.log"; exit 1; }
mkdir -p "$target/classes/native/$platform"
cp "$target/native-build/libclusterby.so" "$target/classes/native/$platform/libclusterby.so"
echo "[native] built $target/classes/native/$platform/libclusterby.so"
