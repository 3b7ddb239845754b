//===- Passes.td - Rewrite strategies ----------------------*- tablegen -*-===//

#ifndef STRATA_PASSES_REWRITESTRATEGIES_PASSES_TD
#define STRATA_PASSES_REWRITESTRATEGIES_PASSES_TD

include "mlir/Pass/PassBase.td"

def StrataApplyStrategy : Pass<"strata-apply-strategy", "ModuleOp"> {
  let summary = "Apply a rewrite strategy (a transform library) to the module";
  let description = [{
    Reads a transform library file (a module with
    `transform.with_named_sequence`), and runs its named sequence `entry`
    with its one argument bound to the module. Strategies are written with
    Strata's strategy ops (`transform.strata.apply_rule`, `traverse`,
    `repeat`, `normalize`, `best_of`) and upstream's `transform.sequence`,
    `transform.alternatives`, `transform.include` and
    `transform.apply_patterns`; see `docs/strategies.md`.

    Without `strategy`, the default strategy shipped in
    `share/strata/strategies/default.mlir` runs: it is what
    `strata-form-kernels` (and so `strata-run`) applies before fusion.

    With `remarks`, every rule application is reported (rule, op,
    location), every `best_of` alternative's predicted cost, and at the end
    the number of applications per rule and in total.
  }];
  let options = [
    Option<"strategy", "strategy", "std::string", /*default=*/"\"\"",
           "Transform library file (empty: the default strategy)">,
    Option<"entry", "entry", "std::string",
           /*default=*/"\"__transform_main\"",
           "Named sequence to run">,
    Option<"remarks", "remarks", "bool", /*default=*/"false",
           "Report every rule application, best_of price and the totals">,
  ];
  let statistics = [
    Statistic<"numSteps", "rewrite-steps", "Rule applications">,
  ];
  let dependentDialects = [
    "::mlir::transform::TransformDialect",
    "::mlir::strata::StrataDialect",
    "::mlir::tosa::TosaDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect",
  ];
}

#endif // STRATA_PASSES_REWRITESTRATEGIES_PASSES_TD
