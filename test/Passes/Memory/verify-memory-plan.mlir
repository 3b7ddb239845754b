// RUN: strata-opt %s --split-input-file --verify-diagnostics -p 'builtin.module(func.func(strata-verify-memory-plan{target=npu-sram:sram=1KiB}))' -o /dev/null

// A valid plan (and a function without one) pass.
func.func @valid(%a: tensor<64xf32>) -> tensor<64xf32> attributes {strata.arenas = {sram = 512 : i64, dram = 256 : i64}} {
  %0 = strata.prefetch %a : tensor<64xf32> to #strata.placement<tier = "sram", offset = 0, alignment = 64>
  %1 = tosa.exp %0 {strata.placement = [#strata.placement<tier = "sram", offset = 256, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  %2 = tosa.exp %1 {strata.placement = [#strata.placement<tier = "sram", offset = 0, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  %3 = strata.evict %2 : tensor<64xf32> to #strata.placement<tier = "dram", offset = 0, alignment = 64>
  return %3 : tensor<64xf32>
}

func.func @unplanned(%a: tensor<64xf32>) -> tensor<64xf32> {
  %0 = tosa.exp %a : (tensor<64xf32>) -> tensor<64xf32>
  return %0 : tensor<64xf32>
}

// -----

// Two tensors live at once share bytes: the second exp overwrites its own
// input.
func.func @overlap(%a: tensor<64xf32>) -> tensor<64xf32> {
  // expected-note @+1 {{the other tensor is written here}}
  %0 = tosa.exp %a {strata.placement = [#strata.placement<tier = "sram", offset = 0, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  // expected-error @+1 {{memory plan: [128, 384) in 'sram' overlaps a tensor at [0, 256) live at the same time (positions 3-4 and 1-3)}}
  %1 = tosa.exp %0 {strata.placement = [#strata.placement<tier = "sram", offset = 128, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  %2 = strata.evict %1 : tensor<64xf32> to #strata.placement<tier = "dram", offset = 0, alignment = 64>
  return %2 : tensor<64xf32>
}

// -----

func.func @capacity(%a: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{memory plan: [896, 1152) exceeds the capacity of tier 'sram' (1024 B)}}
  %0 = tosa.exp %a {strata.placement = [#strata.placement<tier = "sram", offset = 896, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  %1 = strata.evict %0 : tensor<64xf32> to #strata.placement<tier = "dram", offset = 0, alignment = 64>
  return %1 : tensor<64xf32>
}

// -----

func.func @arena(%a: tensor<64xf32>) -> tensor<64xf32> attributes {strata.arenas = {sram = 256 : i64, dram = 256 : i64}} {
  // expected-error @+1 {{memory plan: [256, 512) exceeds the planned 'sram' arena (256 B)}}
  %0 = tosa.exp %a {strata.placement = [#strata.placement<tier = "sram", offset = 256, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  %1 = strata.evict %0 : tensor<64xf32> to #strata.placement<tier = "dram", offset = 0, alignment = 64>
  return %1 : tensor<64xf32>
}

// -----

func.func @direction(%a: tensor<64xf32>) -> tensor<64xf32> {
  %0 = tosa.exp %a {strata.placement = [#strata.placement<tier = "dram", offset = 0, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  // expected-error @+1 {{memory plan: evict must copy into a slower tier than its source's}}
  %1 = strata.evict %0 : tensor<64xf32> to #strata.placement<tier = "sram", offset = 0, alignment = 64>
  // expected-error @+1 {{memory plan: prefetch must copy into a faster tier than its source's}}
  %2 = strata.prefetch %1 : tensor<64xf32> to #strata.placement<tier = "dram", offset = 256, alignment = 64>
  return %2 : tensor<64xf32>
}

// -----

func.func @result_on_chip(%a: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{memory plan: a function result must be in the backing tier ('dram')}}
  %0 = tosa.exp %a {strata.placement = [#strata.placement<tier = "sram", offset = 0, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  return %0 : tensor<64xf32>
}

// -----

func.func @unknown_tier(%a: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{placement tier 'l2' is not a tier of target 'npu-sram' (sram, dram)}}
  %0 = tosa.exp %a {strata.placement = [#strata.placement<tier = "l2", offset = 0, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  return %0 : tensor<64xf32>
}

// -----

func.func @missing(%a: tensor<64xf32>) -> tensor<64xf32> {
  %0 = strata.prefetch %a : tensor<64xf32> to #strata.placement<tier = "sram", offset = 0, alignment = 64>
  // expected-error @+1 {{kernel has no 'strata.placement' in a function with a tier plan}}
  %1 = tosa.exp %0 : (tensor<64xf32>) -> tensor<64xf32>
  return %1 : tensor<64xf32>
}

// -----

// expected-error @+1 {{memory plan: 'strata.arenas' names tier 'l3', which target 'npu-sram' does not have}}
func.func @arena_tier(%a: tensor<64xf32>) -> tensor<64xf32> attributes {strata.arenas = {l3 = 0 : i64}} {
  %0 = strata.prefetch %a : tensor<64xf32> to #strata.placement<tier = "sram", offset = 0, alignment = 64>
  %1 = tosa.exp %0 {strata.placement = [#strata.placement<tier = "dram", offset = 0, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  return %1 : tensor<64xf32>
}

// -----

func.func @untracked() -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  // expected-error @+1 {{copies a tensor that is not part of the plan}}
  %0 = strata.prefetch %e : tensor<64xf32> to #strata.placement<tier = "sram", offset = 0, alignment = 64>
  return %0 : tensor<64xf32>
}

// -----

// expected-error @+1 {{a tier plan needs static shapes, but value has type 'tensor<?xf32>'}}
func.func @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  %0 = strata.evict %a : tensor<?xf32> to #strata.placement<tier = "dram", offset = 0, alignment = 64>
  return %0 : tensor<?xf32>
}
