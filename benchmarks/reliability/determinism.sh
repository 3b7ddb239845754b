#!/usr/bin/env bash
# Compiles every ONNX light model twice (import, then strata-cpu-pipeline
# with fusion under the learned model, as strata-run does; the second time
# with the pass manager on one thread) and compares the bytes.
# Usage: benchmarks/reliability/determinism.sh [BUILD_DIR] [MODELS_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
MODELS=${2:-../shared/models/onnx-light}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PIPELINE='builtin.module(strata-cpu-pipeline{group-ops=true fuse=true cost-model=learned})'
status=0
for model in "$MODELS"/*.onnx; do
  name=$(basename "$model" .onnx)
  "$BUILD/bin/strata-translate" --import-onnx "$model" -o "$TMP/$name.mlir"
  "$BUILD/bin/strata-opt" "$TMP/$name.mlir" -p "$PIPELINE" -o "$TMP/$name.1" 2>/dev/null
  "$BUILD/bin/strata-opt" "$TMP/$name.mlir" --mlir-disable-threading -p "$PIPELINE" -o "$TMP/$name.2" 2>/dev/null
  bytes=$(stat -c %s "$TMP/$name.1")
  if cmp -s "$TMP/$name.1" "$TMP/$name.2"; then
    echo "$name: identical ($bytes bytes)"
  else
    echo "$name: DIFFERENT"
    status=1
  fi
done
exit $status
