// strata-lower-vector-tiles: the accumulator's read and write leave the
// reduction loop (a loop-carried vector), and the contraction becomes one
// broadcast and one FMA per accumulator row: for a 4x32 tile, 4 vector.fma
// on vector<32xf32> per reduction step.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-lower-vector-tiles))' | FileCheck %s

// CHECK-LABEL: func.func @micro_kernel
// CHECK: %[[ACC:.*]] = vector.transfer_read %arg2
// CHECK: scf.for {{.*}} iter_args(%[[A:.*]] = %[[ACC]]) -> (vector<4x32xf32>)
// CHECK-COUNT-4: vector.fma {{.*}} : vector<32xf32>
// CHECK-NOT: vector.contract
// CHECK: scf.yield
// CHECK: vector.transfer_write {{.*}}, %arg2
func.func @micro_kernel(%a: memref<4x64xf32>, %b: memref<64x32xf32>, %c: memref<4x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c64 step %c1 {
    %lhs = vector.transfer_read %a[%c0, %k], %zero {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x1xf32>
    %rhs = vector.transfer_read %b[%k, %c0], %zero {in_bounds = [true, true]} : memref<64x32xf32>, vector<1x32xf32>
    %acc = vector.transfer_read %c[%c0, %c0], %zero {in_bounds = [true, true]} : memref<4x32xf32>, vector<4x32xf32>
    %r = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                          iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}
         %lhs, %rhs, %acc : vector<4x1xf32>, vector<1x32xf32> into vector<4x32xf32>
    vector.transfer_write %r, %c[%c0, %c0] {in_bounds = [true, true]} : vector<4x32xf32>, memref<4x32xf32>
  }
  return
}

// -----

// A register tile split into vectors of good widths (34 = 32 + 2) keeps
// both parts in one tile buffer, one of them through a view made inside the
// loop, and the buffer has another view after the loop (a reshape): both
// accumulators still leave the loop, since their parts of the buffer are
// disjoint and nothing else in the loop touches it.
// CHECK-LABEL: func.func @split_tile
// CHECK: memref.alloc
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<8x32xf32>, vector<8x2xf32>)
// CHECK-NOT: vector.transfer_write
// CHECK: scf.yield
// CHECK-DAG: vector.transfer_write {{.*}} : vector<8x32xf32>
// CHECK-DAG: vector.transfer_write {{.*}} : vector<8x2xf32>
// CHECK: memref.collapse_shape
func.func @split_tile(%a: memref<64xf32>, %out: memref<272xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %tile = memref.alloc() : memref<1x8x34xf32>
  scf.for %k = %c0 to %c64 step %c1 {
    %x = memref.load %a[%k] : memref<64xf32>
    %wide = memref.subview %tile[0, 0, 0] [1, 8, 32] [1, 1, 1] : memref<1x8x34xf32> to memref<8x32xf32, strided<[34, 1]>>
    %p = vector.transfer_read %wide[%c0, %c0], %zero {in_bounds = [true, true]} : memref<8x32xf32, strided<[34, 1]>>, vector<8x32xf32>
    %xp = vector.broadcast %x : f32 to vector<8x32xf32>
    %p2 = arith.addf %p, %xp : vector<8x32xf32>
    vector.transfer_write %p2, %wide[%c0, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x32xf32, strided<[34, 1]>>
    %q = vector.transfer_read %tile[%c0, %c0, %c32], %zero {in_bounds = [true, true]} : memref<1x8x34xf32>, vector<8x2xf32>
    %xq = vector.broadcast %x : f32 to vector<8x2xf32>
    %q2 = arith.addf %q, %xq : vector<8x2xf32>
    vector.transfer_write %q2, %tile[%c0, %c0, %c32] {in_bounds = [true, true]} : vector<8x2xf32>, memref<1x8x34xf32>
  }
  %flat = memref.collapse_shape %tile [[0, 1, 2]] : memref<1x8x34xf32> into memref<272xf32>
  memref.copy %flat, %out : memref<272xf32> to memref<272xf32>
  return
}

// -----

// The same, but a third access in the loop overlaps the wide part: that
// accumulator stays in the loop (only the narrow one, disjoint from both,
// leaves it).
// CHECK-LABEL: func.func @overlapping_access
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<8x2xf32>)
// CHECK: vector.transfer_read {{.*}} : memref<8x32xf32, strided<[34, 1]>>, vector<8x32xf32>
// CHECK: vector.transfer_write {{.*}} : vector<8x32xf32>, memref<8x32xf32, strided<[34, 1]>>
// CHECK: scf.yield
func.func @overlapping_access(%a: memref<64xf32>, %out: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %tile = memref.alloc() : memref<1x8x34xf32>
  scf.for %k = %c0 to %c64 step %c1 {
    %x = memref.load %a[%k] : memref<64xf32>
    %wide = memref.subview %tile[0, 0, 0] [1, 8, 32] [1, 1, 1] : memref<1x8x34xf32> to memref<8x32xf32, strided<[34, 1]>>
    %p = vector.transfer_read %wide[%c0, %c0], %zero {in_bounds = [true, true]} : memref<8x32xf32, strided<[34, 1]>>, vector<8x32xf32>
    %xp = vector.broadcast %x : f32 to vector<8x32xf32>
    %p2 = arith.addf %p, %xp : vector<8x32xf32>
    vector.transfer_write %p2, %wide[%c0, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x32xf32, strided<[34, 1]>>
    %q = vector.transfer_read %tile[%c0, %c0, %c32], %zero {in_bounds = [true, true]} : memref<1x8x34xf32>, vector<8x2xf32>
    %xq = vector.broadcast %x : f32 to vector<8x2xf32>
    %q2 = arith.addf %q, %xq : vector<8x2xf32>
    vector.transfer_write %q2, %tile[%c0, %c0, %c32] {in_bounds = [true, true]} : vector<8x2xf32>, memref<1x8x34xf32>
    %r = vector.transfer_read %tile[%c0, %c0, %c16], %zero {in_bounds = [true, true]} : memref<1x8x34xf32>, vector<8x16xf32>
    vector.transfer_write %r, %out[%c0, %c0] {in_bounds = [true, true]} : vector<8x16xf32>, memref<8x16xf32>
  }
  return
}
