#!/usr/bin/env bash
# Installs what Strata needs on Debian 12 (root) and builds it in ./build.
# Idempotent: installs only missing packages, configures once, then lets
# Ninja rebuild only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake ninja-build g++ gcc ccache python3
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libgtest-dev libgmock-dev python3-venv
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata python3-onnx
  libgecode-dev coinor-libcbc-dev pkg-config libxgboost-dev libomp-22-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "strata: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

BUILD_DIR=${STRATA_BUILD_DIR:-build}
JOBS=${STRATA_JOBS:-$(nproc)}

# HiGHS (MIT), the MILP solver behind solver=highs, is loaded at run time.
# Debian 12 does not package it; PyPI's ortools wheel (Apache-2.0) ships it
# as libhighs.so.1, needing only libc and libstdc++. The same wheel's CP-SAT
# (solver=cpsat) runs in a helper process under the venv's Python, so the
# wheel is installed with its Python dependencies (numpy, pandas, protobuf,
# absl-py, immutabledict). The venv lives in the build tree, where CMake and
# the tools find it. Optional: without it solver=highs/cpsat say what to
# install and their tests are skipped.
ORTOOLS_VERSION=9.15.6755
SOLVERS_VENV="$BUILD_DIR/solvers-venv"
solvers_found() {
  compgen -G "$SOLVERS_VENV/lib/python3*/site-packages/ortools/.libs/libhighs.so.1" >/dev/null &&
    "$SOLVERS_VENV/bin/python" -c "import ortools.sat.python.cp_model" 2>/dev/null
}
new_solver=0
if ! solvers_found; then
  echo "strata: installing HiGHS and CP-SAT (PyPI ortools $ORTOOLS_VERSION) into $SOLVERS_VENV"
  mkdir -p "$BUILD_DIR"
  if python3 -m venv "$SOLVERS_VENV" &&
     "$SOLVERS_VENV/bin/pip" install -q "ortools==$ORTOOLS_VERSION"; then
    new_solver=1
  else
    echo "strata: warning: could not install ortools; solver=highs and solver=cpsat will be unavailable" >&2
  fi
fi

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
elif [ "$new_solver" = 1 ]; then
  cmake -S . -B "$BUILD_DIR" >/dev/null
fi
ninja -C "$BUILD_DIR" -j "$JOBS"
