"""The ONNX light models of the shared data directory, for benchmark scripts."""

import os
import sys

LIGHT_MODELS = ["bvlc_alexnet", "densenet121", "inception_v1", "inception_v2",
                "resnet50", "shufflenet", "squeezenet", "vgg19", "zfnet512"]


def find_models_dir(root, who):
    """shared/models/onnx-light beside the checkout `root` (or /work/shared)."""
    for cand in [os.path.join(root, "..", "shared", "models", "onnx-light"),
                 "/work/shared/models/onnx-light"]:
        if os.path.isdir(cand):
            return os.path.abspath(cand)
    sys.exit("%s: cannot find shared/models/onnx-light" % who)
