// RUN: strata-opt %s -p 'builtin.module(func.func(strata-return-allocs))' --split-input-file | FileCheck %s

// A returned reshape of a local buffer: the returned shape is allocated and
// the computed shape is a view of it, so the function returns its
// allocation (which buffer-results-to-out-params hands to the caller).
// CHECK-LABEL: func.func @collapse
// CHECK: %[[N:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x12xf32>
// CHECK: %[[V:.*]] = memref.expand_shape %[[N]] {{\[\[}}0], [1, 2]] output_shape [2, 3, 4] : memref<2x12xf32> into memref<2x3x4xf32>
// CHECK: memref.store %{{.*}}, %[[V]]
// CHECK: return %[[N]] : memref<2x12xf32>
func.func @collapse(%v: f32) -> memref<2x12xf32> {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() {alignment = 64 : i64} : memref<2x3x4xf32>
  memref.store %v, %a[%c0, %c0, %c0] : memref<2x3x4xf32>
  %c = memref.collapse_shape %a [[0], [1, 2]] : memref<2x3x4xf32> into memref<2x12xf32>
  return %c : memref<2x12xf32>
}

// -----

// The other direction.
// CHECK-LABEL: func.func @expand
// CHECK: %[[N:.*]] = memref.alloc() : memref<2x3x4xf32>
// CHECK: memref.collapse_shape %[[N]] {{\[\[}}0], [1, 2]] : memref<2x3x4xf32> into memref<2x12xf32>
// CHECK: return %[[N]] : memref<2x3x4xf32>
func.func @expand(%v: f32) -> memref<2x3x4xf32> {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<2x12xf32>
  memref.store %v, %a[%c0, %c0] : memref<2x12xf32>
  %e = memref.expand_shape %a [[0], [1, 2]] output_shape [2, 3, 4] : memref<2x12xf32> into memref<2x3x4xf32>
  return %e : memref<2x3x4xf32>
}

// -----

// A reshape of an argument stays.
// CHECK-LABEL: func.func @not_local
// CHECK: %[[C:.*]] = memref.collapse_shape %arg0
// CHECK: return %[[C]]
func.func @not_local(%a: memref<2x3x4xf32>) -> memref<2x12xf32> {
  %c = memref.collapse_shape %a [[0], [1, 2]] : memref<2x3x4xf32> into memref<2x12xf32>
  return %c : memref<2x12xf32>
}
