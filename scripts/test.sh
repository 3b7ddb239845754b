#!/usr/bin/env bash
# README command 2: set up, build, then run the whole test suite: the lit
# regression tests (FileCheck, diagnostics, E2E numerics, plugin, PTX) and
# the GoogleTest unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${STRATA_BUILD_DIR:-build}
LIT=/usr/lib/llvm-22/bin/lit
status=0
"$LIT" -sv "$BUILD_DIR/test" || status=1
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" || status=1
exit $status
