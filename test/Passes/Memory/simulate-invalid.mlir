// RUN: not strata-opt %s -p 'builtin.module(strata-simulate{target=npu-sram:sram=1KiB})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=INVALID
// An invalid plan is not simulated.
// INVALID: error: strata-simulate: the tier plan of 'overlap' is invalid ([128, 384) in 'sram' overlaps a tensor at [0, 256) live at the same time (positions 3-4 and 1-3)); strata-verify-memory-plan locates it
func.func @overlap(%a: tensor<64xf32>) -> tensor<64xf32> {
  %0 = tosa.exp %a {strata.placement = [#strata.placement<tier = "sram", offset = 0, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  %1 = tosa.exp %0 {strata.placement = [#strata.placement<tier = "sram", offset = 128, alignment = 64>]} : (tensor<64xf32>) -> tensor<64xf32>
  %2 = strata.evict %1 : tensor<64xf32> to #strata.placement<tier = "dram", offset = 0, alignment = 64>
  return %2 : tensor<64xf32>
}
