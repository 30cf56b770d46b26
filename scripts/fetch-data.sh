#!/usr/bin/env bash
# Fetches the large real datasets into data/ (git-ignored): Fashion-MNIST from its Debian package. Run by the Maven
# build before the tests (process-test-resources) and by .ci/run; idempotent. Without the set, the tests that need
# it fail (never skip silently) and say to run this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p data
if [ ! -f data/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
  work="$(mktemp -d)"
  # A fresh machine may have no package lists yet: refresh them once (as root, or through sudo) and retry.
  if ! (cd "$work" && apt-get download dataset-fashion-mnist >/dev/null 2>&1); then
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq; else sudo -n apt-get update -qq; fi
    (cd "$work" && apt-get download dataset-fashion-mnist >/dev/null)
  fi
  (cd "$work" && dpkg -x dataset-fashion-mnist_*.deb extracted)
  mkdir -p data/fashion-mnist
  cp "$work"/extracted/usr/share/datasets/fashion-mnist/*.gz data/fashion-mnist/
  rm -rf "$work"
fi
ls data/fashion-mnist
