//===- Runner.cpp - Compile and execute an entry function on the CPU ------===//

#include "strata/Runtime/Runner.h"
#include "strata/Support/Limits.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
#include <cstring>
#include <deque>
#include <malloc.h>
#include <mutex>
#include <thread>

using namespace mlir;
using namespace mlir::strata;

FailureOr<EntrySignature> mlir::strata::getEntrySignature(ModuleOp module,
                                                          StringRef name) {
  func::FuncOp entry;
  SmallVector<func::FuncOp> candidates;
  for (func::FuncOp func : module.getOps<func::FuncOp>())
    if (!func.isDeclaration() && func.isPublic() &&
        !func->hasAttr(StrataDialect::getKernelAttrName()))
      candidates.push_back(func);
  if (!name.empty()) {
    entry = module.lookupSymbol<func::FuncOp>(name);
    if (!entry || entry.isDeclaration()) {
      InFlightDiagnostic diag = module.emitError()
                                << "no function named '" << name << "'";
      if (!candidates.empty()) {
        diag << "; candidates:";
        for (func::FuncOp f : candidates)
          diag << " '" << f.getSymName() << "'";
      }
      return failure();
    }
  } else if (candidates.size() == 1) {
    entry = candidates.front();
  } else {
    entry = module.lookupSymbol<func::FuncOp>("main");
    if (!entry || entry.isDeclaration()) {
      InFlightDiagnostic diag = module.emitError();
      if (candidates.empty()) {
        diag << "no public function to run";
      } else {
        diag << "several public functions; choose one with --entry:";
        for (func::FuncOp f : candidates)
          diag << " '" << f.getSymName() << "'";
      }
      return failure();
    }
  }

  EntrySignature sig;
  sig.name = entry.getSymName().str();
  auto check = [&](Type type, StringRef what, unsigned index,
                   SmallVectorImpl<RankedTensorType> &types,
                   SmallVectorImpl<DType> &dtypes) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor)
      return entry.emitError()
             << what << " #" << index << " of '" << sig.name << "' has type "
             << type << "; strata-run passes and returns ranked tensors only";
    if (!tensor.hasStaticShape())
      return entry.emitError() << what << " #" << index << " of '" << sig.name
                               << "' has the dynamic type " << type
                               << "; strata-run needs static shapes";
    FailureOr<DType> dtype = getDTypeFor(tensor.getElementType());
    if (failed(dtype))
      return entry.emitError()
             << what << " #" << index << " of '" << sig.name
             << "' has the unsupported element type " << tensor.getElementType()
             << "; supported: f16, f32, f64, i1, i8, i16, i32, i64, ui8";
    types.push_back(tensor);
    dtypes.push_back(*dtype);
    return success();
  };
  for (auto [i, type] : llvm::enumerate(entry.getArgumentTypes()))
    if (failed(check(type, "argument", i, sig.inputs, sig.inputDTypes)))
      return failure();
  for (auto [i, type] : llvm::enumerate(entry.getResultTypes()))
    if (failed(check(type, "result", i, sig.results, sig.resultDTypes)))
      return failure();
  return sig;
}

