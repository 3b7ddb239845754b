// RUN: strata-opt %s -p 'builtin.module(strata-lower-index-checks)' | FileCheck %s
// RUN: strata-opt %s -p 'builtin.module(strata-lower-index-checks{report=false})' | FileCheck %s --check-prefix=QUIET

// Each check becomes an elementwise linalg.generic that wraps negative
// indices and reports invalid ones; sites are numbered in walk order.
// CHECK: module attributes {strata.index_check_sites = ["node 'g' (Gather, opset 13)", "node 'h' (GatherElements, opset 13)"]}
// CHECK: func.func private @strata_index_error(i64, i64, i64)
// CHECK-LABEL: func.func @two
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<3xi64>)
// CHECK: ^bb0(%[[I:.*]]: i64, %{{.*}}: i64):
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK-DAG: %[[SIZE:.*]] = arith.constant 5 : i64
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[I]], %[[ZERO]] : i64
// CHECK: %[[SHIFTED:.*]] = arith.addi %[[I]], %[[SIZE]] : i64
// CHECK: %[[WRAPPED:.*]] = arith.select %[[NEG]], %[[SHIFTED]], %[[I]] : i64
// CHECK: %[[OK:.*]] = arith.andi
// CHECK: scf.if
// CHECK: %[[SITE:.*]] = arith.constant 0 : i64
// CHECK: %[[BOUND:.*]] = arith.constant 5 : i64
// CHECK: func.call @strata_index_error(%[[SITE]], %[[I]], %[[BOUND]])
// CHECK: %[[R:.*]] = arith.select %[[OK]], %[[WRAPPED]], %[[ZERO]] : i64
// CHECK: linalg.yield %[[R]] : i64
// The second site, i32 indices widened for the report.
// CHECK: linalg.generic
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: %[[SITE1:.*]] = arith.constant 1 : i64
// CHECK: func.call @strata_index_error(%[[SITE1]]
// CHECK-NOT: strata.check_index

// Without reports (CUDA): no hook, no sites, invalid indices still become 0.
// QUIET-NOT: strata_index_error
// QUIET-NOT: strata.index_check_sites
// QUIET: linalg.generic
// QUIET: arith.select
module {
  func.func @two(%a: tensor<3xi64>, %b: tensor<2xi32>) -> (tensor<3xi64>, tensor<2xi32>) {
    %0 = strata.check_index %a, 5 {site = "node 'g' (Gather, opset 13)"} : tensor<3xi64>
    %1 = strata.check_index %b, 7 {site = "node 'h' (GatherElements, opset 13)"} : tensor<2xi32>
    return %0, %1 : tensor<3xi64>, tensor<2xi32>
  }
}
