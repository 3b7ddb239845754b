# -*- Python -*-
# lit configuration of Strata's regression suite.

import os

import lit.formats
import lit.util
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "Strata"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "downstream", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py",
                   "Unit"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.strata_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%shlibext", config.llvm_shlib_ext))
config.substitutions.append(("%strata_src", config.strata_src_root))
config.substitutions.append(("%strata_obj", config.strata_obj_root))
config.substitutions.append(
    ("%strata_plugin",
     os.path.join(config.strata_lib_dir, "StrataPlugin" + config.llvm_shlib_ext)))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# Strata's tools first, then LLVM's (FileCheck, not, count, stock mlir-opt).
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tools = [
    "strata-opt",
    "strata-translate",
    "strata-run",
    "strata-plan",
    "strata-cost",
    "strata-compile",
    ToolSubst("mlir-opt-stock", os.path.join(config.llvm_tools_dir, "mlir-opt"),
              unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, [config.strata_tools_dir,
                                           config.llvm_tools_dir])

# ONNX backend test data (Debian: libonnx-testdata) and Debian's python3 with
# the onnx module (python3-onnx) for the conformance harness.
onnx_data = "/usr/share/libonnx-testdata/data"
system_python = "/usr/bin/python3"
if os.path.isdir(onnx_data) and os.path.exists(system_python):
    import subprocess
    if subprocess.call([system_python, "-c", "import onnx"],
                       stderr=subprocess.DEVNULL) == 0:
        config.available_features.add("onnx-testdata")
        config.substitutions.append(("%onnx_python", system_python))

# Debian's python3 with NumPy (python3-numpy) for tests that compute their
# references with it.
if os.path.exists(system_python):
    import subprocess
    if subprocess.call([system_python, "-c", "import numpy"],
                       stderr=subprocess.DEVNULL) == 0:
        config.available_features.add("numpy")
        config.substitutions.append(("%numpy_python", system_python))

# The ONNX light models of the shared data directory (../shared beside the
# checkout).
for light in [os.path.join(config.strata_src_root, "..", "shared", "models",
                           "onnx-light"), "/work/shared/models/onnx-light"]:
    if os.path.isdir(light):
        config.available_features.add("onnx-light-models")
        config.substitutions.append(("%light_models", os.path.abspath(light)))
        break

# A C compiler for the programs that link strata-compile's output, and the
# directory of the libraries they need (LLVM's libomp).
if lit.util.which("cc"):
    config.available_features.add("c-compiler")
    config.substitutions.append(("%cc", lit.util.which("cc")))
config.substitutions.append(
    ("%llvm_libdir", os.path.dirname(config.openmp_library)))

# HiGHS, loaded at run time by solver=highs (scripts/setup.sh installs it):
# `strata-plan solvers` says whether this build finds it.
import subprocess
plan = os.path.join(config.strata_tools_dir, "strata-plan")
if os.path.exists(plan):
    listing = subprocess.run([plan, "solvers"], capture_output=True, text=True)
    if listing.returncode == 0 and "highs: HiGHS" in listing.stdout:
        config.available_features.add("highs")
    # CP-SAT runs in a helper process (a Python with ortools).
    if listing.returncode == 0 and "cpsat: OR-Tools" in listing.stdout:
        config.available_features.add("cpsat")

# Optional parts of the machine.
if config.ptxas and os.path.exists(config.ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", config.ptxas))
if lit.util.which("nvidia-smi") and os.path.exists("/dev/nvidiactl"):
    config.available_features.add("cuda-device")

# test/Install: cmake --install into a temporary prefix and a downstream
# find_package(Strata) build (needs cmake and ninja, as the build does).
if lit.util.which("cmake") and lit.util.which("ninja"):
    config.available_features.add("install-test")

# Tests that bound a tool's memory with `ulimit -v` use %limit_memory. Under
# AddressSanitizer (-DSTRATA_SANITIZE=ON), which reserves terabytes of
# address space for its shadow, it does nothing; ASan itself then reports an
# allocation beyond its maximum size as an error.
if getattr(config, "strata_sanitize", False):
    config.available_features.add("asan")
    config.substitutions.append(("%limit_memory", "true"))
    # See scripts/sanitize.sh for allow_user_poisoning=0.
    config.environment["ASAN_OPTIONS"] = os.environ.get(
        "ASAN_OPTIONS", "detect_leaks=1:allow_user_poisoning=0")
    config.environment["UBSAN_OPTIONS"] = os.environ.get(
        "UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
else:
    config.substitutions.append(("%limit_memory", "ulimit -v 1500000"))

