// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-sink-transposes))' | FileCheck %s

// Batch normalization between a convolution's NHWC output and the next
// convolution's NHWC input: both transposes go, the per-channel constants
// become NHWC (1x1x1xC; same data order).
// CHECK-LABEL: func.func @batch_norm
// CHECK-NOT: tosa.transpose
// CHECK: %[[S:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00]]]]> : tensor<1x1x1x3xf32>}>
// CHECK: tosa.mul %arg0, %[[S]], %{{.*}} : (tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>, tensor<1xi8>) -> tensor<1x4x4x3xf32>
// CHECK: tosa.add %{{.*}} : (tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x4x4x3xf32>
// CHECK: tosa.clamp %{{.*}} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
// CHECK-NOT: tosa.transpose
// CHECK: return
func.func @batch_norm(%x: tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> {
  %scale = "tosa.const"() {values = dense<[[[[1.0]], [[2.0]], [[3.0]]]]> : tensor<1x3x1x1xf32>} : () -> tensor<1x3x1x1xf32>
  %shift = "tosa.const"() {values = dense<0.5> : tensor<1x3x1x1xf32>} : () -> tensor<1x3x1x1xf32>
  %zero = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %m = tosa.mul %t, %scale, %zero : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>, tensor<1xi8>) -> tensor<1x3x4x4xf32>
  %a = tosa.add %m, %shift : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x4x4xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %u = tosa.transpose %c {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x4x4xf32>) -> tensor<1x4x4x3xf32>
  return %u : tensor<1x4x4x3xf32>
}

// -----

// A residual add of two transposed values; a constant whose data order
// changes is permuted element by element.
// CHECK-LABEL: func.func @residual
// CHECK: "tosa.const"() <{values = dense<{{\[}}[1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>}>
// CHECK: %[[A:.*]] = tosa.add %arg0, %arg1 : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: %[[B:.*]] = tosa.sub %[[A]], %{{.*}} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: tosa.transpose %[[B]] {perms = array<i32: 1, 0>}
func.func @residual(%x: tensor<2x2xf32>, %y: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %c = "tosa.const"() {values = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %tx = tosa.transpose %x {perms = array<i32: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %ty = tosa.transpose %y {perms = array<i32: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %a = tosa.add %tx, %ty : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %b = tosa.sub %a, %c : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %b : tensor<2x2xf32>
}

// -----

// Not moved: the transpose has another user, or the other operand is
// neither transposed nor constant.
// CHECK-LABEL: func.func @kept
// CHECK: %[[T:.*]] = tosa.transpose %arg0
// CHECK: tosa.add %[[T]], %arg1
// CHECK: tosa.exp %[[T]]
func.func @kept(%x: tensor<2x3xf32>, %y: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %t = tosa.transpose %x {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %a = tosa.add %t, %y : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %e = tosa.exp %t : (tensor<3x2xf32>) -> tensor<3x2xf32>
  return %a, %e : tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// Through a slice (start and size permuted) and a concat (axis permuted).
// CHECK-LABEL: func.func @slice_concat
// CHECK-DAG: tosa.const_shape {values = dense<[0, 1, 1, 0]> : tensor<4xindex>}
// CHECK-DAG: tosa.const_shape {values = dense<[1, 2, 2, 8]> : tensor<4xindex>}
// CHECK: %[[S:.*]] = tosa.slice %arg0, {{.*}} : (tensor<1x4x4x8xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2x8xf32>
// CHECK: %[[C:.*]] = tosa.concat %[[S]], %arg1 {axis = 3 : i32} : (tensor<1x2x2x8xf32>, tensor<1x2x2x8xf32>) -> tensor<1x2x2x16xf32>
// CHECK: tosa.transpose %[[C]] {perms = array<i32: 0, 3, 1, 2>}
func.func @slice_concat(%x: tensor<1x4x4x8xf32>, %y: tensor<1x2x2x8xf32>) -> tensor<1x16x2x2xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %start = tosa.const_shape {values = dense<[0, 0, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 8, 2, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s = tosa.slice %t, %start, %size : (tensor<1x8x4x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x8x2x2xf32>
  %u = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x8xf32>) -> tensor<1x8x2x2xf32>
  %c = tosa.concat %s, %u {axis = 1 : i32} : (tensor<1x8x2x2xf32>, tensor<1x8x2x2xf32>) -> tensor<1x16x2x2xf32>
  return %c : tensor<1x16x2x2xf32>
}

// -----

// A transpose of a constant is folded (OIHW filters to OHWI).
// CHECK-LABEL: func.func @constant
// CHECK-NOT: tosa.transpose
// CHECK: "tosa.const"() <{values = dense<{{\[\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]]> : tensor<1x3x2xf32>}>
func.func @constant() -> tensor<1x3x2xf32> {
  %c = "tosa.const"() {values = dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]> : tensor<1x2x3xf32>} : () -> tensor<1x2x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 2, 1>} : (tensor<1x2x3xf32>) -> tensor<1x3x2xf32>
  return %t : tensor<1x3x2xf32>
}

// -----

// DenseNet's pattern: a transposed value read by a concat and by a batch
// normalization. Every user can take the transpose, so both move below and
// the shared one goes.
// CHECK-LABEL: func.func @shared
// CHECK: %[[C:.*]] = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>) -> tensor<1x2x2x8xf32>
// CHECK: tosa.transpose %[[C]] {perms = array<i32: 0, 3, 1, 2>}
// CHECK: %[[M:.*]] = tosa.mul %arg0, %{{.*}} : (tensor<1x2x2x4xf32>, tensor<1x1x1x4xf32>, tensor<1xi8>) -> tensor<1x2x2x4xf32>
// CHECK: tosa.transpose %[[M]] {perms = array<i32: 0, 3, 1, 2>}
// CHECK-NOT: tosa.transpose %arg
func.func @shared(%x: tensor<1x2x2x4xf32>, %y: tensor<1x2x2x4xf32>) -> (tensor<1x8x2x2xf32>, tensor<1x4x2x2xf32>) {
  %scale = "tosa.const"() {values = dense<2.0> : tensor<1x4x1x1xf32>} : () -> tensor<1x4x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %tx = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x4xf32>) -> tensor<1x4x2x2xf32>
  %ty = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x4xf32>) -> tensor<1x4x2x2xf32>
  %c = tosa.concat %tx, %ty {axis = 1 : i32} : (tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x8x2x2xf32>
  %m = tosa.mul %tx, %scale, %shift : (tensor<1x4x2x2xf32>, tensor<1x4x1x1xf32>, tensor<1xi8>) -> tensor<1x4x2x2xf32>
  return %c, %m : tensor<1x8x2x2xf32>, tensor<1x4x2x2xf32>
}
