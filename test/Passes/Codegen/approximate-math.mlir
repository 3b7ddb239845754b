// strata-approximate-math: f32 exp/log/tanh/erf (scalars and vectors)
// become polynomial arith code; other element types and ops not selected
// stay math ops (for LLVM intrinsics or libm).
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-approximate-math))' | FileCheck %s
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-approximate-math{ops=tanh}))' | FileCheck %s --check-prefix=ONLY
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-approximate-math{ops=sqrt}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ERR

// CHECK-LABEL: func.func @vectors
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: arith.mulf {{.*}} : vector<16xf32>
// CHECK: return
// ONLY-LABEL: func.func @vectors
// ONLY: math.exp
// ONLY: math.log
// ONLY-NOT: math.tanh
// ONLY: math.erf
func.func @vectors(%x: vector<16xf32>) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
  %e = math.exp %x : vector<16xf32>
  %l = math.log %x : vector<16xf32>
  %t = math.tanh %x : vector<16xf32>
  %f = math.erf %x : vector<16xf32>
  return %e, %l, %t, %f : vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>
}

// CHECK-LABEL: func.func @kept
// CHECK: math.exp {{.*}} : vector<8xf64>
// CHECK: math.sqrt
// CHECK-NOT: math.exp {{.*}}f32
func.func @kept(%x: vector<8xf64>, %y: f32) -> (vector<8xf64>, f32, f32) {
  %e = math.exp %x : vector<8xf64>
  %s = math.sqrt %y : f32
  %z = math.exp %y : f32
  return %e, %s, %z : vector<8xf64>, f32, f32
}

// ERR: error: strata-approximate-math: no approximation of 'math.sqrt'; known: exp, expm1, log, log1p, log2, tanh, erf, atan, atan2, sin, cos
