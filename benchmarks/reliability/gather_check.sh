#!/usr/bin/env bash
# What the run-time Gather index check costs: the same Gather (data
# 1024x64 f32, 65536 int64 indices known only at run time) compiled with the
# check strata.check_index the importer inserts, and with the check replaced
# by a no-op, timed side by side by strata-run --benchmark (median wall time
# and process CPU time of the whole run).
# Usage: benchmarks/reliability/gather_check.sh [BUILD_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
RUNS=${2:-200}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 - "$TMP" <<'PY'
import sys, numpy as np, onnx
from onnx import helper, TensorProto
out = sys.argv[1]
node = helper.make_node("Gather", ["data", "idx"], ["y"], name="g", axis=0)
g = helper.make_graph([node], "g",
    [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1024, 64]),
     helper.make_tensor_value_info("idx", TensorProto.INT64, [65536])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [65536, 64])])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
m.ir_version = 8
onnx.save(m, f"{out}/gather.onnx")
rng = np.random.default_rng(1)
np.save(f"{out}/data.npy", rng.standard_normal((1024, 64), dtype=np.float32))
np.save(f"{out}/idx.npy", rng.integers(-1024, 1024, 65536, dtype=np.int64))
PY
"$BUILD/bin/strata-translate" --import-onnx "$TMP/gather.onnx" -o "$TMP/checked.mlir"
# The unchecked variant: the check becomes tosa.identity (which folds
# away). Without the check negative indices would read before the data, so
# both variants get the same non-negative indices.
sed -E 's/(%[0-9a-z_]+) = strata\.check_index (%[0-9a-z_]+), [0-9]+ \{[^}]*\} : (tensor<[^>]*>)/\1 = tosa.identity \2 : (\3) -> \3/' \
  "$TMP/checked.mlir" > "$TMP/unchecked.mlir"
if grep -q strata.check_index "$TMP/unchecked.mlir"; then
  echo "gather_check.sh: could not replace the check" >&2
  exit 1
fi
/usr/bin/python3 -c "import numpy as np; i=np.load('$TMP/idx.npy'); np.save('$TMP/idx_pos.npy', np.abs(i) % 1024)"
for variant in checked unchecked; do
  /usr/bin/time -f "$variant: %U s user, %S s sys" \
    "$BUILD/bin/strata-run" "$TMP/$variant.mlir" --input="$TMP/data.npy" \
    --input="$TMP/idx_pos.npy" --benchmark="$RUNS" --fusion=none | grep benchmark | sed "s/^/$variant: /"
done
