// Stock mlir-opt is not built with ASan, so an ASan-built plugin cannot load.
// UNSUPPORTED: asan
// The strategy ops in Debian's stock mlir-opt with StrataPlugin.so: under
// upstream's transform interpreter (traced as optimization remarks) and
// through strata-apply-strategy with the default strategy, which the
// plugin finds beside itself.
// RUN: mlir-opt-stock %s --load-dialect-plugin=%strata_plugin --load-pass-plugin=%strata_plugin --transform-interpreter --remarks-filter=strata-strategy 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=TRACE < %t.err
// RUN: mlir-opt-stock %s --load-dialect-plugin=%strata_plugin --load-pass-plugin=%strata_plugin -p 'builtin.module(strata-apply-strategy{remarks=true})' 2>&1 >/dev/null | FileCheck %s --check-prefix=DEFAULT

// CHECK-LABEL: func.func @f
// CHECK-NOT: tosa.mul
// CHECK: return %arg0

// TRACE: remark: [Passed] rule-applied | Category:strata-strategy:strata.algebraic-identities | Remark="applied rule 'strata.algebraic-identities' to 'tosa.mul'"

// DEFAULT: remark: applied rule 'strata.algebraic-identities' to 'tosa.mul'
// DEFAULT: remark: strategy: 1 rewrite steps; strata.algebraic-identities 1

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    transform.strata.traverse some topdown in %f : !transform.any_op {
    ^bb0(%op: !transform.any_op):
      transform.strata.apply_rule "strata.algebraic-identities" at %op : !transform.any_op
    }
    transform.yield
  }
}
