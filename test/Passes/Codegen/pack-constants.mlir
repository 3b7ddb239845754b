// strata-pack-constants: a group's transpose of a constant operand becomes a
// transposed constant passed in its place; splats and constants of the body
// are folded in the body; transposes of run-time values stay.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-pack-constants))' | FileCheck %s

// CHECK-LABEL: func.func @filter
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}[1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]]> : tensor<1x2x2xf32>
// CHECK: strata.group(%{{.*}} = %arg0, %[[F:.*]] = %[[W]])
// CHECK-NOT: linalg.transpose
// CHECK: linalg.add ins(%{{.*}}, %[[F]] :
func.func @filter(%x: tensor<1x2x2xf32>) -> tensor<1x2x2xf32> {
  %w = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0]]]> : tensor<1x2x2xf32>
  %0 = strata.group(%a = %x, %b = %w) : (tensor<1x2x2xf32>, tensor<1x2x2xf32>) -> tensor<1x2x2xf32> {
    %e = tensor.empty() : tensor<1x2x2xf32>
    %t = linalg.transpose ins(%b : tensor<1x2x2xf32>) outs(%e : tensor<1x2x2xf32>) permutation = [0, 2, 1]
    %e2 = tensor.empty() : tensor<1x2x2xf32>
    %s = linalg.add ins(%a, %t : tensor<1x2x2xf32>, tensor<1x2x2xf32>) outs(%e2 : tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
    strata.yield %s : tensor<1x2x2xf32>
  }
  return %0 : tensor<1x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @splat_and_runtime
// CHECK: strata.group(%[[A:.*]] = %arg0)
// CHECK: arith.constant dense<2.000000e-02> : tensor<3x2xf32>
// CHECK: linalg.transpose ins(%[[A]]
func.func @splat_and_runtime(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = arith.constant dense<0.02> : tensor<2x3xf32>
  %0:2 = strata.group(%a = %x, %b = %w) : (tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
    %e = tensor.empty() : tensor<3x2xf32>
    %t = linalg.transpose ins(%b : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
    %u = linalg.transpose ins(%a : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
    strata.yield %t, %u : tensor<3x2xf32>, tensor<3x2xf32>
  }
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// A group without inputs (its constant is inside).
// CHECK-LABEL: func.func @no_inputs
// CHECK: strata.group()
// CHECK: arith.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT: linalg.transpose
func.func @no_inputs() -> tensor<2x2xf32> {
  %0 = strata.group() : () -> tensor<2x2xf32> {
    %c = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
    %e = tensor.empty() : tensor<2x2xf32>
    %t = linalg.transpose ins(%c : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) permutation = [1, 0]
    strata.yield %t : tensor<2x2xf32>
  }
  return %0 : tensor<2x2xf32>
}

// -----

// A constant convolution filter of at least min-blocked-bytes with a
// multiple of 64 output channels is stored in blocks of 64 (each block's
// HWCF filter contiguous) and the convolution becomes a blocked generic on
// the output split into (block, channel); one of 96 channels stays.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-pack-constants{min-blocked-bytes=0}))' --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=BLOCK
// BLOCK-LABEL: func.func @blocked_filter
// BLOCK: strata.group
// BLOCK: arith.constant dense<5.000000e-01> : tensor<2x3x3x4x64xf32>
// BLOCK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] output_shape [1, 4, 4, 2, 64]
// BLOCK: linalg.generic
// BLOCK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x6x6x4xf32>, tensor<2x3x3x4x64xf32>)
// BLOCK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x4x4x2x64xf32> into tensor<1x4x4x128xf32>
// BLOCK: linalg.conv_2d_nhwc_hwcf
// BLOCK-SAME: tensor<3x3x4x96xf32>
func.func @blocked_filter(%x: tensor<1x6x6x4xf32>) -> (tensor<1x4x4x128xf32>, tensor<1x4x4x96xf32>) {
  %w = arith.constant dense<0.5> : tensor<3x3x4x128xf32>
  %w2 = arith.constant dense<0.25> : tensor<3x3x4x96xf32>
  %0:2 = strata.group(%a = %x, %b = %w, %c = %w2) : (tensor<1x6x6x4xf32>, tensor<3x3x4x128xf32>, tensor<3x3x4x96xf32>) -> (tensor<1x4x4x128xf32>, tensor<1x4x4x96xf32>) {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x4x4x128xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x128xf32>) -> tensor<1x4x4x128xf32>
    %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%a, %b : tensor<1x6x6x4xf32>, tensor<3x3x4x128xf32>) outs(%f : tensor<1x4x4x128xf32>) -> tensor<1x4x4x128xf32>
    %e2 = tensor.empty() : tensor<1x4x4x96xf32>
    %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4x4x96xf32>) -> tensor<1x4x4x96xf32>
    %r2 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%a, %c : tensor<1x6x6x4xf32>, tensor<3x3x4x96xf32>) outs(%f2 : tensor<1x4x4x96xf32>) -> tensor<1x4x4x96xf32>
    strata.yield %r, %r2 : tensor<1x4x4x128xf32>, tensor<1x4x4x96xf32>
  }
  return %0#0, %0#1 : tensor<1x4x4x128xf32>, tensor<1x4x4x96xf32>
}

