//===- Pipelines.cpp - Strata's registered pipelines ---------------------===//
//
// strata-form-kernels forms kernels (as strata-run does). The two lowering
// pipelines share one front half: TOSA to linalg on tensors, groups
// outlined to kernel functions, then bufferization, once, for the whole
// module (function boundaries included), with results turned into
// caller-allocated out-parameters. The back halves differ: loops and the
// LLVM dialect for the CPU; parallel loops mapped to GPU blocks and threads,
// NVVM and PTX for CUDA.
//
//===----------------------------------------------------------------------===//

#include "strata/Pipelines/Pipelines.h"

#include "passes/Analysis/Passes.h"
#include "passes/Codegen/Passes.h"
#include "passes/Conversion/Passes.h"
#include "passes/Fusion/Passes.h"
#include "passes/Rewrite/Passes.h"
#include "passes/RewriteStrategies/Passes.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSwitch.h"

#include <limits>

using namespace mlir;
using namespace mlir::strata;

namespace {
/// Stands in for a pipeline whose options are invalid: fails with `message`
/// instead of letting a backend abort later.
struct InvalidOptionsPass final
    : PassWrapper<InvalidOptionsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(InvalidOptionsPass)
  explicit InvalidOptionsPass(std::string message)
      : message(std::move(message)) {}
  StringRef getArgument() const override { return "strata-invalid-options"; }
  void runOnOperation() override {
    getOperation().emitError(message);
    signalPassFailure();
  }
  std::string message;
};
} // namespace

namespace {
/// A tier plan can only be lowered for kernels that are strata.groups (the
/// arena lowering finds their outputs through the outlined kernels): fails
/// on a placed kernel outside a group instead of dropping its placement.
struct CheckPlacedKernelsGroupedPass final
    : PassWrapper<CheckPlacedKernelsGroupedPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CheckPlacedKernelsGroupedPass)
  StringRef getArgument() const override {
    return "strata-check-placed-kernels-grouped";
  }
  void runOnOperation() override {
    for (Operation &op : getOperation().getBody().getOps())
      if (!isa<GroupOp>(op) &&
          op.hasAttr(StrataDialect::getPlacementAttrName())) {
        op.emitError() << "a tier plan is lowered for strata.group kernels "
                          "only; group this op (strata-group-ops, or the "
                          "pipeline's group-ops=true) before lowering";
        return signalPassFailure();
      }
  }
};

/// Kernels stay functions in the machine code: LLVM inlined every kernel
/// called once into the entry, whose single basic block then held each
/// kernel's OpenMP prologue (densenet121: 22,000 instructions), and the
/// backend's schedulers are quadratic in a block's length. A call per
/// kernel costs nothing next to its work.
struct KeepKernelsOutlinedPass final
    : PassWrapper<KeepKernelsOutlinedPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(KeepKernelsOutlinedPass)
  StringRef getArgument() const override {
    return "strata-keep-kernels-outlined";
  }
  void runOnOperation() override {
    for (auto func : getOperation().getOps<LLVM::LLVMFuncOp>())
      if (func->hasAttr(StrataDialect::getKernelAttrName()))
        func.setNoInline(true);
  }
};
} // namespace

