// The CPU pipeline tiles and vectorizes contractions: the matmul's inner
// loop is register-blocked FMAs on the plan's vectors (AVX-512 here: a 6x64
// register tile, four 16-lane vectors per row; with AVX2 3x32, four 8-lane
// vectors per row, 12 of 16 registers); with vectorize=false every
// op is a scalar loop nest. Both compute the same numbers
// (test/E2E/contractions.test).
// RUN: strata-opt %s -p 'builtin.module(strata-cpu-pipeline{group-ops=true vector-bits=512})' | FileCheck %s
// RUN: strata-opt %s -p 'builtin.module(strata-cpu-pipeline{group-ops=true vectorize=false})' | FileCheck %s --check-prefix=SCALAR
// RUN: strata-opt %s -p 'builtin.module(strata-cpu-pipeline{group-ops=true vector-bits=256})' | FileCheck %s --check-prefix=AVX2
// Outer tiles (24 rows each) run on OpenMP threads, or in sequence.
// RUN: strata-opt %s -p 'builtin.module(strata-cpu-pipeline{group-ops=true vector-bits=512 parallel=false})' | FileCheck %s --check-prefix=SEQUENTIAL

// CHECK-LABEL: llvm.func @mm_matmul(
// CHECK: omp.parallel
// CHECK: omp.wsloop
// CHECK: llvm.intr.fmuladd({{.*}}) : (vector<64xf32>, vector<64xf32>, vector<64xf32>) -> vector<64xf32>
// SEQUENTIAL-LABEL: llvm.func @mm_matmul(
// SEQUENTIAL-NOT: omp.
// SEQUENTIAL: llvm.intr.fmuladd(
// SEQUENTIAL-NOT: omp.
// SCALAR-LABEL: llvm.func @mm_matmul(
// SCALAR-NOT: vector<
// SCALAR: llvm.fmul {{.*}} : f32
// AVX2-LABEL: llvm.func @mm_matmul(
// AVX2: llvm.intr.fmuladd({{.*}}) : (vector<32xf32>, vector<32xf32>, vector<32xf32>) -> vector<32xf32>
func.func @mm(%a: tensor<1x384x64xf32>, %b: tensor<1x64x512xf32>) -> tensor<1x384x512xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.matmul %a, %b, %zp, %zp : (tensor<1x384x64xf32>, tensor<1x64x512xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x384x512xf32>
  return %0 : tensor<1x384x512xf32>
}
