// RUN: strata-opt %s -p 'builtin.module(func.func(strata-apply-rules{rules=strata.no-such-rule}))' --verify-diagnostics -o /dev/null

// expected-error @below {{strata-apply-rules: unknown rule 'strata.no-such-rule'; the library has: strata.sink-transposes}}
func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