/// TOSA → linalg on tensors, groups → kernel functions, one bufferization.
/// With `untilPlans`, stops after the lowering plans, taking the candidate
/// of that rank (-1: the tiling cost model's pick).
static void
buildTensorToBufferPipeline(OpPassManager &pm, bool groupOps, bool fuse,
                            StringRef costModel, bool reportIndexErrors,
                            const CPUPipelineOptions *cpu,
                            std::optional<int> untilPlans = std::nullopt) {
  // One cost model for every pass that follows (empty options defer to it).
  if (!costModel.empty()) {
    StrataSetCostModelOptions set;
    set.costModel = costModel.str();
    pm.addPass(createStrataSetCostModel(set));
  }
  // Composite graph ops (strata.lrn) left by a graph that skipped
  // strata-form-kernels.
  pm.addNestedPass<func::FuncOp>(createStrataExpandComposites());
  if (fuse)
    pm.addNestedPass<func::FuncOp>(createStrataFuse());
  if (groupOps || fuse)
    pm.addNestedPass<func::FuncOp>(createStrataGroupOps());
  pm.addNestedPass<func::FuncOp>(
      std::make_unique<CheckPlacedKernelsGroupedPass>());
  // No tosa-validate: its level limits (MAX_RANK 6 also applied to the
  // length of !tosa.shape operands, so every rank-4 tosa.pad fails; kernel
  // and stride caps) describe TOSA hardware profiles, not what the linalg
  // lowering can do. The importer's ops are checked by their verifiers.
  // Vectorized convolutions want filters as HWCF (output channels
  // contiguous, the vector dimension).
  TosaToLinalgNamedOptions named;
  named.preferConv2DKernelLayoutHWCF = cpu && cpu->vectorize;
  tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions(), named,
                              /*validationOptions=*/std::nullopt);
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
  // Constant operands kernels rearrange (filters the vectorized
  // convolutions read as HWCF, fully connected weights as ONNX stores
  // them) are rearranged once, here, instead of on every call; stored in
  // blocks of output channels only for the vectorized CPU code.
  StrataPackConstantsOptions pack;
  if (!cpu || !cpu->vectorize)
    pack.minPackedBytes = std::numeric_limits<int64_t>::max();
  pm.addNestedPass<func::FuncOp>(createStrataPackConstants(pack));
  // Index checks (Gather's indices) become elementwise linalg; on the CPU
  // each invalid index is reported to the runtime.
  StrataLowerIndexChecksOptions checks;
  checks.report = reportIndexErrors;
  pm.addPass(createStrataLowerIndexChecks(checks));
  // Elementwise arith/math on whole tensors, as users write by hand.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addNestedPass<func::FuncOp>(createStrataDecomposeAggregates());
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  // A group is one kernel with a fused body: elementwise producers fuse
  // into their consumers (elementwise ops and reductions), so their
  // intermediates never reach memory. Fusion stops at a group's boundary
  // (its inputs are block arguments) and at producers with several users.
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  pm.addPass(createStrataOutlineGroups());
  // Inside each kernel: producers with several consumers are recomputed
  // rather than stored, and matmul/convolution epilogues are computed tile
  // by tile with the contraction.
  bool codegen = cpu && cpu->vectorize;
  StrataFuseKernelBodiesOptions bodies;
  bodies.tileEpilogues = !codegen;
  pm.addNestedPass<func::FuncOp>(createStrataFuseKernelBodies(bodies));
  // Kernels with one body (repeated blocks, whose weights are arguments)
  // are tiled, vectorized and compiled once.
  pm.addPass(createStrataDedupeKernels());
  if (codegen) {
    // Every contraction gets a lowering plan (a user's is kept), which
    // tiling and vectorization then honour, on tensors.
    StrataChooseLoweringOptions choose;
    choose.cpu = cpu->cpu;
    choose.vectorBits = cpu->vectorBits;
    choose.costModel = cpu->tiling;
    if (untilPlans)
      choose.candidate = *untilPlans;
    pm.addNestedPass<func::FuncOp>(createStrataChooseLowering(choose));
    if (untilPlans)
      return;
    StrataTileKernelsOptions tile;
    tile.cpu = cpu->cpu;
    tile.vectorBits = cpu->vectorBits;
    pm.addNestedPass<func::FuncOp>(createStrataTileKernels(tile));
  }

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Bufferization creates constant globals in an order that varies between
  // runs; fix names and order so the output is byte-identical.
  pm.addPass(createStrataOrderGlobals());
  // A kernel that returns a reshape of its result buffer (a grouped
  // convolution's) allocates the returned shape, so the buffer becomes the
  // caller's below instead of a copy.
  pm.addNestedPass<func::FuncOp>(createStrataReturnAllocs());
  // Tile loops carry their result buffer as an iteration argument; folding
  // it (and the copies of a tile onto itself) lets the result buffer become
  // the caller's out-parameter below instead of a copy.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  // Callers allocate results: the runtime owns output buffers and a kernel's
  // outputs are visible as buffers in its caller.
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // Tile buffers of fused epilogues are allocated once per kernel call,
  // not once per tile.
  pm.addNestedPass<func::FuncOp>(bufferization::createBufferLoopHoistingPass());
  // A tier plan: placed buffers become views of one arena per tier.
  pm.addPass(createStrataMaterializeArenas());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createCanonicalizerPass());
}

void mlir::strata::buildCPUPipelineUntilPlans(OpPassManager &pm,
                                              const CPUPipelineOptions &options,
                                              int candidate) {
  CPUPipelineOptions vectorized;
  vectorized.groupOps = options.groupOps;
  vectorized.fuse = options.fuse;
  vectorized.costModel = options.costModel;
  vectorized.cpu = options.cpu;
  vectorized.vectorBits = options.vectorBits;
  vectorized.tiling = options.tiling;
  vectorized.vectorize = true;
  buildTensorToBufferPipeline(pm, options.groupOps, options.fuse,
                              options.costModel, /*reportIndexErrors=*/true,
                              &vectorized, candidate);
}