// -----

// A batch matmul's constant right-hand side (one matrix) is stored in
// blocks of 64 columns, each block's rows contiguous.
// BLOCK-LABEL: func.func @blocked_matmul
// BLOCK: strata.group
// BLOCK: arith.constant dense<5.000000e-01> : tensor<2x16x64xf32>
// BLOCK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [1, 3, 2, 64]
// BLOCK: linalg.generic
// BLOCK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x3x16xf32>, tensor<2x16x64xf32>)
// BLOCK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<1x3x2x64xf32> into tensor<1x3x128xf32>
// BLOCK-NOT: linalg.batch_matmul
func.func @blocked_matmul(%x: tensor<1x3x16xf32>) -> tensor<1x3x128xf32> {
  %w = arith.constant dense<0.5> : tensor<1x16x128xf32>
  %0 = strata.group(%a = %x, %b = %w) : (tensor<1x3x16xf32>, tensor<1x16x128xf32>) -> tensor<1x3x128xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x3x128xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x128xf32>) -> tensor<1x3x128xf32>
    %r = linalg.batch_matmul ins(%a, %b : tensor<1x3x16xf32>, tensor<1x16x128xf32>) outs(%f : tensor<1x3x128xf32>) -> tensor<1x3x128xf32>
    strata.yield %r : tensor<1x3x128xf32>
  }
  return %0 : tensor<1x3x128xf32>
}

// -----

