// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-expand-composites))' | FileCheck %s

// An odd window along the last axis: the squares padded by 2 on each side
// of axis 3, five slices shifted along it, summed; then
// x * reciprocal(pow(bias + alpha/size * sum, beta)).
// CHECK-LABEL: func.func @odd_window
// CHECK-NOT: strata.lrn
// CHECK: %[[SQ:.*]] = tosa.mul %arg0, %arg0
// CHECK: %[[PADS:.*]] = tosa.const_shape {values = dense<[0, 0, 0, 0, 0, 0, 2, 2]> : tensor<8xindex>}
// CHECK: %[[P:.*]] = tosa.pad %[[SQ]], %[[PADS]], %{{.*}} : (tensor<1x4x4x8xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x4x4x12xf32>
// CHECK: tosa.const_shape {values = dense<0> : tensor<4xindex>}
// CHECK: tosa.slice %[[P]]
// CHECK: tosa.const_shape {values = dense<[0, 0, 0, 1]> : tensor<4xindex>}
// CHECK: tosa.slice %[[P]]
// CHECK: tosa.add
// CHECK: tosa.const_shape {values = dense<[0, 0, 0, 4]> : tensor<4xindex>}
// CHECK: %[[LAST:.*]] = tosa.slice %[[P]]
// CHECK: %[[SUM:.*]] = tosa.add %{{.*}}, %[[LAST]]
// CHECK: %[[SCALE:.*]] = "tosa.const"() <{values = dense<2.000000e-05> : tensor<1x1x1x1xf32>}>
// CHECK: %[[SCALED:.*]] = tosa.mul %[[SUM]], %[[SCALE]]
// CHECK: %[[BIAS:.*]] = "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1x1x1xf32>}>
// CHECK: %[[BASE:.*]] = tosa.add %[[SCALED]], %[[BIAS]]
// CHECK: %[[BETA:.*]] = "tosa.const"() <{values = dense<7.500000e-01> : tensor<1x1x1x1xf32>}>
// CHECK: %[[POW:.*]] = tosa.pow %[[BASE]], %[[BETA]]
// CHECK: %[[INV:.*]] = tosa.reciprocal %[[POW]]
// CHECK: %[[Y:.*]] = tosa.mul %arg0, %[[INV]]
// CHECK: return %[[Y]]
func.func @odd_window(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %0 = strata.lrn %x {axis = 3 : i64, size = 5 : i64, alpha = 1.0e-4 : f64, beta = 0.75 : f64, bias = 2.0 : f64} : tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// An even window along axis 1: one position before the element, two after
// (ONNX: floor((size-1)/2) before, ceil((size-1)/2) after).
// CHECK-LABEL: func.func @even_window
// CHECK: tosa.const_shape {values = dense<[0, 0, 1, 2, 0, 0]> : tensor<6xindex>}
// CHECK: tosa.pad {{.*}} -> tensor<2x9x3xf32>
// CHECK-COUNT-4: tosa.slice
// CHECK-NOT: tosa.slice
// CHECK: tosa.pow
func.func @even_window(%x: tensor<2x6x3xf32>) -> tensor<2x6x3xf32> {
  %0 = strata.lrn %x {axis = 1 : i64, size = 4 : i64, alpha = 1.0e-4 : f64, beta = 0.75 : f64, bias = 1.0 : f64} : tensor<2x6x3xf32>
  return %0 : tensor<2x6x3xf32>
}

// -----

// A graph that skips strata-form-kernels: the CPU pipeline expands the LRN
// itself and lowers it to the LLVM dialect.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(strata-cpu-pipeline)' | FileCheck %s --check-prefix=CPU
// CPU-NOT: strata.lrn
// CPU: llvm.func @direct
func.func @direct(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %0 = strata.lrn %x {axis = 3 : i64, size = 3 : i64, alpha = 1.0e-4 : f64, beta = 0.75 : f64, bias = 1.0 : f64} : tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// A padded grouped convolution (2 groups of 3 input and 2 output channels):
// the input padded (top, bottom, left, right) and split into (group,
// channel); the constant OHWI weight laid out once as [KH, KW, G, C, F]
// (no transpose left); the accumulator starting at the bias.
// CHECK-LABEL: func.func @grouped_conv
// CHECK-NOT: strata.grouped_conv2d
// CHECK: %[[PADS:.*]] = tosa.const_shape {values = dense<[0, 0, 1, 0, 2, 1, 0, 0]> : tensor<8xindex>}
// CHECK: %[[P:.*]] = tosa.pad %arg0, %[[PADS]], %{{.*}} -> tensor<1x6x8x6xf32>
// CHECK: %[[X:.*]] = tosa.reshape %[[P]], {{.*}} -> tensor<1x6x8x2x3xf32>
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{.*}}> : tensor<1x2x2x3x2xf32>}>
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>}>
// CHECK: %[[I:.*]] = linalg.broadcast ins(%[[B]] : tensor<2x2xf32>) outs(%{{.*}} : tensor<1x3x3x2x2xf32>) dimensions = [0, 1, 2]
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[W]] : tensor<1x6x8x2x3xf32>, tensor<1x2x2x3x2xf32>) outs(%[[I]] : tensor<1x3x3x2x2xf32>)
// CHECK: %[[Y:.*]] = tosa.reshape %[[G]], {{.*}} -> tensor<1x3x3x4xf32>
// CHECK-NOT: tosa.transpose
// CHECK: return %[[Y]]
func.func @grouped_conv(%x: tensor<1x5x5x6xf32>) -> tensor<1x3x3x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x2x3xf32>} : () -> tensor<4x1x2x3xf32>
  %b = "tosa.const"() {values = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 1, 0, 2, 1>, stride = array<i64: 2, 3>, dilation = array<i64: 1, 1>} : (tensor<1x5x5x6xf32>, tensor<4x1x2x3xf32>, tensor<4xf32>) -> tensor<1x3x3x4xf32>
  return %0 : tensor<1x3x3x4xf32>
}