void mlir::strata::buildCPUPipeline(OpPassManager &pm,
                                    const CPUPipelineOptions &options) {
  buildTensorToBufferPipeline(pm, options.groupOps, options.fuse,
                              options.costModel, /*reportIndexErrors=*/true,
                              &options);
  bool parallel = options.vectorize && options.parallel;
  if (options.vectorize) {
    // Outer tiles are independent: OpenMP threads share them out, or they
    // run in sequence.
    if (parallel)
      pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
    else
      pm.addNestedPass<func::FuncOp>(createForallToForLoopPass());
    // Transfers read the buffers subviews view, so the accumulator's
    // read/write pair is recognised across the reduction loops.
    pm.addNestedPass<func::FuncOp>(memref::createFoldMemRefAliasOpsPass());
    pm.addPass(createCSEPass());
    pm.addPass(createCanonicalizerPass());
    StrataLowerVectorTilesOptions lowerTiles;
    lowerTiles.parallel = parallel;
    pm.addNestedPass<func::FuncOp>(createStrataLowerVectorTiles(lowerTiles));
  }
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.vectorize) {
    VectorTransferToSCFOptions toSCF;
    toSCF.enableFullUnroll();
    pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(toSCF));
  }
  if (parallel) {
    // scf.parallel -> omp.parallel + omp.wsloop. The memref.alloca_scope
    // it puts around each iteration must be lowered (with the rest of
    // memref) while the loop body is still structured.
    pm.addPass(createConvertSCFToOpenMPPass());
    pm.addPass(createLowerAffinePass());
    pm.addPass(memref::createExpandStridedMetadataPass());
    pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  }
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Math on vectors: f32 exp, log, tanh, erf as polynomials (vectorized),
  // then LLVM intrinsics where there are some, libm calls per element
  // otherwise (scalarized into vector ops, lowered next).
  if (options.vectorize)
    pm.addNestedPass<func::FuncOp>(createStrataApproximateMath());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  if (options.vectorize) {
    pm.addPass(createConvertVectorToLLVMPass());
    pm.addPass(createUBToLLVMConversionPass());
  }
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  if (parallel)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(std::make_unique<KeepKernelsOutlinedPass>());
}

FailureOr<std::string> mlir::strata::getDefaultPTXFeatures(StringRef chip) {
  StringRef digits = chip;
  if (!digits.consume_front("sm_"))
    return failure();
  bool archSpecific = digits.consume_back("a");
  unsigned sm;
  if (digits.getAsInteger(10, sm) || sm < 50)
    return failure();
  // Minimum PTX ISA version of each architecture (PTX ISA notes).
  unsigned ptx = sm >= 120   ? 87
                 : sm >= 100 ? 86
                 : sm >= 90  ? (archSpecific ? 80 : 78)
                 : sm >= 89  ? 78
                 : sm >= 87  ? 74
                 : sm >= 86  ? 71
                 : sm >= 80  ? 70
                 : sm >= 75  ? 63
                 : sm >= 72  ? 61
                             : 60;
  return "+ptx" + std::to_string(ptx);
}

namespace {
/// gpu-module-to-binary records how long LLVM took to make the PTX (and
/// ptxas the cubin) in each object's properties (LLVMIRToISATimeInMs,
/// ISAToBinaryTimeInMs). A wall time in the output makes it differ from run
/// to run; the pipeline drops those properties.
struct DropGPUObjectTimingsPass final
    : PassWrapper<DropGPUObjectTimingsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(DropGPUObjectTimingsPass)
  StringRef getArgument() const override {
    return "strata-drop-gpu-object-timings";
  }
  void runOnOperation() override {
    getOperation().walk([](gpu::BinaryOp binary) {
      SmallVector<Attribute> objects;
      for (Attribute attr : binary.getObjects()) {
        auto object = dyn_cast<gpu::ObjectAttr>(attr);
        DictionaryAttr properties = object ? object.getProperties() : nullptr;
        if (!properties) {
          objects.push_back(attr);
          continue;
        }
        SmallVector<NamedAttribute> kept;
        for (NamedAttribute entry : properties)
          if (!entry.getName().getValue().ends_with("TimeInMs"))
            kept.push_back(entry);
        objects.push_back(gpu::ObjectAttr::get(
            attr.getContext(), object.getTarget(), object.getFormat(),
            object.getObject(), DictionaryAttr::get(attr.getContext(), kept),
            object.getKernels()));
      }
      binary.setObjectsAttr(ArrayAttr::get(binary.getContext(), objects));
    });
  }
};
} // namespace

