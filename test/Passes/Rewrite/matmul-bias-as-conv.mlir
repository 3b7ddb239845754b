// strata.matmul-bias-as-conv: a matmul with one right-hand matrix for the
// batch, plus a per-column constant, becomes a 1x1 convolution over the
// rows with that constant as its bias; anything else is left alone
// (--debug-only=greedy-rewriter shows the refusal's reason).
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.matmul-bias-as-conv,strata.cancel-transposes remarks=true}))' --verify-diagnostics | FileCheck %s
// RUN: strata-opt --list-rules | FileCheck %s --check-prefix=LIST
// LIST: strata.matmul-bias-as-conv [algebraic, fusion-enabling; reassociates floating point]

// A fully connected layer at batch 1: the rows of `a` are the pixels of a
// 1 x 1 image, W's columns the filters (W behind a reshape, a transpose and
// a reshape, which kernel formation folds into the weights' blocked
// layout), the bias the convolution's.
// CHECK-LABEL: func.func @fully_connected
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[1.000000e+01, 2.000000e+01, 3.000000e+01]> : tensor<3xf32>}>
// CHECK-DAG: %[[W0:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]]> : tensor<1x2x3xf32>}>
// CHECK: %[[X:.*]] = tosa.reshape %arg0, %{{.*}} : (tensor<1x1x2xf32>, !tosa.shape<4>) -> tensor<1x1x1x2xf32>
// CHECK: %[[W2:.*]] = tosa.reshape %[[W0]], %{{.*}} -> tensor<2x3xf32>
// CHECK: %[[WT:.*]] = tosa.transpose %[[W2]] {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK: %[[W:.*]] = tosa.reshape %[[WT]], %{{.*}} -> tensor<3x1x1x2xf32>
// CHECK: %[[C:.*]] = tosa.conv2d %[[X]], %[[W]], %[[B]], %{{.*}}, %{{.*}} {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : {{.*}} -> tensor<1x1x1x3xf32>
// CHECK: %[[Y:.*]] = tosa.reshape %[[C]], %{{.*}} -> tensor<1x1x3xf32>
// CHECK-NOT: tosa.matmul
// CHECK-NOT: tosa.add
// CHECK: return %[[Y]]
func.func @fully_connected(%a: tensor<1x1x2xf32>) -> tensor<1x1x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]> : tensor<1x2x3xf32>} : () -> tensor<1x2x3xf32>
  %c = "tosa.const"() {values = dense<[[[10.0, 20.0, 30.0]]]> : tensor<1x1x3xf32>} : () -> tensor<1x1x3xf32>
  %m = tosa.matmul %a, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  // expected-remark @below {{applied rule 'strata.matmul-bias-as-conv' to 'tosa.add'}}
  %y = tosa.add %c, %m : (tensor<1x1x3xf32>, tensor<1x1x3xf32>) -> tensor<1x1x3xf32>
  return %y : tensor<1x1x3xf32>
}

// -----

// Batch 2 of 4 rows each, a splat bias, weights that are not constants: a
// 2 x 1 x 4 image, the weights transposed at run time.
// CHECK-LABEL: func.func @batch_rows
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<5.000000e-01> : tensor<6xf32>}>
// CHECK: %[[X:.*]] = tosa.reshape %arg0, %{{.*}} -> tensor<2x1x4x5xf32>
// CHECK: %[[W2:.*]] = tosa.reshape %arg1, %{{.*}} -> tensor<5x6xf32>
// CHECK: %[[WT:.*]] = tosa.transpose %[[W2]] {perms = array<i32: 1, 0>} : (tensor<5x6xf32>) -> tensor<6x5xf32>
// CHECK: %[[W:.*]] = tosa.reshape %[[WT]], %{{.*}} -> tensor<6x1x1x5xf32>
// CHECK: tosa.conv2d %[[X]], %[[W]], %[[B]], {{.*}} -> tensor<2x1x4x6xf32>
// CHECK: tosa.reshape {{.*}} -> tensor<2x4x6xf32>
func.func @batch_rows(%a: tensor<2x4x5xf32>, %w: tensor<1x5x6xf32>) -> tensor<2x4x6xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = "tosa.const"() {values = dense<0.5> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %m = tosa.matmul %a, %w, %zp, %zp : (tensor<2x4x5xf32>, tensor<1x5x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x6xf32>
  // expected-remark @below {{applied rule 'strata.matmul-bias-as-conv' to 'tosa.add'}}
  %y = tosa.add %m, %c : (tensor<2x4x6xf32>, tensor<1x1x1xf32>) -> tensor<2x4x6xf32>
  return %y : tensor<2x4x6xf32>
}

// -----

// Refused: one right-hand matrix per batch element (not a layer's weights),
// a bias that is not per column, a matmul read twice.
// CHECK-LABEL: func.func @refused
// CHECK-COUNT-3: tosa.matmul
// CHECK-NOT: tosa.conv2d
func.func @refused(%a: tensor<2x1x2xf32>, %w: tensor<2x2x3xf32>, %b: tensor<1x1x2xf32>, %v: tensor<1x2x3xf32>) -> (tensor<2x1x3xf32>, tensor<1x1x3xf32>, tensor<1x1x3xf32>, tensor<1x1x3xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = "tosa.const"() {values = dense<[[[1.0, 2.0, 3.0]]]> : tensor<1x1x3xf32>} : () -> tensor<1x1x3xf32>
  %c2 = "tosa.const"() {values = dense<[[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]]]> : tensor<2x1x3xf32>} : () -> tensor<2x1x3xf32>
  %m1 = tosa.matmul %a, %w, %zp, %zp : (tensor<2x1x2xf32>, tensor<2x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x1x3xf32>
  %y1 = tosa.add %m1, %c2 : (tensor<2x1x3xf32>, tensor<2x1x3xf32>) -> tensor<2x1x3xf32>
  %m2 = tosa.matmul %b, %v, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  %y2 = tosa.add %m2, %m2 : (tensor<1x1x3xf32>, tensor<1x1x3xf32>) -> tensor<1x1x3xf32>
  %m3 = tosa.matmul %b, %v, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  %y3 = tosa.add %m3, %c : (tensor<1x1x3xf32>, tensor<1x1x3xf32>) -> tensor<1x1x3xf32>
  return %y1, %y2, %y3, %m3 : tensor<2x1x3xf32>, tensor<1x1x3xf32>, tensor<1x1x3xf32>, tensor<1x1x3xf32>
}