// Weights behind a layout change in the kernel (a Gemm's N x K weights,
// transposed for the matmul, as the importer writes them) are transposed
// and blocked in one copy: block b, row k, column j of the packed constant
// is W[64 b + j, k] (here W[n, k] = 2 n + k).
// BLOCK-LABEL: func.func @blocked_transposed_weights
// BLOCK: %[[P:.*]] = arith.constant dense<{{\[\[\[}}0.000000e+00, 2.000000e+00, 4.000000e+00, {{.*}}], [1.000000e+00, 3.000000e+00, {{.*}}]], {{\[\[}}1.280000e+02, 1.300000e+02, {{.*}}], [1.290000e+02, {{.*}}]]]> : tensor<2x2x64xf32>
// BLOCK: strata.group(%{{.*}} = %arg0, %{{.*}} = %[[P]])
// BLOCK-NOT: linalg.transpose
// BLOCK: linalg.generic
// BLOCK-SAME: tensor<2x2x64xf32>
func.func @blocked_transposed_weights(%x: tensor<1x3x2xf32>) -> tensor<1x3x128xf32> {
  %w = arith.constant dense<[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0], [10.0, 11.0], [12.0, 13.0], [14.0, 15.0], [16.0, 17.0], [18.0, 19.0], [20.0, 21.0], [22.0, 23.0], [24.0, 25.0], [26.0, 27.0], [28.0, 29.0], [30.0, 31.0], [32.0, 33.0], [34.0, 35.0], [36.0, 37.0], [38.0, 39.0], [40.0, 41.0], [42.0, 43.0], [44.0, 45.0], [46.0, 47.0], [48.0, 49.0], [50.0, 51.0], [52.0, 53.0], [54.0, 55.0], [56.0, 57.0], [58.0, 59.0], [60.0, 61.0], [62.0, 63.0], [64.0, 65.0], [66.0, 67.0], [68.0, 69.0], [70.0, 71.0], [72.0, 73.0], [74.0, 75.0], [76.0, 77.0], [78.0, 79.0], [80.0, 81.0], [82.0, 83.0], [84.0, 85.0], [86.0, 87.0], [88.0, 89.0], [90.0, 91.0], [92.0, 93.0], [94.0, 95.0], [96.0, 97.0], [98.0, 99.0], [100.0, 101.0], [102.0, 103.0], [104.0, 105.0], [106.0, 107.0], [108.0, 109.0], [110.0, 111.0], [112.0, 113.0], [114.0, 115.0], [116.0, 117.0], [118.0, 119.0], [120.0, 121.0], [122.0, 123.0], [124.0, 125.0], [126.0, 127.0], [128.0, 129.0], [130.0, 131.0], [132.0, 133.0], [134.0, 135.0], [136.0, 137.0], [138.0, 139.0], [140.0, 141.0], [142.0, 143.0], [144.0, 145.0], [146.0, 147.0], [148.0, 149.0], [150.0, 151.0], [152.0, 153.0], [154.0, 155.0], [156.0, 157.0], [158.0, 159.0], [160.0, 161.0], [162.0, 163.0], [164.0, 165.0], [166.0, 167.0], [168.0, 169.0], [170.0, 171.0], [172.0, 173.0], [174.0, 175.0], [176.0, 177.0], [178.0, 179.0], [180.0, 181.0], [182.0, 183.0], [184.0, 185.0], [186.0, 187.0], [188.0, 189.0], [190.0, 191.0], [192.0, 193.0], [194.0, 195.0], [196.0, 197.0], [198.0, 199.0], [200.0, 201.0], [202.0, 203.0], [204.0, 205.0], [206.0, 207.0], [208.0, 209.0], [210.0, 211.0], [212.0, 213.0], [214.0, 215.0], [216.0, 217.0], [218.0, 219.0], [220.0, 221.0], [222.0, 223.0], [224.0, 225.0], [226.0, 227.0], [228.0, 229.0], [230.0, 231.0], [232.0, 233.0], [234.0, 235.0], [236.0, 237.0], [238.0, 239.0], [240.0, 241.0], [242.0, 243.0], [244.0, 245.0], [246.0, 247.0], [248.0, 249.0], [250.0, 251.0], [252.0, 253.0], [254.0, 255.0]]> : tensor<128x2xf32>
  %0 = strata.group(%a = %x, %b = %w) : (tensor<1x3x2xf32>, tensor<128x2xf32>) -> tensor<1x3x128xf32> {
    %zero = arith.constant 0.0 : f32
    %et = tensor.empty() : tensor<2x128xf32>
    %t = linalg.transpose ins(%b : tensor<128x2xf32>) outs(%et : tensor<2x128xf32>) permutation = [1, 0]
    %rhs = tensor.expand_shape %t [[0, 1], [2]] output_shape [1, 2, 128] : tensor<2x128xf32> into tensor<1x2x128xf32>
    %e = tensor.empty() : tensor<1x3x128xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x128xf32>) -> tensor<1x3x128xf32>
    %r = linalg.batch_matmul ins(%a, %rhs : tensor<1x3x2xf32>, tensor<1x2x128xf32>) outs(%f : tensor<1x3x128xf32>) -> tensor<1x3x128xf32>
    strata.yield %r : tensor<1x3x128xf32>
  }
  return %0 : tensor<1x3x128xf32>
}

