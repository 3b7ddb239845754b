// RUN: strata-opt %s -p 'builtin.module(func.func(strata-fuse{cost-model=roofline}))' --split-input-file --verify-diagnostics | FileCheck %s
// Same input and options, same output.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-fuse{cost-model=roofline remarks=false}))' --split-input-file -o %t.1
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-fuse{cost-model=roofline remarks=false}))' --split-input-file -o %t.2
// RUN: cmp %t.1 %t.2

// The roofline model always predicts a merged kernel cheaper (fewer bytes
// cross its boundary, one launch), so every legal candidate is taken and
// these tests show which merges are candidates and which are legal.

// An elementwise chain becomes one kernel.
// CHECK-LABEL: func.func @chain
// CHECK: %[[G:.*]] = strata.group(%[[X:.*]] = %arg0, %[[Y:.*]] = %arg1) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> attributes {name = "add_exp_mul"} {
// CHECK-NEXT: %[[SHIFT:.*]] = "tosa.const"
// CHECK-NEXT: %[[A:.*]] = tosa.add %[[X]], %[[Y]]
// CHECK-NEXT: %[[E:.*]] = tosa.exp %[[A]]
// CHECK-NEXT: %[[M:.*]] = tosa.mul %[[E]], %[[Y]], %[[SHIFT]]
// CHECK-NEXT: strata.yield %[[M]]
// CHECK: return %[[G]]
func.func @chain(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.add %x, %y : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %1 = tosa.exp %0 : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %2 = tosa.mul %1, %y, %shift : (tensor<64x64xf32>, tensor<64x64xf32>, tensor<1xi8>) -> tensor<64x64xf32>
  return %2 : tensor<64x64xf32>
}

// -----

// Elementwise producers fuse into a reduction (the kernel also yields the
// producer's value, which another kernel reads); the reduction does not
// fuse into its consumer.
// CHECK-LABEL: func.func @reduction
// CHECK: %[[R:.*]]:2 = strata.group(%{{.*}} = %arg0) : (tensor<64x128xf32>) -> (tensor<64x128xf32>, tensor<64x1xf32>) attributes {name = "exp_reduce_sum"}
// CHECK: %[[D:.*]] = strata.group(%{{.*}} = %[[R]]#1, %{{.*}} = %[[R]]#0) : (tensor<64x1xf32>, tensor<64x128xf32>) -> tensor<64x128xf32> attributes {name = "reciprocal_mul"}
// CHECK: return %[[D]]
func.func @reduction(%x: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %e = tosa.exp %x : (tensor<64x128xf32>) -> tensor<64x128xf32>
  %s = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<64x128xf32>) -> tensor<64x1xf32>
  %r = tosa.reciprocal %s : (tensor<64x1xf32>) -> tensor<64x1xf32>
  %n = tosa.mul %e, %r, %shift : (tensor<64x128xf32>, tensor<64x1xf32>, tensor<1xi8>) -> tensor<64x128xf32>
  return %n : tensor<64x128xf32>
}

// -----

// A matmul takes its epilogue (bias, activation, residual add) but not the
// elementwise op feeding it, and not a second matmul.
// CHECK-LABEL: func.func @epilogue
// CHECK: %[[P:.*]] = strata.group(%{{.*}} = %arg0) : (tensor<1x64x32xf32>) -> tensor<1x64x32xf32> attributes {name = "tanh"}
// CHECK: %[[MM:.*]] = strata.group(%{{.*}} = %[[P]], %{{.*}} = %arg1, %{{.*}} = %arg2, %{{.*}} = %arg3) : (tensor<1x64x32xf32>, tensor<1x32x64xf32>, tensor<1x1x64xf32>, tensor<1x64x64xf32>) -> tensor<1x64x64xf32> attributes {name = "matmul_add_clamp_and_1"}
// CHECK-NEXT: tosa.const
// CHECK-NEXT: tosa.matmul
// CHECK-NEXT: tosa.add
// CHECK-NEXT: tosa.clamp
// CHECK-NEXT: tosa.add
// CHECK-NEXT: strata.yield
// CHECK: %[[MM2:.*]] = strata.group(%{{.*}} = %[[MM]], %{{.*}} = %arg4) : {{.*}} attributes {name = "matmul"}
// CHECK: return %[[MM2]]
func.func @epilogue(%x: tensor<1x64x32xf32>, %w: tensor<1x32x64xf32>, %b: tensor<1x1x64xf32>, %res: tensor<1x64x64xf32>, %w2: tensor<1x64x64xf32>) -> tensor<1x64x64xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t = tosa.tanh %x : (tensor<1x64x32xf32>) -> tensor<1x64x32xf32>
  %0 = tosa.matmul %t, %w, %zp, %zp : (tensor<1x64x32xf32>, tensor<1x32x64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x64x64xf32>
  %1 = tosa.add %0, %b : (tensor<1x64x64xf32>, tensor<1x1x64xf32>) -> tensor<1x64x64xf32>
  %2 = tosa.clamp %1 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x64x64xf32>) -> tensor<1x64x64xf32>
  %3 = tosa.add %2, %res : (tensor<1x64x64xf32>, tensor<1x64x64xf32>) -> tensor<1x64x64xf32>
  %4 = tosa.matmul %3, %w2, %zp, %zp : (tensor<1x64x64xf32>, tensor<1x64x64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x64x64xf32>
  return %4 : tensor<1x64x64xf32>
}

// -----

