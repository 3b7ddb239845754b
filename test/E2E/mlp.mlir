// The bundled example: constants as weights, matmul + bias + relu twice,
// softmax decomposed in TOSA. Reference computed by NumPy (generate.py).
// RUN: strata-run %strata_src/examples/mlp.mlir --input=%strata_src/examples/mlp_input.npy --check=%strata_src/examples/mlp_expected.npy --rtol=1e-5 --atol=1e-6 --output=%t.npy | FileCheck %s
// The output file holds the checked result: rerun and compare exactly.
// RUN: strata-run %strata_src/examples/mlp.mlir --input=%strata_src/examples/mlp_input.npy --check=%t.npy --rtol=0 --atol=0 | FileCheck %s --check-prefix=SAME

// CHECK: entry @mlp: 1 input(s), 1 result(s)
// CHECK: output #0: 4x10xf32 = [0.0369306, 0.044509,
// CHECK: check #0: {{.*}}: ok
// SAME: check #0: max abs error 0, max rel error 0 {{.*}}: ok
