//===- Passes.td - Conversion passes -----------------------*- tablegen -*-===//

#ifndef STRATA_PASSES_CONVERSION_PASSES_TD
#define STRATA_PASSES_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def StrataOutlineGroups : Pass<"strata-outline-groups", "ModuleOp"> {
  let summary = "Outline every strata.group into a kernel function";
  let description = [{
    Each `strata.group` becomes a private `func.func` marked `strata.kernel`,
    named `<caller>_<group name>` (`<caller>_group` for unnamed groups,
    uniqued with a numeric suffix), placed after its caller; the group is
    replaced by a `func.call`. Runs on tensors, before bufferization, so that
    bufferization sees kernels as ordinary function boundaries.

    Before:
    ```mlir
    func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
      %0 = strata.group(%x = %a) : (tensor<4xf32>) -> tensor<4xf32>
          attributes {name = "exp"} {
        %1 = tosa.exp %x : (tensor<4xf32>) -> tensor<4xf32>
        strata.yield %1 : tensor<4xf32>
      }
      return %0 : tensor<4xf32>
    }
    ```
    After:
    ```mlir
    func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
      %0 = call @f_exp(%a) : (tensor<4xf32>) -> tensor<4xf32>
      return %0 : tensor<4xf32>
    }
    func.func private @f_exp(%x: tensor<4xf32>) -> tensor<4xf32>
        attributes {strata.kernel} {
      %1 = tosa.exp %x : (tensor<4xf32>) -> tensor<4xf32>
      return %1 : tensor<4xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
  let statistics = [
    Statistic<"numKernels", "kernels", "Number of kernel functions created">
  ];
}

def StrataDedupeKernels : Pass<"strata-dedupe-kernels", "ModuleOp"> {
  let summary = "Merge kernel functions that compute the same thing";
  let description = [{
    Kernels of the same shape and body (ResNet-50's repeated bottleneck
    blocks: their weights are arguments, so 65 kernels hold 35 distinct
    bodies) are compiled once: every `strata.kernel` function whose type,
    attributes and body (locations aside) equal an earlier kernel's is
    erased and its calls call the earlier one. Runs after outlining, before
    the kernels are tiled, so that tiling, vectorization and LLVM see each
    body once. The first kernel in module order is kept, so the output does
    not depend on hashing.

    Before:
    ```mlir
    func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
      %0 = call @f_exp(%a) : (tensor<4xf32>) -> tensor<4xf32>
      %1 = call @f_exp_0(%0) : (tensor<4xf32>) -> tensor<4xf32>
      return %1 : tensor<4xf32>
    }
    func.func private @f_exp(%x: tensor<4xf32>) -> tensor<4xf32>
        attributes {strata.kernel} { ... }
    func.func private @f_exp_0(%x: tensor<4xf32>) -> tensor<4xf32>
        attributes {strata.kernel} { ... the same ... }
    ```
    After:
    ```mlir
    func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
      %0 = call @f_exp(%a) : (tensor<4xf32>) -> tensor<4xf32>
      %1 = call @f_exp(%0) : (tensor<4xf32>) -> tensor<4xf32>
      return %1 : tensor<4xf32>
    }
    func.func private @f_exp(%x: tensor<4xf32>) -> tensor<4xf32>
        attributes {strata.kernel} { ... }
    ```
  }];
  let statistics = [
    Statistic<"numMerged", "merged", "Number of kernel functions merged "
              "into an identical earlier one">
  ];
}

def StrataExpandComposites
    : Pass<"strata-expand-composites", "func::FuncOp"> {
  let summary = "Expand Strata's composite graph ops (strata.lrn, "
                "strata.grouped_conv2d) into TOSA and linalg";
  let description = [{
    Graph-level composite ops stay single ops while rewrite strategies run
    (a rule sees one LRN, not sixteen TOSA ops) and are expanded here, at the
    start of kernel formation, into the TOSA ops they stand for; fusion then
    forms them into one kernel. `strata.lrn` along axis `a` with window `n`:

    ```mlir
    %y = strata.lrn %x {axis = 3 : i64, size = 5 : i64, alpha = 1.0e-4 : f64,
                        beta = 7.5e-1 : f64, bias = 1.0 : f64}
        : tensor<1x8x8x16xf32>
    ```
    becomes `x * x`, a `tosa.pad` of axis `a` by (n-1)/2 before and n/2
    after, the sum of the `n` slices of the padded squares shifted along
    `a`, then `x * reciprocal(pow(bias + alpha/n * sum, beta))`.

    `strata.grouped_conv2d` becomes a `tosa.pad` (if it pads), reshapes
    that split the channels into (group, channel of the group) and the
    linalg op of `strata/Support/GroupedConv.h`, its accumulator starting
    at the bias; a constant weight is rearranged into that op's filter
    layout here, once.
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numExpanded", "expanded", "Composite ops expanded">
  ];
}

def StrataDecomposeAggregates
    : Pass<"strata-decompose-aggregates", "func::FuncOp"> {
  let summary = "Decompose aggregate linalg ops (linalg.softmax) into "
                "structured ops";
  let description = [{
    Rewrites every op that implements `linalg::AggregatedOpInterface`, such as
    `linalg.softmax`, into the linalg structured ops it stands for (reductions
    and elementwise generics), so that the rest of the pipeline lowers only
    structured ops. Works inside `strata.group` bodies too.

    Before:
    ```mlir
    %1 = linalg.softmax dimension(1) ins(%x : tensor<2x8xf32>)
                                     outs(%0 : tensor<2x8xf32>) -> tensor<2x8xf32>
    ```
    After: a max reduction, a subtract-and-exp generic, a sum reduction and a
    divide generic.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
  let statistics = [
    Statistic<"numDecomposed", "decomposed", "Number of ops decomposed">
  ];
}

def StrataReturnAllocs : Pass<"strata-return-allocs", "func::FuncOp"> {
  let summary = "Allocate returned reshapes of local buffers at the returned "
                "shape";
  let description = [{
    After bufferization, a function that returns a reshape
    (`memref.collapse_shape`/`memref.expand_shape`) of a buffer it allocates
    (a grouped convolution's NHWGF result returned as NHWC) allocates the
    returned shape instead and views it at the computed shape, so that the
    returned value is the allocation itself and
    `buffer-results-to-out-params{hoist-static-allocs}` makes it the
    caller's buffer, instead of a copy of the whole result. Static
    identity-layout buffers only; the reshapes cancel in canonicalization.

    Before:
    ```mlir
    %a = memref.alloc() : memref<1x14x14x4x68xf32>
    ...
    %c = memref.collapse_shape %a [[0], [1], [2], [3, 4]] : ... into memref<1x14x14x272xf32>
    return %c : memref<1x14x14x272xf32>
    ```
    After:
    ```mlir
    %n = memref.alloc() : memref<1x14x14x272xf32>
    %a = memref.expand_shape %n [[0], [1], [2], [3, 4]] output_shape [1, 14, 14, 4, 68] ...
    ...
    return %n : memref<1x14x14x272xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
  let statistics = [
    Statistic<"numReturned", "returned", "Number of reshaped returns "
              "allocated at their returned shape">
  ];
}

