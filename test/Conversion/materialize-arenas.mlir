// RUN: strata-opt %s --split-input-file --verify-diagnostics -p 'builtin.module(strata-materialize-arenas)' | FileCheck %s

// The out-parameter a placed kernel writes and the buffer a copy bufferized
// to become views of their tiers' arenas at their planned offsets; the
// arenas are the planned sizes, aligned for every offset (128 here).
// CHECK-LABEL: func.func @lowered
// CHECK-NEXT: %[[DRAM:.*]] = memref.alloc() {alignment = 128 : i64} : memref<16xi8>
// CHECK-NEXT: %[[SRAM:.*]] = memref.alloc() {alignment = 128 : i64} : memref<256xi8>
// CHECK-NEXT: %[[C128:.*]] = arith.constant 128 : index
// CHECK-NEXT: %[[OUT:.*]] = memref.view %[[SRAM]][%[[C128]]][] : memref<256xi8> to memref<4xf32>
// CHECK-NEXT: call @kernel(%arg0, %[[OUT]])
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[EV:.*]] = memref.view %[[DRAM]][%[[C0]]][] : memref<16xi8> to memref<4xf32>
// CHECK-NEXT: memref.copy %[[OUT]], %[[EV]]
// CHECK-NOT: memref.alloc
// Functions without a plan are left alone.
// CHECK-LABEL: func.func @unplanned
// CHECK-NEXT: memref.alloc() : memref<4xf32>
func.func private @kernel(memref<4xf32>, memref<4xf32>)
    attributes {strata.kernel, strata.result_placement = [#strata.placement<tier = "sram", offset = 128, alignment = 128>]}
func.func @lowered(%a: memref<4xf32>, %out: memref<4xf32>)
    attributes {strata.arenas = {dram = 16 : i64, sram = 256 : i64}} {
  %0 = memref.alloc() : memref<4xf32>
  call @kernel(%a, %0) : (memref<4xf32>, memref<4xf32>) -> ()
  %1 = memref.alloc() {strata.placement = [#strata.placement<tier = "dram", offset = 0, alignment = 16>]} : memref<4xf32>
  memref.copy %0, %1 : memref<4xf32> to memref<4xf32>
  memref.copy %1, %out : memref<4xf32> to memref<4xf32>
  return
}
func.func @unplanned(%a: memref<4xf32>) {
  %0 = memref.alloc() : memref<4xf32>
  call @kernel(%a, %0) : (memref<4xf32>, memref<4xf32>) -> ()
  return
}

// -----

func.func private @kernel(memref<4xf32>) -> memref<4xf32>
    attributes {strata.kernel, strata.result_placement = [#strata.placement<tier = "sram", offset = 0, alignment = 64>]}
func.func @results(%a: memref<4xf32>) attributes {strata.arenas = {sram = 64 : i64}} {
  // expected-error @+1 {{strata-materialize-arenas: a placed kernel must write its results to out-parameters (run after buffer-results-to-out-params)}}
  %0 = call @kernel(%a) : (memref<4xf32>) -> memref<4xf32>
  return
}

// -----

func.func private @kernel(memref<4xf32>, memref<4xf32>)
    attributes {strata.kernel, strata.result_placement = [#strata.placement<tier = "sram", offset = 0, alignment = 64>]}
func.func @not_own(%a: memref<4xf32>, %b: memref<4xf32>) attributes {strata.arenas = {sram = 64 : i64}} {
  // expected-error @+1 {{strata-materialize-arenas: output #0 of a placed kernel is not a buffer of its own, so it cannot be put in an arena}}
  call @kernel(%a, %b) : (memref<4xf32>, memref<4xf32>) -> ()
  return
}

// -----

func.func @dynamic(%n: index) attributes {strata.arenas = {sram = 64 : i64}} {
  // expected-error @+1 {{strata-materialize-arenas: a placed buffer needs a static shape and identity layout}}
  %0 = memref.alloc(%n) {strata.placement = [#strata.placement<tier = "sram", offset = 0, alignment = 64>]} : memref<?xf32>
  return
}

// -----

func.func @outside(%a: memref<4xf32>) attributes {strata.arenas = {sram = 64 : i64}} {
  // expected-error @+1 {{strata-materialize-arenas: [64, 80) is outside the 'sram' arena (64 B)}}
  %0 = memref.alloc() {strata.placement = [#strata.placement<tier = "sram", offset = 64, alignment = 64>]} : memref<4xf32>
  memref.copy %a, %0 : memref<4xf32> to memref<4xf32>
  return
}

// -----

func.func @no_arena(%a: memref<4xf32>) attributes {strata.arenas = {sram = 64 : i64}} {
  // expected-error @+1 {{strata-materialize-arenas: [0, 16) is outside the 'l2' arena (0 B)}}
  %0 = memref.alloc() {strata.placement = [#strata.placement<tier = "l2", offset = 0, alignment = 64>]} : memref<4xf32>
  memref.copy %a, %0 : memref<4xf32> to memref<4xf32>
  return
}
