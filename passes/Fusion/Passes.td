//===- Passes.td - Fusion passes ---------------------------*- tablegen -*-===//

#ifndef STRATA_PASSES_FUSION_PASSES_TD
#define STRATA_PASSES_FUSION_PASSES_TD

include "mlir/Pass/PassBase.td"

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

#endif // STRATA_PASSES_FUSION_PASSES_TD