def StrataFuseKernelBodies
    : Pass<"strata-fuse-kernel-bodies", "func::FuncOp"> {
  let summary = "Fuse the linalg ops of a kernel function into one loop nest";
  let description = [{
    Runs on kernel functions (`strata.kernel`, made by
    `strata-outline-groups`) on tensors, so that a group lowers to one
    kernel whose intermediates stay in registers or in a small tile:

    1. Elementwise producers fuse into their consumers (elementwise ops and
       reductions), also when a producer has several consumers inside the
       kernel (it is recomputed in each) — unless the kernel also returns
       it, which materializes it anyway.
    2. Epilogues: an all-parallel op (after step 1, the fused epilogue)
       that reads the result of a matmul or convolution is tiled along its
       leading dimensions, keeping the innermost dimensions whole up to
       `tile-elements` elements, and the contraction (with its fill or
       bias initialization) is computed tile by tile inside that loop, so
       the contraction's full result is never written.

    Before (in a kernel function):
    ```mlir
    %mm = linalg.batch_matmul ins(%a, %b : ...) outs(%fill : ...) -> tensor<1x64x64xf32>
    %r = linalg.generic {...} ins(%mm, %bias : ...) outs(%e : ...) { addf, maximumf }
    ```
    After: an `scf.for` nest over rows of `%r` whose body computes the row
    of the matmul and applies the epilogue to it.
  }];
  let options = [
    Option<"tileElements", "tile-elements", "int64_t", /*default=*/"4096",
           "Elements of one epilogue tile (innermost dimensions kept whole "
           "up to this size)">,
    Option<"tileEpilogues", "tile-epilogues", "bool", /*default=*/"true",
           "Tile matmul/convolution epilogues (off when strata-tile-kernels "
           "tiles kernels by their lowering plans)">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numEpilogues", "epilogues",
              "Contractions fused into the tiles of their epilogue">
  ];
}

