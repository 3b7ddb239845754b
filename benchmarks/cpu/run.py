#!/usr/bin/env python3
"""CPU code generation benchmark: Strata against OpenBLAS, onnxruntime, IREE.

Three parts, each measured side by side in one run on this machine:

1. GEMM (square 256..2048, transformer shapes, odd sizes): GFLOP/s of
   strata-run (TOSA matmul, both operands inputs) against NumPy's OpenBLAS
   (the PyPI wheel, OPENBLAS_NUM_THREADS=1) and onnxruntime (one MatMul
   node, the right operand an initializer), one thread.
2. Convolution layers (every distinct conv of ResNet-50, MobileNet-style
   depthwise, 7x7/s2): strata-run on one TOSA conv2d (NHWC, filter a
   constant) against onnxruntime on one Conv node (NCHW, its layout), one
   thread.
3. The nine ONNX light models with seeded random weights: latency at 1 and
   2 threads, against onnxruntime and IREE (llvm-cpu, its default flags and
   im2col + micro-kernels) at the same thread counts, plus Strata's compile
   time.
4. (--parts pytorch) the pytorch-converted models of libonnx-testdata on
   their test inputs, against onnxruntime, 1 and 2 threads.

Every figure is the median of --runs runs after a warm-up (light models:
the best of --rounds alternating rounds' medians); Strata's CPU
time (process CPU time, all threads) is printed next to its wall time.
Peers come from PyPI into build/bench-venv (created if missing) and are
never linked into Strata. Usage, from the repository root after
scripts/setup.sh:

    python3 benchmarks/cpu/run.py --markdown docs/benchmarks/cpu.md
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = os.path.join(ROOT, "build", "bench-venv")
PEERS = ["numpy", "onnxruntime", "onnx", "iree-base-compiler", "iree-base-runtime",
         "halide"]
HALIDE_MODES = ("hand", "adams2019")

# IREE's two configurations: its defaults, and im2col convolutions with
# micro-kernels (what its CPU performance guide recommends).
IREE_FLAGS = {
    "default": [],
    "im2col+ukernels": ["--iree-global-opt-use-im2col-for-convs",
                        "--iree-llvmcpu-enable-ukernels=all"],
}


def ensure_venv():
    """Re-runs this script inside build/bench-venv with the peers installed."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    subprocess.check_call([python, "-m", "pip", "install", "-q"] + PEERS)
    os.execv(python, [python] + sys.argv)


ensure_venv()

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from lightmodels import LIGHT_MODELS, find_models_dir  # noqa: E402

UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


def seconds(value, unit):
    return float(value) * UNITS[unit]


def fma_peak():
    """Measured one-core FP32 FMA peak (GFLOP/s), or None without a compiler."""
    exe = os.path.join(tempfile.gettempdir(), "strata_fma_probe")
    src = os.path.join(ROOT, "benchmarks", "cpu", "fma_probe.c")
    for cc in ("cc", "gcc", "clang"):
        if subprocess.call([cc, "-O3", "-march=native", src, "-o", exe],
                           stderr=subprocess.DEVNULL) == 0:
            out = subprocess.check_output([exe], text=True).split()
            return float(out[0])
    return None


def strata(strata_run, path, runs, threads, extra=()):
    """(wall median, cpu median, compile seconds) of strata-run --benchmark."""
    cmd = [strata_run, path, "--random-inputs", f"--benchmark={runs}",
           f"--threads={threads}", "--report", "--print-limit=0", *extra]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {out.stderr.strip()[-400:]}")
    m = re.search(r"median ([0-9.e+-]+) (\w+), p90 [^,]+, cpu median ([0-9.e+-]+) (\w+)",
                  out.stdout)
    c = re.search(r"compile time:\s+([0-9.e+-]+) (\w+)", out.stdout)
    return (seconds(m.group(1), m.group(2)), seconds(m.group(3), m.group(4)),
            seconds(c.group(1), c.group(2)) if c else None)


def ort_time(model_bytes, feeds, runs, threads):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])
    for _ in range(3):
        sess.run(None, feeds)
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        sess.run(None, feeds)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return float(np.median(walls)), float(np.median(cpus))


