// RUN: strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs))' --split-input-file --verify-diagnostics | FileCheck %s
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs{target=%S/Inputs/npu.json}))' --split-input-file --mlir-print-op-on-diagnostic=false 2>&1 >/dev/null | FileCheck %s --check-prefix=JSON

// host-cpu: one core, 9.6e10 FLOP/s on contractions, 2.4e10 on the rest,
// DRAM at 2e10 B/s. The matmul (2*64*64*64 FLOP over 48 KiB) is
// compute-bound; the add (64*64 FLOP over 48 KiB) memory-bound.
// CHECK-LABEL: func.func @kernels
// expected-remark @+1 {{function 'kernels': 2 kernels, 7.919e-06 s, 5.284e+05 FLOP, 9.830e+04 B moved on host-cpu (roofline)}}
func.func @kernels(%a: tensor<1x64x64xf32>, %b: tensor<1x64x64xf32>) -> tensor<1x64x64xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-remark @+1 {{kernel 'matmul': 5.461e-06 s, 5.243e+05 FLOP, 4.915e+04 B moved, compute-bound on host-cpu (roofline)}}
  %0 = strata.group(%x = %a, %y = %b) : (tensor<1x64x64xf32>, tensor<1x64x64xf32>) -> tensor<1x64x64xf32> attributes {name = "matmul"} {
    %z = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %m = tosa.matmul %x, %y, %z, %z : (tensor<1x64x64xf32>, tensor<1x64x64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x64x64xf32>
    strata.yield %m : tensor<1x64x64xf32>
  }
  // expected-remark @+1 {{kernel 'tosa.add': 2.458e-06 s, 4.096e+03 FLOP, 4.915e+04 B moved, memory-bound on host-cpu (roofline)}}
  %1 = tosa.add %0, %b : (tensor<1x64x64xf32>, tensor<1x64x64xf32>) -> tensor<1x64x64xf32>
  // CHECK: return
  return %1 : tensor<1x64x64xf32>
}

// JSON: kernel 'matmul': {{.*}} on json-npu (roofline)
// JSON: kernel 'tosa.add': {{.*}} on json-npu (roofline)
// JSON: function 'kernels': 2 kernels

// -----

// The module's target is used when the option is empty.
module attributes {strata.target = #strata.target<name = "tiny",
    units = [#strata.unit<name = "u", count = 1, matrix_flops = 1.0e9, vector_flops = 1.0e9>],
    tiers = [#strata.tier<name = "m", capacity = 1048576, bandwidth = 1.0e9>]>} {
  // Concatenation moves 32 bytes and computes nothing.
  // expected-remark @+1 {{function 'f': 1 kernels, 3.200e-08 s, 0.000e+00 FLOP, 3.200e+01 B moved on tiny (roofline)}}
  func.func @f(%a: tensor<1xf32>, %b: tensor<1xf32>, %c: tensor<1xf32>, %d: tensor<1xf32>) -> tensor<4xf32> {
    // expected-remark @+1 {{kernel 'tosa.concat': 3.200e-08 s, 0.000e+00 FLOP, 3.200e+01 B moved, memory-bound on tiny (roofline)}}
    %0 = tosa.concat %a, %b, %c, %d {axis = 0 : i32} : (tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
// JSON-LABEL: function 'f'
