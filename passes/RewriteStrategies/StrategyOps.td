//===- StrategyOps.td - Rewrite strategy transform ops -----*- tablegen -*-===//
//
// ELEVATE-style rewrite strategies as transform-dialect ops: apply one named
// rule at an op, traverse the ops of a scope (one / all / some, top-down or
// bottom-up), repeat, normalize a scope with a rule set, and best_of, which
// keeps the alternative the cost model prices lowest. Sequencing, left
// choice and try are upstream's transform.sequence and
// transform.alternatives.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_REWRITESTRATEGIES_STRATEGYOPS_TD
#define STRATA_PASSES_REWRITESTRATEGIES_STRATEGYOPS_TD

include "mlir/Dialect/Transform/IR/TransformDialect.td"
include "mlir/Dialect/Transform/Interfaces/TransformInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"

def Strata_TraversalOne : I32EnumAttrCase<"One", 0, "one">;
def Strata_TraversalAll : I32EnumAttrCase<"All", 1, "all">;
def Strata_TraversalSome : I32EnumAttrCase<"Some", 2, "some">;
def Strata_TraversalKind : I32EnumAttr<"TraversalKind",
    "Which locations a traversal applies its strategy at",
    [Strata_TraversalOne, Strata_TraversalAll, Strata_TraversalSome]> {
  let cppNamespace = "::mlir::strata";
}

def Strata_TopDown : I32EnumAttrCase<"TopDown", 0, "topdown">;
def Strata_BottomUp : I32EnumAttrCase<"BottomUp", 1, "bottomup">;
def Strata_TraversalOrder : I32EnumAttr<"TraversalOrder",
    "The order a traversal visits ops in",
    [Strata_TopDown, Strata_BottomUp]> {
  let cppNamespace = "::mlir::strata";
}

class StrataStrategyOp<string mnemonic, list<Trait> traits = []>
    : Op<Transform_Dialect, "strata." # mnemonic,
         !listconcat(traits, [
           DeclareOpInterfaceMethods<TransformOpInterface>,
           DeclareOpInterfaceMethods<MemoryEffectsOpInterface>])> {
  let cppNamespace = "::mlir::strata";
}

