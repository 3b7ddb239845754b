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
