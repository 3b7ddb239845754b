#!/usr/bin/env bash
# Installs clang 22 and its sanitizer/libFuzzer runtimes if missing, and
# configures the ASan+UBSan build with the libFuzzer targets in $1
# (shared by scripts/sanitize.sh and scripts/fuzz.sh). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$1
missing=()
for pkg in clang-22 libclang-rt-22-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$PWD" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release -DSTRATA_SANITIZE=ON -DSTRATA_FUZZ=ON
fi
