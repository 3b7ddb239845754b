#!/usr/bin/env python3
"""Writes an ONNX light model with seeded random weights and its logits
exposed as a second output (benchmarks/models/run.py's randomize and
expose_logits), so that a test compares real numbers, not the constant
output of the models' uniform weight fills.

Usage: randomize_model.py MODEL.onnx OUT.onnx [SEED]
"""

import os
import sys

import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "benchmarks", "models"))
from run import expose_logits, randomize  # noqa: E402


def main():
    model = onnx.load(sys.argv[1])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    randomize(model, seed)
    expose_logits(model)
    onnx.save(model, sys.argv[2])


if __name__ == "__main__":
    main()
