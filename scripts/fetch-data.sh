#!/usr/bin/env bash
# Fetches the large real datasets into data/ (git-ignored): Fashion-MNIST from its Debian package.
# Idempotent; the tests that need a set fail (never skip silently) when it is missing, and say to run this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p data
if [ ! -f data/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
  work="$(mktemp -d)"
  (cd "$work" && apt-get download dataset-fashion-mnist >/dev/null && dpkg -x dataset-fashion-mnist_*.deb extracted)
  mkdir -p data/fashion-mnist
  cp "$work"/extracted/usr/share/datasets/fashion-mnist/*.gz data/fashion-mnist/
  rm -rf "$work"
fi
ls data/fashion-mnist
