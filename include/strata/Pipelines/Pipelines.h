//===- Pipelines.h - Strata's lowering pipelines ----------------*- C++ -*-===//
//
// The pipelines that take TOSA / linalg-on-tensors (with or without
// strata.group kernels) to the LLVM dialect (CPU) or to PTX (CUDA). Both
// are registered with their options, so `strata-opt -p
// 'builtin.module(strata-cpu-pipeline{...})'` reproduces what strata-run
// does.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PIPELINES_PIPELINES_H
#define STRATA_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::strata {

/// The options both pipelines share: how kernels are formed before
/// lowering, and the pipeline's cost model.
template <typename Derived>
struct KernelFormationOptions : public PassPipelineOptions<Derived> {
  template <typename T>
  using Option = typename PassPipelineOptions<Derived>::template Option<T>;

  Option<bool> groupOps{
      *this, "group-ops",
      llvm::cl::desc("First wrap every ungrouped compute op in its own "
                     "strata.group (strata-group-ops)"),
      llvm::cl::init(false)};
  Option<bool> fuse{
      *this, "fuse",
      llvm::cl::desc("First partition with strata-fuse (gated by the "
                     "pipeline's cost model), then group what is left"),
      llvm::cl::init(false)};
  Option<std::string> costModel{
      *this, "cost-model",
      llvm::cl::desc("Cost model for every pass of the pipeline (roofline, "
                     "learned, learned:FILE, measured), set as the module's "
                     "strata.cost_model; empty keeps the module's"),
      llvm::cl::init("")};
};

/// Options of `strata-cpu-pipeline`.
struct CPUPipelineOptions : public KernelFormationOptions<CPUPipelineOptions> {
  Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc("Tile and vectorize kernels by their lowering plans "
                     "(strata-choose-lowering, strata-tile-kernels); false "
                     "lowers every structured op to scalar loops"),
      llvm::cl::init(true)};
  Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Run the outer tiles of each kernel on OpenMP threads "
                     "(the runtime sets how many: strata-run --threads); "
                     "false runs them in sequence"),
      llvm::cl::init(true)};
  Option<std::string> cpu{
      *this, "cpu",
      llvm::cl::desc("CPU the plans are made for, an LLVM x86-64 CPU name "
                     "(haswell, skylake-avx512, znver4, ...; empty: the "
                     "host); strata-compile --cpu also generates code for it"),
      llvm::cl::init("")};
  Option<unsigned> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector register width the plans are made for (0: the "
                     "CPU's)"),
      llvm::cl::init(0)};
  Option<std::string> tiling{
      *this, "tiling",
      llvm::cl::desc("What picks each contraction's lowering plan among the "
                     "candidates: analytic (the cycle model), learned, "
                     "learned:FILE (the learned cost model) or measured "
                     "(compile and time the best few; strata-run and "
                     "strata-compile only)"),
      llvm::cl::init("analytic")};
};

/// Options of `strata-cuda-pipeline`.
struct CUDAPipelineOptions
    : public KernelFormationOptions<CUDAPipelineOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("GPU architecture, e.g. sm_90"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX features, e.g. +ptx80; empty picks the lowest PTX "
                     "version that supports the chip"),
      llvm::cl::init("")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("What gpu.binary holds: isa (PTX text), bin (cubin, "
                     "needs ptxas) or fatbin"),
      llvm::cl::init("isa")};
  Option<int> optLevel{*this, "opt-level",
                       llvm::cl::desc("LLVM optimization level for kernels"),
                       llvm::cl::init(3)};
  ListOption<int64_t> tileSizes{
      *this, "tile-sizes",
      llvm::cl::desc("Threads per block along the leading parallel loop "
                     "dimensions (tile loops map to blocks)"),
      llvm::cl::list_init<int64_t>({8, 32})};
};

/// Options of `strata-form-kernels`: how a model becomes kernels before
/// lowering, exactly as strata-run and strata-cost do it.
struct FormKernelsOptions : public PassPipelineOptions<FormKernelsOptions> {
  Option<std::string> fusion{
      *this, "fusion",
      llvm::cl::desc("Kernel partition: none (one kernel per op), or "
                     "strata-fuse gated by the cost model roofline, learned, "
                     "learned:FILE or measured (default roofline: see "
                     "docs/fusion.md)"),
      llvm::cl::init("roofline")};
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Target the cost model prices kernels on (built-in "
                     "name or JSON file; empty: the module's, else "
                     "host-cpu)"),
      llvm::cl::init("")};
  Option<bool> remarks{
      *this, "remarks",
      llvm::cl::desc("Remarks for every merge strata-fuse refuses"),
      llvm::cl::init(false)};
  Option<std::string> strategy{
      *this, "strategy",
      llvm::cl::desc("Rewrite strategy applied before fusion: a transform "
                     "library file, empty for the default strategy "
                     "(share/strata/strategies/default.mlir), or none"),
      llvm::cl::init("")};
};

/// Appends kernel formation to `pm` (anchored on builtin.module):
/// canonicalize (imported models carry layout transposes around every
/// convolution and pool that cancel pairwise), tosa-reduce-transposes,
/// the rewrite strategy (strata-apply-strategy: `strategy`, by default
/// data/strategies/default.mlir), canonicalize, strata-fuse under `fusion`'s
/// cost model (unless `none`), and strata-group-ops for every compute op still
/// ungrouped. This is what strata-run compiles; `strata-opt -p
/// 'builtin.module(strata-form-kernels)'` reproduces it.
void buildFormKernelsPipeline(OpPassManager &pm,
                              const FormKernelsOptions &options);

/// Appends the CPU pipeline to `pm` (anchored on builtin.module).
void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// The first part of strata-cpu-pipeline (vectorized): linalg on tensors,
/// kernels outlined with fused bodies, and a lowering plan on every
/// contraction: the candidate of rank `candidate` (-1: the one the
/// `tiling` cost model picks). What strata-cost collect measures tilings
/// from; running strata-cpu-pipeline on the result keeps the plans.
void buildCPUPipelineUntilPlans(OpPassManager &pm,
                                const CPUPipelineOptions &options,
                                int candidate = -1);

/// Appends the CUDA pipeline to `pm` (anchored on builtin.module).
void buildCUDAPipeline(OpPassManager &pm, const CUDAPipelineOptions &options);

/// The lowest PTX ISA version (as an LLVM feature, e.g. "+ptx78") that
/// supports `chip`, or failure for a chip name not of the form sm_NN[a].
FailureOr<std::string> getDefaultPTXFeatures(StringRef chip);

/// Registers the pipelines (strata-form-kernels, strata-cpu-pipeline,
/// strata-cuda-pipeline) with the global pass registry.
void registerStrataPipelines();

} // namespace mlir::strata

#endif // STRATA_PIPELINES_PIPELINES_H