void mlir::strata::buildCUDAPipeline(OpPassManager &pm,
                                     const CUDAPipelineOptions &options) {
  FailureOr<std::string> defaultFeatures = getDefaultPTXFeatures(options.chip);
  if (failed(defaultFeatures)) {
    pm.addPass(std::make_unique<InvalidOptionsPass>(
        "strata-cuda-pipeline: invalid chip '" + options.chip +
        "'; expected sm_NN or sm_NNa with NN >= 50, e.g. sm_90"));
    return;
  }
  StringRef format = options.format;
  if (format != "isa" && format != "bin" && format != "fatbin") {
    pm.addPass(std::make_unique<InvalidOptionsPass>(
        "strata-cuda-pipeline: invalid format '" + options.format +
        "'; expected isa, bin or fatbin"));
    return;
  }
  if (llvm::any_of(options.tileSizes, [](int64_t s) { return s <= 0; })) {
    pm.addPass(std::make_unique<InvalidOptionsPass>(
        "strata-cuda-pipeline: tile sizes must be positive"));
    return;
  }

  // A GPU kernel cannot call the host's report hook: invalid indices are
  // replaced by 0 without a report.
  buildTensorToBufferPipeline(pm, options.groupOps, options.fuse,
                              options.costModel, /*reportIndexErrors=*/false,
                              /*cpu=*/nullptr);
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  SmallVector<int64_t> tiles(options.tileSizes.begin(),
                             options.tileSizes.end());
  // Constant inner bounds (with a guard) let the launch size be static.
  pm.addNestedPass<func::FuncOp>(
      createParallelLoopTilingPass(tiles, /*noMinMaxBounds=*/true));
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());

  gpu::GPUToNVVMPipelineOptions nvvm;
  nvvm.cubinChip = options.chip;
  nvvm.cubinFeatures = options.features.empty() ? *defaultFeatures
                                                : std::string(options.features);
  nvvm.cubinFormat = options.format;
  nvvm.optLevel = options.optLevel;
  gpu::buildLowerToNVVMPassPipeline(pm, nvvm);
  pm.addPass(std::make_unique<DropGPUObjectTimingsPass>());
}

void mlir::strata::buildFormKernelsPipeline(OpPassManager &pm,
                                            const FormKernelsOptions &options) {
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(tosa::createTosaReduceTransposes());
  // The rewrite strategy: by default, transposes left around batch
  // normalizations and residual adds move down until they meet their
  // inverses, and batch normalizations fold into convolutions.
  if (options.strategy != "none") {
    StrataApplyStrategyOptions strategy;
    strategy.strategy = options.strategy;
    pm.addPass(createStrataApplyStrategy(strategy));
  }
  // Identical ops on identical operands compute once (onnxruntime's common
  // subexpression elimination; canonicalize has uniqued equal constants).
  // After the strategy, not before: merging two convolutions that differ
  // only in the batch normalizations after them would leave a convolution
  // with several users, whose normalizations cannot fold.
  pm.addNestedPass<func::FuncOp>(createCSEPass());
  // Composite ops (LRN) were single ops for the strategy's rules; fusion
  // sees the TOSA ops they stand for and forms them into one kernel.
  pm.addNestedPass<func::FuncOp>(createStrataExpandComposites());
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  if (options.fusion != "none") {
    StrataFuseOptions fuse;
    fuse.costModel = options.fusion;
    fuse.target = options.target;
    fuse.remarks = options.remarks;
    pm.addNestedPass<func::FuncOp>(createStrataFuse(fuse));
  }
  pm.addNestedPass<func::FuncOp>(createStrataGroupOps());
}

void mlir::strata::registerStrataPipelines() {
  PassPipelineRegistration<FormKernelsOptions>(
      "strata-form-kernels",
      "Form kernels as strata-run does: cancel layout transposes, fuse under "
      "a cost model (fusion=), group every remaining compute op",
      buildFormKernelsPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "strata-cpu-pipeline",
      "Lower TOSA / linalg-on-tensors with strata.group kernels to the LLVM "
      "dialect for the host CPU",
      buildCPUPipeline);
  PassPipelineRegistration<CUDAPipelineOptions>(
      "strata-cuda-pipeline",
      "Lower TOSA / linalg-on-tensors with strata.group kernels to GPU "
      "kernels, NVVM and PTX (gpu.binary)",
      buildCUDAPipeline);
}