LogicalResult mlir::strata::checkStaticTensorSizes(Operation *root) {
  auto check = [](Type type, Location loc, StringRef what) -> LogicalResult {
    std::string why = checkTensorSize(dyn_cast<ShapedType>(type));
    if (why.empty())
      return success();
    return emitError(loc) << what << " of type " << type << ": " << why;
  };
  WalkResult result = root->walk([&](Operation *op) {
    for (Value v : op->getResults())
      if (failed(check(v.getType(), op->getLoc(), "result")))
        return WalkResult::interrupt();
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (failed(check(arg.getType(), arg.getLoc(), "block argument")))
            return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

namespace {
/// What the index-check hook saw in the current run: the first invalid index
/// and how many were read.
struct IndexErrorRecord {
  std::mutex mutex;
  uint64_t count = 0;
  int64_t site = 0, index = 0, bound = 0;
};
} // namespace

static IndexErrorRecord &getIndexErrorRecord() {
  static IndexErrorRecord record;
  return record;
}

static std::mutex indexErrorRunMutex;

/// Called by code that strata-lower-index-checks made, once per invalid
/// index (from any thread).
static void strataIndexErrorHook(int64_t site, int64_t index, int64_t bound) {
  IndexErrorRecord &record = getIndexErrorRecord();
  std::lock_guard<std::mutex> guard(record.mutex);
  if (record.count++ == 0) {
    record.site = site;
    record.index = index;
    record.bound = bound;
  }
}

// LLVM's OpenMP runtime, linked into this library (see CMakeLists.txt).
extern "C" {
void omp_set_num_threads(int);
int omp_get_max_threads(void);
}

/// Idle OpenMP workers spin 1 ms (not libomp's default 200 ms) before they
/// sleep: long enough to stay awake between the kernels of one run, short
/// enough not to burn a core after it (which also made process CPU time
/// count a spinning thread). libomp reads KMP_BLOCKTIME when it starts, so
/// this is set when the library is loaded; a user's KMP_BLOCKTIME wins.
static const bool kBlocktimeSet = [] {
  return ::setenv("KMP_BLOCKTIME", "1", /*overwrite=*/0) == 0;
}();

/// Compiled programs allocate every kernel result and padded input with
/// malloc on each call. glibc serves blocks above 128 KiB with a fresh
/// mmap and returns them with munmap, so every call paid a page fault and
/// a zeroed page per 4 KiB it touched: a 112x112x32 depthwise convolution
/// spent most of its 1.7 ms in the kernel's page-fault handler. Blocks up
/// to 32 MiB (glibc's largest threshold) now come from the heap, and freed
/// memory is kept (no trimming), so the next call reuses pages already
/// mapped, as an arena would. Set when the library is loaded.
static const bool kMallocTuned = [] {
  bool ok = ::mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1;
  ok &= ::mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024) == 1;
  return ok;
}();

void mlir::strata::setThreadCount(unsigned threads) {
  (void)kBlocktimeSet;
  (void)kMallocTuned;
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  omp_set_num_threads(static_cast<int>(threads));
}

unsigned mlir::strata::getThreadCount() {
  return static_cast<unsigned>(omp_get_max_threads());
}

void CompiledModule::ConstantBuffer::Free::operator()(uint8_t *data) const {
  std::free(data);
}

/// Turns every constant `llvm.mlir.global` of `module` holding at least
/// kLargeConstantBytes of dense integer or float data into an external
/// declaration and returns its bytes, to be bound to the symbol when the
/// JIT links. LLVM emits a global's initializer element by element (the
/// weights of resnet50, 25M floats in nested arrays, took over a second of
/// code generation), and the JIT then copies the emitted section again;
/// bound this way, the data is copied once. The module is changed in place:
/// it is consumed by the compilation.
static std::vector<CompiledModule::ConstantBuffer>
takeConstants(ModuleOp module) {
  std::vector<CompiledModule::ConstantBuffer> buffers;
  for (auto global : module.getOps<LLVM::GlobalOp>()) {
    if (!global.getConstant() || !global.getInitializerRegion().empty())
      continue;
    auto value = dyn_cast_or_null<DenseElementsAttr>(global.getValueOrNull());
    if (!value)
      continue;
    Type element = value.getElementType();
    if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
      continue;
    int64_t elementBytes = element.getIntOrFloatBitWidth() / 8;
    int64_t bytes = value.getNumElements() * elementBytes;
    if (bytes < kLargeConstantBytes)
      continue;
    uint64_t alignment =
        std::max<uint64_t>(global.getAlignment().value_or(1), 64);
    size_t allocated = llvm::alignTo(bytes, alignment);
    CompiledModule::ConstantBuffer buffer;
    buffer.name = global.getSymName().str();
    buffer.data.reset(
        static_cast<uint8_t *>(std::aligned_alloc(alignment, allocated)));
    if (!buffer.data)
      continue; // Out of memory here: the JIT keeps the initializer.
    ArrayRef<char> raw = value.getRawData();
    if (value.isSplat()) {
      for (int64_t offset = 0; offset < bytes; offset += elementBytes)
        std::memcpy(buffer.data.get() + offset, raw.data(), elementBytes);
    } else {
      std::memcpy(buffer.data.get(), raw.data(), bytes);
    }
    global.removeValueAttr();
    global.setLinkage(LLVM::Linkage::External);
    // The data may be anywhere in the address space: addressed through
    // the GOT, not PC-relative.
    global.setDsoLocal(false);
    global.setUnnamedAddr(std::nullopt);
    buffers.push_back(std::move(buffer));
  }
  return buffers;
}

CompiledModule::CompiledModule(
    std::unique_ptr<ExecutionEngine> engine,
    std::vector<std::unique_ptr<ExecutionEngine>> kernelEngines,
    EntrySignature signature, std::vector<std::string> indexCheckSites,
    std::vector<ConstantBuffer> constants)
    : constants(std::move(constants)), kernelEngines(std::move(kernelEngines)),
      engine(std::move(engine)), signature(std::move(signature)),
      indexCheckSites(std::move(indexCheckSites)) {}

CompiledModule::~CompiledModule() = default;

namespace {
/// The modules one program is compiled as: its kernels split between
/// `kernelParts`, everything else in `main` (kernels declared).
struct ModuleParts {
  OwningOpRef<ModuleOp> main;
  SmallVector<OwningOpRef<ModuleOp>> kernelParts;
  /// The kernels each part defines, in module order.
  SmallVector<SmallVector<std::string>> kernelNames;
};
} // namespace

/// Kernel modules compiled at once (each by its own engine, on its own
/// thread), next to the entry's. Fixed, so the split (and the machine code)
/// does not depend on the machine.
static constexpr unsigned kKernelParts = 2;

/// Kernels smaller than this in all (LLVM dialect ops) are compiled with
/// the entry: the light models' are 20,000-27,000 ops, the libonnx-testdata
/// single-layer models' a few hundred, which compile in milliseconds. Split,
/// those tiny programs also ran slower for a while after compiling: on two
/// OpenMP threads a 7 us Conv2d took 227 us per run in about half of the
/// processes, for the first tens of milliseconds (cause not found; never
/// without the split).
static constexpr int64_t kMinSplitOps = 5000;

/// Splits `module` for parallel compilation, or returns nothing when it
/// cannot be split or is too small to gain (kMinSplitOps): fewer than two
/// kernels, a kernel calling a function
/// defined in the module, or a mutable global (each part would get its own
/// copy). Kernels are dealt to the part with fewer ops so far, largest first.
static std::optional<ModuleParts> splitByKernels(ModuleOp module) {
  SmallVector<LLVM::LLVMFuncOp> kernels;
  for (auto func : module.getOps<LLVM::LLVMFuncOp>())
    if (!func.isExternal() && func->hasAttr(StrataDialect::getKernelAttrName()))
      kernels.push_back(func);
  if (kernels.size() < 2)
    return std::nullopt;
  for (auto global : module.getOps<LLVM::GlobalOp>())
    if (!global.getConstant())
      return std::nullopt;
  // A kernel may call declarations only (whatever it calls is defined by
  // no part but the one it is in: not split when kernels call functions).
  for (LLVM::LLVMFuncOp kernel : kernels) {
    WalkResult walk = kernel.walk([&](Operation *op) {
      auto call = dyn_cast<LLVM::CallOp>(op);
      if (!call || !call.getCallee())
        return WalkResult::advance();
      auto callee = module.lookupSymbol<LLVM::LLVMFuncOp>(*call.getCallee());
      if (callee && !callee.isExternal())
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return std::nullopt;
  }

  SmallVector<std::pair<int64_t, LLVM::LLVMFuncOp>> sizes;
  int64_t total = 0;
  for (LLVM::LLVMFuncOp kernel : kernels) {
    int64_t ops = 0;
    kernel.walk([&](Operation *) { ++ops; });
    sizes.emplace_back(ops, kernel);
    total += ops;
  }
  if (total < kMinSplitOps)
    return std::nullopt;
  llvm::stable_sort(sizes, [](auto a, auto b) { return a.first > b.first; });
  DenseMap<Operation *, unsigned> partOf;
  SmallVector<int64_t> load(kKernelParts, 0);
  for (auto [ops, kernel] : sizes) {
    unsigned lightest =
        std::min_element(load.begin(), load.end()) - load.begin();
    partOf[kernel] = lightest;
    load[lightest] += ops;
  }

  // `part` < kKernelParts: that kernel part; kKernelParts: the main part.
  auto build = [&](unsigned part) {
    OpBuilder builder(module.getContext());
    OwningOpRef<ModuleOp> result = ModuleOp::create(module.getLoc());
    (*result)->setAttrs(module->getAttrDictionary());
    builder.setInsertionPointToEnd(result->getBody());
    for (Operation &op : module.getBody()->getOperations()) {
      auto func = dyn_cast<LLVM::LLVMFuncOp>(op);
      bool defineHere = true;
      if (func && !func.isExternal()) {
        auto it = partOf.find(func);
        defineHere =
            it != partOf.end() ? it->second == part : part == kKernelParts;
      }
      if (defineHere) {
        builder.clone(op);
        continue;
      }
      // Declared only: defined by another part.
      auto declared =
          cast<LLVM::LLVMFuncOp>(builder.insert(op.cloneWithoutRegions()));
      declared.setLinkage(LLVM::Linkage::External);
      declared->removeAttr(SymbolTable::getVisibilityAttrName());
    }
    return result;
  };
  ModuleParts parts;
  parts.main = build(kKernelParts);
  parts.kernelNames.resize(kKernelParts);
  for (unsigned part = 0; part < kKernelParts; ++part)
    parts.kernelParts.push_back(build(part));
  for (LLVM::LLVMFuncOp kernel : kernels)
    parts.kernelNames[partOf[kernel]].push_back(kernel.getSymName().str());
  return parts;
}

llvm::Expected<std::unique_ptr<CompiledModule>>
CompiledModule::create(ModuleOp llvmModule, EntrySignature signature,
                       unsigned optLevel, ArrayRef<StringRef> sharedLibs,
                       ArrayRef<std::pair<std::string, void *>> symbols,
                       bool perfJitDump) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  ExecutionEngineOptions options;
  // `transformer` is a function_ref: the function it refers to must outlive
  // ExecutionEngine::create (a temporary here was a stack-use-after-scope
  // that ASan found).
  std::function<llvm::Error(llvm::Module *)> transformer =
      makeOptimizingTransformer(optLevel, /*sizeLevel=*/0,
                                /*targetMachine=*/nullptr);
  options.transformer = transformer;
  options.jitCodeGenOptLevel = static_cast<llvm::CodeGenOptLevel>(optLevel);
  options.sharedLibPaths = sharedLibs;
  // MLIR enables the perf listener by default; it leaves a jitdump file
  // behind for every process.
  options.enablePerfNotificationListener = perfJitDump;
  std::vector<ConstantBuffer> constants = takeConstants(llvmModule);

  // Symbols every engine resolves: the constants, the caller's symbols,
  // the index-error hook, and (for the entry's engine) the kernels.
  std::vector<std::pair<std::string, void *>> defined;
  for (const ConstantBuffer &constant : constants)
    defined.emplace_back(constant.name, constant.data.get());
  for (const auto &[name, address] : symbols)
    defined.emplace_back(name, address);
  defined.emplace_back("strata_index_error",
                       reinterpret_cast<void *>(&strataIndexErrorHook));
  auto define = [&](ExecutionEngine &engine) {
    engine.registerSymbols([&](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap map;
      for (const auto &[name, address] : defined)
        map[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                               llvm::JITSymbolFlags::Exported};
      return map;
    });
  };

  std::vector<std::string> sites;
  if (auto names = llvmModule->getAttrOfType<ArrayAttr>(
          StrataDialect::getIndexCheckSitesAttrName()))
    for (Attribute name : names)
      if (auto text = dyn_cast<StringAttr>(name))
        sites.push_back(text.str());

  // LLVM compiles one module on one thread, and its optimization and code
  // generation were most of a model's compile time: the kernels are split
  // into kKernelParts modules, each optimized and compiled by its own
  // engine on its own thread while the entry's module is optimized on this
  // one; the entry's engine then links against the kernels' addresses.
  std::vector<std::unique_ptr<ExecutionEngine>> kernelEngines;
  std::unique_ptr<ExecutionEngine> engine;
  if (std::optional<ModuleParts> parts = splitByKernels(llvmModule)) {
    std::vector<llvm::Expected<std::unique_ptr<ExecutionEngine>>> results;
    std::vector<std::vector<std::pair<std::string, void *>>> addresses(
        kKernelParts);
    for (unsigned part = 0; part < kKernelParts; ++part)
      results.emplace_back(std::unique_ptr<ExecutionEngine>());
    std::vector<std::thread> threads;
    for (unsigned part = 0; part < kKernelParts; ++part)
      threads.emplace_back([&, part] {
        auto created =
            ExecutionEngine::create(*parts->kernelParts[part], options);
        if (created) {
          define(**created);
          for (const std::string &name : parts->kernelNames[part]) {
            llvm::Expected<void *> address = (*created)->lookup(name);
            if (!address) {
              created = address.takeError();
              break;
            }
            addresses[part].emplace_back(name, *address);
          }
        }
        results[part] = std::move(created);
      });
    auto mainEngine = ExecutionEngine::create(*parts->main, options);
    for (std::thread &thread : threads)
      thread.join();
    llvm::Error errors = llvm::Error::success();
    for (auto &result : results) {
      if (!result)
        errors = llvm::joinErrors(std::move(errors), result.takeError());
      else
        kernelEngines.push_back(std::move(*result));
    }
    if (!mainEngine)
      errors = llvm::joinErrors(std::move(errors), mainEngine.takeError());
    if (errors)
      return std::move(errors);
    for (auto &partAddresses : addresses)
      defined.insert(defined.end(), partAddresses.begin(), partAddresses.end());
    engine = std::move(*mainEngine);
  } else {
    auto created = ExecutionEngine::create(llvmModule, options);
    if (!created)
      return created.takeError();
    engine = std::move(*created);
  }
  define(*engine);
  // The JIT compiles lazily, on the first lookup: compile now, so that
  // creation is compilation and the first run is a run.
  if (auto entry = engine->lookupPacked(signature.name); !entry)
    return entry.takeError();
  return std::unique_ptr<CompiledModule>(new CompiledModule(
      std::move(engine), std::move(kernelEngines), std::move(signature),
      std::move(sites), std::move(constants)));
}

SmallVector<HostTensor> CompiledModule::makeOutputs() const {
  SmallVector<HostTensor> outputs;
  for (auto [type, dtype] :
       llvm::zip_equal(signature.results, signature.resultDTypes))
    outputs.emplace_back(dtype, type.getShape());
  return outputs;
}

namespace {
/// The fields of one expanded memref descriptor, as the LLVM lowering of a
/// function argument of type memref<...> takes them.
struct Descriptor {
  void *allocated;
  void *aligned;
  int64_t offset = 0;
  SmallVector<int64_t> sizes;
  SmallVector<int64_t> strides;

  explicit Descriptor(uint8_t *data, ArrayRef<int64_t> shape)
      : allocated(data), aligned(data), sizes(shape.begin(), shape.end()),
        strides(shape.size(), 1) {
    for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * shape[i + 1];
  }

  void appendArgs(SmallVectorImpl<void *> &args) {
    args.push_back(&allocated);
    args.push_back(&aligned);
    args.push_back(&offset);
    for (int64_t &size : sizes)
      args.push_back(&size);
    for (int64_t &stride : strides)
      args.push_back(&stride);
  }
};
} // namespace

llvm::Error CompiledModule::run(ArrayRef<HostTensor> inputs,
                                MutableArrayRef<HostTensor> outputs) {
  if (inputs.size() != signature.inputs.size() ||
      outputs.size() != signature.results.size())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "wrong number of inputs or outputs");
  // Descriptors must stay at fixed addresses while `args` points at them.
  std::deque<Descriptor> descriptors;
  SmallVector<void *> args;
  for (const HostTensor &input : inputs)
    descriptors.emplace_back(const_cast<uint8_t *>(input.getData()),
                             input.getShape());
  for (HostTensor &output : outputs)
    descriptors.emplace_back(output.getData(), output.getShape());
  for (Descriptor &d : descriptors)
    d.appendArgs(args);
  if (indexCheckSites.empty())
    return engine->invokePacked(signature.name, args);

  // The report hook records into one process-wide slot: runs of programs
  // with index checks take turns.
  std::lock_guard<std::mutex> lock(indexErrorRunMutex);
  IndexErrorRecord &record = getIndexErrorRecord();
  {
    std::lock_guard<std::mutex> guard(record.mutex);
    record.count = 0;
  }
  if (llvm::Error err = engine->invokePacked(signature.name, args))
    return err;
  std::lock_guard<std::mutex> guard(record.mutex);
  if (record.count == 0)
    return llvm::Error::success();
  std::string site =
      record.site >= 0 && record.site < (int64_t)indexCheckSites.size()
          ? indexCheckSites[record.site]
          : "index check #" + std::to_string(record.site);
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      site + ": index " + std::to_string(record.index) +
          " is out of range for a dimension of size " +
          std::to_string(record.bound) +
          " (valid: " + std::to_string(-record.bound) + " to " +
          std::to_string(record.bound - 1) + "; reported " +
          std::to_string(record.count) + " time(s) in this run)");
}
