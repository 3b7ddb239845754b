//===- Passes.h - CPU code generation passes --------------------*- C++ -*-===//
//
// Passes that turn a kernel's structured ops into tiled, vectorized,
// register-blocked code: choose a lowering plan, honour it on tensors, and
// lower the vector ops after bufferization. The CPU pipeline
// (strata/Pipelines/Pipelines.h) runs them.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_CODEGEN_PASSES_H
#define STRATA_PASSES_CODEGEN_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

#include "dialects/Strata/IR/StrataAttrs.h"

#include <functional>

namespace mlir::strata {
#define GEN_PASS_DECL
#include "passes/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Codegen/Passes.h.inc"

/// The host's vector register width in bits: 512 with AVX-512F, 256 with
/// AVX2, 128 otherwise.
unsigned getHostVectorBits();
/// The host's number of vector registers: 32 with AVX-512F, 16 otherwise.
unsigned getHostVectorRegisters();

/// The candidate lowering plans of a plannable op (matmul, convolution,
/// pooling on static f32 tensors) for a vector unit of `bits` and
/// `registers`, without duplicates, best first by the cycle model
/// (strata-choose-lowering's `analytic` choice is the first).
SmallVector<LoweringAttr>
enumerateLoweringPlans(linalg::LinalgOp op, unsigned bits, unsigned registers);

/// Times a kernel function (its ops carrying the plans to try) compiled
/// alone; strata-choose-lowering{cost-model=measured} asks it. Set once
/// by tools that can JIT (strata-opt, strata-run, strata-compile:
/// registerMeasuredCostModelFactory in lib/Measure).
using KernelTimer = std::function<FailureOr<double>(func::FuncOp kernel)>;
void setLoweringPlanTimer(KernelTimer timer);

/// The vector unit plans are made for.
struct CPUVectorUnit {
  unsigned bits;      ///< Vector register width.
  unsigned registers; ///< Vector registers.
};

/// The vector unit of `cpu`, an LLVM x86-64 CPU name (haswell,
/// skylake-avx512, znver4, ...; empty or "host": this machine), from the
/// features LLVM knows it has. Fails with a message naming the CPU when
/// LLVM does not know it.
FailureOr<CPUVectorUnit> getCPUVectorUnit(StringRef cpu, std::string &error);
} // namespace mlir::strata

#endif // STRATA_PASSES_CODEGEN_PASSES_H