// -----

// A filter behind two layout changes in the kernel (ONNX's OIHW to TOSA's
// OHWI, then to the HWCF the vectorized convolution reads) is blocked in
// one copy: block b, input channel c, lane j is W[64 b + j, c] (here
// W[o, c] = 2 o + c, 1x1 window).
// BLOCK-LABEL: func.func @blocked_oihw_filter
// BLOCK: %[[P:.*]] = arith.constant dense<{{\[\[\[\[\[}}0.000000e+00, 2.000000e+00, {{.*}}], [1.000000e+00, 3.000000e+00, {{.*}}]]]], {{\[\[\[\[}}1.280000e+02, 1.300000e+02, {{.*}}]]]]]> : tensor<2x1x1x2x64xf32>
// BLOCK: strata.group(%{{.*}} = %arg0, %{{.*}} = %[[P]])
// BLOCK-NOT: linalg.transpose
// BLOCK: linalg.generic
func.func @blocked_oihw_filter(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x128xf32> {
  %w = arith.constant dense<[[[[0.0]], [[1.0]]], [[[2.0]], [[3.0]]], [[[4.0]], [[5.0]]], [[[6.0]], [[7.0]]], [[[8.0]], [[9.0]]], [[[10.0]], [[11.0]]], [[[12.0]], [[13.0]]], [[[14.0]], [[15.0]]], [[[16.0]], [[17.0]]], [[[18.0]], [[19.0]]], [[[20.0]], [[21.0]]], [[[22.0]], [[23.0]]], [[[24.0]], [[25.0]]], [[[26.0]], [[27.0]]], [[[28.0]], [[29.0]]], [[[30.0]], [[31.0]]], [[[32.0]], [[33.0]]], [[[34.0]], [[35.0]]], [[[36.0]], [[37.0]]], [[[38.0]], [[39.0]]], [[[40.0]], [[41.0]]], [[[42.0]], [[43.0]]], [[[44.0]], [[45.0]]], [[[46.0]], [[47.0]]], [[[48.0]], [[49.0]]], [[[50.0]], [[51.0]]], [[[52.0]], [[53.0]]], [[[54.0]], [[55.0]]], [[[56.0]], [[57.0]]], [[[58.0]], [[59.0]]], [[[60.0]], [[61.0]]], [[[62.0]], [[63.0]]], [[[64.0]], [[65.0]]], [[[66.0]], [[67.0]]], [[[68.0]], [[69.0]]], [[[70.0]], [[71.0]]], [[[72.0]], [[73.0]]], [[[74.0]], [[75.0]]], [[[76.0]], [[77.0]]], [[[78.0]], [[79.0]]], [[[80.0]], [[81.0]]], [[[82.0]], [[83.0]]], [[[84.0]], [[85.0]]], [[[86.0]], [[87.0]]], [[[88.0]], [[89.0]]], [[[90.0]], [[91.0]]], [[[92.0]], [[93.0]]], [[[94.0]], [[95.0]]], [[[96.0]], [[97.0]]], [[[98.0]], [[99.0]]], [[[100.0]], [[101.0]]], [[[102.0]], [[103.0]]], [[[104.0]], [[105.0]]], [[[106.0]], [[107.0]]], [[[108.0]], [[109.0]]], [[[110.0]], [[111.0]]], [[[112.0]], [[113.0]]], [[[114.0]], [[115.0]]], [[[116.0]], [[117.0]]], [[[118.0]], [[119.0]]], [[[120.0]], [[121.0]]], [[[122.0]], [[123.0]]], [[[124.0]], [[125.0]]], [[[126.0]], [[127.0]]], [[[128.0]], [[129.0]]], [[[130.0]], [[131.0]]], [[[132.0]], [[133.0]]], [[[134.0]], [[135.0]]], [[[136.0]], [[137.0]]], [[[138.0]], [[139.0]]], [[[140.0]], [[141.0]]], [[[142.0]], [[143.0]]], [[[144.0]], [[145.0]]], [[[146.0]], [[147.0]]], [[[148.0]], [[149.0]]], [[[150.0]], [[151.0]]], [[[152.0]], [[153.0]]], [[[154.0]], [[155.0]]], [[[156.0]], [[157.0]]], [[[158.0]], [[159.0]]], [[[160.0]], [[161.0]]], [[[162.0]], [[163.0]]], [[[164.0]], [[165.0]]], [[[166.0]], [[167.0]]], [[[168.0]], [[169.0]]], [[[170.0]], [[171.0]]], [[[172.0]], [[173.0]]], [[[174.0]], [[175.0]]], [[[176.0]], [[177.0]]], [[[178.0]], [[179.0]]], [[[180.0]], [[181.0]]], [[[182.0]], [[183.0]]], [[[184.0]], [[185.0]]], [[[186.0]], [[187.0]]], [[[188.0]], [[189.0]]], [[[190.0]], [[191.0]]], [[[192.0]], [[193.0]]], [[[194.0]], [[195.0]]], [[[196.0]], [[197.0]]], [[[198.0]], [[199.0]]], [[[200.0]], [[201.0]]], [[[202.0]], [[203.0]]], [[[204.0]], [[205.0]]], [[[206.0]], [[207.0]]], [[[208.0]], [[209.0]]], [[[210.0]], [[211.0]]], [[[212.0]], [[213.0]]], [[[214.0]], [[215.0]]], [[[216.0]], [[217.0]]], [[[218.0]], [[219.0]]], [[[220.0]], [[221.0]]], [[[222.0]], [[223.0]]], [[[224.0]], [[225.0]]], [[[226.0]], [[227.0]]], [[[228.0]], [[229.0]]], [[[230.0]], [[231.0]]], [[[232.0]], [[233.0]]], [[[234.0]], [[235.0]]], [[[236.0]], [[237.0]]], [[[238.0]], [[239.0]]], [[[240.0]], [[241.0]]], [[[242.0]], [[243.0]]], [[[244.0]], [[245.0]]], [[[246.0]], [[247.0]]], [[[248.0]], [[249.0]]], [[[250.0]], [[251.0]]], [[[252.0]], [[253.0]]], [[[254.0]], [[255.0]]]]> : tensor<128x2x1x1xf32>
  %0 = strata.group(%a = %x, %b = %w) : (tensor<1x2x2x2xf32>, tensor<128x2x1x1xf32>) -> tensor<1x2x2x128xf32> {
    %zero = arith.constant 0.0 : f32
    %e1 = tensor.empty() : tensor<128x1x1x2xf32>
    %ohwi = linalg.transpose ins(%b : tensor<128x2x1x1xf32>) outs(%e1 : tensor<128x1x1x2xf32>) permutation = [0, 2, 3, 1]
    %e2 = tensor.empty() : tensor<1x1x2x128xf32>
    %hwcf = linalg.transpose ins(%ohwi : tensor<128x1x1x2xf32>) outs(%e2 : tensor<1x1x2x128xf32>) permutation = [1, 2, 3, 0]
    %e = tensor.empty() : tensor<1x2x2x128xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x128xf32>) -> tensor<1x2x2x128xf32>
    %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%a, %hwcf : tensor<1x2x2x2xf32>, tensor<1x1x2x128xf32>) outs(%f : tensor<1x2x2x128xf32>) -> tensor<1x2x2x128xf32>
    strata.yield %r : tensor<1x2x2x128xf32>
  }
  return %0 : tensor<1x2x2x128xf32>
}
