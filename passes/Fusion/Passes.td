//===- Passes.td - Fusion passes ---------------------------*- tablegen -*-===//

#ifndef STRATA_PASSES_FUSION_PASSES_TD
#define STRATA_PASSES_FUSION_PASSES_TD

include "mlir/Pass/PassBase.td"
include "passes/PassOptions.td"

def StrataGroupOps : Pass<"strata-group-ops", "func::FuncOp"> {
  let summary = "Wrap every compute op in its own strata.group";
  let description = [{
    The simplest kernel partition: every compute op at the top level of the
    function becomes one `strata.group`, i.e. one kernel. Constants, views
    (reshapes), `tensor.empty` and ops already inside a group stay where they
    are. Tensors the op reads (including values captured by its regions)
    become group inputs, except constants cheaper to rematerialize than to
    pass (scalars, shapes, splats and tensors of at most 64 bytes, such as
    TOSA zero points), which are cloned into the group.
    An op that reads any other non-tensor value is left ungrouped with a
    remark. Real, cost-driven fusion is `strata-fuse`.

    Before:
    ```mlir
    %0 = tosa.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
    After:
    ```mlir
    %0 = strata.group(%x = %a, %y = %b) : (tensor<4xf32>, tensor<4xf32>)
        -> tensor<4xf32> attributes {name = "add"} {
      %1 = tosa.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      strata.yield %1 : tensor<4xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::strata::StrataDialect"];
  let statistics = [
    Statistic<"numGroups", "groups", "Number of groups created">,
    Statistic<"numLeftUngrouped", "ungrouped",
              "Number of compute ops that could not be grouped">
  ];
}

def StrataFuse : Pass<"strata-fuse", "func::FuncOp"> {
  let summary = "Fuse ops into strata.group kernels where the cost model "
                "says it pays";
  let description = [{
    Partitions the compute ops at the top level of the function into
    `strata.group` kernels. Starting from one kernel per op, it merges two
    kernels when the pair is a fusion candidate, the merge is legal and the
    cost model (`cost-model=`, on `target=`) predicts the merged kernel
    cheaper than the two apart; the candidate with the largest predicted
    saving goes first, and candidates are re-evaluated after every merge.

    Candidates:
    * producer → consumer where both are elementwise kernels (chains);
    * an elementwise producer into a reduction kernel;
    * a matmul or convolution kernel and its elementwise consumer (an
      epilogue: bias, activation, residual add), repeatedly;
    * siblings: two elementwise or reduction kernels that read the same
      input of at least `sibling-min-bytes` bytes and do not depend on each
      other.

    Never fused: two contractions, a reduction into its consumer, an
    elementwise producer into a contraction, pooling, data movement
    (transpose, pad, concat, ...). A merge is illegal when a path between the
    two kernels leaves them and comes back (the merged kernel would be part
    of a cycle); ops are reordered afterwards so every value still dominates
    its uses. Each refused candidate left at the end gets a remark saying
    why: illegal (naming an op on the path), or not profitable (with both
    predictions). Existing groups are kept as they are.

    Before (with `cost-model=roofline`):
    ```mlir
    %0 = tosa.matmul %a, %b, %za, %zb : ... -> tensor<1x64x64xf32>
    %1 = tosa.add %0, %bias : ... -> tensor<1x64x64xf32>
    %2 = tosa.clamp %1 {...} : ... -> tensor<1x64x64xf32>
    ```
    After:
    ```mlir
    %0 = strata.group(%x = %a, %y = %b, %z = %bias) : (...) -> tensor<1x64x64xf32>
        attributes {name = "matmul_add_clamp"} {
      ...
    }
    ```
  }];
  let options = [
    StrataTargetOption,
    StrataCostModelOption,
    Option<"siblingMinBytes", "sibling-min-bytes", "int64_t",
           /*default=*/"16384",
           "Smallest shared input (bytes) that makes siblings a candidate">,
    Option<"remarks", "remarks", "bool", /*default=*/"true",
           "Emit a remark for every candidate refused at the end">
  ];
  let dependentDialects = ["::mlir::strata::StrataDialect"];
  let statistics = [
    Statistic<"numGroups", "groups", "Number of groups created">,
    Statistic<"numFused", "fused", "Number of merges of two kernels">,
    Statistic<"numIllegal", "illegal",
              "Candidates refused at the end as illegal">,
    Statistic<"numUnprofitable", "unprofitable",
              "Candidates refused at the end as not profitable">,
    Statistic<"numQueries", "queries", "Cost model queries">
  ];
}

#endif // STRATA_PASSES_FUSION_PASSES_TD
