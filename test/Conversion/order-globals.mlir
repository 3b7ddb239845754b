// RUN: strata-opt %s -p 'builtin.module(strata-order-globals)' --split-input-file | FileCheck %s

// Constant globals are ordered and named by their first use; other globals
// and unused constants: left, erased.
// CHECK-LABEL: module
// CHECK-NEXT: memref.global "private" constant @__constant_4xf32 : memref<4xf32> = dense<1.000000e+00>
// CHECK-NEXT: memref.global "private" constant @__constant_2x3xi32 : memref<2x3xi32> = dense<7>
// CHECK-NEXT: memref.global "private" constant @__constant_4xf32_0 : memref<4xf32> = dense<2.000000e+00>
// CHECK-NEXT: memref.global "private" @state : memref<4xf32> = uninitialized
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @f
// CHECK: memref.get_global @__constant_4xf32 :
// CHECK: memref.get_global @__constant_2x3xi32 :
// CHECK-LABEL: func.func @g
// CHECK: memref.get_global @__constant_4xf32_0 :
// CHECK: memref.get_global @__constant_4xf32 :
module {
  memref.global "private" constant @__constant_2x3xi32_5 : memref<2x3xi32> = dense<7>
  memref.global "private" constant @__constant_4xf32_0 : memref<4xf32> = dense<1.0>
  memref.global "private" @state : memref<4xf32> = uninitialized
  memref.global "private" constant @__constant_4xf32 : memref<4xf32> = dense<2.0>
  memref.global "private" constant @__constant_8xf32 : memref<8xf32> = dense<3.0>
  func.func @f() -> (memref<4xf32>, memref<2x3xi32>) {
    %0 = memref.get_global @__constant_4xf32_0 : memref<4xf32>
    %1 = memref.get_global @__constant_2x3xi32_5 : memref<2x3xi32>
    return %0, %1 : memref<4xf32>, memref<2x3xi32>
  }
  func.func @g() -> (memref<4xf32>, memref<4xf32>) {
    %0 = memref.get_global @__constant_4xf32 : memref<4xf32>
    %1 = memref.get_global @__constant_4xf32_0 : memref<4xf32>
    return %0, %1 : memref<4xf32>, memref<4xf32>
  }
}

// -----

// A name another symbol holds is skipped.
// CHECK-LABEL: module
// CHECK-NEXT: memref.global "private" constant @__constant_4xf32_0 : memref<4xf32> = dense<1.000000e+00>
// CHECK-LABEL: func.func @__constant_4xf32
// CHECK: memref.get_global @__constant_4xf32_0 :
module {
  memref.global "private" constant @__constant_4xf32_9 : memref<4xf32> = dense<1.0>
  func.func @__constant_4xf32() -> memref<4xf32> {
    %0 = memref.get_global @__constant_4xf32_9 : memref<4xf32>
    return %0 : memref<4xf32>
  }
}
