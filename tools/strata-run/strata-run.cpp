//===- strata-run.cpp - Compile, run, check and time a model on the CPU ---===//
//
//   strata-run FILE.mlir|MODEL.onnx [--entry=NAME] [--input=A.npy|A.pb ...]
//              [--random-inputs [--seed=N]] [--output=OUT.npy ...]
//              [--check=REF.npy ... [--rtol=R] [--atol=A]]
//              [--benchmark=N [--versus=STRATEGY]]
//              [--report [--target=NAME|FILE]] [--strategy=FILE|none]
//              [--fusion=none|roofline|learned[:FILE]|measured] [--remarks]
//              [--max-tensor-bytes=N] [--perf-jitdump] [--emit-mlir=FILE]
//
// An ONNX model is imported first (lib/Import; --bind-dim binds symbolic
// dimensions). Tensor files are NumPy .npy or ONNX TensorProto .pb files.
// The module goes through strata-fuse (kernels formed where the cost model
// of --fusion predicts a gain; roofline by default; none with
// --fusion=none), strata-group-ops (every compute op still ungrouped becomes
// a kernel) and strata-cpu-pipeline, is JIT-compiled and its entry
// is called on the given or seeded-random inputs. Exit status: 0 on
// success, 1 on any error (diagnostic on stderr), 2 when --check finds a
// mismatch, 3 when an ONNX model cannot be imported (unsupported op,
// attribute or dtype; malformed file).
//
//===----------------------------------------------------------------------===//

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/Analysis/BuildKernelGraph.h"
#include "strata/CostModel/CostModel.h"
#include "strata/CostModel/Features.h"
#include "strata/Import/OnnxImporter.h"
#include "strata/InitAll.h"
#include "strata/Pipelines/Pipelines.h"
#include "strata/Runtime/HostTensor.h"
#include "strata/Runtime/Measure.h"
#include "strata/Runtime/Profile.h"
#include "strata/Runtime/Runner.h"
#include "strata/Support/Limits.h"
#include "strata/Support/OutputFiles.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <algorithm>
#include <chrono>
#include <ctime>

using namespace mlir;
using namespace mlir::strata;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("strata-run options");
static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<file.mlir|model.onnx>"),
                                      cl::Required, cl::cat(runCategory));
static cl::opt<std::string> entryName(
    "entry",
    cl::desc("Function to run (default: the only public function, or main)"),
    cl::init(""), cl::cat(runCategory));
static cl::list<std::string>
    inputFiles("input",
               cl::desc("Input .npy or ONNX .pb file, one per argument, in "
                        "order"),
               cl::cat(runCategory));
static cl::opt<bool>
    randomInputs("random-inputs",
                 cl::desc("Feed seeded pseudo-random inputs (see --seed)"),
                 cl::cat(runCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed for --random-inputs"),
                              cl::init(0), cl::cat(runCategory));
static cl::list<std::string>
    outputFiles("output", cl::desc("Write result #i to this .npy file"),
                cl::cat(runCategory));
static cl::list<std::string>
    checkFiles("check",
               cl::desc("Compare result #i with this .npy or ONNX .pb file"),
               cl::cat(runCategory));
static cl::opt<double> rtolOpt("rtol",
                               cl::desc("Relative tolerance of --check"),
                               cl::init(1e-5), cl::cat(runCategory));
static cl::opt<double> atolOpt("atol",
                               cl::desc("Absolute tolerance of --check"),
                               cl::init(1e-6), cl::cat(runCategory));
static cl::opt<unsigned>
    benchmarkRuns("benchmark",
                  cl::desc("Time N runs after warm-up; print median and p90"),
                  cl::init(0), cl::cat(runCategory));
static cl::opt<bool> printReport(
    "report",
    cl::desc("Print kernel groups, peak memory and estimated latency"),
    cl::cat(runCategory));
static cl::opt<bool> profileKernels(
    "profile",
    cl::desc("Time every kernel call in the program (N = --benchmark runs, "
             "at least 1, after the benchmark) and print where the time "
             "went: kernels with a convolution or matmul, other kernels, "
             "outside kernels, and the slowest kernels"),
    cl::cat(runCategory));
static cl::opt<std::string> targetSpec(
    "target",
    cl::desc("Target for --report's cost estimate: a built-in (host-cpu, "
             "cuda-sm90, npu-sram) or a JSON file; default: the module's "
             "strata.target, else host-cpu"),
    cl::init(""), cl::cat(runCategory));
static cl::opt<std::string> tilingSpec(
    "tiling",
    cl::desc("What picks each contraction's lowering plan: analytic (the "
             "cycle model), learned, learned:FILE (the learned cost model) "
             "or measured (the best candidates compiled and timed; slow)"),
    cl::init("analytic"), cl::cat(runCategory));
static cl::opt<std::string> strategySpec(
    "strategy",
    cl::desc("Rewrite strategy applied before fusion: a transform library "
             "file (docs/strategies.md), none, or empty for the default "
             "(share/strata/strategies/default.mlir)"),
    cl::init(""), cl::cat(runCategory));
static cl::opt<std::string> versusSpec(
    "versus",
    cl::desc("Also compile the program with this other strategy (a file, "
             "none, or empty for the default), check its results against "
             "this one's (--rtol, --atol), and time the two in alternating "
             "pairs in this process (N = --benchmark): each one's CPU-time "
             "median, the median ratio of the pairs, and how many pairs "
             "each won. Side by side, the machine's slow and fast phases "
             "fall on both"),
    cl::init(""), cl::cat(runCategory));
static cl::opt<std::string> fusionSpec(
    "fusion",
    cl::desc("Kernel partition: none (one kernel per op), or strata-fuse "
             "gated by the cost model roofline, learned, learned:FILE or "
             "measured (each candidate compiled and timed; slow)"),
    cl::init("roofline"), cl::cat(runCategory));
static cl::opt<bool>
    showRemarks("remarks",
                cl::desc("Show remarks (e.g. why strata-fuse refused a merge)"),
                cl::cat(runCategory));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level"),
                                  cl::init(kDefaultOptLevel), cl::Prefix,
                                  cl::cat(runCategory));
