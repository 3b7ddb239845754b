//===- Runner.h - Compile and run an entry function on the CPU -*- C++ -*-===//
//
// The CPU execution path of strata-run: check an entry function's
// signature, lower the module with strata-cpu-pipeline, JIT it with MLIR's
// ExecutionEngine and call the entry on host tensors. Entry results are
// caller-allocated out-parameters after lowering (see Pipelines.cpp), so
// the runner owns every buffer it passes.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_RUNNER_H
#define STRATA_RUNTIME_RUNNER_H

#include "strata/Runtime/HostTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace mlir::strata {

/// The LLVM optimization level compiled programs get by default (strata-run,
/// strata-compile, strata-cost's timings). -O2, not -O3: on the light
/// models -O3 ran no faster (within 2%), and its larger full-unrolling
/// threshold unrolled DenseNet's concatenation copies into basic blocks of
/// thousands of 512-bit moves, on which the backend's schedulers are
/// quadratic (densenet121: 21 s in LLVM at -O3, 8.7 s at -O2).
inline constexpr unsigned kDefaultOptLevel = 2;

/// Constants at least this large (weights) leave LLVM's element-by-element
/// constant emission: the JIT binds them to buffers, strata-compile writes
/// them as byte arrays. Smaller ones (tables a kernel may index with
/// constants) stay where LLVM can fold their loads.
inline constexpr int64_t kLargeConstantBytes = 256;

/// A runnable entry: its name and static tensor signature.
struct EntrySignature {
  std::string name;
  SmallVector<RankedTensorType> inputs;
  SmallVector<RankedTensorType> results;
  SmallVector<DType> inputDTypes;
  SmallVector<DType> resultDTypes;
};

/// Finds the entry function `name` (or, if empty, the only public function
/// that is not a kernel, else `main`) and checks that every argument and
/// result is a statically shaped tensor of a supported element type.
/// Emits located errors and fails otherwise.
FailureOr<EntrySignature> getEntrySignature(ModuleOp module, StringRef name);

/// Checks that every statically shaped tensor or memref that `root`
/// declares (op results and block arguments) fits the per-tensor limit of
/// strata/Support/Limits.h; emits an error at the first one that does not.
LogicalResult checkStaticTensorSizes(Operation *root);

/// Sets how many OpenMP threads compiled kernels run their outer tiles on
/// (0: one per hardware thread). Results do not depend on it: each tile is
/// computed by one thread, in the same order of operations.
void setThreadCount(unsigned threads);
/// The number of threads kernels run on.
unsigned getThreadCount();

/// A module lowered to the LLVM dialect and compiled to native code.
class CompiledModule {
public:
  /// JIT-compiles `llvmModule` (already lowered by strata-cpu-pipeline) at
  /// LLVM -O`optLevel`, completely, before returning. Large constant
  /// globals are taken out of `llvmModule` (it is changed: they become
  /// external declarations) and bound to buffers the CompiledModule owns.
  /// Modules with two or more kernel functions (strata.kernel) that call
  /// only declarations are compiled as three modules (the kernels split in
  /// two, the rest) by separate engines on separate threads.
  /// `sharedLibs` are loaded for runtime symbols; `symbols` (name, address) are
  /// defined for the module as well. The JIT writes a perf jitdump file (for
  /// `perf inject --jit`) only when `perfJitDump` is set: it is a file per
  /// process that nobody removes.
  static llvm::Expected<std::unique_ptr<CompiledModule>>
  create(ModuleOp llvmModule, EntrySignature signature, unsigned optLevel,
         ArrayRef<StringRef> sharedLibs,
         ArrayRef<std::pair<std::string, void *>> symbols = {},
         bool perfJitDump = false);
  ~CompiledModule();

  /// Calls the entry on `inputs`, writing into `outputs`, which must already
  /// have the result shapes and dtypes (see makeOutputs). Fails if the
  /// program read an invalid index (strata.check_index): the message names
  /// the op and the first invalid index; the outputs then hold the values
  /// computed with index 0 in its place.
  llvm::Error run(ArrayRef<HostTensor> inputs,
                  MutableArrayRef<HostTensor> outputs);

  /// Zero-filled tensors of the entry's result types.
  SmallVector<HostTensor> makeOutputs() const;

  const EntrySignature &getSignature() const { return signature; }

  /// A large constant of the module (weights), bound to its symbol when
  /// the JIT links instead of being compiled into the machine code.
  struct ConstantBuffer {
    struct Free {
      void operator()(uint8_t *data) const;
    };
    std::string name;
    std::unique_ptr<uint8_t, Free> data;
  };

private:
  CompiledModule(std::unique_ptr<ExecutionEngine> engine,
                 std::vector<std::unique_ptr<ExecutionEngine>> kernelEngines,
                 EntrySignature signature,
                 std::vector<std::string> indexCheckSites,
                 std::vector<ConstantBuffer> constants);
  /// Declared before the engines: their code refers to the constants until
  /// the engines are destroyed, and the entry's code to the kernels'.
  std::vector<ConstantBuffer> constants;
  /// Engines of the kernel modules (the kernels are compiled in parallel);
  /// empty when `engine` holds the whole program.
  std::vector<std::unique_ptr<ExecutionEngine>> kernelEngines;
  std::unique_ptr<ExecutionEngine> engine;
  EntrySignature signature;
  /// strata.index_check_sites of the module: the ops whose index checks may
  /// report.
  std::vector<std::string> indexCheckSites;
};

} // namespace mlir::strata

#endif // STRATA_RUNTIME_RUNNER_H