// -----

// A weight that is no constant is rearranged by a reshape and a transpose
// at run time; a zero bias is a fill.
// CHECK-LABEL: func.func @grouped_conv_runtime_weight
// CHECK-NOT: tosa.pad
// CHECK: %[[S:.*]] = tosa.reshape %arg1, {{.*}} -> tensor<2x2x1x1x3xf32>
// CHECK: %[[W:.*]] = tosa.transpose %[[S]] {perms = array<i32: 2, 3, 0, 4, 1>} : (tensor<2x2x1x1x3xf32>) -> tensor<1x1x2x3x2xf32>
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[W]] :
func.func @grouped_conv_runtime_weight(%x: tensor<1x5x5x6xf32>, %w: tensor<4x1x1x3xf32>) -> tensor<1x5x5x4xf32> {
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x5x5x6xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>) -> tensor<1x5x5x4xf32>
  return %0 : tensor<1x5x5x4xf32>
}

// -----

// Reading its input through a shuffle of 2 groups (input_shuffle): 2
// groups of 4 channels, each group 2 runs of 2 channels; the input split
// as (run, group, channel of the run), a second reduction loop over the
// runs, and the OHWI weight [2, 1, 1, 4] (group g's channel r * 2 + s)
// laid out as [KH, KW, G, S, R, F].
// CHECK-LABEL: func.func @shuffled_grouped_conv
// CHECK: %[[X:.*]] = tosa.reshape %arg0, {{.*}} -> tensor<1x3x3x2x2x2xf32>
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[\[\[}}0.000000e+00], [2.000000e+00]], {{\[\[}}1.000000e+00], [3.000000e+00]]], {{\[\[\[}}4.000000e+00], [6.000000e+00]], {{\[\[}}5.000000e+00], [7.000000e+00]]]]]]> : tensor<1x1x2x2x2x1xf32>}>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[X]], %[[W]] : tensor<1x3x3x2x2x2xf32>, tensor<1x1x2x2x2x1xf32>) outs(%{{.*}} : tensor<1x3x3x2x1xf32>)
// CHECK: tosa.reshape {{.*}} -> tensor<1x3x3x2xf32>
func.func @shuffled_grouped_conv(%x: tensor<1x3x3x8xf32>) -> tensor<1x3x3x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.0, 1.0, 2.0, 3.0]]], [[[4.0, 5.0, 6.0, 7.0]]]]> : tensor<2x1x1x4xf32>} : () -> tensor<2x1x1x4xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, input_shuffle = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x8xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  return %0 : tensor<1x3x3x2xf32>
}

// -----

// Through a shuffle of 2 groups that does not divide the 3 channels of a
// group: the pair of groups reads 2 runs of 3 channels, group h a window
// of 2 channels of each run starting at h (the shuffled channels 0, 1, 2
// are runs 0, 1, 0 at channels 0, 0, 1; channels 3, 4, 5 are runs 1, 0, 1
// at 1, 2, 2). The filter [KH, KW, pairs, group, run, window, F] is zero
// where a window holds the other group's channel.
// CHECK-LABEL: func.func @windowed_grouped_conv
// CHECK: %[[X:.*]] = tosa.reshape %arg0, {{.*}} -> tensor<1x3x3x2x1x3xf32>
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[\[\[\[}}0.000000e+00], [2.000000e+00]], {{\[\[}}1.000000e+00], [0.000000e+00]]], {{\[\[\[}}0.000000e+00], [4.000000e+00]], {{\[\[}}3.000000e+00], [5.000000e+00]]]]]]]> : tensor<1x1x1x2x2x2x1xf32>}>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[X]], %[[W]] : tensor<1x3x3x2x1x3xf32>, tensor<1x1x1x2x2x2x1xf32>) outs(%{{.*}} : tensor<1x3x3x1x2x1xf32>)
// CHECK: tosa.reshape {{.*}} -> tensor<1x3x3x2xf32>
func.func @windowed_grouped_conv(%x: tensor<1x3x3x6xf32>) -> tensor<1x3x3x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.0, 1.0, 2.0]]], [[[3.0, 4.0, 5.0]]]]> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b = "tosa.const"() {values = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, input_shuffle = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x6xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  return %0 : tensor<1x3x3x2xf32>
}

// -----

// The same with a weight computed at run time: the filter with zeros is
// built from constants only, so the input is shuffled as the graph wrote
// it and the plain grouped convolution reads it.
// CHECK-LABEL: func.func @windowed_runtime_weight
// CHECK: tosa.reshape %arg0, {{.*}} -> tensor<1x3x3x2x3xf32>
// CHECK: tosa.transpose {{.*}}perms = array<i32: 0, 1, 2, 4, 3>{{.*}} -> tensor<1x3x3x3x2xf32>
// CHECK: tosa.reshape {{.*}} -> tensor<1x3x3x6xf32>
// CHECK: %[[X:.*]] = tosa.reshape {{.*}} -> tensor<1x3x3x2x3xf32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[X]], %{{.*}} : tensor<1x3x3x2x3xf32>, tensor<1x1x2x3x1xf32>)
func.func @windowed_runtime_weight(%x: tensor<1x3x3x6xf32>, %w: tensor<2x1x1x3xf32>) -> tensor<1x3x3x2xf32> {
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, input_shuffle = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x6xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  return %0 : tensor<1x3x3x2xf32>
}