static cl::list<std::string>
    sharedLibs("shared-libs",
               cl::desc("Extra shared libraries for the JIT to load"),
               cl::CommaSeparated, cl::cat(runCategory));
static cl::opt<unsigned>
    printLimit("print-limit",
               cl::desc("Print at most this many elements per output"),
               cl::init(16), cl::cat(runCategory));

static cl::opt<std::string> emitFile(
    "emit-mlir",
    cl::desc("Also write the module strata-run compiles (after "
             "strata-form-kernels and strata-cpu-pipeline, the LLVM dialect) "
             "to this file; strata-opt -p 'builtin.module(strata-form-kernels"
             "{fusion=...},strata-cpu-pipeline)' prints the same"),
    cl::init(""), cl::cat(runCategory));
static cl::opt<bool> perfJitDump(
    "perf-jitdump",
    cl::desc("Let the JIT write a perf jitdump file (for `perf inject "
             "--jit`); off by default, as the file outlives the run"),
    cl::cat(runCategory));
static cl::opt<uint64_t> maxTensorBytes(
    "max-tensor-bytes",
    cl::desc("Largest tensor (in bytes) a file, model or module may declare "
             "(default: $STRATA_MAX_TENSOR_BYTES, else 4 GiB)"),
    cl::init(0), cl::cat(runCategory));

static cl::list<std::string> dimBindingSpecs(
    "bind-dim",
    cl::desc("ONNX input: bind a symbolic dimension, NAME=VALUE (unbound "
             "ones become 1, with a remark)"),
    cl::cat(runCategory));

/// Exit status when an ONNX model cannot be imported.
static constexpr int kImportFailed = 3;

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "strata-run") << message << "\n";
  return 1;
}

static std::string formatValue(double v) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.6g", v);
  return text;
}

/// Prints "output #i: 1x4xf32 = [a, b, ...]".
static void printTensor(llvm::raw_ostream &os, unsigned index,
                        const HostTensor &t) {
  os << "output #" << index << ": " << t.describe() << " = [";
  int64_t n = t.getNumElements();
  int64_t shown = std::min<int64_t>(n, printLimit);
  for (int64_t i = 0; i < shown; ++i)
    os << (i ? ", " : "") << formatValue(t.getAsDouble(i));
  if (shown < n)
    os << ", ... (" << n - shown << " more)";
  os << "]\n";
}

/// Input #i (already read as `preloaded`, else read now from `path`),
/// checked against the entry's argument type.
static llvm::Expected<HostTensor>
loadInput(const EntrySignature &sig, unsigned i, StringRef path,
          std::optional<HostTensor> preloaded) {
  llvm::Expected<HostTensor> t =
      preloaded ? llvm::Expected<HostTensor>(std::move(*preloaded))
                : readTensorFile(path);
  if (!t)
    return t.takeError();
  RankedTensorType expected = sig.inputs[i];
  if (t->getDType() != sig.inputDTypes[i])
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "input #" + llvm::Twine(i) + " ('" + path + "') has element type " +
            getDTypeName(t->getDType()) + " but argument #" + llvm::Twine(i) +
            " of '" + sig.name + "' is " + getDTypeName(sig.inputDTypes[i]));
  if (t->getShape() != expected.getShape()) {
    HostTensor want(sig.inputDTypes[i], expected.getShape());
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "input #" + llvm::Twine(i) + " ('" + path + "') has shape " +
            t->describe() + " but argument #" + llvm::Twine(i) + " of '" +
            sig.name + "' is " + want.describe());
  }
  return t;
}

