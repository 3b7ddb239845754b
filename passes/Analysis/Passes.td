//===- Passes.td - Analysis report passes ------------------*- tablegen -*-===//

#ifndef STRATA_PASSES_ANALYSIS_PASSES_TD
#define STRATA_PASSES_ANALYSIS_PASSES_TD

include "mlir/Pass/PassBase.td"
include "passes/PassOptions.td"

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
    StrataTargetOption,
    StrataCostModelOption
  ];
  // Target descriptions are built as #strata.target attributes.
  let dependentDialects = ["::mlir::strata::StrataDialect"];
  let statistics = [
    Statistic<"numKernels", "kernels", "Number of kernels estimated">
  ];
}

def StrataMemoryReport : Pass<"strata-memory-report", "ModuleOp"> {
  let summary = "Report each function's peak memory in its current order";
  let description = [{
    Builds the kernel graph of every function with a body (a node per
    `strata.group`, and per compute op outside a group; views alias their
    source) and computes the live bytes at each step of the current block
    order. By default only activations count, as in the memory-scheduling
    literature; `count-arguments` and `count-constants` add function
    arguments and constants (weights), live from the start of the function
    to their last use.

    `format=text` (default) emits a remark per function and one at the
    kernel where the peak occurs, listing the values live there:

    ```mlir
    // remark: function 'main': peak 2048 B at step 3 of 11 (kernel 'matmul_1')
    // remark: peak of 'main': 3 live values: 'matmul_0' #0 (1024 B), ...
    ```

    `format=json` prints one JSON object per function on standard output,
    with the keys `function`, `peak_bytes`, `peak_step`, `peak_kernel`,
    `num_nodes`, `num_values`, `live_bytes` (per step) and `live_at_peak`.
    `trace=FILE` writes a Chrome/Perfetto trace (JSON) with one process per
    function: a slice per kernel and a `live bytes` counter, one time unit
    per step. The IR is not changed.
  }];
  let options = [
    StrataReportFormatOption,
    Option<"trace", "trace", "std::string", /*default=*/"\"\"",
           "Write a Chrome/Perfetto trace of the memory timeline here">,
    Option<"countArguments", "count-arguments", "bool", /*default=*/"false",
           "Count function arguments (live from the start to their last use)">,
    Option<"countConstants", "count-constants", "bool", /*default=*/"false",
           "Count constants (live from the start to their last use)">
  ];
}

def StrataSetCostModel : Pass<"strata-set-cost-model", "ModuleOp"> {
  let summary = "Choose the cost model for every pass of the pipeline";
  let description = [{
    Sets the module's `strata.cost_model` attribute to `cost-model=`
    (`roofline`, `learned`, `learned:FILE`, `measured`), after checking that
    the model can be created (an unknown name or an unusable model file is
    an error here, once). Every Strata pass whose own `cost-model=` option
    is empty then uses it: one choice for a whole pipeline.

    ```mlir
    // strata-opt -p 'builtin.module(strata-set-cost-model{cost-model=learned},
    //                func.func(strata-fuse,strata-estimate-costs))'
    module attributes {strata.cost_model = "learned"} { ... }
    ```
  }];
  let options = [
    Option<"costModel", "cost-model", "std::string", /*default=*/"\"roofline\"",
           "Cost model: roofline, learned, learned:FILE or measured">
  ];
  let dependentDialects = ["::mlir::strata::StrataDialect"];
}

#endif // STRATA_PASSES_ANALYSIS_PASSES_TD
