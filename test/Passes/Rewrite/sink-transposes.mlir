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

// -----

// ShuffleNet's channel shuffle between NHWC convolutions: three transposes
// and two reshapes become one transpose of (pixels x groups x channels per
// group) between two reshapes.
// CHECK-LABEL: func.func @channel_shuffle
// CHECK: %[[R:.*]] = tosa.reshape %arg0, %{{.*}} : (tensor<1x2x2x6xf32>, !tosa.shape<3>) -> tensor<4x2x3xf32>
// CHECK: %[[T:.*]] = tosa.transpose %[[R]] {perms = array<i32: 0, 2, 1>} : (tensor<4x2x3xf32>) -> tensor<4x3x2xf32>
// CHECK: %[[B:.*]] = tosa.reshape %[[T]], %{{.*}} : (tensor<4x3x2xf32>, !tosa.shape<4>) -> tensor<1x2x2x6xf32>
// CHECK-NOT: tosa.transpose
// CHECK: return %[[B]]
func.func @channel_shuffle(%x: tensor<1x2x2x6xf32>) -> tensor<1x2x2x6xf32> {
  %s5 = tosa.const_shape {values = dense<[1, 2, 3, 2, 2]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %s4 = tosa.const_shape {values = dense<[1, 6, 2, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %0 = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x6xf32>) -> tensor<1x6x2x2xf32>
  %1 = tosa.reshape %0, %s5 : (tensor<1x6x2x2xf32>, !tosa.shape<5>) -> tensor<1x2x3x2x2xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 1, 3, 4>} : (tensor<1x2x3x2x2xf32>) -> tensor<1x3x2x2x2xf32>
  %3 = tosa.reshape %2, %s4 : (tensor<1x3x2x2x2xf32>, !tosa.shape<4>) -> tensor<1x6x2x2xf32>
  %4 = tosa.transpose %3 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x6x2x2xf32>) -> tensor<1x2x2x6xf32>
  return %4 : tensor<1x2x2x6xf32>
}

// -----

// A chain that moves no data (NHWC -> NCHW, spatial dimensions merged and
// split again, back to NHWC) becomes nothing.
// CHECK-LABEL: func.func @identity_chain
// CHECK-NOT: tosa.transpose
// CHECK-NOT: tosa.reshape
// CHECK: return %arg0
func.func @identity_chain(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %s3 = tosa.const_shape {values = dense<[1, 4, 6]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s4 = tosa.const_shape {values = dense<[1, 4, 2, 3]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %0 = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x3x4xf32>) -> tensor<1x4x2x3xf32>
  %1 = tosa.reshape %0, %s3 : (tensor<1x4x2x3xf32>, !tosa.shape<3>) -> tensor<1x4x6xf32>
  %2 = tosa.reshape %1, %s4 : (tensor<1x4x6xf32>, !tosa.shape<4>) -> tensor<1x4x2x3xf32>
  %3 = tosa.transpose %2 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x2x3xf32>) -> tensor<1x2x3x4xf32>
  return %3 : tensor<1x2x3x4xf32>
}

// -----

// A reshape that regroups elements across a transposed boundary (3x2 read
// as 2x3) has no single-permutation form: the chain stays.
// CHECK-LABEL: func.func @mixing_chain
// CHECK: tosa.transpose
// CHECK: tosa.reshape
// CHECK: tosa.transpose
func.func @mixing_chain(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %s = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %0 = tosa.transpose %x {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = tosa.reshape %0, %s : (tensor<3x2xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %2 : tensor<3x2xf32>
}

// -----

// A slice of a constant (a grouped convolution's filters) folds, and so
// does the transpose of it.
// CHECK-LABEL: func.func @sliced_filter
// CHECK-NOT: tosa.slice
// CHECK-NOT: tosa.transpose
// CHECK: "tosa.const"() <{values = dense<{{\[\[}}[3.000000e+00, 7.000000e+00], [4.000000e+00, 8.000000e+00]]]> : tensor<1x2x2xf32>}>
func.func @sliced_filter() -> tensor<1x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]]> : tensor<1x2x4xf32>} : () -> tensor<1x2x4xf32>
  %start = tosa.const_shape {values = dense<[0, 0, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %size = tosa.const_shape {values = dense<[1, 2, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s = tosa.slice %w, %start, %size : (tensor<1x2x4xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<1x2x2xf32>
  %t = tosa.transpose %s {perms = array<i32: 0, 2, 1>} : (tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
  return %t : tensor<1x2x2xf32>
}

// -----

// A matmul's constant weights behind a transpose (a Gemm with transB, as
// the importer writes it) are left for kernel formation, which folds the
// transpose together with the weights' blocked layout in one copy
// (strata-pack-constants); a transpose of a constant read elsewhere folds.
// CHECK-LABEL: func.func @matmul_weights
// CHECK-DAG: %[[F:.*]] = "tosa.const"() <{values = dense<{{\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>}>
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>}>
// CHECK: %[[T:.*]] = tosa.transpose %[[W]] {perms = array<i32: 1, 0>}
// CHECK: %[[R:.*]] = tosa.reshape %[[T]]
// CHECK: tosa.matmul %arg0, %[[R]]
// CHECK: return %{{.*}}, %[[F]]
func.func @matmul_weights(%x: tensor<1x1x3xf32>) -> (tensor<1x1x2xf32>, tensor<3x2xf32>) {
  %w = "tosa.const"() {values = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %w2 = "tosa.const"() {values = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.const_shape {values = dense<[1, 3, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %t = tosa.transpose %w {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %r = tosa.reshape %t, %s : (tensor<3x2xf32>, !tosa.shape<3>) -> tensor<1x3x2xf32>
  %m = tosa.matmul %x, %r, %zp, %zp : (tensor<1x1x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %f = tosa.transpose %w2 {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %m, %f : tensor<1x1x2xf32>, tensor<3x2xf32>
}

// -----

// A convolution's filter in ONNX's OIHW behind the transpose to OHWI stays
// unfolded too: kernel formation folds it with the filter's HWCF layout
// and blocking in one copy.
// CHECK-LABEL: func.func @conv_filter
// CHECK: %[[T:.*]] = tosa.transpose %{{.*}} {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x2x1x2xf32>) -> tensor<2x1x2x2xf32>
// CHECK: tosa.conv2d %arg0, %[[T]]
func.func @conv_filter(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x3x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0, 2.0]], [[3.0, 4.0]]], [[[5.0, 6.0]], [[7.0, 8.0]]]]> : tensor<2x2x1x2xf32>} : () -> tensor<2x2x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %t = tosa.transpose %w {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x2x1x2xf32>) -> tensor<2x1x2x2xf32>
  %c = tosa.conv2d %x, %t, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3x2xf32>
  return %c : tensor<1x4x3x2xf32>
}

// -----

// strata.lrn mixes only its axis: the transpose moves below it and the axis
// becomes the one the channels had before the transpose (NHWC's 3); the
// transposes meet and cancel.
// CHECK-LABEL: func.func @lrn
// CHECK-NOT: tosa.transpose
// CHECK: %[[L:.*]] = strata.lrn %arg0 {{{.*}}axis = 3 : i64{{.*}}} : tensor<1x4x4x8xf32>
// CHECK-NOT: tosa.transpose
// CHECK: return %[[L]]
func.func @lrn(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %l = strata.lrn %t {axis = 1 : i64, size = 5 : i64, alpha = 1.0e-4 : f64, beta = 0.75 : f64, bias = 1.0 : f64} : tensor<1x8x4x4xf32>
  %back = tosa.transpose %l {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  return %back : tensor<1x4x4x8xf32>
}
