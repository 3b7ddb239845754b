// ShuffleNet's channel shuffle (3 groups of 5 channels) between NHWC
// values, as the ONNX importer emits it: strata-sink-transposes folds the
// chain into one transpose (test/E2E/layout-chain.test).
func.func @main(%x: tensor<1x3x4x15xf32>) -> tensor<1x3x4x15xf32> {
  %s5 = tosa.const_shape {values = dense<[1, 3, 5, 3, 4]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %s4 = tosa.const_shape {values = dense<[1, 15, 3, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %0 = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x4x15xf32>) -> tensor<1x15x3x4xf32>
  %1 = tosa.reshape %0, %s5 : (tensor<1x15x3x4xf32>, !tosa.shape<5>) -> tensor<1x3x5x3x4xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 1, 3, 4>} : (tensor<1x3x5x3x4xf32>) -> tensor<1x5x3x3x4xf32>
  %3 = tosa.reshape %2, %s4 : (tensor<1x5x3x3x4xf32>, !tosa.shape<4>) -> tensor<1x15x3x4xf32>
  %4 = tosa.transpose %3 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x15x3x4xf32>) -> tensor<1x3x4x15xf32>
  return %4 : tensor<1x3x4x15xf32>
}
