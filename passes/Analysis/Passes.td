//===- Passes.td - Analysis report passes ------------------*- tablegen -*-===//

#ifndef STRATA_PASSES_ANALYSIS_PASSES_TD
#define STRATA_PASSES_ANALYSIS_PASSES_TD

include "mlir/Pass/PassBase.td"

def StrataEstimateCosts : Pass<"strata-estimate-costs", "func::FuncOp"> {
  let summary = "Report the cost model's estimate for every kernel";
  let description = [{
    Asks the cost model selected by `cost-model=` about every kernel of the
    function (each `strata.group`, and each compute op outside a group) on
    the target selected by `target=` (a built-in name, a JSON file, or, when
    empty, the module's `strata.target`, else `host-cpu`). Emits one remark
    per kernel and one with the function's total; changes no IR.

    ```mlir
    // remark: kernel 'matmul': 1.311e-06 s, 1.049e+06 FLOP,
    //         2.621e+04 B moved, compute-bound on host-cpu (roofline)
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Target: built-in name, JSON file, or empty for the module's">,
    Option<"costModel", "cost-model", "std::string",
           /*default=*/"\"roofline\"", "Cost model implementation">
  ];
  // Target descriptions are built as #strata.target attributes.
  let dependentDialects = ["::mlir::strata::StrataDialect"];
  let statistics = [
    Statistic<"numKernels", "kernels", "Number of kernels estimated">
  ];
}

#endif // STRATA_PASSES_ANALYSIS_PASSES_TD
