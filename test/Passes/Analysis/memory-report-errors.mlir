// RUN: not strata-opt %s --split-input-file -p 'builtin.module(strata-memory-report{format=xml})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FORMAT
// FORMAT: for the --format option: Cannot find option named 'xml'!

// RUN: not strata-opt %s --split-input-file -p 'builtin.module(strata-memory-report{trace=/nonexistent-dir/t.json})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=TRACE
// TRACE: error: strata-memory-report: cannot write the trace:

// RUN: not strata-opt %s --split-input-file -p 'builtin.module(strata-memory-report)' -o /dev/null 2>&1 | FileCheck %s --check-prefix=DYNAMIC
func.func @ok(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}

// -----

// DYNAMIC: error: kernel graph needs static shapes, but value has type 'tensor<?xf32>'
func.func @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  %0 = tosa.exp %a : (tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