// Siblings that read one large input (64 KiB here) and do not depend on
// each other share a kernel with two results; those reading a small input
// (below sibling-min-bytes, 16 KiB by default) do not.
// CHECK-LABEL: func.func @siblings
// CHECK: %[[S:.*]]:2 = strata.group(%{{.*}} = %arg0) : (tensor<128x128xf32>) -> (tensor<128x1xf32>, tensor<128x1xf32>) attributes {name = "reduce_sum_reduce_max"}
// CHECK: strata.group(%{{.*}} = %arg1) : (tensor<8x8xf32>) -> tensor<8x1xf32> attributes {name = "reduce_sum"}
// CHECK: strata.group(%{{.*}} = %arg1) : (tensor<8x8xf32>) -> tensor<8x1xf32> attributes {name = "reduce_max"}
func.func @siblings(%big: tensor<128x128xf32>, %small: tensor<8x8xf32>) -> (tensor<128x1xf32>, tensor<128x1xf32>, tensor<8x1xf32>, tensor<8x1xf32>) {
  %0 = tosa.reduce_sum %big {axis = 1 : i32} : (tensor<128x128xf32>) -> tensor<128x1xf32>
  %1 = tosa.reduce_max %big {axis = 1 : i32} : (tensor<128x128xf32>) -> tensor<128x1xf32>
  %2 = tosa.reduce_sum %small {axis = 1 : i32} : (tensor<8x8xf32>) -> tensor<8x1xf32>
  %3 = tosa.reduce_max %small {axis = 1 : i32} : (tensor<8x8xf32>) -> tensor<8x1xf32>
  return %0, %1, %2, %3 : tensor<128x1xf32>, tensor<128x1xf32>, tensor<8x1xf32>, tensor<8x1xf32>
}

// -----

// Merging across a transpose would put the kernel on a cycle: illegal. The
// consumer is placed after everything it reads (ops are reordered to keep
// dominance), and an existing group is left as it is.
// CHECK-LABEL: func.func @cycle
// CHECK: %[[A:.*]] = strata.group(%{{.*}} = %arg0) {{.*}} attributes {name = "exp"}
// CHECK: %[[T:.*]] = strata.group(%{{.*}} = %[[A]]) {{.*}} attributes {name = "transpose"}
// CHECK: %[[K:.*]] = strata.group(%{{.*}} = %arg0) {{.*}} attributes {name = "kept"}
// CHECK: tosa.negate
// CHECK: strata.group(%{{.*}} = %[[A]], %{{.*}} = %[[T]]) {{.*}} attributes {name = "add"}
func.func @cycle(%x: tensor<64x64xf32>) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
  %a = tosa.exp %x : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %t = tosa.transpose %a {perms = array<i32: 1, 0>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %k = strata.group(%in = %x) : (tensor<64x64xf32>) -> tensor<64x64xf32> attributes {name = "kept"} {
    %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %n = tosa.negate %in, %zp, %zp : (tensor<64x64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<64x64xf32>
    strata.yield %n : tensor<64x64xf32>
  }
  // expected-remark @+1 {{not fused with producer kernel 'exp': illegal, the merged kernel would be on a cycle through 'tosa.transpose'}}
  %s = tosa.add %a, %t : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  return %s, %k : tensor<64x64xf32>, tensor<64x64xf32>
}

// -----

// An op reading a non-tensor value stays ungrouped, with a remark.
func.func @ungroupable(%x: tensor<4xf32>, %i: index) -> tensor<4xf32> {
  // expected-remark @+1 {{left ungrouped: it reads a value of type 'index' that is neither a ranked tensor nor a constant}}
  %0 = tensor.generate {
  ^bb0(%j: index):
    %v = arith.index_cast %i : index to i32
    %f = arith.sitofp %v : i32 to f32
    tensor.yield %f : f32
  } : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A slice reads each element once, at an offset: it fuses like an
// elementwise op. LRN's channel window: shifted slices of one padded
// tensor summed, one kernel with the pad's result as its input (the slices
// are views of it in the generated code).
// CHECK-LABEL: func.func @window_sum
// CHECK: %[[P:.*]] = strata.group(%{{.*}} = %arg0) {{.*}} attributes {name = "pad"}
// CHECK: %[[G:.*]] = strata.group(%[[IN:.*]] = %[[P]]) : (tensor<1x4x4x10xf32>) -> tensor<1x4x4x8xf32> attributes {name = "slice_slice_slice_and_2"} {
// CHECK-COUNT-3: tosa.slice %[[IN]]
// CHECK-NOT: strata.group
// CHECK: return %[[G]]
func.func @window_sum(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %padding = tosa.const_shape {values = dense<[0, 0, 0, 0, 0, 0, 1, 1]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %zero = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %p = tosa.pad %x, %padding, %zero : (tensor<1x4x4x8xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x4x4x10xf32>
  %size = tosa.const_shape {values = dense<[1, 4, 4, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o0 = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o1 = tosa.const_shape {values = dense<[0, 0, 0, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o2 = tosa.const_shape {values = dense<[0, 0, 0, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s0 = tosa.slice %p, %o0, %size : (tensor<1x4x4x10xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x4x4x8xf32>
  %s1 = tosa.slice %p, %o1, %size : (tensor<1x4x4x10xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x4x4x8xf32>
  %s2 = tosa.slice %p, %o2, %size : (tensor<1x4x4x10xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x4x4x8xf32>
  %a = tosa.add %s0, %s1 : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %b = tosa.add %a, %s2 : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %b : tensor<1x4x4x8xf32>
}
