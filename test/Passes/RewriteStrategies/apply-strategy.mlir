// strata-apply-strategy: the default strategy on a convolution with a
// batch normalization between layout transposes, its trace, and the errors
// for a missing file, a file without the entry and an invalid file.
// RUN: strata-opt %s -p 'builtin.module(strata-apply-strategy{remarks=true})' 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=TRACE < %t.err
// Deterministic: the same output twice.
// RUN: strata-opt %s -p 'builtin.module(strata-apply-strategy)' -o %t.1
// RUN: strata-opt %s -p 'builtin.module(strata-apply-strategy)' -o %t.2
// RUN: cmp %t.1 %t.2
// RUN: not strata-opt %s -p 'builtin.module(strata-apply-strategy{strategy=%S/Inputs/missing.mlir})' 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not strata-opt %s -p 'builtin.module(strata-apply-strategy{strategy=%S/Inputs/no-entry.mlir})' 2>&1 | FileCheck %s --check-prefix=ENTRY
// entry= names another sequence (here one that does nothing).
// RUN: strata-opt %s -p 'builtin.module(strata-apply-strategy{strategy=%S/Inputs/no-entry.mlir entry=other})' | FileCheck %s --check-prefix=NONE
// RUN: not strata-opt %s -p 'builtin.module(strata-apply-strategy{strategy=%S/Inputs/invalid.mlir})' 2>&1 | FileCheck %s --check-prefix=INVALID
// The pipeline takes the strategy too; `none` skips it.
// RUN: strata-opt %s -p 'builtin.module(strata-form-kernels{fusion=none strategy=none})' | FileCheck %s --check-prefix=NONE

// CHECK-LABEL: func.func @conv_bn
// CHECK-NOT: tosa.transpose
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
// CHECK: %[[C:.*]] = tosa.conv2d %arg0
// CHECK-NEXT: return %[[C]]

// TRACE-DAG: remark: applied rule 'strata.sink-transposes' to 'tosa.mul'
// TRACE-DAG: remark: applied rule 'strata.sink-transposes' to 'tosa.transpose'
// TRACE-DAG: remark: applied rule 'strata.fold-conv-scale' to 'tosa.mul'
// TRACE-DAG: remark: applied rule 'strata.fold-conv-shift' to 'tosa.add'
// TRACE-DAG: remark: best_of: kept alternative 0
// TRACE: remark: strategy: 5 rewrite steps; strata.sink-transposes 3; strata.fold-conv-scale 1; strata.fold-conv-shift 1

// MISSING: error: strata-apply-strategy: cannot read the strategy '{{.*}}missing.mlir'
// ENTRY: error: strata-apply-strategy: the strategy '{{.*}}no-entry.mlir' has no transform.named_sequence @__transform_main
// INVALID: invalid.mlir:3:
// INVALID: error: strata-apply-strategy: the strategy '{{.*}}invalid.mlir' is not a valid transform library

// NONE-LABEL: func.func @conv_bn
// NONE: tosa.mul

func.func @conv_bn(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %scale = "tosa.const"() {values = dense<[[[[2.0]], [[3.0]]]]> : tensor<1x2x1x1xf32>} : () -> tensor<1x2x1x1xf32>
  %shift_c = "tosa.const"() {values = dense<[[[[1.0]], [[-1.0]]]]> : tensor<1x2x1x1xf32>} : () -> tensor<1x2x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %m = tosa.mul %t, %scale, %shift : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %a = tosa.add %m, %shift_c : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %back = tosa.transpose %a {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  return %back : tensor<1x4x4x2xf32>
}