def iree_compile(onnx_path, tmp, name):
    """Imports an ONNX model with IREE's importer (upgraded to opset 17)
    and compiles it for the host CPU in each IREE_FLAGS configuration.
    Returns ({config: vmfb path or error text}, entry function name)."""
    bindir = os.path.join(VENV, "bin")
    model = onnx.load(onnx_path)
    # Initializers need not be graph inputs from IR version 4 on; the light
    # models are version 3.
    model.ir_version = max(model.ir_version, 7)
    upgraded = os.path.join(tmp, f"{name}.ir7.onnx")
    onnx.save(model, upgraded)
    mlir = os.path.join(tmp, f"{name}.iree.mlir")
    out = subprocess.run([os.path.join(bindir, "iree-import-onnx"), upgraded,
                          "--opset-version", "17", "-o", mlir],
                         capture_output=True, text=True)
    if out.returncode != 0:
        err = "import failed: " + out.stderr.strip().splitlines()[-1][:200]
        return {config: err for config in IREE_FLAGS}, None
    with open(mlir) as f:
        entry = re.search(r"func\.func @([\w.$-]+)\(", f.read()).group(1)
    results = {}
    for config, flags in IREE_FLAGS.items():
        vmfb = os.path.join(tmp, f"{name}.{config}.vmfb")
        start = time.perf_counter()
        out = subprocess.run([os.path.join(bindir, "iree-compile"), mlir,
                              "--iree-hal-target-device=local",
                              "--iree-hal-local-target-device-backends=llvm-cpu",
                              "--iree-llvmcpu-target-cpu=host", *flags, "-o", vmfb],
                             capture_output=True, text=True)
        if out.returncode != 0:
            lines = out.stderr.strip().splitlines() or ["?"]
            results[config] = "compile failed: " + lines[0][:200]
        else:
            results[config] = vmfb
            print(f"  iree {config}: compiled in {time.perf_counter() - start:.1f} s", flush=True)
    return results, entry


def iree_time(vmfb, entry, input_npy, runs, threads):
    """(wall median, cpu median) of iree-benchmark-module on `threads`
    worker threads (one task topology group each)."""
    out = subprocess.run([os.path.join(VENV, "bin", "iree-benchmark-module"),
                          "--device=local-task", f"--module={vmfb}",
                          f"--function={entry}", f"--input=@{input_npy}",
                          f"--task_topology_max_group_count={threads}",
                          f"--benchmark_repetitions={runs}"],
                         capture_output=True, text=True)
    m = re.search(r"real_time_median\s+([0-9.]+) (\w+)\s+([0-9.]+) (\w+)", out.stdout)
    if out.returncode != 0 or not m:
        raise RuntimeError(f"iree-benchmark-module: {out.stderr.strip()[-300:]}")
    return seconds(m.group(1), m.group(2)), seconds(m.group(3), m.group(4))


