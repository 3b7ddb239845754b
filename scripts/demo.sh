#!/usr/bin/env bash
# README command 1: set up, build, then compile the bundled TOSA MLP through
# the default pipeline, run it on the CPU, check it against NumPy's answer
# and print its outputs and a report (kernel groups, peak memory, latency).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${STRATA_BUILD_DIR:-build}
"$BUILD_DIR/bin/strata-run" examples/mlp.mlir \
  --input=examples/mlp_input.npy \
  --check=examples/mlp_expected.npy \
  --print-limit=40 --benchmark=100 --report
