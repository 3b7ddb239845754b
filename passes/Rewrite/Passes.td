//===- Passes.td - Graph rewrites --------------------------*- tablegen -*-===//

#ifndef STRATA_PASSES_REWRITE_PASSES_TD
#define STRATA_PASSES_REWRITE_PASSES_TD

include "mlir/Pass/PassBase.td"

def StrataSinkTransposes : Pass<"strata-sink-transposes", "func::FuncOp"> {
  let summary = "Move layout transposes below elementwise ops so that "
                "inverse pairs cancel";
  let description = [{
    The ONNX importer computes convolutions in NHWC and everything else in
    NCHW, so every convolution sits between two `tosa.transpose`s; with a
    batch normalization or a residual add in between, upstream's
    `tosa-reduce-transposes` leaves both in place and each costs a pass
    over the activation. This pass moves a transpose below a TOSA
    elementwise op (`tosa.add`, `tosa.mul`, `tosa.clamp`, ...) when every
    other operand of that op is either a transpose by the same permutation
    or a constant (which is permuted at compile time), below a
    `tosa.slice` (start and size permuted) and below a `tosa.concat` of
    transposes by one permutation (axis permuted); each moved transpose
    must be read only by ops that can take it (then each gets its own
    transpose further down and the shared one dies; DenseNet's concat
    outputs feed both the next concat and a batch normalization). A
    transpose or a slice of a constant (the importer's OIHW-to-OHWI
    filters, a grouped convolution's per-group filters) becomes a
    constant, once, at compile time. A chain of `tosa.reshape` and
    `tosa.transpose` ops with two or more transposes (each op but the last
    read only by the next) becomes at most one transpose between two
    reshapes: the chain's input is cut into runs of elements that stay
    contiguous through every step, and those are permuted once (ShuffleNet's
    channel shuffle, NHWC -> NCHW, split channels into groups, swap, merge,
    NCHW -> NHWC, is one transpose of pixels x groups x channels). The
    transposes then meet their inverses and cancel (`canonicalize`). Values are unchanged bit for bit: the ops
    compute the same elements in another order.

    Before:
    ```mlir
    %t = tosa.transpose %conv {perms = array<i32: 0, 3, 1, 2>}
        : (tensor<1x56x56x64xf32>) -> tensor<1x64x56x56xf32>
    %s = tosa.mul %t, %scale, %shift : (tensor<1x64x56x56xf32>,
        tensor<1x64x1x1xf32>, tensor<1xi8>) -> tensor<1x64x56x56xf32>
    %u = tosa.transpose %s {perms = array<i32: 0, 2, 3, 1>}
        : (tensor<1x64x56x56xf32>) -> tensor<1x56x56x64xf32>
    ```
    After (`%scale` now `tensor<1x1x1x64xf32>`):
    ```mlir
    %s = tosa.mul %conv, %scale2, %shift : (tensor<1x56x56x64xf32>,
        tensor<1x1x1x64xf32>, tensor<1xi8>) -> tensor<1x56x56x64xf32>
    ```
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
  let statistics = [
    Statistic<"numSunk", "sunk", "Number of transposes moved below an op">
  ];
}

def StrataApplyRules : Pass<"strata-apply-rules", "func::FuncOp"> {
  let summary = "Apply named rules of Strata's rewrite rule library to a "
                "fixpoint";
  let description = [{
    Applies the rules of the library (`strata-opt --list-rules` prints it:
    each rule's name, labels, whether it keeps values bit for bit, and what
    it does) greedily until none applies, for users who want rules without
    a strategy. `rules=` names the rules to apply (default: all of them),
    `disable-rules=` removes some; an unknown name is an error that lists
    the known ones. Every pattern carries its rule's name as a debug label,
    so `--mlir-debug-counter` can bisect applications; `remarks=true`
    reports each application (rule, op, location).

    ```sh
    strata-opt model.mlir -p 'builtin.module(func.func(strata-apply-rules{rules=strata.sink-transposes,strata.fold-conv-scale,strata.fold-conv-shift}))'
    ```
  }];
  let options = [
    ListOption<"rules", "rules", "std::string",
               "Rules to apply (default: every rule of the library)">,
    ListOption<"disableRules", "disable-rules", "std::string",
               "Rules not to apply">,
    Option<"remarks", "remarks", "bool", /*default=*/"false",
           "A remark for every rule application">
  ];
  let dependentDialects = ["::mlir::tosa::TosaDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numApplied", "applications", "Rule applications">
  ];
}

#endif // STRATA_PASSES_REWRITE_PASSES_TD
