// strata-choose-lowering refuses vector units it cannot plan for.
// RUN: strata-opt %s --verify-diagnostics -p 'builtin.module(func.func(strata-choose-lowering{vector-bits=96}))' -o /dev/null
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-choose-lowering{registers=2}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REGS

// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-choose-lowering{cpu=pentium9}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-tile-kernels{cpu=pentium9}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=TILE-CPU

// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-choose-lowering{cost-model=oracle}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-choose-lowering{cost-model=learned:%t.absent.json}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOFILE
// The plugin in stock mlir-opt has no JIT to time kernels with.
// RUN: not mlir-opt-stock %S/Inputs/matmul-kernel.mlir --load-dialect-plugin=%strata_plugin --load-pass-plugin=%strata_plugin -p 'builtin.module(func.func(strata-choose-lowering{cost-model=measured}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=TIMER

// REGS: strata-choose-lowering: registers must be at least 4, got 2
// MODEL: error: strata-choose-lowering: unknown cost-model 'oracle'; expected analytic, learned, learned:FILE or measured
// NOFILE: error: strata-choose-lowering: {{.*}}absent.json
// TIMER: error: strata-choose-lowering: cost-model=measured needs a kernel timer; the Strata tools (strata-opt, strata-run, strata-compile) have one, a plugin loaded into mlir-opt does not
// CPU: error: strata-choose-lowering: unknown CPU 'pentium9'; expected an x86-64 CPU name as LLVM spells it
// TILE-CPU: error: strata-tile-kernels: unknown CPU 'pentium9'
// expected-error @+1 {{strata-choose-lowering: vector-bits must be a power of two of at least 64, got 96}}
func.func @bad_bits() attributes {strata.kernel} {
  return
}