namespace {
/// What --report prints about the kernel graph, gathered before lowering.
struct GraphReport {
  SmallVector<std::string> groups;
  int64_t peakBytes = 0;
  SmallVector<std::string> peakKernels;
  int64_t numSteps = 0;
  double estimatedSeconds = 0;
  std::string costModelName, targetName;
};
} // namespace

static FailureOr<GraphReport> analyzeEntry(ModuleOp module, StringRef entry,
                                           StringRef target) {
  GraphReport report;
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  FailureOr<IRKernelGraph> ir = buildKernelGraph(func.getBody().front());
  if (failed(ir))
    return failure();
  MemoryProfile profile = computeMemoryProfile(ir->graph);
  report.peakBytes = profile.peakBytes;
  report.numSteps = ir->graph.nodes.size();
  if (profile.peakStep >= 0)
    report.peakKernels.push_back(getKernelName(ir->ops[profile.peakStep]));
  FailureOr<std::unique_ptr<CostModel>> model =
      createCostModel("roofline", target, module);
  if (failed(model))
    return failure();
  report.costModelName = (*model)->getName().str();
  report.targetName = (*model)->getTarget().name;
  for (Operation *op : ir->ops) {
    if (isa<GroupOp>(op))
      report.groups.push_back(getKernelName(op));
    FailureOr<CostEstimate> est = (*model)->estimate(op);
    if (failed(est))
      return op->emitError("cannot estimate the cost of this kernel");
    report.estimatedSeconds += est->seconds;
  }
  return report;
}

static std::string formatBytes(int64_t bytes) {
  std::string text = std::to_string(bytes) + " B";
  if (bytes >= (1 << 20))
    text += " (" + formatValue(bytes / double(1 << 20)) + " MiB)";
  else if (bytes >= (1 << 10))
    text += " (" + formatValue(bytes / double(1 << 10)) + " KiB)";
  return text;
}

static std::string formatSeconds(double s) {
  if (s < 1e-3)
    return formatValue(s * 1e6) + " us";
  if (s < 1)
    return formatValue(s * 1e3) + " ms";
  return formatValue(s) + " s";
}

/// A kernel's kind: its name less the entry function's prefix and any
/// trailing `_N` suffixes (`main_conv2d_clamp_29` -> `conv2d_clamp`).
static std::string kernelKind(StringRef kernel) {
  StringRef kind = kernel;
  size_t underscore = kind.find('_');
  if (underscore != StringRef::npos)
    kind = kind.drop_front(underscore + 1);
  while (true) {
    size_t last = kind.rfind('_');
    if (last == StringRef::npos || last + 1 == kind.size() ||
        !llvm::all_of(kind.drop_front(last + 1), llvm::isDigit))
      break;
    kind = kind.take_front(last);
  }
  return kind.str();
}