def StrataMaterializeArenas : Pass<"strata-materialize-arenas", "ModuleOp"> {
  let summary = "Put the buffers of a tier plan in per-tier arenas";
  let description = [{
    The CPU lowering of a `strata-map-memory` plan, after bufferization and
    `buffer-results-to-out-params`. For each function with `strata.arenas`
    it allocates one arena per tier (`memref.alloc() : memref<Nxi8>`, N the
    planned size, aligned for every planned offset) at the start of the
    function, once per call, and replaces every placed buffer by a
    `memref.view` of its tier's arena at its planned offset: the outputs
    that calls to placed kernels write (a kernel outlined from a placed
    group carries `strata.result_placement`), and the buffers that
    `strata.prefetch` / `strata.evict` bufferize to (a tagged allocation
    filled by a copy). So the copies of the plan are real copies between
    arenas, and the arenas are exactly as large as the plan says. A final
    result's DRAM copy goes straight to the caller's output buffer.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numArenas", "arenas", "Tier arenas allocated">,
    Statistic<"numViews", "views", "Placed buffers turned into arena views">
  ];
}

def StrataLowerIndexChecks : Pass<"strata-lower-index-checks", "ModuleOp"> {
  let summary = "Lower strata.check_index to a linalg.generic with a report";
  let description = [{
    Each `strata.check_index` becomes an elementwise `linalg.generic` that
    wraps negative indices, substitutes 0 for invalid ones and, with
    `report=true` (the CPU pipeline), calls the runtime hook
    `strata_index_error(site, index, bound)` for each invalid index. The
    `site` strings of the checks are collected, in walk order, into the
    module attribute `strata.index_check_sites`; the hook receives the
    position in that list, so the runtime can name the op. Runs on tensors,
    before bufferization.

    ```mlir
    %0 = strata.check_index %idx, 5 {site = "node 'g' (Gather, opset 13)"} : tensor<3xi64>
    ```
    becomes (report=true)
    ```mlir
    %0 = linalg.generic {...} ins(%idx : tensor<3xi64>) outs(%e : tensor<3xi64>) {
    ^bb0(%i: i64, %o: i64):
      // wrapped = i < 0 ? i + 5 : i; ok = 0 <= wrapped < 5
      scf.if %bad { func.call @strata_index_error(%c0, %i, %c5) : (i64, i64, i64) -> () }
      %r = arith.select %ok, %wrapped, %c0 : i64
      linalg.yield %r : i64
    } -> tensor<3xi64>
    ```
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"true",
           "Call strata_index_error for each invalid index (CPU); otherwise "
           "only substitute 0 (CUDA)">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::tensor::TensorDialect"];
  let statistics = [
    Statistic<"numChecks", "checks", "Index checks lowered">
  ];
}

def StrataOrderGlobals : Pass<"strata-order-globals", "ModuleOp"> {
  let summary = "Name and order bufferization's constant globals by first use";
  let description = [{
    One-shot bufferization turns every tensor constant into a private
    `memref.global` named `__constant_<type>` (uniqued with `_0`, `_1`, ...)
    at the top of the module, in the order it visits functions. That order
    follows a hash map keyed by function addresses, so the same input gave
    globals in a different order, and with different suffixes, from run to
    run. This pass makes the result a function of the IR alone: the
    constant globals are moved to the top of the module in the order of
    their first `memref.get_global` in a walk of the module, and renamed
    `__constant_<type>`, `__constant_<type>_0`, ... in that order. Unused
    constant globals are erased. Other globals are left as they are.

    Before (one run's order):
    ```mlir
    memref.global "private" constant @__constant_4xf32_0 : memref<4xf32> = dense<2.0>
    memref.global "private" constant @__constant_4xf32 : memref<4xf32> = dense<1.0>
    func.func @f() { %0 = memref.get_global @__constant_4xf32 ... }
    func.func @g() { %0 = memref.get_global @__constant_4xf32_0 ... }
    ```
    After (every run):
    ```mlir
    memref.global "private" constant @__constant_4xf32 : memref<4xf32> = dense<1.0>
    memref.global "private" constant @__constant_4xf32_0 : memref<4xf32> = dense<2.0>
    func.func @f() { %0 = memref.get_global @__constant_4xf32 ... }
    func.func @g() { %0 = memref.get_global @__constant_4xf32_0 ... }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
  let statistics = [
    Statistic<"numGlobals", "globals", "Constant globals ordered">,
    Statistic<"numErased", "erased", "Unused constant globals erased">
  ];
}

#endif // STRATA_PASSES_CONVERSION_PASSES_TD
