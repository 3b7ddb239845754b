// linalg.softmax on tensors (the linalg-on-tensors input path), decomposed
// by strata-decompose-aggregates. Reference computed by NumPy.
// RUN: strata-run %s --input=%S/Inputs/softmax_x.npy --check=%S/Inputs/softmax_ref.npy --rtol=1e-5 --atol=1e-7 --report | FileCheck %s

// CHECK: output #0: 4x16xf32
// CHECK: check #0: {{.*}}: ok
// CHECK: kernel groups: 1 (softmax)
func.func @softmax(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %0 = linalg.softmax dimension(1) ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
