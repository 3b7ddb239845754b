// strata-choose-lowering refuses vector units it cannot plan for.
// RUN: strata-opt %s --verify-diagnostics -p 'builtin.module(func.func(strata-choose-lowering{vector-bits=96}))' -o /dev/null
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-choose-lowering{registers=2}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REGS

// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-choose-lowering{cpu=pentium9}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-tile-kernels{cpu=pentium9}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=TILE-CPU

// REGS: strata-choose-lowering: registers must be at least 4, got 2
// CPU: error: strata-choose-lowering: unknown CPU 'pentium9'; expected an x86-64 CPU name as LLVM spells it
// TILE-CPU: error: strata-tile-kernels: unknown CPU 'pentium9'
// expected-error @+1 {{strata-choose-lowering: vector-bits must be a power of two of at least 64, got 96}}
func.func @bad_bits() attributes {strata.kernel} {
  return
}
