// Stock mlir-opt is not built with ASan, so an ASan-built plugin cannot load.
// UNSUPPORTED: asan
// Strata loaded into Debian's stock mlir-opt: the dialect parses and prints,
// and Strata passes and pipelines run through -p.
// RUN: mlir-opt-stock %s --load-dialect-plugin=%strata_plugin --load-pass-plugin=%strata_plugin -p 'builtin.module(func.func(strata-group-ops))' | FileCheck %s
// RUN: mlir-opt-stock %s --load-dialect-plugin=%strata_plugin --load-pass-plugin=%strata_plugin -p 'builtin.module(func.func(strata-group-ops),strata-outline-groups)' | FileCheck %s --check-prefix=OUTLINED
// RUN: mlir-opt-stock %s --load-dialect-plugin=%strata_plugin --load-pass-plugin=%strata_plugin -p 'builtin.module(strata-cpu-pipeline{group-ops=true})' | FileCheck %s --check-prefix=LLVM
// The measured cost model needs the JIT, which the plugin does not bring.
// RUN: not mlir-opt-stock %s --load-dialect-plugin=%strata_plugin --load-pass-plugin=%strata_plugin -p 'builtin.module(func.func(strata-estimate-costs{cost-model=measured}))' 2>&1 | FileCheck %s --check-prefix=MEASURED
// MEASURED: error: cost model 'measured' needs the JIT runtime, which this tool does not link; use strata-opt or strata-run
// The plugin needs only the shared LLVM and MLIR libraries.
// RUN: llvm-readelf -d %strata_plugin | FileCheck %s --check-prefix=DEPS

// CHECK-LABEL: func.func @f
// CHECK: strata.group(%{{.*}} = %{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> attributes {name = "exp"}
// CHECK: tosa.exp
// CHECK: strata.yield
// OUTLINED: call @f_exp
// OUTLINED: func.func private @f_exp({{.*}}) -> tensor<4xf32> attributes {strata.kernel}
// LLVM: llvm.func @f_exp(
// DEPS: (NEEDED) Shared library: [libMLIR.so.22.1]
// DEPS-NOT: libMLIR{{.*}}.a
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.exp %a : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
