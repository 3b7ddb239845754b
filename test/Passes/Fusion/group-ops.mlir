// RUN: strata-opt %s -p 'builtin.module(func.func(strata-group-ops))' --split-input-file --verify-diagnostics | FileCheck %s

// Every compute op becomes its own group; weights enter as inputs, the
// zero-point constant (64 bytes or less) is cloned in, the reshape stays out.
// CHECK-LABEL: func.func @mlp
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8xf32>, %[[W:.*]]: tensor<1x8x16xf32>)
func.func @mlp(%x: tensor<1x4x8xf32>, %w: tensor<1x8x16xf32>) -> tensor<64xf32> {
  // CHECK: %[[ZP:.*]] = "tosa.const"
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // CHECK: %[[MM:.*]] = strata.group(%[[A:.*]] = %[[X]], %[[B:.*]] = %[[W]]) : (tensor<1x4x8xf32>, tensor<1x8x16xf32>) -> tensor<1x4x16xf32> attributes {name = "matmul"} {
  // CHECK-NEXT: %[[Z:.*]] = "tosa.const"
  // CHECK-NEXT: %[[R:.*]] = tosa.matmul %[[A]], %[[B]], %[[Z]], %[[Z]]
  // CHECK-NEXT: strata.yield %[[R]]
  %0 = tosa.matmul %x, %w, %zp, %zp : (tensor<1x4x8xf32>, tensor<1x8x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x16xf32>
  // CHECK: %[[C:.*]] = strata.group(%[[I:.*]] = %[[MM]]) : (tensor<1x4x16xf32>) -> tensor<1x4x16xf32> attributes {name = "clamp"}
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
  // CHECK: %[[S:.*]] = tosa.const_shape
  // CHECK-NEXT: %[[V:.*]] = tosa.reshape %[[C]], %[[S]]
  %s = tosa.const_shape {values = dense<64> : tensor<1xindex>} : () -> !tosa.shape<1>
  %2 = tosa.reshape %1, %s : (tensor<1x4x16xf32>, !tosa.shape<1>) -> tensor<64xf32>
  // CHECK-NEXT: return %[[V]]
  return %2 : tensor<64xf32>
}

// -----

// Values captured by a region become inputs (tensors) or are cloned
// (scalar constants, empty tensors).
// CHECK-LABEL: func.func @captures
func.func @captures(%a: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<8xf32> {
  %c2 = arith.constant 2.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  // CHECK: strata.group(%[[A:.*]] = %{{.*}}, %[[B:.*]] = %{{.*}}) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32> attributes {name = "generic"}
  // CHECK-NEXT: %[[E:.*]] = tensor.empty() : tensor<8xf32>
  // CHECK-NEXT: %[[TWO:.*]] = arith.constant 2.0
  // CHECK-NEXT: linalg.generic
  // CHECK-SAME: ins(%[[A]] : tensor<8xf32>) outs(%[[E]] : tensor<8xf32>)
  // CHECK: tensor.extract %[[B]]
  // CHECK: arith.mulf %{{.*}}, %[[TWO]]
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %v = tensor.extract %b[%i] : tensor<8xf32>
    %m = arith.mulf %in, %c2 : f32
    %s = arith.addf %m, %v : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// A non-constant scalar cannot enter a group: the op stays ungrouped.
// CHECK-LABEL: func.func @scalar
func.func @scalar(%a: tensor<8xf32>, %f: f32) -> tensor<8xf32> {
  // CHECK: linalg.fill
  // CHECK-NOT: strata.group
  // expected-remark @+1 {{left ungrouped: it reads a value of type 'f32' that is neither a ranked tensor nor a constant}}
  %0 = linalg.fill ins(%f : f32) outs(%a : tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Ops already in a group are left alone; running twice changes nothing.
// CHECK-LABEL: func.func @grouped
func.func @grouped(%a: tensor<8xf32>) -> tensor<8xf32> {
  // CHECK: strata.group
  // CHECK-NOT: strata.group
  %0 = strata.group(%x = %a) : (tensor<8xf32>) -> tensor<8xf32> {
    %e = tosa.exp %x : (tensor<8xf32>) -> tensor<8xf32>
    strata.yield %e : tensor<8xf32>
  }
  return %0 : tensor<8xf32>
}

// -----

// The slice only a convolution reads (the rows a stride-2 1x1 convolution
// never reads, which the importer cuts off) starts in the convolution's
// kernel, where it is a view of the input; a group of its own would copy
// it. A slice with another reader stays a group of its own.
// CHECK-LABEL: func.func @strided_conv_slice
// CHECK: strata.group(%[[A:.*]] = %arg0, %{{.*}} = %arg1) : (tensor<1x8x8x4xf32>, tensor<8x1x1x4xf32>) -> tensor<1x4x4x8xf32> attributes {name = "slice_conv2d"}
// CHECK: tosa.slice %[[A]]
// CHECK: tosa.conv2d
// CHECK: strata.yield
// CHECK: strata.group(%{{.*}} = %arg0) : (tensor<1x8x8x4xf32>) -> tensor<1x7x7x4xf32> attributes {name = "slice"}
func.func @strided_conv_slice(%x: tensor<1x8x8x4xf32>, %w: tensor<8x1x1x4xf32>) -> (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x7x7x4xf32>) {
  %b = "tosa.const"() {values = dense<0.0> : tensor<8xf32>} : () -> tensor<8xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 7, 7, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s = tosa.slice %x, %start, %size : (tensor<1x8x8x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x7x4xf32>
  %c = tosa.conv2d %s, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x7x7x4xf32>, tensor<8x1x1x4xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  %s2 = tosa.slice %x, %start, %size : (tensor<1x8x8x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x7x4xf32>
  %c2 = tosa.conv2d %s2, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x7x7x4xf32>, tensor<8x1x1x4xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  return %c, %c2, %s2 : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x7x7x4xf32>
}

// -----

// A matmul's constant weights behind layout changes (a Gemm's N x K
// weights, transposed for the matmul) start in the matmul's kernel, where
// strata-pack-constants folds the changes with the weights' blocking; the
// kernel is named after the matmul (the constant is large enough to be
// the kernel's input, not a copy in its body). A transpose of a value that
// is not a constant stays a kernel of its own.
// CHECK-LABEL: func.func @matmul_weight_layout
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{.*}}> : tensor<4x5xf32>}>
// CHECK: strata.group(%[[B:.*]] = %[[W]], %{{.*}} = %arg0) : (tensor<4x5xf32>, tensor<1x1x5xf32>) -> tensor<1x1x4xf32> attributes {name = "matmul"}
// CHECK: tosa.transpose %[[B]]
// CHECK: tosa.reshape
// CHECK: tosa.matmul
// CHECK: strata.yield
// CHECK: attributes {name = "transpose"}
// CHECK: attributes {name = "matmul"}
func.func @matmul_weight_layout(%x: tensor<1x1x5xf32>, %v: tensor<4x5xf32>) -> (tensor<1x1x4xf32>, tensor<1x1x4xf32>) {
  %w = "tosa.const"() {values = dense<[[1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0], [11.0, 12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0, 20.0]]> : tensor<4x5xf32>} : () -> tensor<4x5xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.const_shape {values = dense<[1, 5, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %t = tosa.transpose %w {perms = array<i32: 1, 0>} : (tensor<4x5xf32>) -> tensor<5x4xf32>
  %r = tosa.reshape %t, %s : (tensor<5x4xf32>, !tosa.shape<3>) -> tensor<1x5x4xf32>
  %m = tosa.matmul %x, %r, %zp, %zp : (tensor<1x1x5xf32>, tensor<1x5x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  %t2 = tosa.transpose %v {perms = array<i32: 1, 0>} : (tensor<4x5xf32>) -> tensor<5x4xf32>
  %r2 = tosa.reshape %t2, %s : (tensor<5x4xf32>, !tosa.shape<3>) -> tensor<1x5x4xf32>
  %m2 = tosa.matmul %x, %r2, %zp, %zp : (tensor<1x1x5xf32>, tensor<1x5x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  return %m, %m2 : tensor<1x1x4xf32>, tensor<1x1x4xf32>
}
