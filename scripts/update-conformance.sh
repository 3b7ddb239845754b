#!/usr/bin/env bash
# Reruns the ONNX conformance harness and rewrites docs/conformance.md.
# Afterwards, raise test/Conformance/min-pass.txt if more tests pass.
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 benchmarks/conformance/run.py --strata-run build/bin/strata-run \
  --jobs "$(nproc)" --markdown docs/conformance.md --json build/conformance.json
