// strata-lower-vector-tiles: a 2-D vector.transpose of at most 256 lanes (a
// layout transpose's block: 16 channels by 4 groups of a channel shuffle,
// 16 x 16 of NCHW to NHWC) becomes one vector.shuffle of the flattened
// vector (LLVM's cross-register permutes) instead of one extract and
// insert per element; larger ones stay elementwise.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-lower-vector-tiles))' | FileCheck %s

// CHECK-LABEL: func.func @groups_by_channels
// CHECK: vector.shuffle %[[FLAT:[0-9]+]], %[[FLAT]] [0, 16, 32, 48, 1, 17, 33, 49, 2, 18, 34, 50, {{.*}}, 15, 31, 47, 63] : vector<64xf32>, vector<64xf32>
// CHECK-NOT: vector.transpose
func.func @groups_by_channels(%in: memref<4x16xf32>, %out: memref<16x4xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %in[%c0, %c0], %pad {in_bounds = [true, true]} : memref<4x16xf32>, vector<4x16xf32>
  %t = vector.transpose %v, [1, 0] : vector<4x16xf32> to vector<16x4xf32>
  vector.transfer_write %t, %out[%c0, %c0] {in_bounds = [true, true]} : vector<16x4xf32>, memref<16x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @too_large
// CHECK-NOT: vector.shuffle
// CHECK-NOT: vector.transpose
// CHECK: vector.extract
func.func @too_large(%in: memref<32x16xf32>, %out: memref<16x32xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %in[%c0, %c0], %pad {in_bounds = [true, true]} : memref<32x16xf32>, vector<32x16xf32>
  %t = vector.transpose %v, [1, 0] : vector<32x16xf32> to vector<16x32xf32>
  vector.transfer_write %t, %out[%c0, %c0] {in_bounds = [true, true]} : vector<16x32xf32>, memref<16x32xf32>
  return
}
