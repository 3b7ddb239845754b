// RUN: strata-opt %s -p 'builtin.module(strata-tile-report)' --split-input-file -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s
// RUN: strata-opt %s --split-input-file -p 'builtin.module(strata-tile-report{format=json})' -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=JSON
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-map-memory),strata-simulate{format=json})' -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=TENSOR
// RUN: strata-opt %s --split-input-file -p 'builtin.module(strata-tile-report{target=npu-sram:sram=8KiB})' -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=SMALL
// RUN: strata-opt %s --split-input-file -p 'builtin.module(strata-tile-report{target=host-cpu})' -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=ONETIER
// RUN: not strata-opt %s --split-input-file -p 'builtin.module(strata-tile-report{stripe-rows=0})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ROWS
// RUN: not strata-opt %s --split-input-file -p 'builtin.module(strata-tile-report{buffer-fraction=1.5})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FRACTION
// RUN: not strata-opt %s --split-input-file -p 'builtin.module(strata-tile-report{alignment=48})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALIGN
// RUN: not strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-map-memory),strata-tile-report)' -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLANNED

// A 3x3 convolution, a ReLU, a 2x2 pooling and an exp over 32x32x8 images:
// each 32 KiB activation is larger than the 16 KiB scratchpad, so whole
// tensors go to DRAM and back (the tensor-level mapper: the two 32 KiB
// activations written and read, 131072 B). Stripe by stripe, the four kernels
// form one cascade: the input streams through a 4-row window (3 rows read,
// 1 arriving: 4096 B), the convolution's output needs 1 row (1024 B), the
// ReLU's 2 (the pooling window: 2048 B), the pooling's 1 (512 B), the
// result 2 (written, draining: 1024 B), and the weights, bias and zero
// point stay on chip while it runs (2304 + 64 + 64 B): 11136 B.
// CHECK: remark: strata-tile-report 'net' on tiny: 1 cascades over 4 of 4 kernels, 3 values only on chip (largest buffers 11136 B); off-chip 0 B non-compulsory
// JSON: {"cascaded_kernels":4,"cascades":1,"compulsory_bytes":{{[0-9]+}},"copy_bytes":{{[0-9]+}},"function":"net","kernel_seconds":{{.*}},"max_buffer_bytes":11136,"non_compulsory_bytes":0,"num_kernels":4,"offchip_bytes":{{[0-9]+}},"on_chip_values":3,"stall_seconds":{{.*}},"target":"tiny","total_seconds":{{.*}}}
// TENSOR: "non_compulsory_bytes":131072,
// With 8 KiB the convolution's window and weights do not fit beside the
// ReLU's rows: it runs alone and writes its 32 KiB output to DRAM, which the
// cascade of the other three streams back (2 + 2 + 1 + 2 rows: 5632 B).
// SMALL: remark: strata-tile-report 'net' on npu-sram: 1 cascades over 3 of 4 kernels, 2 values only on chip (largest buffers 5632 B); off-chip 65536 B non-compulsory
// ONETIER: remark: strata-tile-report 'net': target 'host-cpu' has a single memory tier; nothing to map
// ROWS: error: strata-tile-report: stripe-rows must be at least 1, got 0
// FRACTION: error: strata-tile-report: buffer-fraction must be in (0, 1], got 1.500000e+00
// ALIGN: error: strata-tile-report: alignment must be a power of two, got 48
// PLANNED: error: strata-tile-report: function 'net' already has a tier plan; report on the function before strata-map-memory
module attributes {strata.target = #strata.target<name = "tiny",
    units = [#strata.unit<name = "engine", count = 1, matrix_flops = 1.0e+9, vector_flops = 1.0e+8>],
    tiers = [#strata.tier<name = "sram", capacity = 16384, bandwidth = 1.0e+12>,
             #strata.tier<name = "dram", capacity = 1048576, bandwidth = 1.0e+9>]>} {
func.func @net(%x: tensor<1x32x32x8xf32>) -> tensor<1x16x16x8xf32> {
  %w = arith.constant dense<0.5> : tensor<8x3x3x8xf32>
  %b = arith.constant dense<0.0> : tensor<8xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x32x32x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x32x32x8xf32>
  %1 = tosa.clamp %0 {max_val = 3.0e+38 : f32, min_val = 0.0 : f32} : (tensor<1x32x32x8xf32>) -> tensor<1x32x32x8xf32>
  %2 = tosa.max_pool2d %1 {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x32x32x8xf32>) -> tensor<1x16x16x8xf32>
  %3 = tosa.exp %2 : (tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
  return %3 : tensor<1x16x16x8xf32>
}
}

// -----

// NCHW activations between NHWC windows (the importer's transposes, one
// kernel each), and a channel shuffle through reshapes outside kernels that
// merge the height with the width (3136 = 56 x 56 rows of 28 x 4): rows of
// the height follow every one of them, so all kernels run as one cascade.
// CHECK: remark: strata-tile-report 'shuffle' on tiny: 1 cascades over 5 of 5 kernels, 4 values only on chip
module attributes {strata.target = #strata.target<name = "tiny",
    units = [#strata.unit<name = "engine", count = 1, matrix_flops = 1.0e+9, vector_flops = 1.0e+8>],
    tiers = [#strata.tier<name = "sram", capacity = 262144, bandwidth = 1.0e+12>,
             #strata.tier<name = "dram", capacity = 16777216, bandwidth = 1.0e+9>]>} {
func.func @shuffle(%x: tensor<1x112x56x56xf32>) -> tensor<1x56x56x112xf32> {
  %0 = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x112x56x56xf32>) -> tensor<1x56x56x112xf32>
  %1 = tosa.max_pool2d %0 {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x56x56x112xf32>) -> tensor<1x56x56x112xf32>
  %s1 = tosa.const_shape {values = dense<[3136, 4, 28]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %2 = tosa.reshape %1, %s1 : (tensor<1x56x56x112xf32>, !tosa.shape<3>) -> tensor<3136x4x28xf32>
  %3 = tosa.transpose %2 {perms = array<i32: 0, 2, 1>} : (tensor<3136x4x28xf32>) -> tensor<3136x28x4xf32>
  %s2 = tosa.const_shape {values = dense<[1, 56, 56, 112]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %4 = tosa.reshape %3, %s2 : (tensor<3136x28x4xf32>, !tosa.shape<4>) -> tensor<1x56x56x112xf32>
  %5 = tosa.clamp %4 {max_val = 3.0e+38 : f32, min_val = 0.0 : f32} : (tensor<1x56x56x112xf32>) -> tensor<1x56x56x112xf32>
  %6 = tosa.exp %5 : (tensor<1x56x56x112xf32>) -> tensor<1x56x56x112xf32>
  return %6 : tensor<1x56x56x112xf32>
}
}

// -----

// A sum over the height needs every row of its input: the cascade ends
// before it and its 64 KiB input goes to DRAM and back.
// CHECK: remark: strata-tile-report 'reduce' on tiny: 1 cascades over 2 of 3 kernels, 1 values only on chip ({{.*}}); off-chip 131072 B non-compulsory
module attributes {strata.target = #strata.target<name = "tiny",
    units = [#strata.unit<name = "engine", count = 1, matrix_flops = 1.0e+9, vector_flops = 1.0e+8>],
    tiers = [#strata.tier<name = "sram", capacity = 16384, bandwidth = 1.0e+12>,
             #strata.tier<name = "dram", capacity = 1048576, bandwidth = 1.0e+9>]>} {
func.func @reduce(%x: tensor<1x64x32x8xf32>) -> tensor<1x1x32x8xf32> {
  %0 = tosa.max_pool2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x64x32x8xf32>) -> tensor<1x64x32x8xf32>
  %1 = tosa.exp %0 : (tensor<1x64x32x8xf32>) -> tensor<1x64x32x8xf32>
  %2 = tosa.reduce_sum %1 {axis = 1 : i32} : (tensor<1x64x32x8xf32>) -> tensor<1x1x32x8xf32>
  return %2 : tensor<1x1x32x8xf32>
}
}