def halide_time(case, mode, runs):
    """(wall, cpu) medians of benchmarks/cpu/halide_peer.py on one thread,
    or None if Halide failed (its message is printed)."""
    env = dict(os.environ, HL_NUM_THREADS="1")
    cmd = [sys.executable, os.path.join(ROOT, "benchmarks", "cpu", "halide_peer.py"),
           *map(str, case), mode, str(runs)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        print(f"  halide {mode} failed: {out.stderr.strip()[-300:]}", flush=True)
        return None
    w, c = out.stdout.split()[-2:]
    return float(w), float(c)


def version_of(package):
    try:
        from importlib.metadata import version
        return version(package)
    except Exception:  # noqa: BLE001
        return "?"


def iree_version():
    try:
        from importlib.metadata import version
        return version("iree-base-compiler")
    except Exception:  # noqa: BLE001
        return "?"


def numpy_time(a, b, runs):
    """OpenBLAS sgemm on one thread, in a child so the thread count holds."""
    code = (
        "import numpy as np, time, sys\n"
        f"m, k, n, runs = {a[0]}, {a[1]}, {b[1]}, {runs}\n"
        "rng = np.random.default_rng(0)\n"
        "a = rng.standard_normal((m, k), dtype=np.float32)\n"
        "b = rng.standard_normal((k, n), dtype=np.float32)\n"
        "for _ in range(3): a @ b\n"
        "w, c = [], []\n"
        "for _ in range(runs):\n"
        "    t, p = time.perf_counter(), time.process_time(); a @ b\n"
        "    w.append(time.perf_counter() - t); c.append(time.process_time() - p)\n"
        "print(np.median(w), np.median(c))\n")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop("OPENBLAS_CORETYPE", None)
    out = subprocess.check_output([sys.executable, "-c", code], env=env, text=True)
    w, c = out.split()
    return float(w), float(c)


def tensor(shape):
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


def dense(array):
    return 'dense<"0x' + np.ascontiguousarray(array, dtype="<f4").tobytes().hex().upper() + '">'


def gemm(args, tmp, peak):
    rows = []
    shapes = [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
              (128, 768, 3072), (128, 3072, 768), (384, 1024, 1024), (1000, 1000, 1000),
              (1, 4096, 1000)]
    if args.quick:
        shapes = shapes[:3]
    for m, k, n in shapes:
        path = os.path.join(tmp, f"gemm_{m}_{k}_{n}.mlir")
        with open(path, "w") as f:
            f.write(f"func.func @gemm(%a: {tensor((1, m, k))}, %b: {tensor((1, k, n))}) -> {tensor((1, m, n))} {{\n"
                    "  %zp = \"tosa.const\"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>\n"
                    f"  %0 = tosa.matmul %a, %b, %zp, %zp : ({tensor((1, m, k))}, {tensor((1, k, n))}, tensor<1xf32>, tensor<1xf32>) -> {tensor((1, m, n))}\n"
                    f"  return %0 : {tensor((1, m, n))}\n}}\n")
        flop = 2.0 * m * n * k
        runs = max(3, min(args.runs, int(2e10 / flop)))
        s_wall, s_cpu, _ = strata(args.strata_run, path, runs, 1)
        b_wall, b_cpu = numpy_time((m, k), (k, n), runs)
        rng = np.random.default_rng(0)
        w = rng.standard_normal((k, n), dtype=np.float32)
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["a", "w"], ["y"])], "g",
            [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
            [numpy_helper.from_array(w, "w")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        o_wall, o_cpu = ort_time(model.SerializeToString(),
                                 {"a": rng.standard_normal((m, k), dtype=np.float32)}, runs, 1)
        row = dict(shape=f"{m}x{k}x{n}", flop=flop, strata=(s_wall, s_cpu),
                   openblas=(b_wall, b_cpu), ort=(o_wall, o_cpu), peak=peak)
        for mode in HALIDE_MODES:
            row["halide " + mode] = halide_time(("gemm", m, k, n), mode, runs)
        rows.append(row)
        print(f"gemm {row['shape']}: strata {flop / s_cpu / 1e9:.1f} GFLOP/s (cpu), "
              f"openblas {flop / b_cpu / 1e9:.1f}, onnxruntime {flop / o_cpu / 1e9:.1f}", flush=True)
    return rows


CONV_LAYERS = [
    # name, H(=W), C, F, K, stride, pad, depthwise
    ("resnet 7x7/s2 (conv1)", 224, 3, 64, 7, 2, 3, False),
    ("resnet 1x1 56 64->64", 56, 64, 64, 1, 1, 0, False),
    ("resnet 3x3 56 64->64", 56, 64, 64, 3, 1, 1, False),
    ("resnet 1x1 56 64->256", 56, 64, 256, 1, 1, 0, False),
    ("resnet 1x1 56 256->64", 56, 256, 64, 1, 1, 0, False),
    ("resnet 1x1 56 256->128", 56, 256, 128, 1, 1, 0, False),
    ("resnet 3x3/s2 56 128->128", 56, 128, 128, 3, 2, 1, False),
    ("resnet 1x1 28 128->512", 28, 128, 512, 1, 1, 0, False),
    ("resnet 1x1/s2 56 256->512", 56, 256, 512, 1, 2, 0, False),
    ("resnet 3x3 28 128->128", 28, 128, 128, 3, 1, 1, False),
    ("resnet 1x1 28 512->128", 28, 512, 128, 1, 1, 0, False),
    ("resnet 3x3 14 256->256", 14, 256, 256, 3, 1, 1, False),
    ("resnet 1x1 14 1024->256", 14, 1024, 256, 1, 1, 0, False),
    ("resnet 1x1 14 256->1024", 14, 256, 1024, 1, 1, 0, False),
    ("resnet 3x3 7 512->512", 7, 512, 512, 3, 1, 1, False),
    ("resnet 1x1 7 2048->512", 7, 2048, 512, 1, 1, 0, False),
    ("resnet 1x1 7 512->2048", 7, 512, 2048, 1, 1, 0, False),
    ("depthwise 3x3 112 32", 112, 32, 32, 3, 1, 1, True),
    ("depthwise 3x3 56 128", 56, 128, 128, 3, 1, 1, True),
    ("depthwise 3x3/s2 28 256", 28, 256, 256, 3, 2, 1, True),
    ("depthwise 3x3 14 512", 14, 512, 512, 3, 1, 1, True),
]


def convs(args, tmp, peak):
    rows = []
    layers = CONV_LAYERS[:4] if args.quick else CONV_LAYERS
    rng = np.random.default_rng(1)
    for name, h, c, f, k, s, p, dw in layers:
        # TOSA wants the padded extent to fit the strides exactly: trim the
        # bottom/right padding (or, without padding, the input's last rows
        # and columns, which a strided window never reads) as ONNX's floor
        # division does implicitly. Both engines get the same shapes.
        r = (h + 2 * p - k) % s
        q = p - r if r <= p else p
        h = h if r <= p else h - r
        o = (h + p + q - k) // s + 1
        flop = 2.0 * o * o * f * k * k * (1 if dw else c)
        bias = rng.standard_normal(f, dtype=np.float32)
        if dw:
            w_tosa = rng.standard_normal((k, k, c, 1), dtype=np.float32)
            w_onnx = np.transpose(w_tosa, (2, 3, 0, 1)).copy()  # C x 1 x K x K
            op = "tosa.depthwise_conv2d"
        else:
            w_tosa = rng.standard_normal((f, k, k, c), dtype=np.float32)  # OHWI
            w_onnx = np.transpose(w_tosa, (0, 3, 1, 2)).copy()  # OIHW
            op = "tosa.conv2d"
        path = os.path.join(tmp, f"conv_{len(rows)}.mlir")
        with open(path, "w") as fh:
            fh.write(f"func.func @conv(%x: {tensor((1, h, h, c))}) -> {tensor((1, o, o, f))} {{\n"
                     "  %zp = \"tosa.const\"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>\n"
                     f"  %w = \"tosa.const\"() {{values = {dense(w_tosa)} : {tensor(w_tosa.shape)}}} : () -> {tensor(w_tosa.shape)}\n"
                     f"  %b = \"tosa.const\"() {{values = {dense(bias)} : {tensor((f,))}}} : () -> {tensor((f,))}\n"
                     f"  %0 = {op} %x, %w, %b, %zp, %zp {{acc_type = f32, dilation = array<i64: 1, 1>, "
                     f"pad = array<i64: {p}, {q}, {p}, {q}>, stride = array<i64: {s}, {s}>}} : "
                     f"({tensor((1, h, h, c))}, {tensor(w_tosa.shape)}, {tensor((f,))}, tensor<1xf32>, tensor<1xf32>) -> {tensor((1, o, o, f))}\n"
                     f"  return %0 : {tensor((1, o, o, f))}\n}}\n")
        runs = max(5, min(args.runs, int(1e10 / flop)))
        s_wall, s_cpu, _ = strata(args.strata_run, path, runs, 1)
        node = helper.make_node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[k, k],
                                strides=[s, s], pads=[p, p, q, q], group=c if dw else 1)
        graph = helper.make_graph(
            [node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, h, h])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, f, o, o])],
            [numpy_helper.from_array(w_onnx, "w"), numpy_helper.from_array(bias, "b")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        o_wall, o_cpu = ort_time(model.SerializeToString(),
                                 {"x": rng.standard_normal((1, c, h, h), dtype=np.float32)}, runs, 1)
        row = dict(name=name, flop=flop, strata=(s_wall, s_cpu), ort=(o_wall, o_cpu))
        for mode in HALIDE_MODES:
            row["halide " + mode] = None if dw else halide_time(
                ("conv", h, c, f, k, s, p, o), mode, runs)
        rows.append(row)
        print(f"conv {name}: strata {flop / s_cpu / 1e9:.1f} GFLOP/s, "
              f"onnxruntime {flop / o_cpu / 1e9:.1f}", flush=True)
    return rows


def models(args, tmp):
    sys.path.insert(0, os.path.join(ROOT, "benchmarks", "models"))
    import run as model_run  # noqa: E402  (randomize: the models benchmark's weights)
    rows = []
    names = LIGHT_MODELS[:2] if args.quick else LIGHT_MODELS
    directory = find_models_dir(ROOT, "benchmarks/cpu/run.py")
    for name in names:
        model = onnx.load(os.path.join(directory, f"light_{name}.onnx"))
        model_run.randomize(model, args.seed)
        path = os.path.join(tmp, f"{name}.onnx")
        onnx.save(model, path)
        inits = {i.name for i in model.graph.initializer}
        data = [i for i in model.graph.input if i.name not in inits][0]
        feeds_shape = [d.dim_value or 1 for d in data.type.tensor_type.shape.dim]
        feeds = {data.name:
                 np.random.default_rng(0).standard_normal(feeds_shape, dtype=np.float32)}
        row = dict(name=name)
        input_npy = os.path.join(tmp, f"{name}.input.npy")
        np.save(input_npy, next(iter(feeds.values())))
        vmfbs, entry = iree_compile(path, tmp, name) if args.iree else ({}, None)
        row["iree_errors"] = {c: v for c, v in vmfbs.items() if not v.endswith(".vmfb")}
        for threads in (1, 2):
            # Strata and onnxruntime alternate for --rounds rounds; each
            # keeps its best round (the least disturbed by the machine's
            # other tenants, which slowed whole processes by up to 1.5x
            # for seconds at a time).
            s_rounds, o_rounds = [], []
            for _ in range(args.rounds):
                s_rounds.append(strata(args.strata_run, path, args.model_runs, threads))
                o_rounds.append(ort_time(model.SerializeToString(), feeds,
                                         args.model_runs, threads))
            wall, cpu, compile_s = min(s_rounds, key=lambda r: r[0])
            o_wall, o_cpu = min(o_rounds, key=lambda r: r[0])
            row[threads] = dict(strata=(wall, cpu), ort=(o_wall, o_cpu))
            for config, vmfb in vmfbs.items():
                if vmfb.endswith(".vmfb"):
                    row[threads]["iree " + config] = iree_time(
                        vmfb, entry, input_npy, args.model_runs, threads)
            row["compile"] = compile_s
        rows.append(row)
        print(f"model {name}: strata {row[1]['strata'][0] * 1e3:.1f} / {row[2]['strata'][0] * 1e3:.1f} ms "
              f"(1/2 threads), onnxruntime {row[1]['ort'][0] * 1e3:.1f} / {row[2]['ort'][0] * 1e3:.1f} ms, "
              f"compile {row['compile']:.2f} s", flush=True)
    return rows


PYTORCH_DIR = "/usr/share/libonnx-testdata/data/pytorch-converted"


def pytorch_models(args, tmp):
    """The pytorch-converted models of Debian's libonnx-testdata (one or a
    few layers each) on their own test input: Strata against onnxruntime,
    1 and 2 threads. Models Strata cannot run are listed with the reason."""
    rows = []
    names = sorted(os.listdir(PYTORCH_DIR)) if os.path.isdir(PYTORCH_DIR) else []
    if args.quick:
        names = names[:4]
    for name in names:
        model_path = os.path.join(PYTORCH_DIR, name, "model.onnx")
        data = os.path.join(PYTORCH_DIR, name, "test_data_set_0")
        inputs = sorted(f for f in os.listdir(data) if f.startswith("input_"))
        model = onnx.load(model_path)
        feeds = {}
        inits = {i.name for i in model.graph.initializer}
        graph_inputs = [i.name for i in model.graph.input if i.name not in inits]
        for gname, f in zip(graph_inputs, inputs):
            tensor = onnx.TensorProto()
            with open(os.path.join(data, f), "rb") as fh:
                tensor.ParseFromString(fh.read())
            feeds[gname] = numpy_helper.to_array(tensor)
        row = dict(name=name[len("test_"):])
        try:
            for threads in (1, 2):
                extra = [f"--input={os.path.join(data, f)}" for f in inputs]
                cmd = [args.strata_run, model_path, f"--benchmark={args.runs}",
                       f"--threads={threads}", "--print-limit=0", *extra]
                out = subprocess.run(cmd, capture_output=True, text=True)
                m = re.search(r"median ([0-9.e+-]+) (\w+), p90 [^,]+, cpu median ([0-9.e+-]+) (\w+)",
                              out.stdout)
                if out.returncode != 0 or not m:
                    raise RuntimeError((out.stderr.strip().splitlines() or ["?"])[-1][:160])
                wall = seconds(m.group(1), m.group(2))
                try:
                    o_wall, _ = ort_time(model.SerializeToString(), feeds, args.runs, threads)
                except Exception as err:  # noqa: BLE001  (onnxruntime's own errors)
                    raise RuntimeError("onnxruntime: " + str(err).splitlines()[0][-120:])
                row[threads] = (wall, o_wall)
        except RuntimeError as err:
            row["error"] = str(err).replace("|", "/")
        rows.append(row)
        if "error" in row:
            print(f"pytorch {row['name']}: {row['error']}", flush=True)
        else:
            print(f"pytorch {row['name']}: strata {row[1][0] * 1e6:.0f} us, onnxruntime "
                  f"{row[1][1] * 1e6:.0f} us (1 thread)", flush=True)
    return rows


def geomean(values):
    values = [v for v in values if v > 0]
    return float(np.exp(np.mean(np.log(values)))) if values else float("nan")


def halide_rates(row):
    """GFLOP/s of each Halide schedule (None where it did not run) and the
    best of them (nan if none ran)."""
    rates = [row["flop"] / row["halide " + mode][1] / 1e9 if row.get("halide " + mode) else None
             for mode in HALIDE_MODES]
    return rates, max([x for x in rates if x] or [float("nan")])


def markdown(path, peak, g, c, m, args, p=()):
    lines = []
    w = lines.append
    w("# CPU code generation: Strata against OpenBLAS, onnxruntime and IREE")
    w("")
    w("Generated by `python3 benchmarks/cpu/run.py` (see its docstring); do not")
    w("edit by hand. One run of the script, all figures side by side on the same")
    w("machine.")
    w("")
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo"],
                         capture_output=True, text=True).stdout.split(":")[-1].strip()
    w(f"- machine: {cpu}, {os.cpu_count()} cores; measured FP32 FMA peak of one core "
      f"{peak:.1f} GFLOP/s (`benchmarks/cpu/fma_probe.c`)" if peak else f"- machine: {cpu}")
    w(f"- peers: numpy {np.__version__} (OpenBLAS, one thread), onnxruntime {ort.__version__}, "
      f"Halide {version_of('halide')} (`benchmarks/cpu/halide_peer.py`: JIT for the host, one "
      "hand schedule, and the Adams2019 autoscheduler with parallelism 1; one thread; not "
      "run for depthwise layers), IREE (models, below)")
    w("- GFLOP/s are computed from process CPU time (the steadier figure on a")
    w("  shared machine); wall times are in the model table.")
    w("")
    if g:
        w("## GEMM, one thread")
        w("")
        w("| M x K x N | Strata GFLOP/s | % of peak | OpenBLAS | onnxruntime | Halide hand | Halide Adams2019 | Strata / OpenBLAS | Strata / onnxruntime | Strata / best Halide |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in g:
            s, b, o = (r["flop"] / r[k][1] / 1e9 for k in ("strata", "openblas", "ort"))
            pct = f"{100 * s / peak:.0f}%" if peak else "-"
            hl_rates, best = halide_rates(r)
            hl_cells = [f"{x:.1f}" if x else "failed" for x in hl_rates]
            w(f"| {r['shape']} | {s:.1f} | {pct} | {b:.1f} | {o:.1f} | {hl_cells[0]} | {hl_cells[1]} | "
              f"{s / b:.2f} | {s / o:.2f} | {s / best:.2f} |")
        # Rows where some Halide schedule ran, each against its best one.
        halide_ratios = [r["flop"] / r["strata"][1] / 1e9 / halide_rates(r)[1]
                         for r in g if any(halide_rates(r)[0])]
        w(f"| **geomean** | | | | | | | **{geomean([r['openblas'][1] / r['strata'][1] for r in g]):.2f}** | "
          f"**{geomean([r['ort'][1] / r['strata'][1] for r in g]):.2f}** | "
          f"**{geomean(halide_ratios):.2f}** |")
        w("")
    if c:
        w("## Convolution layers, one thread")
        w("")
        w("Strata runs one TOSA conv2d (NHWC input, filter a constant, bias); onnxruntime")
        w("one Conv node (NCHW, filter and bias initializers).")
        w("")
        w("| layer | GFLOP | Strata GFLOP/s | onnxruntime GFLOP/s | Halide hand | Halide Adams2019 | Strata / onnxruntime | Strata / best Halide |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in c:
            s, o = (r["flop"] / r[k][1] / 1e9 for k in ("strata", "ort"))
            hl_rates, best = halide_rates(r)
            hl_cells = [f"{x:.1f}" if x else "-" for x in hl_rates]
            w(f"| {r['name']} | {r['flop'] / 1e9:.3f} | {s:.1f} | {o:.1f} | {hl_cells[0]} | {hl_cells[1]} | "
              f"{s / o:.2f} | {s / best:.2f} |")
        resnet = [r for r in c if r["name"].startswith("resnet")]
        w(f"| **geomean, ResNet-50 layers** | | | | **{geomean([r['ort'][1] / r['strata'][1] for r in resnet]):.2f}** |")
        w("")
    if m:
        w("## Light models (seeded random weights)")
        w("")
        w(f"Latency: median wall time (CPU time in parentheses) of one inference over "
          f"{args.model_runs} runs; Strata and onnxruntime alternate for {args.rounds} "
          f"rounds and each keeps its best round's median (the machine's other "
          f"tenants slowed whole processes by up to 1.5x for seconds at a time);")
        w("ratio > 1 means Strata is faster. Compile: strata-run's `compile time`,")
        w("wall time from the imported module to machine code (kernel formation,")
        w("the CPU pipeline, and LLVM, which compiles the kernels as two modules on")
        w("two threads).")
        w("")
        w("| model | Strata 1 thread | onnxruntime 1 thread | ratio | Strata 2 threads | onnxruntime 2 threads | ratio | Strata 2-thread speedup | compile |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in m:
            cells = []
            for t in (1, 2):
                s, o = r[t]["strata"], r[t]["ort"]
                cells += [f"{s[0] * 1e3:.1f} ms ({s[1] * 1e3:.1f})", f"{o[0] * 1e3:.1f} ms ({o[1] * 1e3:.1f})",
                          f"{o[0] / s[0]:.2f}"]
            w(f"| {r['name']} | " + " | ".join(cells) +
              f" | {r[1]['strata'][0] / r[2]['strata'][0]:.2f}x | {r['compile']:.2f} s |")
        for t in (1, 2):
            w(f"\nGeomean latency ratio onnxruntime / Strata at {t} thread(s): "
              f"**{geomean([r[t]['ort'][0] / r[t]['strata'][0] for r in m]):.2f}**")
        w("")
        if args.iree:
            w("### IREE")
            w("")
            w(f"IREE {iree_version()} (`iree-base-compiler`/`-runtime` from PyPI), llvm-cpu for")
            w("the host CPU (`--iree-llvmcpu-target-cpu=host`), the ONNX model imported with")
            w("`iree-import-onnx --opset-version 17`, timed with `iree-benchmark-module`")
            w("(`--task_topology_max_group_count` = threads); *im2col+ukernels* adds")
            w("`--iree-global-opt-use-im2col-for-convs --iree-llvmcpu-enable-ukernels=all`.")
            w("Ratio > 1 means Strata is faster.")
            w("")
            w("| model | threads | Strata | IREE default | ratio | IREE im2col+ukernels | ratio |")
            w("|---|---:|---:|---:|---:|---:|---:|")
            for r in m:
                for t in (1, 2):
                    st = r[t]["strata"][0]
                    cells = [f"{st * 1e3:.1f} ms"]
                    for config in IREE_FLAGS:
                        key = "iree " + config
                        if key in r[t]:
                            it = r[t][key][0]
                            cells += [f"{it * 1e3:.1f} ms", f"{it / st:.2f}"]
                        else:
                            cells += [r["iree_errors"].get(config, "-"), "-"]
                    w(f"| {r['name']} | {t} | " + " | ".join(cells) + " |")
            for config in IREE_FLAGS:
                for t in (1, 2):
                    ratios = [r[t]["iree " + config][0] / r[t]["strata"][0]
                              for r in m if "iree " + config in r[t]]
                    faster = sum(1 for x in ratios if x > 1)
                    w(f"\nIREE {config}, {t} thread(s): geomean ratio IREE / Strata "
                      f"**{geomean(ratios):.2f}**; Strata faster on {faster} of {len(ratios)} models")
            w("")
    if p:
        w("## libonnx-testdata pytorch-converted models")
        w("")
        w("Each model on its own test input (`test_data_set_0`), median wall time of")
        w(f"{args.runs} runs; ratio onnxruntime / Strata (> 1: Strata faster). These are")
        w("one to a few layers on small tensors: the times are mostly call overhead.")
        w("")
        w("| model | Strata 1 thread | onnxruntime 1 thread | ratio | Strata 2 threads | onnxruntime 2 threads | ratio |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        ok = [r for r in p if "error" not in r]
        for r in p:
            if "error" in r:
                w(f"| {r['name']} | {r['error']} | | | | | |")
                continue
            cells = []
            for t in (1, 2):
                s_, o_ = r[t]
                cells += [f"{s_ * 1e6:.0f} us", f"{o_ * 1e6:.0f} us", f"{o_ / s_:.2f}"]
            w(f"| {r['name']} | " + " | ".join(cells) + " |")
        for t in (1, 2):
            w(f"\nGeomean ratio onnxruntime / Strata at {t} thread(s) over {len(ok)} models: "
              f"**{geomean([r[t][1] / r[t][0] for r in ok]):.2f}**")
        w("")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--strata-run", default=os.path.join(ROOT, "build", "bin", "strata-run"))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--model-runs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3,
                    help="light models: alternating Strata/onnxruntime rounds, "
                         "each engine's best round kept")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--parts", default="gemm,conv,models")
    ap.add_argument("--quick", action="store_true", help="a few cases of each part")
    ap.add_argument("--markdown")
    ap.add_argument("--workdir", help="keep the generated models here")
    ap.add_argument("--no-iree", dest="iree", action="store_false",
                    help="leave IREE out of the models part")
    ap.add_argument("--json", help="also write the raw figures here")
    ap.add_argument("--from-json", help="write --markdown from the figures an "
                    "earlier run wrote with --json, measuring nothing")
    args = ap.parse_args()
    if args.from_json:
        import json
        with open(args.from_json) as f:
            data = json.load(f)

        def thread_keys(row):
            # JSON turned the thread counts (dict keys) into strings.
            return {int(k) if k.isdigit() else k: v for k, v in row.items()}
        markdown(args.markdown, data["peak"], data["gemm"], data["conv"],
                 [thread_keys(r) for r in data["models"]], args,
                 [thread_keys(r) for r in data["pytorch"]])
        return
    peak = fma_peak()
    parts = args.parts.split(",")
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.workdir or scratch
        os.makedirs(tmp, exist_ok=True)
        g = gemm(args, tmp, peak) if "gemm" in parts else []
        c = convs(args, tmp, peak) if "conv" in parts else []
        m = models(args, tmp) if "models" in parts else []
        p = pytorch_models(args, tmp) if "pytorch" in parts else []
    if args.json:
        import json
        with open(args.json, "w") as f:
            json.dump(dict(peak=peak, gemm=g, conv=c, models=m, pytorch=p), f)
    if args.markdown:
        markdown(args.markdown, peak, g, c, m, args, p)


if __name__ == "__main__":
    main()