def StrataApplyRuleOp : StrataStrategyOp<"apply_rule"> {
  let summary = "Applies one named rule once at each target op";
  let description = [{
    Tries the patterns of the named rule (see `strata-opt --list-rules`)
    with each op of `target` as their root, once. Succeeds when the rule
    applied at every target op; otherwise fails silenceably at the first op
    where it did not, with the rule's reason (its `notifyMatchFailure`
    message). Ops the rewrite left dead (the operands' producers) are
    erased. An unknown rule name is a definite failure.

    ```mlir
    transform.strata.apply_rule "strata.fold-conv-scale" at %op
        : !transform.any_op
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$target, StrAttr:$rule);
  let assemblyFormat = "$rule `at` $target attr-dict `:` type($target)";
}

def StrataTraverseOp : StrataStrategyOp<"traverse", [
    SingleBlockImplicitTerminator<"::mlir::transform::YieldOp">]> {
  let summary = "Applies a strategy at one, all or some ops of a scope";
  let description = [{
    Visits the ops nested in each `scope` op (not the scope itself) in
    program order (`topdown`: producers first, a region's parent before
    its ops) or in the reverse order (`bottomup`: consumers first) and runs
    the body with its argument bound to the visited op. Ops erased by an earlier visit are
    skipped; ops created by one are not visited.

    - `one`: stops at the first op where the body succeeds; fails
      silenceably when it succeeds nowhere (ELEVATE's `topDown(s)` /
      `bottomUp(s)`).
    - `all`: runs the body at every op; fails silenceably at the first op
      where it fails (what earlier visits changed stays; wrap the traversal
      in `transform.alternatives` to roll back).
    - `some`: runs the body at every op; succeeds when it succeeded at one
      op at least.

    A definite failure of the body stops the traversal and propagates.

    ```mlir
    transform.strata.traverse some topdown in %func : !transform.any_op {
    ^bb0(%op: !transform.any_op):
      transform.strata.apply_rule "strata.fold-conv-scale" at %op
          : !transform.any_op
    }
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$scope,
                       Strata_TraversalKind:$kind,
                       Strata_TraversalOrder:$order);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat =
      "$kind $order `in` $scope attr-dict `:` type($scope) $body";
  let hasVerifier = 1;
}

def StrataRepeatOp : StrataStrategyOp<"repeat", [
    SingleBlockImplicitTerminator<"::mlir::transform::YieldOp">]> {
  let summary = "Runs a strategy until it fails or changes nothing";
  let description = [{
    Runs the body (its argument bound to `scope`) again and again until it
    fails silenceably or leaves the scope's IR unchanged (a structural hash
    of the scope's ops, attributes and use-def edges), and then succeeds,
    like ELEVATE's `repeat(s)`. Reaching `max_iterations` while the body
    still changes the IR is a silenceable failure ("bound reached"); what
    the iterations changed stays. A definite failure propagates.

    ```mlir
    transform.strata.repeat %func max_iterations = 8 : !transform.any_op {
    ^bb0(%f: !transform.any_op):
      ...
    }
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$scope,
                       DefaultValuedAttr<I64Attr, "100">:$max_iterations);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $scope (`max_iterations` `=` $max_iterations^)? attr-dict `:` type($scope)
    $body
  }];
  let hasVerifier = 1;
}

def StrataNormalizeOp : StrataStrategyOp<"normalize"> {
  let summary = "Applies a set of named rules to a fixpoint";
  let description = [{
    Applies the named rules greedily (top-down) to the ops nested in each
    `scope` op until none applies. Fails silenceably when no fixpoint is
    reached within `max_sweeps` sweeps (what was applied stays); an unknown
    rule name is a definite failure. An empty list means every rule of the
    library.

    ```mlir
    transform.strata.normalize %func with ["strata.sink-transposes"]
        : !transform.any_op
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$scope,
                       StrArrayAttr:$rules,
                       DefaultValuedAttr<I64Attr, "10">:$max_sweeps);
  let assemblyFormat = [{
    $scope `with` $rules (`max_sweeps` `=` $max_sweeps^)? attr-dict
    `:` type($scope)
  }];
}

def StrataBestOfOp : StrataStrategyOp<"best_of", [
    SingleBlockImplicitTerminator<"::mlir::transform::YieldOp">]> {
  let summary = "Keeps the alternative the cost model prices lowest";
  let description = [{
    Applies each alternative region to its own clone of the `scope` op
    (which must be isolated from above: a function or a module), prices
    every clone whose alternative succeeded with the cost model, and makes
    the scope the cheapest (the first on ties). A price is the sum of the
    predicted times of the scope's kernels: its compute ops one by one, or,
    with `form_kernels`, the `strata.group` kernels that `strata-fuse` and
    `strata-group-ops` form on a copy, so that a rewrite whose value is to
    enable fusion is credited. Prices are cached by a structural hash of the
    program, so two alternatives that produce the same program are priced
    once. Fails silenceably when every alternative fails. With remarks
    enabled, each alternative's predicted cost is reported.

    `cost_model` and `target` take the values of `strata-fuse`'s options
    (empty: the module's `strata.cost_model` / `strata.target`, else the
    roofline model on the host).

    ```mlir
    transform.strata.best_of %func : !transform.any_op {
    ^bb0(%f: !transform.any_op):
      transform.yield
    }, {
    ^bb0(%f: !transform.any_op):
      transform.strata.normalize %f with ["strata.merge-sibling-convs"]
          : !transform.any_op
      transform.yield
    }
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$scope,
                       DefaultValuedStrAttr<StrAttr, "">:$cost_model,
                       DefaultValuedStrAttr<StrAttr, "">:$target,
                       UnitAttr:$form_kernels);
  let regions = (region VariadicRegion<SizedRegion<1>>:$alternatives);
  let assemblyFormat =
      "$scope attr-dict `:` type($scope) $alternatives";
  let hasVerifier = 1;
}

#endif // STRATA_PASSES_REWRITESTRATEGIES_STRATEGYOPS_TD
