// RUN: strata-opt %s -p 'builtin.module(strata-memory-report)' -o /dev/null 2>&1 | FileCheck %s
// RUN: strata-opt %s -p 'builtin.module(strata-memory-report{count-arguments=true count-constants=true})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALL
// RUN: strata-opt %s -p 'builtin.module(strata-memory-report{format=json trace=%t.trace.json})' -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: FileCheck %s --check-prefix=TRACE < %t.trace.json

// Activations only (the default): each tensor<256xf32> is 1 KiB. The
// reshape is a view of %1 and adds nothing; the argument and the constant
// do not count.
// CHECK: remark: function 'chain': peak 3072 B at step 2 of 4 (kernel 'tosa.add')
// CHECK: remark: peak of 'chain': 3 live value(s): 'tosa.exp' #0 (1024 B), 'tosa.exp' #0 (1024 B), 'tosa.add' #0 (1024 B)
// Counted arguments and constants are live from the start to their last use.
// ALL: remark: function 'chain': peak 4096 B at step 2 of 4
// ALL: remark: peak of 'chain': 4 live value(s): constant (1024 B), 'tosa.exp' #0 (1024 B),
// ALL: remark: function 'grouped': peak 2048 B at step 0 of 2 (kernel 'first')
// ALL: remark: peak of 'grouped': 2 live value(s): argument #0 (1024 B), 'first' #0 (1024 B)
func.func @chain(%a: tensor<256xf32>) -> tensor<256xf32> {
  %w = arith.constant dense<1.0> : tensor<256xf32>
  %0 = tosa.exp %a : (tensor<256xf32>) -> tensor<256xf32>
  %1 = tosa.exp %0 : (tensor<256xf32>) -> tensor<256xf32>
  %s = tosa.const_shape {values = dense<[16, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %v = tosa.reshape %1, %s : (tensor<256xf32>, !tosa.shape<2>) -> tensor<16x16xf32>
  %s2 = tosa.const_shape {values = dense<[256]> : tensor<1xindex>} : () -> !tosa.shape<1>
  %v2 = tosa.reshape %v, %s2 : (tensor<16x16xf32>, !tosa.shape<1>) -> tensor<256xf32>
  %2 = tosa.add %0, %v2 : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
  %3 = tosa.add %2, %w : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
  return %3 : tensor<256xf32>
}

// A function of groups: kernels are named by their groups.
// CHECK: remark: function 'grouped': peak 2048 B at step 1 of 2 (kernel 'second')
func.func @grouped(%a: tensor<256xf32>) -> tensor<256xf32> {
  %0 = strata.group(%x = %a) : (tensor<256xf32>) -> tensor<256xf32> attributes {name = "first"} {
    %e = tosa.exp %x : (tensor<256xf32>) -> tensor<256xf32>
    strata.yield %e : tensor<256xf32>
  }
  %1 = strata.group(%x = %0) : (tensor<256xf32>) -> tensor<256xf32> attributes {name = "second"} {
    %e = tosa.exp %x : (tensor<256xf32>) -> tensor<256xf32>
    strata.yield %e : tensor<256xf32>
  }
  return %1 : tensor<256xf32>
}

// Declarations are skipped.
// CHECK-NOT: 'external'
func.func private @external(tensor<4xf32>) -> tensor<4xf32>

// With format=json, one object per function (keys in sorted order).
// JSON: {"function":"chain","live_at_peak":[{"bytes":1024,"value":"'tosa.exp' #0"},{"bytes":1024,"value":"'tosa.exp' #0"},{"bytes":1024,"value":"'tosa.add' #0"}],"live_bytes":[1024,2048,3072,2048],"num_nodes":4,"num_values":6,"peak_bytes":3072,"peak_kernel":"tosa.add","peak_step":2}
// JSON: {"function":"grouped",{{.*}}"live_bytes":[1024,2048],"num_nodes":2,{{.*}}"peak_bytes":2048,"peak_kernel":"second","peak_step":1}
// JSON-NOT: external

// TRACE: "traceEvents":[
// TRACE-SAME: {"args":{"name":"chain"},"name":"process_name","ph":"M","pid":0}
// TRACE-SAME: {"dur":1,"name":"tosa.exp","ph":"X","pid":0,"tid":0,"ts":0}
// TRACE-SAME: {"args":{"bytes":3072},"name":"live bytes","ph":"C","pid":0,"ts":2}
// TRACE-SAME: {"args":{"name":"grouped"},"name":"process_name","ph":"M","pid":1}
