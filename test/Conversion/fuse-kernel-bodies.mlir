// RUN: strata-opt %s -p 'builtin.module(func.func(strata-fuse-kernel-bodies))' --split-input-file | FileCheck %s
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-fuse-kernel-bodies{tile-elements=0}))' --split-input-file 2>&1 | FileCheck %s --check-prefix=OPTION

// RUN: strata-opt %s -p 'builtin.module(func.func(strata-fuse-kernel-bodies{tile-elements=1000}))' --split-input-file | FileCheck %s --check-prefix=SMALL

// OPTION: error: strata-fuse-kernel-bodies: tile-elements must be at least 1

// With 1000 elements a 128-wide row does not fit: rows are tiled by the
// largest divisor of 128 that fits (4 rows of 128 = 512 elements).
// SMALL-LABEL: func.func private @dense_relu
// SMALL: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x4x64xf32>, tensor<1x64x128xf32>) outs(%{{.*}} : tensor<1x4x128xf32>)

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row = affine_map<(d0, d1, d2) -> (d0, 0, d2)>

// A matmul with a bias + relu epilogue: the epilogue (1x128x128, more than
// 4096 elements) is tiled by 32 rows (32 x 128 = 4096 elements), and each
// tile computes its rows of the matmul; no full-size matmul is left.
// CHECK-LABEL: func.func private @dense_relu
// CHECK-NOT: linalg.batch_matmul
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: linalg.fill {{.*}} -> tensor<1x32x128xf32>
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x32x64xf32>, tensor<1x64x128xf32>) outs(%{{.*}} : tensor<1x32x128xf32>)
// CHECK: linalg.generic
// CHECK: arith.maximumf
// CHECK: tensor.insert_slice {{.*}} [1, 32, 128]
// CHECK-NOT: linalg.batch_matmul
// CHECK: return
func.func private @dense_relu(%a: tensor<1x128x64xf32>, %b: tensor<1x64x128xf32>, %bias: tensor<1x1x128xf32>) -> tensor<1x128x128xf32> attributes {strata.kernel} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x128x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x128x128xf32>) -> tensor<1x128x128xf32>
  %mm = linalg.batch_matmul ins(%a, %b : tensor<1x128x64xf32>, tensor<1x64x128xf32>) outs(%f : tensor<1x128x128xf32>) -> tensor<1x128x128xf32>
  %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%mm, %bias : tensor<1x128x128xf32>, tensor<1x1x128xf32>) outs(%e : tensor<1x128x128xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x128x128xf32>
  return %r : tensor<1x128x128xf32>
}

// -----

#map = affine_map<(d0) -> (d0)>

// A producer read twice inside the kernel is recomputed in its consumer:
// one loop nest, no intermediate.
// CHECK-LABEL: func.func private @diamond
// CHECK-COUNT-1: linalg.generic
// CHECK-NOT: linalg.generic
// CHECK: return
func.func private @diamond(%x: tensor<1024xf32>) -> tensor<1024xf32> attributes {strata.kernel} {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1024xf32>
  %a = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%x : tensor<1024xf32>) outs(%e : tensor<1024xf32>) {
  ^bb0(%v: f32, %o: f32):
    %t = math.exp %v : f32
    linalg.yield %t : f32
  } -> tensor<1024xf32>
  %b = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%a : tensor<1024xf32>) outs(%e : tensor<1024xf32>) {
  ^bb0(%v: f32, %o: f32):
    %t = arith.addf %v, %one : f32
    linalg.yield %t : f32
  } -> tensor<1024xf32>
  %c = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]} ins(%a, %b : tensor<1024xf32>, tensor<1024xf32>) outs(%e : tensor<1024xf32>) {
  ^bb0(%v: f32, %w: f32, %o: f32):
    %t = arith.mulf %v, %w : f32
    linalg.yield %t : f32
  } -> tensor<1024xf32>
  return %c : tensor<1024xf32>
}

// -----

#map = affine_map<(d0) -> (d0)>

// A producer the kernel also returns is written anyway: it is not
// recomputed. Functions that are not kernels are left alone.
// CHECK-LABEL: func.func private @returned
// CHECK-COUNT-2: linalg.generic
// CHECK: return
// CHECK-LABEL: func.func @not_a_kernel
// CHECK-COUNT-2: linalg.generic
// CHECK: return
func.func private @returned(%x: tensor<1024xf32>) -> (tensor<1024xf32>, tensor<1024xf32>) attributes {strata.kernel} {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1024xf32>
  %a = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%x : tensor<1024xf32>) outs(%e : tensor<1024xf32>) {
  ^bb0(%v: f32, %o: f32):
    %t = math.exp %v : f32
    linalg.yield %t : f32
  } -> tensor<1024xf32>
  %b = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%a : tensor<1024xf32>) outs(%e : tensor<1024xf32>) {
  ^bb0(%v: f32, %o: f32):
    %t = arith.addf %v, %one : f32
    linalg.yield %t : f32
  } -> tensor<1024xf32>
  return %a, %b : tensor<1024xf32>, tensor<1024xf32>
}

func.func @not_a_kernel(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1024xf32>
  %a = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%x : tensor<1024xf32>) outs(%e : tensor<1024xf32>) {
  ^bb0(%v: f32, %o: f32):
    %t = math.exp %v : f32
    linalg.yield %t : f32
  } -> tensor<1024xf32>
  %b = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%a : tensor<1024xf32>) outs(%e : tensor<1024xf32>) {
  ^bb0(%v: f32, %o: f32):
    %t = arith.addf %v, %one : f32
    linalg.yield %t : f32
  } -> tensor<1024xf32>
  return %b : tensor<1024xf32>
}
