// strata-approximate-math: f32 exp/log/tanh/erf (scalars and vectors)
// become polynomial arith code; other element types and ops not selected
// stay math ops (for LLVM intrinsics or libm).
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-approximate-math))' | FileCheck %s
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-approximate-math{ops=tanh}))' | FileCheck %s --check-prefix=ONLY
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-approximate-math{ops=powf}))' | FileCheck %s --check-prefix=POWF
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-approximate-math{ops=tanh}))' | FileCheck %s --check-prefix=NOPOWF
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

// ERR: error: strata-approximate-math: no approximation of 'math.sqrt'; known: exp, expm1, log, log1p, log2, tanh, erf, atan, atan2, sin, cos, powf

// powf by a constant, finite, non-integer exponent (LRN's x^-0.75) is
// exp(b * log(a)), approximated: libm's pow agrees on every special case
// there (a negative base is NaN either way). An integer exponent (the sign
// of a negative base matters), an exponent that is not a constant, and f64
// stay powf.
// CHECK-LABEL: func.func @powers
// CHECK-NOT: math.powf {{.*}}vector<16xf32>
// CHECK: math.powf %arg0, %[[TWO:.*]] : vector<16xf32>
// CHECK: math.powf %arg0, %arg1 : vector<16xf32>
// CHECK: math.powf %arg2, %{{.*}} : f64
// CHECK-NOT: math.powf
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK: return
// POWF-LABEL: func.func @powers
// POWF-NOT: math.powf %arg0, %{{.*}} : vector<16xf32>
// POWF: math.powf %arg0, %{{.*}} : vector<16xf32>
// POWF: math.powf %arg0, %arg1 : vector<16xf32>
// POWF-NOT: math.exp
// POWF-NOT: math.log
// NOPOWF-LABEL: func.func @powers
// NOPOWF-COUNT-5: math.powf
func.func @powers(%x: vector<16xf32>, %y: vector<16xf32>, %d: f64) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, f64) {
  %beta = arith.constant dense<-0.75> : vector<16xf32>
  %third = arith.constant dense<0.333333343> : vector<16xf32>
  %two = arith.constant dense<2.0> : vector<16xf32>
  %half = arith.constant 0.5 : f64
  %a = math.powf %x, %beta : vector<16xf32>
  %b = math.powf %x, %third : vector<16xf32>
  %c = math.powf %x, %two : vector<16xf32>
  %e = math.powf %x, %y : vector<16xf32>
  %f = math.powf %d, %half : f64
  return %a, %b, %c, %e, %f : vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, f64
}