/// Runs the entry max(--benchmark, 1) times with `profile` recording and
/// prints where the time went.
static void printProfile(KernelProfile &profile, CompiledModule &compiled,
                         ArrayRef<HostTensor> inputs,
                         MutableArrayRef<HostTensor> outputs,
                         ArrayRef<bool> groupHasContraction) {
  unsigned runs = std::max(1u, benchmarkRuns.getValue());
  profile.reset();
  double wall = 0;
  for (unsigned i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    cantFail(compiled.run(inputs, outputs));
    wall +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  }
  const std::vector<ProfiledCall> &calls = profile.getCalls();
  bool classified = groupHasContraction.size() == calls.size();
  double kernels = 0, contraction = 0;
  for (auto [i, call] : llvm::enumerate(calls)) {
    kernels += call.seconds;
    if (classified && groupHasContraction[i])
      contraction += call.seconds;
  }
  auto perRun = [&](double s) { return formatSeconds(s / runs); };
  auto share = [&](double s) {
    return llvm::formatv("{0:F1}%", wall > 0 ? 100 * s / wall : 0.0).str();
  };
  llvm::outs() << "profile: " << runs << " run(s), " << calls.size()
               << " kernel calls per run, " << perRun(wall) << " per run\n";
  llvm::outs() << "  kernels:                  " << perRun(kernels) << " ("
               << share(kernels) << ")\n";
  if (classified) {
    llvm::outs() << "    with a conv or matmul:  " << perRun(contraction)
                 << " (" << share(contraction) << ")\n";
    llvm::outs() << "    others:                 "
                 << perRun(kernels - contraction) << " ("
                 << share(kernels - contraction) << ")\n";
  }
  llvm::outs() << "  outside kernels:          " << perRun(wall - kernels)
               << " (" << share(wall - kernels)
               << "; allocation, copies, calls)\n";
  if (classified && wall > kernels - contraction)
    llvm::outs() << "  speedup if the other kernels took no time: "
                 << llvm::formatv("{0:F2}",
                                  wall / (wall - (kernels - contraction)))
                 << "x\n";
  SmallVector<size_t> order(calls.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  llvm::stable_sort(order, [&](size_t a, size_t b) {
    return calls[a].seconds > calls[b].seconds;
  });
  size_t shown = std::min<size_t>(order.size(), 10);
  llvm::outs() << "  slowest kernels:\n";
  for (size_t i : ArrayRef<size_t>(order).take_front(shown))
    llvm::outs() << "    #" << i << " @" << calls[i].kernel << ": "
                 << perRun(calls[i].seconds) << " (" << share(calls[i].seconds)
                 << ")\n";
  // Kernels by kind: the kernel's name without its function prefix and
  // numeric suffixes (@main_transpose_12 and @main_transpose count as
  // "transpose"), so that many small kernels of one kind show up together.
  llvm::StringMap<std::pair<double, unsigned>> kinds;
  SmallVector<std::string> kindOrder;
  for (const ProfiledCall &call : calls) {
    std::string kind = kernelKind(call.kernel);
    auto [it, inserted] = kinds.try_emplace(kind, 0.0, 0u);
    if (inserted)
      kindOrder.push_back(kind);
    it->second.first += call.seconds;
    ++it->second.second;
  }
  llvm::stable_sort(kindOrder, [&](const std::string &a, const std::string &b) {
    return kinds[a].first > kinds[b].first;
  });
  llvm::outs() << "  kernels by kind:\n";
  for (const std::string &kind :
       ArrayRef<std::string>(kindOrder).take_front(shown)) {
    auto [seconds, count] = kinds[kind];
    llvm::outs() << "    " << kind << " x" << count << ": " << perRun(seconds)
                 << " (" << share(seconds) << ")\n";
  }
  if (!classified)
    return;
  SmallVector<size_t> others;
  for (size_t i : order)
    if (!groupHasContraction[i])
      others.push_back(i);
  if (others.empty())
    return;
  llvm::outs() << "  slowest kernels without a conv or matmul:\n";
  for (size_t i : ArrayRef<size_t>(others).take_front(shown))
    llvm::outs() << "    #" << i << " @" << calls[i].kernel << ": "
                 << perRun(calls[i].seconds) << " (" << share(calls[i].seconds)
                 << ")\n";
}

namespace {
/// The arenas a lowered entry allocates for its tier plan.
struct TierArenaReport {
  /// (tier, bytes), in the order of the plan's dictionary.
  SmallVector<std::pair<std::string, int64_t>> sizes;
  /// Calls of the entry to kernels whose results live in an arena.
  unsigned placedKernelCalls = 0;
};
} // namespace

static std::optional<TierArenaReport> getTierArenaReport(ModuleOp module,
                                                         StringRef entry) {
  auto func = module.lookupSymbol<LLVM::LLVMFuncOp>(entry);
  if (!func)
    return std::nullopt;
  auto sizes =
      func->getAttrOfType<DictionaryAttr>(StrataDialect::getArenasAttrName());
  if (!sizes)
    return std::nullopt;
  TierArenaReport report;
  for (NamedAttribute tier : sizes)
    if (auto bytes = dyn_cast<IntegerAttr>(tier.getValue()))
      report.sizes.push_back({tier.getName().str(), bytes.getInt()});
  func.walk([&](LLVM::CallOp call) {
    std::optional<StringRef> callee = call.getCallee();
    auto kernel =
        callee ? module.lookupSymbol<LLVM::LLVMFuncOp>(*callee) : nullptr;
    if (kernel && kernel->hasAttr(StrataDialect::getResultPlacementAttrName()))
      ++report.placedKernelCalls;
  });
  return report;
}

static constexpr const char *kThreadsHelp =
    "Threads that run each kernel's outer tiles (0, the default: one per "
    "hardware thread); results are identical for every count";

/// Takes `--threads=N` (or `--threads N`, one dash too) out of argv. LLVM
/// 22's shared library registers an undocumented `threads` option of its
/// own, so strata-run cannot register one; it parses the flag itself and
/// lends that option its description for --help.
static FailureOr<unsigned> takeThreadsFlag(int &argc, char **argv) {
  if (cl::Option *existing = cl::getRegisteredOptions().lookup("threads")) {
    existing->setDescription(kThreadsHelp);
    existing->addCategory(runCategory);
    existing->setHiddenFlag(cl::NotHidden);
  }
  unsigned threads = 0;
  std::vector<char *> kept = {argv[0]};
  bool literal = false;
  for (int i = 1; i < argc; ++i) {
    StringRef arg = argv[i];
    literal |= arg == "--";
    StringRef name =
        arg.starts_with("--") ? arg.drop_front(2) : arg.drop_front(1);
    if (literal || !arg.starts_with("-") || !name.consume_front("threads") ||
        (!name.empty() && !name.starts_with("="))) {
      kept.push_back(argv[i]);
      continue;
    }
    StringRef value;
    if (name.consume_front("="))
      value = name;
    else if (i + 1 < argc)
      value = argv[++i];
    if (value.empty() || value.getAsInteger(10, threads) || threads > 4096) {
      llvm::errs() << "strata-run: error: --threads takes a thread count "
                      "from 0 to 4096, got '"
                   << value << "'\n";
      return failure();
    }
  }
  llvm::copy(kept, argv);
  argc = kept.size();
  argv[argc] = nullptr;
  return threads;
}

/// Kernel formation (strata-form-kernels) with `strategy`: what
/// `strata-opt -p 'builtin.module(strata-form-kernels{...})'` does.
static LogicalResult formKernels(MLIRContext &context, ModuleOp module,
                                 StringRef strategy) {
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  FormKernelsOptions form;
  form.fusion = fusionSpec;
  form.strategy = strategy.str();
  form.target = targetSpec;
  form.remarks = showRemarks;
  buildFormKernelsPipeline(pm, form);
  return pm.run(module);
}

/// strata-cpu-pipeline: the LLVM dialect module the JIT compiles.
static LogicalResult lowerToLLVM(MLIRContext &context, ModuleOp module) {
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  CPUPipelineOptions cpu;
  cpu.tiling = tilingSpec;
  buildCPUPipeline(pm, cpu);
  return pm.run(module);
}

static double cpuSecondsOf(CompiledModule &compiled,
                           ArrayRef<HostTensor> inputs,
                           MutableArrayRef<HostTensor> outputs) {
  std::clock_t start = std::clock();
  cantFail(compiled.run(inputs, outputs));
  return double(std::clock() - start) / CLOCKS_PER_SEC;
}

static double medianOf(SmallVector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

/// Times `self` and `versus` in `pairs` alternating pairs (self first in
/// even pairs, second in odd ones, so neither always runs on a warmer
/// cache) and prints each one's CPU-time median, the median of the pairs'
/// versus/self ratios, and how many pairs each won.
static void printVersus(CompiledModule &self, CompiledModule &versus,
                        ArrayRef<HostTensor> inputs,
                        MutableArrayRef<HostTensor> outputs, unsigned pairs) {
  for (unsigned i = 0, warmup = std::min(3u, pairs); i < warmup; ++i) {
    cantFail(self.run(inputs, outputs));
    cantFail(versus.run(inputs, outputs));
  }
  SmallVector<double> selfTimes, versusTimes, ratios;
  unsigned versusWins = 0, selfWins = 0;
  for (unsigned i = 0; i < pairs; ++i) {
    double a, b;
    if (i % 2 == 0) {
      a = cpuSecondsOf(self, inputs, outputs);
      b = cpuSecondsOf(versus, inputs, outputs);
    } else {
      b = cpuSecondsOf(versus, inputs, outputs);
      a = cpuSecondsOf(self, inputs, outputs);
    }
    selfTimes.push_back(a);
    versusTimes.push_back(b);
    ratios.push_back(a > 0 ? b / a : 1.0);
    versusWins += b < a;
    selfWins += a < b;
  }
  llvm::outs() << "versus: " << pairs << " pairs, cpu median "
               << formatSeconds(medianOf(selfTimes)) << " (this) vs "
               << formatSeconds(medianOf(versusTimes))
               << " (versus), median ratio versus/this "
               << llvm::format("%.4f", medianOf(ratios))
               << ", versus faster in " << versusWins << ", this faster in "
               << selfWins << "\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // --fusion=measured times candidate kernels through the JIT.
  registerMeasuredCostModelFactory();
  registerPassManagerCLOptions();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions(runCategory);
  FailureOr<unsigned> threads = takeThreadsFlag(argc, argv);
  if (failed(threads))
    return 1;
  cl::ParseCommandLineOptions(
      argc, argv,
      "strata-run: compile an MLIR module with Strata's CPU pipeline and run, "
      "check or time its entry function\n");

  if (maxTensorBytes)
    setMaxTensorBytes(maxTensorBytes);

  DialectRegistry registry;
  registerAllDialectsForStrata(registry);
  registerAllToLLVMIRTranslations(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OnnxImportOptions options;
  for (const std::string &spec : dimBindingSpecs)
    if (llvm::Error err = parseDimBinding(spec, options))
      return fail(llvm::toString(std::move(err)));
  // Inputs are read once, before loading: an ONNX model that uses them as
  // shapes or scales is specialized to them. Unreadable files are reported
  // when inputs are checked against the entry, after import.
  SmallVector<std::optional<HostTensor>> given;
  for (const std::string &path : inputFiles) {
    llvm::Expected<HostTensor> t = readTensorFile(path);
    if (t)
      given.push_back(std::move(*t));
    else
      consumeError(t.takeError()), given.push_back(std::nullopt);
  }
  for (const std::optional<HostTensor> &t : given)
    options.inputValues.push_back(t ? &*t : nullptr);
  llvm::Expected<LoadedModel> loaded =
      loadModelFile(inputFile, &context, sourceMgr, options);
  if (!loaded)
    return fail(llvm::toString(loaded.takeError()));
  // The diagnostics already name the file (and every offending node).
  if (!loaded->module)
    return loaded->isOnnx ? kImportFailed
                          : fail("cannot parse '" + inputFile + "'");
  OwningOpRef<ModuleOp> module = std::move(loaded->module);
  std::optional<double> importSeconds;
  if (loaded->isOnnx)
    importSeconds = loaded->importSeconds;

  // Every tensor the program declares must be allocatable: the compiler
  // and the runtime would otherwise abort in the allocator.
  if (failed(checkStaticTensorSizes(*module)))
    return 1;
  FailureOr<EntrySignature> sig = getEntrySignature(*module, entryName);
  if (failed(sig))
    return 1;

  // Validate every file argument before spending time on compilation.
  size_t numInputs = sig->inputs.size(), numResults = sig->results.size();
  if (!inputFiles.empty() && randomInputs)
    return fail("--input and --random-inputs exclude each other");
  if (!randomInputs && inputFiles.size() != numInputs) {
    if (inputFiles.empty())
      return fail("'" + sig->name + "' takes " + llvm::Twine(numInputs) +
                  " input(s): pass --input=FILE.npy for each, or "
                  "--random-inputs");
    return fail("'" + sig->name + "' takes " + llvm::Twine(numInputs) +
                " input(s) but " + llvm::Twine(inputFiles.size()) +
                " --input file(s) were given");
  }
  if (!outputFiles.empty() && outputFiles.size() != numResults)
    return fail("'" + sig->name + "' returns " + llvm::Twine(numResults) +
                " result(s) but " + llvm::Twine(outputFiles.size()) +
                " --output file(s) were given");
  if (!checkFiles.empty() && checkFiles.size() != numResults)
    return fail("'" + sig->name + "' returns " + llvm::Twine(numResults) +
                " result(s) but " + llvm::Twine(checkFiles.size()) +
                " --check file(s) were given");
  if (rtolOpt < 0 || atolOpt < 0)
    return fail("--rtol and --atol must not be negative");

  SmallVector<HostTensor> inputs;
  for (unsigned i = 0; i < numInputs; ++i) {
    if (randomInputs) {
      inputs.emplace_back(sig->inputDTypes[i], sig->inputs[i].getShape());
      // One stream per argument, so adding an argument keeps the others.
      inputs.back().fillRandom(seed * 1000003u + i);
      continue;
    }
    // Files read for the import are not read again; unreadable ones are
    // read (and reported) here.
    llvm::Expected<HostTensor> t =
        loadInput(*sig, i, inputFiles[i],
                  i < given.size() ? std::move(given[i]) : std::nullopt);
    if (!t)
      return fail(llvm::toString(t.takeError()));
    inputs.push_back(std::move(*t));
  }
  SmallVector<HostTensor> references;
  for (auto [i, path] : llvm::enumerate(checkFiles)) {
    llvm::Expected<HostTensor> t = readTensorFile(path);
    if (!t)
      return fail(llvm::toString(t.takeError()));
    HostTensor want(sig->resultDTypes[i], sig->results[i].getShape());
    if (t->getDType() != want.getDType() || t->getShape() != want.getShape())
      return fail("reference #" + llvm::Twine(i) + " ('" + path + "') is " +
                  t->describe() + " but result #" + llvm::Twine(i) + " of '" +
                  sig->name + "' is " + want.describe());
    references.push_back(std::move(*t));
  }

  bool hasVersus = versusSpec.getNumOccurrences() > 0;
  if (hasVersus && benchmarkRuns == 0)
    return fail("--versus times the two programs: give --benchmark=N");
  // The other program starts from the same imported module.
  OwningOpRef<ModuleOp> versusModule;
  if (hasVersus)
    versusModule = module->clone();

  // Kernel partition, then the report on the kernel graph.
  auto formStart = std::chrono::steady_clock::now();
  if (failed(formKernels(context, *module, strategySpec)))
    return fail("grouping failed");
  double formSeconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - formStart)
                           .count();
  FailureOr<GraphReport> report = analyzeEntry(*module, sig->name, targetSpec);
  if (failed(report))
    return 1;

  // Whether each kernel, in program order, holds a convolution or matmul:
  // the i-th kernel call of the lowered entry is the i-th group.
  SmallVector<bool> groupHasContraction;
  if (profileKernels)
    if (auto entry = module->lookupSymbol<func::FuncOp>(sig->name))
      for (GroupOp group : entry.getBody().getOps<GroupOp>()) {
        bool contraction = false;
        group.getBody().walk([&](Operation *op) {
          OpKind kind = classifyOp(op);
          contraction |= kind == OpKind::Matmul || kind == OpKind::Conv;
        });
        groupHasContraction.push_back(contraction);
      }

  auto compileStart = std::chrono::steady_clock::now();
  if (failed(lowerToLLVM(context, *module)))
    return fail("lowering '" + inputFile + "' with strata-cpu-pipeline failed");
  double lowerSeconds = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - compileStart)
                            .count();
  if (!emitFile.empty()) {
    // What is about to be JIT-compiled, as strata-opt would print it.
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    os << "\n";
    if (llvm::Error err = writeOutputFiles({{emitFile, std::move(text)}}))
      return fail(llvm::toString(std::move(err)));
  }

  // What the lowering allocated for a tier plan: the entry's arenas and
  // the kernels that write into them.
  std::optional<TierArenaReport> arenas;
  if (printReport)
    arenas = getTierArenaReport(*module, sig->name);

  SmallVector<StringRef> libs = {STRATA_C_RUNNER_UTILS};
  for (const std::string &lib : sharedLibs)
    libs.push_back(lib);
  KernelProfile profile;
  if (profileKernels && failed(profile.instrument(*module, sig->name)))
    return 1;
  auto compiled = CompiledModule::create(
      *module, *sig, optLevel, libs,
      profileKernels ? KernelProfile::getHookSymbols()
                     : std::vector<std::pair<std::string, void *>>(),
      perfJitDump);
  if (!compiled)
    return fail("JIT compilation failed: " +
                llvm::toString(compiled.takeError()));
  double compileSeconds = std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - compileStart)
                              .count();

  // The --versus program, compiled before anything runs.
  std::unique_ptr<CompiledModule> versus;
  std::optional<double> versusEstimate;
  if (hasVersus) {
    if (failed(formKernels(context, *versusModule, versusSpec)))
      return fail("grouping the --versus program failed");
    if (printReport) {
      FailureOr<GraphReport> versusReport =
          analyzeEntry(*versusModule, sig->name, targetSpec);
      if (failed(versusReport))
        return 1;
      versusEstimate = versusReport->estimatedSeconds;
    }
    if (failed(lowerToLLVM(context, *versusModule)))
      return fail("lowering the --versus program failed");
    auto created =
        CompiledModule::create(*versusModule, *sig, optLevel, libs, {}, false);
    if (!created)
      return fail("JIT compilation of the --versus program failed: " +
                  llvm::toString(created.takeError()));
    versus = std::move(*created);
  }

  setThreadCount(*threads);
  SmallVector<HostTensor> outputs = (*compiled)->makeOutputs();
  if (llvm::Error err = (*compiled)->run(inputs, outputs))
    return fail("running '" + sig->name +
                "' failed: " + llvm::toString(std::move(err)));

  // Two programs that compute different numbers are no alternatives: the
  // --versus program is checked before anything is printed or written.
  SmallVector<HostTensor> versusOutputs;
  if (versus) {
    versusOutputs = versus->makeOutputs();
    if (llvm::Error err = versus->run(inputs, versusOutputs))
      return fail("running the --versus program failed: " +
                  llvm::toString(std::move(err)));
    for (auto [i, expected] : llvm::enumerate(outputs)) {
      Comparison c =
          compareTensors(versusOutputs[i], expected, rtolOpt, atolOpt);
      if (c.mismatches != 0)
        return fail("the --versus program's result #" + llvm::Twine(i) +
                    " differs from this one's in " + llvm::Twine(c.mismatches) +
                    " element(s) (max abs error " + formatValue(c.maxAbsError) +
                    ", rtol " + formatValue(rtolOpt) + ", atol " +
                    formatValue(atolOpt) + ")");
    }
  }

  llvm::outs() << "entry @" << sig->name << ": " << numInputs << " input(s), "
               << numResults << " result(s)\n";
  for (auto [i, t] : llvm::enumerate(outputs))
    printTensor(llvm::outs(), i, t);

  int status = 0;
  for (auto [i, expected] : llvm::enumerate(references)) {
    const HostTensor &actual = outputs[i];
    Comparison c = compareTensors(actual, expected, rtolOpt, atolOpt);
    llvm::outs() << "check #" << i << ": max abs error "
                 << formatValue(c.maxAbsError) << ", max rel error "
                 << formatValue(c.maxRelError) << " (rtol "
                 << formatValue(rtolOpt) << ", atol " << formatValue(atolOpt)
                 << "): ";
    if (c.mismatches == 0) {
      llvm::outs() << "ok\n";
      continue;
    }
    llvm::outs() << "MISMATCH in " << c.mismatches << " of "
                 << expected.getNumElements() << " elements; first at "
                 << c.firstMismatch << ": got "
                 << formatValue(actual.getAsDouble(c.firstMismatch))
                 << ", expected "
                 << formatValue(expected.getAsDouble(c.firstMismatch)) << "\n";
    status = 2;
  }

  // All results or none (strata/Support/OutputFiles.h).
  SmallVector<OutputFile> files;
  for (auto [i, path] : llvm::enumerate(outputFiles))
    files.push_back({path, outputs[i].toNpy()});
  if (llvm::Error err = writeOutputFiles(files))
    return fail(llvm::toString(std::move(err)));

  SmallVector<double> times;
  double medianSeconds = 0;
  if (benchmarkRuns > 0) {
    for (unsigned i = 0, warmup = std::min(3u, benchmarkRuns.getValue());
         i < warmup; ++i)
      cantFail((*compiled)->run(inputs, outputs));
    // CPU time of the whole process (every thread) next to wall time: the
    // steadier figure on a shared machine.
    SmallVector<double> cpuTimes;
    for (unsigned i = 0; i < benchmarkRuns; ++i) {
      auto start = std::chrono::steady_clock::now();
      std::clock_t cpuStart = std::clock();
      cantFail((*compiled)->run(inputs, outputs));
      cpuTimes.push_back(double(std::clock() - cpuStart) / CLOCKS_PER_SEC);
      times.push_back(std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - start)
                          .count());
    }
    std::sort(times.begin(), times.end());
    std::sort(cpuTimes.begin(), cpuTimes.end());
    auto percentile = [](ArrayRef<double> sorted, double p) {
      size_t rank = static_cast<size_t>(p * (sorted.size() - 1) + 0.5);
      return sorted[rank];
    };
    medianSeconds = percentile(times, 0.5);
    llvm::outs() << "benchmark: " << benchmarkRuns << " runs, median "
                 << formatSeconds(medianSeconds) << ", p90 "
                 << formatSeconds(percentile(times, 0.9)) << ", cpu median "
                 << formatSeconds(percentile(cpuTimes, 0.5)) << "\n";
  }

  if (versus)
    printVersus(**compiled, *versus, inputs, versusOutputs, benchmarkRuns);

  if (profileKernels)
    printProfile(profile, **compiled, inputs, outputs, groupHasContraction);

  if (printReport) {
    llvm::outs() << "report:\n  kernel groups: " << report->groups.size();
    if (!report->groups.empty()) {
      llvm::outs() << " (";
      llvm::interleaveComma(report->groups, llvm::outs());
      llvm::outs() << ")";
    }
    llvm::outs() << "\n  peak memory:   " << formatBytes(report->peakBytes)
                 << " of activations";
    if (!report->peakKernels.empty())
      llvm::outs() << ", reached at kernel '" << report->peakKernels.front()
                   << "'";
    llvm::outs() << "\n  estimated:     "
                 << formatSeconds(report->estimatedSeconds) << " ("
                 << report->costModelName << " on " << report->targetName
                 << ")\n";
    if (versusEstimate)
      llvm::outs() << "  versus:        " << formatSeconds(*versusEstimate)
                   << " estimated for the --versus program\n";
    if (importSeconds)
      llvm::outs() << "  import time:   " << formatSeconds(*importSeconds)
                   << "\n";
    if (arenas) {
      llvm::outs() << "  tier arenas:   ";
      llvm::interleaveComma(arenas->sizes, llvm::outs(), [](const auto &tier) {
        llvm::outs() << tier.first << " " << tier.second << " B";
      });
      llvm::outs() << "; " << arenas->placedKernelCalls
                   << " kernel call(s) write into them\n";
    }
    // Compilation: kernel formation, the CPU pipeline, then LLVM (the JIT
    // compiles everything before the first run).
    llvm::outs() << "  compile time:  "
                 << formatSeconds(formSeconds + compileSeconds)
                 << " (kernel formation " << formatSeconds(formSeconds)
                 << ", lowering " << formatSeconds(lowerSeconds) << ", LLVM "
                 << formatSeconds(compileSeconds - lowerSeconds) << ")\n";
    if (!times.empty())
      llvm::outs() << "  latency:       median " << formatSeconds(medianSeconds)
                   << " over " << times.size() << " runs\n";
  }
  return status;
}
