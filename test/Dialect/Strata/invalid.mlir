// RUN: strata-opt %s --split-input-file --verify-diagnostics --allow-unregistered-dialect

func.func @body_arity(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'strata.group' op body has 0 arguments but the group has 1 inputs}}
  %0 = "strata.group"(%a) ({
    %c = arith.constant dense<1.0> : tensor<4xf32>
    "strata.yield"(%c) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @body_type(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'strata.group' op body argument #0 has type 'tensor<4xi32>' but input #0 has type 'tensor<4xf32>'}}
  %0 = "strata.group"(%a) ({
  ^bb0(%x: tensor<4xi32>):
    %c = arith.constant dense<1.0> : tensor<4xf32>
    "strata.yield"(%c) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_arity(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = strata.group(%x = %a) : (tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'strata.yield' op yields 2 values but the group has 1 results}}
    strata.yield %x, %x : tensor<4xf32>, tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_type(%a: tensor<4xf32>) -> tensor<8xf32> {
  %0 = strata.group(%x = %a) : (tensor<4xf32>) -> tensor<8xf32> {
    // expected-error @+1 {{'strata.yield' op value #0 has type 'tensor<4xf32>' but group result #0 has type 'tensor<8xf32>'}}
    strata.yield %x : tensor<4xf32>
  }
  return %0 : tensor<8xf32>
}

// -----

func.func @empty_name(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'strata.group' op name must not be empty}}
  %0 = strata.group(%x = %a) : (tensor<4xf32>) -> tensor<4xf32> attributes {name = ""} {
    strata.yield %x : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @isolated(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note @+1 {{required by region isolation constraints}}
  %0 = strata.group() : () -> tensor<4xf32> {
    // expected-error @+1 {{'tosa.exp' op using value defined outside the region}}
    %e = tosa.exp %a : (tensor<4xf32>) -> tensor<4xf32>
    strata.yield %e : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @not_a_tensor(%a: f32) -> f32 {
  // expected-error @+1 {{'strata.group' op operand #0 must be variadic of ranked tensor of any type values, but got 'f32'}}
  %0 = "strata.group"(%a) ({
  ^bb0(%x: f32):
    "strata.yield"(%x) : (f32) -> ()
  }) : (f32) -> f32
  return %0 : f32
}

// -----

func.func @yield_outside(%a: tensor<4xf32>) {
  // expected-error @+1 {{'strata.yield' op expects parent op 'strata.group'}}
  strata.yield %a : tensor<4xf32>
}

// -----

func.func @type_count(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{group has 1 inputs but its type lists 2}}
  %0 = strata.group(%x = %a) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
    strata.yield %x : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

// expected-error @+1 {{tier name must not be empty}}
"test.tier"() {t = #strata.tier<name = "", capacity = 1, bandwidth = 1.0>} : () -> ()

// -----

// expected-error @+1 {{tier 'sram' must have a positive capacity}}
"test.tier"() {t = #strata.tier<name = "sram", capacity = 0, bandwidth = 1.0>} : () -> ()

// -----

// expected-error @+1 {{tier 'sram' must have a positive, finite bandwidth}}
"test.tier"() {t = #strata.tier<name = "sram", capacity = 8, bandwidth = 0.0>} : () -> ()

// -----

// expected-error @+1 {{tier 'sram' must have a non-negative, finite latency}}
"test.tier"() {t = #strata.tier<name = "sram", capacity = 8, bandwidth = 1.0, latency = -1.0>} : () -> ()

// -----

// expected-error @+1 {{compute unit name must not be empty}}
"test.unit"() {u = #strata.unit<name = "", count = 1, matrix_flops = 1.0, vector_flops = 1.0>} : () -> ()

// -----

// expected-error @+1 {{compute unit 'core' must have a positive count}}
"test.unit"() {u = #strata.unit<name = "core", count = 0, matrix_flops = 1.0, vector_flops = 1.0>} : () -> ()

// -----

// expected-error @+1 {{compute unit 'core' must have positive, finite peak FLOP/s}}
"test.unit"() {u = #strata.unit<name = "core", count = 1, matrix_flops = 1.0, vector_flops = -1.0>} : () -> ()

// -----

// expected-error @+1 {{target name must not be empty}}
"test.target"() {t = #strata.target<name = "",
    units = [#strata.unit<name = "u", count = 1, matrix_flops = 1.0, vector_flops = 1.0>],
    tiers = [#strata.tier<name = "m", capacity = 8, bandwidth = 1.0>]>} : () -> ()

// -----

// expected-error @+1 {{target 't' must have at least one compute unit}}
"test.target"() {t = #strata.target<name = "t", units = [],
    tiers = [#strata.tier<name = "m", capacity = 8, bandwidth = 1.0>]>} : () -> ()

// -----

// expected-error @+1 {{target 't' must have at least one memory tier}}
"test.target"() {t = #strata.target<name = "t",
    units = [#strata.unit<name = "u", count = 1, matrix_flops = 1.0, vector_flops = 1.0>],
    tiers = []>} : () -> ()

// -----

// expected-error @+1 {{target 't' has two compute units named 'u'}}
"test.target"() {t = #strata.target<name = "t",
    units = [#strata.unit<name = "u", count = 1, matrix_flops = 1.0, vector_flops = 1.0>,
             #strata.unit<name = "u", count = 2, matrix_flops = 1.0, vector_flops = 1.0>],
    tiers = [#strata.tier<name = "m", capacity = 8, bandwidth = 1.0>]>} : () -> ()

// -----

// expected-error @+1 {{target 't' has two tiers named 'm'}}
"test.target"() {t = #strata.target<name = "t",
    units = [#strata.unit<name = "u", count = 1, matrix_flops = 1.0, vector_flops = 1.0>],
    tiers = [#strata.tier<name = "m", capacity = 8, bandwidth = 2.0>,
             #strata.tier<name = "m", capacity = 8, bandwidth = 1.0>]>} : () -> ()

// -----

// expected-error @+1 {{target 't' must list tiers fastest first, but tier 'sram' has a higher bandwidth than tier 'dram'}}
"test.target"() {t = #strata.target<name = "t",
    units = [#strata.unit<name = "u", count = 1, matrix_flops = 1.0, vector_flops = 1.0>],
    tiers = [#strata.tier<name = "dram", capacity = 64, bandwidth = 1.0>,
             #strata.tier<name = "sram", capacity = 8, bandwidth = 9.0>]>} : () -> ()

// -----

// expected-error @+1 {{'strata.target' may only be attached to a builtin.module}}
func.func @target_on_func() attributes {strata.target = #strata.target<name = "t",
    units = [#strata.unit<name = "u", count = 1, matrix_flops = 1.0, vector_flops = 1.0>],
    tiers = [#strata.tier<name = "m", capacity = 8, bandwidth = 1.0>]>} {
  return
}

// -----

// expected-error @+1 {{'strata.target' must be a #strata.target attribute}}
module attributes {strata.target = "npu-sram"} {}

// -----

// expected-error @+1 {{'strata.cost_model' may only be attached to a builtin.module}}
func.func @cost_model_on_func() attributes {strata.cost_model = "learned"} {
  return
}

// -----

// expected-error @+1 {{'strata.cost_model' must be a string naming a cost model, e.g. "learned"}}
module attributes {strata.cost_model = 3} {}

// -----

// expected-error @+1 {{'strata.kernel' may only be attached to a function}}
module attributes {strata.kernel} {}

// -----

// expected-error @+1 {{'strata.kernel' must be a unit attribute}}
func.func private @k() attributes {strata.kernel = 1 : i32}

// -----

// expected-error @+1 {{unknown strata attribute 'strata.schedule'}}
func.func private @k() attributes {strata.schedule = 1 : i32}

// -----

func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'strata.recompute_of' must be a string attribute}}
  %0 = tosa.exp %a {strata.recompute_of = 1 : i32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'strata.unit' must be a string "<unit name>:<instance>", e.g. "core:0"}}
  %0 = tosa.exp %a {strata.unit = "core"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'strata.unit' must be a string "<unit name>:<instance>", e.g. "core:0"}}
  %0 = tosa.exp %a {strata.unit = 3 : i32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @placement_negative_offset(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{placement offset must not be negative, got -64}}
  %0 = strata.prefetch %a : tensor<4xf32> to #strata.placement<tier = "sram", offset = -64, alignment = 64>
  return %0 : tensor<4xf32>
}

// -----

func.func @placement_alignment(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{placement alignment must be a power of two, got 48}}
  %0 = strata.prefetch %a : tensor<4xf32> to #strata.placement<tier = "sram", offset = 0, alignment = 48>
  return %0 : tensor<4xf32>
}

// -----

func.func @placement_misaligned(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{placement offset 100 is not a multiple of its alignment 64}}
  %0 = strata.evict %a : tensor<4xf32> to #strata.placement<tier = "dram", offset = 100, alignment = 64>
  return %0 : tensor<4xf32>
}

// -----

func.func @placement_empty_tier(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{placement tier name must not be empty}}
  %0 = strata.evict %a : tensor<4xf32> to #strata.placement<tier = "", offset = 0, alignment = 64>
  return %0 : tensor<4xf32>
}

// -----

func.func @copy_types(%a: tensor<4xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{all of {source, result} have same type}}
  %0 = "strata.prefetch"(%a) {placement = #strata.placement<tier = "sram", offset = 0, alignment = 64>} : (tensor<4xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @placement_count(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'strata.placement' has 2 placements for 1 tensor results}}
  %0 = tosa.exp %a {strata.placement = [#strata.placement<tier = "sram", offset = 0, alignment = 64>, #strata.placement<tier = "sram", offset = 64, alignment = 64>]} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @placement_kind(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'strata.placement' must be an array of #strata.placement}}
  %0 = tosa.exp %a {strata.placement = ["sram"]} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error @+1 {{'strata.arenas' entry 'sram' must be a non-negative integer (bytes)}}
func.func @arenas(%a: tensor<4xf32>) -> tensor<4xf32> attributes {strata.arenas = {sram = -1 : i64}} {
  return %a : tensor<4xf32>
}

// -----

// expected-error @+1 {{'strata.arenas' must be a dictionary on a function}}
module attributes {strata.arenas = {sram = 1 : i64}} {
}

// -----

func.func @check_index_bound(%i: tensor<3xi64>) -> tensor<3xi64> {
  // expected-error @+1 {{'strata.check_index' op attribute 'bound' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = strata.check_index %i, 0 {site = "g"} : tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @check_index_width(%i: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{'strata.check_index' op bound 300 does not fit i8 indices}}
  %0 = strata.check_index %i, 300 {site = "g"} : tensor<3xi8>
  return %0 : tensor<3xi8>
}

// -----

func.func @check_index_bool(%i: tensor<3xi1>) -> tensor<3xi1> {
  // expected-error @+1 {{'strata.check_index' op indices must be integers wider than i1}}
  %0 = strata.check_index %i, 1 {site = "g"} : tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @check_index_float(%i: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'strata.check_index' op operand #0 must be ranked tensor of signless integer values}}
  %0 = "strata.check_index"(%i) {bound = 3 : i64, site = "g"} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// expected-error @+1 {{'strata.index_check_sites' must be an array of strings on a module}}
module attributes {strata.index_check_sites = [1]} {
}

// -----

func.func @lrn_axis(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error @+1 {{'strata.lrn' op axis 4 is out of range for rank 4}}
  %0 = strata.lrn %x {axis = 4 : i64, size = 5 : i64, alpha = 1.0e-4 : f64, beta = 0.75 : f64, bias = 1.0 : f64} : tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

func.func @lrn_size(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error @+1 {{'strata.lrn' op size 1025 is larger than 1024}}
  %0 = strata.lrn %x {axis = 3 : i64, size = 1025 : i64, alpha = 1.0e-4 : f64, beta = 0.75 : f64, bias = 1.0 : f64} : tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

func.func @lrn_size_zero(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error @+1 {{'strata.lrn' op attribute 'size' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = strata.lrn %x {axis = 3 : i64, size = 0 : i64, alpha = 1.0e-4 : f64, beta = 0.75 : f64, bias = 1.0 : f64} : tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

func.func @lrn_beta(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error @+1 {{'strata.lrn' op beta must be finite}}
  %0 = strata.lrn %x {axis = 3 : i64, size = 5 : i64, alpha = 1.0e-4 : f64, beta = 0x7FF0000000000000 : f64, bias = 1.0 : f64} : tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

func.func @lrn_type(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf16> {
  // expected-error @+1 {{'strata.lrn' op failed to verify that all of {input, result} have same type}}
  %0 = "strata.lrn"(%x) {axis = 3 : i64, size = 5 : i64, alpha = 1.0e-4 : f64, beta = 0.75 : f64, bias = 1.0 : f64} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf16>
  return %0 : tensor<1x4x4x8xf16>
}

// -----

func.func @grouped_conv_group_divides(%x: tensor<1x4x4x6xf32>, %w: tensor<4x1x1x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op group 4 does not divide the input channels (6) and the output channels (4)}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 4 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @grouped_conv_weight_channels(%x: tensor<1x4x4x6xf32>, %w: tensor<4x1x1x6xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op weight has 6 input channels, expected 3 (the channels of one group)}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<4x1x1x6xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @grouped_conv_bias_size(%x: tensor<1x4x4x6xf32>, %w: tensor<4x1x1x3xf32>, %b: tensor<2xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op bias has 2 values, expected 4}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<4x1x1x3xf32>, tensor<2xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @grouped_conv_negative_pad(%x: tensor<1x4x4x6xf32>, %w: tensor<4x1x1x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op pad must be 4 non-negative values (top, bottom, left, right)}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 0, -1, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @grouped_conv_zero_stride(%x: tensor<1x4x4x6xf32>, %w: tensor<4x1x1x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op stride and dilation must be 2 positive values (height, width)}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 0, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @grouped_conv_window_too_large(%x: tensor<1x4x4x6xf32>, %w: tensor<4x5x1x3xf32>, %b: tensor<4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op the window (5) is larger than the padded input (4) in dimension 1}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<4x5x1x3xf32>, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @grouped_conv_result_shape(%x: tensor<1x4x4x6xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op result shape should be 1x2x2x4}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @grouped_conv_zero_group(%x: tensor<1x4x4x6xf32>, %w: tensor<4x1x1x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op attribute 'group' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 0 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @grouped_conv_dynamic(%x: tensor<?x4x4x6xf32>, %w: tensor<4x1x1x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op needs static shapes}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<?x4x4x6xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @grouped_conv_rank(%x: tensor<1x4x4x6xf32>, %w: tensor<4x1x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op expects an NHWC input, an OHWI weight, a bias vector and an NHWC result}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<4x1x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @grouped_conv_element_type(%x: tensor<1x4x4x6xf32>, %w: tensor<4x1x1x3xf16>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op operands and result must have one element type}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x6xf32>, tensor<4x1x1x3xf16>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @grouped_conv_shuffle_divides(%x: tensor<1x4x4x8xf32>, %w: tensor<4x1x1x2xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op input_shuffle 3 does not divide the input channels (8)}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 4 : i64, input_shuffle = 3 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @grouped_conv_shuffle_one(%x: tensor<1x4x4x8xf32>, %w: tensor<4x1x1x2xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'strata.grouped_conv2d' op attribute 'input_shuffle' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 2}}
  %0 = strata.grouped_conv2d %x, %w, %b {group = 4 : i64, input_shuffle = 1 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}
