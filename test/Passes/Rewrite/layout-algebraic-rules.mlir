// The layout and algebraic rules of the library, one split per case:
// strata.cancel-transposes, strata.hoist-transposes, strata.sink-transposes
// through tosa.pad, strata.algebraic-identities, strata.merge-affine-chains,
// strata.flatten-into-weights.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.cancel-transposes}))' | FileCheck %s --check-prefix=CANCEL
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.hoist-transposes,strata.cancel-transposes}))' | FileCheck %s --check-prefix=HOIST
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.sink-transposes}))' | FileCheck %s --check-prefix=SINK
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.algebraic-identities}))' | FileCheck %s --check-prefix=IDENT
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.merge-affine-chains}))' | FileCheck %s --check-prefix=AFFINE
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.merge-sibling-convs}))' | FileCheck %s --check-prefix=SIB
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.epilogue-normal-form,strata.cancel-transposes}))' | FileCheck %s --check-prefix=EPI
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.flatten-into-weights}))' | FileCheck %s --check-prefix=FLAT

// Inverse transposes vanish; two others become one.
// CANCEL-LABEL: func.func @transposes
// CANCEL-NEXT: %[[T:.*]] = tosa.transpose %arg0 {perms = array<i32: 0, 2, 1>}
// CANCEL-NEXT: return %arg0, %[[T]]
func.func @transposes(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x4x3xf32>) {
  %a = tosa.transpose %x {perms = array<i32: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %b = tosa.transpose %a {perms = array<i32: 2, 0, 1>} : (tensor<3x4x2xf32>) -> tensor<2x3x4xf32>
  %c = tosa.transpose %a {perms = array<i32: 2, 1, 0>} : (tensor<3x4x2xf32>) -> tensor<2x4x3xf32>
  return %b, %c : tensor<2x3x4xf32>, tensor<2x4x3xf32>
}

// -----

// A reshape of a reshape is one reshape; a reshape to its input's type
// is its input.
// CANCEL-LABEL: func.func @reshapes
// CANCEL: %[[R:.*]] = tosa.reshape %arg0
// CANCEL-SAME: -> tensor<6x4xf32>
// CANCEL-NOT: tosa.reshape
// CANCEL: return %[[R]], %arg0
func.func @reshapes(%x: tensor<2x3x4xf32>) -> (tensor<6x4xf32>, tensor<2x3x4xf32>) {
  %s1 = tosa.const_shape {values = dense<[24]> : tensor<1xindex>} : () -> !tosa.shape<1>
  %s2 = tosa.const_shape {values = dense<[6, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s3 = tosa.const_shape {values = dense<[2, 3, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %a = tosa.reshape %x, %s1 : (tensor<2x3x4xf32>, !tosa.shape<1>) -> tensor<24xf32>
  %b = tosa.reshape %a, %s2 : (tensor<24xf32>, !tosa.shape<2>) -> tensor<6x4xf32>
  %c = tosa.reshape %x, %s3 : (tensor<2x3x4xf32>, !tosa.shape<3>) -> tensor<2x3x4xf32>
  return %b, %c : tensor<6x4xf32>, tensor<2x3x4xf32>
}

// -----

// LRN's shape: NHWC -> NCHW, a product of the value with itself, a channel
// pad and slice, a constant scale, back to NHWC. Hoisted, the transposes
// meet and cancel; the pad and slice bounds and the constant are permuted.
// HOIST-LABEL: func.func @lrn_island
// HOIST-NOT: tosa.transpose
// HOIST: %[[SQ:.*]] = tosa.mul %arg0, %arg0
// HOIST: %[[P:.*]] = tosa.pad %[[SQ]]
// HOIST-SAME: -> tensor<1x4x4x6xf32>
// HOIST: %[[S:.*]] = tosa.slice %[[P]]
// HOIST-SAME: -> tensor<1x4x4x2xf32>
// HOIST: tosa.mul %[[S]], %{{.*}}, %{{.*}} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>
// HOIST-NOT: tosa.transpose
// HOIST: return
func.func @lrn_island(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %k = "tosa.const"() {values = dense<[[[[0.5]], [[2.0]]]]> : tensor<1x2x1x1xf32>} : () -> tensor<1x2x1x1xf32>
  %padding = tosa.const_shape {values = dense<[0, 0, 2, 2, 0, 0, 0, 0]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %start = tosa.const_shape {values = dense<[0, 1, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %sq = tosa.mul %t, %t, %shift : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %p = tosa.pad %sq, %padding, %zero : (tensor<1x2x4x4xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x6x4x4xf32>
  %s = tosa.slice %p, %start, %size : (tensor<1x6x4x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  %m = tosa.mul %s, %k, %shift : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %back = tosa.transpose %m {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  return %back : tensor<1x4x4x2xf32>
}

// -----

// strata.lrn between an NHWC value and a transpose back: hoisted, the
// transposes meet and cancel, and the LRN's axis follows the channels
// (axis 1 of NCHW is axis 3 of NHWC).
// HOIST-LABEL: func.func @lrn_op
// HOIST-NOT: tosa.transpose
// HOIST: strata.lrn %arg0 {{{.*}}axis = 3 : i64{{.*}}} : tensor<1x4x4x2xf32>
// HOIST-NOT: tosa.transpose
// HOIST: return
func.func @lrn_op(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %l = strata.lrn %t {axis = 1 : i64, size = 3 : i64, alpha = 1.0e-4 : f64, beta = 0.75 : f64, bias = 1.0 : f64} : tensor<1x2x4x4xf32>
  %back = tosa.transpose %l {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  return %back : tensor<1x4x4x2xf32>
}

// -----

// A transpose does not move above an op that has another user.
// HOIST-LABEL: func.func @hoist_refused
// HOIST: tosa.clamp %arg0
// HOIST: tosa.transpose
func.func @hoist_refused(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<2x3xf32>) {
  %c = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %t, %c : tensor<3x2xf32>, tensor<2x3xf32>
}

// -----

// A transpose moves below a pad, the padding permuted.
// SINK-LABEL: func.func @sink_pad
// SINK: %[[P:.*]] = tosa.pad %arg0, %{{.*}}, %{{.*}} : (tensor<1x4x4x2xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x4x4x6xf32>
// SINK: tosa.transpose %[[P]] {perms = array<i32: 0, 3, 1, 2>}
func.func @sink_pad(%x: tensor<1x4x4x2xf32>) -> tensor<1x6x4x4xf32> {
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %padding = tosa.const_shape {values = dense<[0, 0, 2, 2, 0, 0, 0, 0]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %p = tosa.pad %t, %padding, %zero : (tensor<1x2x4x4xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x6x4x4xf32>
  return %p : tensor<1x6x4x4xf32>
}

// -----

// x * 1, 0 + x, x - 0 and -(-x) are x; x * 2 and 1 - x stay.
// IDENT-LABEL: func.func @identities
// IDENT-NOT: tosa.negate
// IDENT: %[[M:.*]] = tosa.mul %arg0, %{{.*}}
// IDENT: %[[S:.*]] = tosa.sub %{{.*}}, %arg0
// IDENT: return %arg0, %[[M]], %[[S]]
func.func @identities(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %one = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %two = "tosa.const"() {values = dense<2.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %1 = tosa.add %zero, %0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = tosa.sub %1, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = tosa.negate %2, %zp, %zp : (tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4xf32>
  %4 = tosa.negate %3, %zp, %zp : (tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4xf32>
  %5 = tosa.mul %x, %two, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %6 = tosa.sub %one, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %4, %5, %6 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// A batch normalization, then Mul and Add (DenseNet): ((x*a + b)*c + d)
// is x*(a*c) + (b*c + d): a = [2, 3], b = [1, 1], c = [10, 10], d = [5, 6]
// give the scale [20, 30] and the shift [15, 16].
// AFFINE-LABEL: func.func @affine_chain
// AFFINE-DAG: %[[S:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+01, 3.000000e+01]]]]>
// AFFINE-DAG: %[[T:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.500000e+01, 1.600000e+01]]]]>
// AFFINE: %[[M:.*]] = tosa.mul %arg0, %[[S]]
// AFFINE-NEXT: %[[A:.*]] = tosa.add %[[M]], %[[T]]
// AFFINE-NEXT: return %[[A]]
func.func @affine_chain(%x: tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32> {
  %a = "tosa.const"() {values = dense<[[[[2.0, 3.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() {values = dense<[[[[1.0, 1.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %c = "tosa.const"() {values = dense<10.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %d = "tosa.const"() {values = dense<[[[[5.0, 6.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %a, %shift : (tensor<1x3x3x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x3x3x2xf32>
  %1 = tosa.add %0, %b : (tensor<1x3x3x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x3x3x2xf32>
  %2 = tosa.mul %1, %c, %shift : (tensor<1x3x3x2xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x3x3x2xf32>
  %3 = tosa.add %2, %d : (tensor<1x3x3x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x3x3x2xf32>
  return %3 : tensor<1x3x3x2xf32>
}

// -----

// The inner shift has another user: the chain stays.
// AFFINE-LABEL: func.func @affine_shared
// AFFINE: tosa.add %arg0
// AFFINE: tosa.add
func.func @affine_shared(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %b = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = tosa.add %x, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = tosa.add %0, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Two 1x1 convolutions of one input (Inception's branches): one
// convolution with 2 + 3 output channels, sliced apart; the ReLU after
// both slices moves above them. The 3x3 convolution of the same input has
// another window and stays.
// SIB-LABEL: func.func @siblings
// SIB: %[[W:.*]] = "tosa.const"() <{values = dense<{{.*}}> : tensor<5x1x1x4xf32>}>
// SIB: %[[B:.*]] = "tosa.const"() <{values = dense<[1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00]> : tensor<5xf32>}>
// SIB: %[[C:.*]] = tosa.conv2d %arg0, %[[W]], %[[B]]
// SIB-SAME: -> tensor<1x8x8x5xf32>
// SIB-NEXT: %[[R:.*]] = tosa.clamp %[[C]]
// SIB: %[[S0:.*]] = tosa.slice %[[R]]
// SIB-SAME: -> tensor<1x8x8x2xf32>
// SIB: %[[S1:.*]] = tosa.slice %[[R]]
// SIB-SAME: -> tensor<1x8x8x3xf32>
// SIB: %[[K:.*]] = tosa.conv2d %arg0
// SIB-SAME: pad = array<i64: 1, 1, 1, 1>
// SIB: return %[[S0]], %[[S1]], %[[K]]
func.func @siblings(%x: tensor<1x8x8x4xf32>) -> (tensor<1x8x8x2xf32>, tensor<1x8x8x3xf32>, tensor<1x8x8x2xf32>) {
  %w1 = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x4xf32>} : () -> tensor<2x1x1x4xf32>
  %b1 = "tosa.const"() {values = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<0.25> : tensor<3x1x1x4xf32>} : () -> tensor<3x1x1x4xf32>
  %b2 = "tosa.const"() {values = dense<2.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %w3 = "tosa.const"() {values = dense<0.1> : tensor<2x3x3x4xf32>} : () -> tensor<2x3x3x4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c1 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x2xf32>
  %r1 = tosa.clamp %c1 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x8x8x2xf32>) -> tensor<1x8x8x2xf32>
  %c2 = tosa.conv2d %x, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<3x1x1x4xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x3xf32>
  %r2 = tosa.clamp %c2 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x8x8x3xf32>) -> tensor<1x8x8x3xf32>
  %c3 = tosa.conv2d %x, %w3, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<2x3x3x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x2xf32>
  return %r1, %r2, %c3 : tensor<1x8x8x2xf32>, tensor<1x8x8x3xf32>, tensor<1x8x8x2xf32>
}

// -----

// Different activations after the slices: the merge happens, the
// activations stay below the slices.
// SIB-LABEL: func.func @siblings_mixed
// SIB: %[[C:.*]] = tosa.conv2d %arg0
// SIB-SAME: -> tensor<1x8x8x4xf32>
// SIB: %[[S0:.*]] = tosa.slice %[[C]]
// SIB: %[[S1:.*]] = tosa.slice %[[C]]
// SIB: tosa.clamp %[[S0]]
// SIB: tosa.clamp %[[S1]]
func.func @siblings_mixed(%x: tensor<1x8x8x4xf32>) -> (tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>) {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x4xf32>} : () -> tensor<2x1x1x4xf32>
  %b = "tosa.const"() {values = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c1 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x2xf32>
  %r1 = tosa.clamp %c1 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x8x8x2xf32>) -> tensor<1x8x8x2xf32>
  %c2 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x2xf32>
  %r2 = tosa.clamp %c2 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x8x8x2xf32>) -> tensor<1x8x8x2xf32>
  return %r1, %r2 : tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>
}

// -----

// A fully connected layer as the importer writes it (matmul on 3-D, a
// reshape to 2-D, the bias, the activation, back to 3-D for the next
// matmul): in normal form the bias and the activation follow the matmul
// and the two reshapes are gone.
// EPI-LABEL: func.func @fc_epilogue
// EPI: %[[M:.*]] = tosa.matmul %arg0
// EPI-NEXT: %[[A:.*]] = tosa.add %[[M]], %{{.*}} : (tensor<1x1x4xf32>, tensor<1x1x4xf32>)
// EPI-NEXT: %[[C:.*]] = tosa.clamp %[[A]]
// EPI-NEXT: %[[N:.*]] = tosa.matmul %[[C]]
// EPI-NEXT: return %[[N]]
func.func @fc_epilogue(%x: tensor<1x1x4xf32>, %w: tensor<1x4x4xf32>) -> tensor<1x1x4xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %bias = "tosa.const"() {values = dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>} : () -> tensor<1x4xf32>
  %s2 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s3 = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x4xf32>, tensor<1x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  %r = tosa.reshape %m, %s2 : (tensor<1x1x4xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  %a = tosa.add %r, %bias : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %b = tosa.reshape %c, %s3 : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
  %n = tosa.matmul %b, %w, %zp, %zp : (tensor<1x1x4xf32>, tensor<1x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  return %n : tensor<1x1x4xf32>
}

// -----

// A reshape that regroups elements (2x2 -> 4) is not a unit-dimension
// change: the add stays after it.
// EPI-LABEL: func.func @epilogue_refused
// EPI: tosa.reshape %arg0
// EPI-NEXT: tosa.add
func.func @epilogue_refused(%x: tensor<2x2xf32>) -> tensor<4xf32> {
  %c = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %s = tosa.const_shape {values = dense<[4]> : tensor<1xindex>} : () -> !tosa.shape<1>
  %r = tosa.reshape %x, %s : (tensor<2x2xf32>, !tosa.shape<1>) -> tensor<4xf32>
  %a = tosa.add %r, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

// The transpose before a flatten (x is [M, a, b], read as [M, b, a]) becomes
// an order of the weights' rows: the weights (ONNX's N x K, K = b x a,
// transposed for the matmul) are viewed as N x b x a and transposed once
// to a x b x N; kernel formation folds that with their blocking.
// FLAT-LABEL: func.func @flatten
// FLAT-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{.*}}> : tensor<4x6xf32>}>
// FLAT-DAG: %[[X:.*]] = tosa.reshape %arg0, %{{.*}} : (tensor<1x2x3xf32>, !tosa.shape<3>) -> tensor<1x1x6xf32>
// FLAT-DAG: %[[V:.*]] = tensor.expand_shape %[[W]] {{\[\[}}0], [1, 2]] output_shape [4, 3, 2] : tensor<4x6xf32> into tensor<4x3x2xf32>
// FLAT-DAG: %[[T:.*]] = tosa.transpose %[[V]] {perms = array<i32: 2, 1, 0>} : (tensor<4x3x2xf32>) -> tensor<2x3x4xf32>
// FLAT-DAG: %[[R:.*]] = tosa.reshape %[[T]], %{{.*}} : (tensor<2x3x4xf32>, !tosa.shape<3>) -> tensor<1x6x4xf32>
// FLAT: tosa.matmul %[[X]], %[[R]]
func.func @flatten(%x: tensor<1x2x3xf32>) -> tensor<1x1x4xf32> {
  %w = "tosa.const"() {values = dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0, 16.0, 17.0], [18.0, 19.0, 20.0, 21.0, 22.0, 23.0]]> : tensor<4x6xf32>} : () -> tensor<4x6xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s1 = tosa.const_shape {values = dense<[1, 1, 6]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[1, 6, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 1>} : (tensor<1x2x3xf32>) -> tensor<1x3x2xf32>
  %a = tosa.reshape %t, %s1 : (tensor<1x3x2xf32>, !tosa.shape<3>) -> tensor<1x1x6xf32>
  %wt = tosa.transpose %w {perms = array<i32: 1, 0>} : (tensor<4x6xf32>) -> tensor<6x4xf32>
  %b = tosa.reshape %wt, %s2 : (tensor<6x4xf32>, !tosa.shape<3>) -> tensor<1x6x4xf32>
  %m = tosa.matmul %a, %b, %zp, %zp : (tensor<1x1x6xf32>, tensor<1x6x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  return %m : tensor<1x1x4xf32>
}

// -----

// Refused: the transpose moves the rows' dimension (not a flatten of the
// rest), or the weights are not constant.
// FLAT-LABEL: func.func @flatten_refused
// FLAT: tosa.transpose %arg0 {perms = array<i32: 1, 0, 2>}
// FLAT: tosa.matmul
// FLAT: tosa.transpose %arg0 {perms = array<i32: 0, 2, 1>}
// FLAT: tosa.matmul %{{.*}}, %arg1
func.func @flatten_refused(%x: tensor<2x2x3xf32>, %w: tensor<1x6x4xf32>) -> (tensor<1x2x4xf32>, tensor<1x2x4xf32>) {
  %c = "tosa.const"() {values = dense<1.0> : tensor<1x6x4xf32>} : () -> tensor<1x6x4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.const_shape {values = dense<[1, 2, 6]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %t = tosa.transpose %x {perms = array<i32: 1, 0, 2>} : (tensor<2x2x3xf32>) -> tensor<2x2x3xf32>
  %a = tosa.reshape %t, %s : (tensor<2x2x3xf32>, !tosa.shape<3>) -> tensor<1x2x6xf32>
  %m = tosa.matmul %a, %c, %zp, %zp : (tensor<1x2x6xf32>, tensor<1x6x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x4xf32>
  %t2 = tosa.transpose %x {perms = array<i32: 0, 2, 1>} : (tensor<2x2x3xf32>) -> tensor<2x3x2xf32>
  %a2 = tosa.reshape %t2, %s : (tensor<2x3x2xf32>, !tosa.shape<3>) -> tensor<1x2x6xf32>
  %m2 = tosa.matmul %a2, %w, %zp, %zp : (tensor<1x2x6xf32>, tensor<1x6x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x4xf32>
  return %m, %m2 : tensor<1x2x4xf32>, tensor<1x2x4xf32>
}

// -----

// Weights that are a plain constant (already folded, 1 x K x N): the view
// merges the unit dimension too, so it is a tosa.reshape (a copy once
// folded) rather than an expand_shape.
// FLAT-LABEL: func.func @flatten_folded_weights
// FLAT-DAG: %[[V:.*]] = tosa.reshape %{{.*}}, %{{.*}} : (tensor<1x6x4xf32>, !tosa.shape<3>) -> tensor<3x2x4xf32>
// FLAT-DAG: %[[T:.*]] = tosa.transpose %[[V]] {perms = array<i32: 1, 0, 2>} : (tensor<3x2x4xf32>) -> tensor<2x3x4xf32>
// FLAT: tosa.matmul
func.func @flatten_folded_weights(%x: tensor<1x2x3xf32>) -> tensor<1x1x4xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<1x6x4xf32>} : () -> tensor<1x6x4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s1 = tosa.const_shape {values = dense<[1, 1, 6]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 1>} : (tensor<1x2x3xf32>) -> tensor<1x3x2xf32>
  %a = tosa.reshape %t, %s1 : (tensor<1x3x2xf32>, !tosa.shape<3>) -> tensor<1x1x6xf32>
  %m = tosa.matmul %a, %w, %zp, %zp : (tensor<1x1x6xf32>, tensor<1x6x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  return %m : tensor<1x1x4xf32>
}

// -----

// Siblings whose filters are the importer's OIHW constants behind the
// transpose to OHWI merge their OIHW constants (output channels first in
// both) and keep one transpose; kernel formation folds it.
// SIB-LABEL: func.func @siblings_oihw
// SIB: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}2.000000e+00]]], {{\[\[\[}}3.000000e+00]], {{\[\[}}4.000000e+00]]], {{\[\[\[}}5.000000e+00]], {{\[\[}}6.000000e+00]]]]> : tensor<3x2x1x1xf32>}>
// SIB: %[[T:.*]] = tosa.transpose %[[W]] {perms = array<i32: 0, 2, 3, 1>} : (tensor<3x2x1x1xf32>) -> tensor<3x1x1x2xf32>
// SIB: tosa.conv2d %arg0, %[[T]]
// SIB-SAME: -> tensor<1x4x4x3xf32>
func.func @siblings_oihw(%x: tensor<1x4x4x2xf32>) -> (tensor<1x4x4x1xf32>, tensor<1x4x4x2xf32>) {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>} : () -> tensor<1x2x1x1xf32>
  %w2 = "tosa.const"() {values = dense<[[[[3.0]], [[4.0]]], [[[5.0]], [[6.0]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %t1 = tosa.transpose %w1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x1x1xf32>) -> tensor<1x1x1x2xf32>
  %t2 = tosa.transpose %w2 {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x2x1x1xf32>) -> tensor<2x1x1x2xf32>
  %c1 = tosa.conv2d %x, %t1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %c2 = tosa.conv2d %x, %t2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %c1, %c2 : tensor<1x4x4x1xf32>, tensor<1x4x4x2xf32>
}
