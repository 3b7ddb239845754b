// RUN: strata-opt %s | strata-opt | FileCheck %s
// RUN: strata-opt %s --mlir-print-op-generic | strata-opt | FileCheck %s

// CHECK: module attributes {strata.target = #strata.target<name = "npu",
// CHECK-SAME: units = [#strata.unit<name = "engine", count = 2, matrix_flops = 4.000000e+12, vector_flops = 2.500000e+11>],
// CHECK-SAME: tiers = [#strata.tier<name = "sram", capacity = 1048576, bandwidth = 1.000000e+12>,
// CHECK-SAME: #strata.tier<name = "dram", capacity = 4294967296, bandwidth = 2.500000e+10, latency = 9.9999999999999995E-8>]>}
module attributes {strata.target = #strata.target<name = "npu",
    units = [#strata.unit<name = "engine", count = 2, matrix_flops = 4.0e12,
                          vector_flops = 2.5e11>],
    tiers = [#strata.tier<name = "sram", capacity = 1048576, bandwidth = 1.0e12>,
             #strata.tier<name = "dram", capacity = 4294967296,
                          bandwidth = 2.5e10, latency = 1.0e-7>]>} {

// CHECK-LABEL: func.func @two_groups
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<4x8xf32>)
func.func @two_groups(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // CHECK: %[[G:.*]] = strata.group(%[[X:.*]] = %[[A]], %[[Y:.*]] = %[[B]]) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> attributes {name = "add"} {
  // CHECK-NEXT: %[[S:.*]] = tosa.add %[[X]], %[[Y]]
  // CHECK-NEXT: strata.yield %[[S]] : tensor<4x8xf32>
  // CHECK-NEXT: }
  %0 = strata.group(%x = %a, %y = %b) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> attributes {name = "add"} {
    %s = tosa.add %x, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    strata.yield %s : tensor<4x8xf32>
  }
  // CHECK: strata.group(%[[Z:.*]] = %[[G]]) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  %1 = strata.group(%z = %0) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
    %e = tosa.exp %z : (tensor<4x8xf32>) -> tensor<4x8xf32>
    strata.yield %e : tensor<4x8xf32>
  }
  return %1 : tensor<4x8xf32>
}

// A group with several results and one with no inputs.
// CHECK-LABEL: func.func @multi
func.func @multi(%a: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<3xi32>) {
  // CHECK: %{{.*}}:2 = strata.group(%{{.*}} = %{{.*}}) : (tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  %0:2 = strata.group(%x = %a) : (tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
    %n = tosa.exp %x : (tensor<2xf32>) -> tensor<2xf32>
    strata.yield %x, %n : tensor<2xf32>, tensor<2xf32>
  }
  // CHECK: strata.group() : () -> tensor<3xi32>
  %1 = strata.group() : () -> tensor<3xi32> {
    %c = arith.constant dense<[1, 2, 3]> : tensor<3xi32>
    strata.yield %c : tensor<3xi32>
  }
  return %0#0, %0#1, %1 : tensor<2xf32>, tensor<2xf32>, tensor<3xi32>
}

// CHECK-LABEL: func.func private @kernel
// CHECK-SAME: attributes {strata.kernel}
func.func private @kernel(%a: tensor<2xf32>) -> tensor<2xf32> attributes {strata.kernel} {
  return %a : tensor<2xf32>
}
}

// A tier plan: placements on kernels, copies between tiers, arena sizes.
// CHECK-LABEL: func.func @tier_plan
// CHECK-SAME: strata.arenas = {dram = 64 : i64, sram = 128 : i64}
// CHECK: %[[IN:.*]] = strata.prefetch %{{.*}} : tensor<4xf32> to #strata.placement<tier = "sram", offset = 0, alignment = 64>
// CHECK: tosa.exp %[[IN]] {strata.placement = [#strata.placement<tier = "sram", offset = 64, alignment = 64>]}
// CHECK: strata.evict %{{.*}} : tensor<4xf32> to #strata.placement<tier = "dram", offset = 0, alignment = 64>
func.func @tier_plan(%a: tensor<4xf32>) -> tensor<4xf32>
    attributes {strata.arenas = {sram = 128 : i64, dram = 64 : i64}} {
  %0 = strata.prefetch %a : tensor<4xf32> to #strata.placement<tier = "sram", offset = 0, alignment = 64>
  %1 = tosa.exp %0 {strata.placement = [#strata.placement<tier = "sram", offset = 64, alignment = 64>]} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = strata.evict %1 : tensor<4xf32> to #strata.placement<tier = "dram", offset = 0, alignment = 64>
  return %2 : tensor<4xf32>
}

// Index checks (what the importer puts before a gather).
// CHECK-LABEL: func.func @check_index
// CHECK: strata.check_index %{{.*}}, 5 {site = "node 'g' (Gather, opset 13)"} : tensor<3xi64>
func.func @check_index(%i: tensor<3xi64>) -> tensor<3xi64> {
  %0 = strata.check_index %i, 5 {site = "node 'g' (Gather, opset 13)"} : tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @lrn
// CHECK: strata.lrn %{{.*}} {alpha = 1.000000e-04 : f64, axis = 1 : i64, beta = 7.500000e-01 : f64, bias = 2.000000e+00 : f64, size = 5 : i64} : tensor<1x8x4x4xf32>
func.func @lrn(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %0 = strata.lrn %x {axis = 1 : i64, size = 5 : i64, alpha = 1.0e-4 : f64, beta = 0.75 : f64, bias = 2.0 : f64} : tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// CHECK-LABEL: func.func @grouped_conv2d
// CHECK: strata.grouped_conv2d %{{.*}}, %{{.*}}, %{{.*}} {dilation = array<i64: 1, 2>, group = 2 : i64, pad = array<i64: 1, 0, 2, 1>, stride = array<i64: 2, 1>} : (tensor<1x9x8x6xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x7x4xf32>
func.func @grouped_conv2d(%x: tensor<1x9x8x6xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x7x4xf32> {
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 1, 0, 2, 1>, stride = array<i64: 2, 1>, dilation = array<i64: 1, 2>} : (tensor<1x9x8x6xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x7x4xf32>
  return %0 : tensor<1x4x7x4xf32>
}
