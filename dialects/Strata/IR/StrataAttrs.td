//===- StrataAttrs.td - Target and tier attributes ---------*- tablegen -*-===//
//
// Attributes that describe a machine: its compute units and memory tiers.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECT_STRATA_IR_STRATAATTRS_TD
#define STRATA_DIALECT_STRATA_IR_STRATAATTRS_TD

include "dialects/Strata/IR/StrataDialect.td"
include "mlir/IR/AttrTypeBase.td"

/// A `double` parameter printed in MLIR's round-trippable float form.
class Strata_DoubleParameter<string desc>
    : AttrOrTypeParameter<"::mlir::strata::Real", desc> {
  let parser = [{ ::mlir::strata::detail::parseDouble($_parser) }];
  let printer = [{ ::mlir::strata::detail::printDouble($_printer, $_self) }];
}

/// A `double` parameter that may be left out (and is then `value`).
class Strata_DefaultDoubleParameter<string value, string desc>
    : Strata_DoubleParameter<desc> {
  let defaultValue = "::mlir::strata::Real(" # value # ")";
}

/// A bracketed list of fully spelled attributes, `[#strata.x<...>, ...]`.
class Strata_AttrListParameter<string attrT, string desc>
    : ArrayRefParameter<attrT, desc> {
  let parser = [{ ::mlir::strata::detail::parseAttrList<}] # attrT #
               [{>($_parser) }];
  let printer = [{ ::mlir::strata::detail::printAttrList($_printer, $_self) }];
}

/// A bracketed list of integers, `[64, 256, 0]`.
class Strata_I64ListParameter<string desc>
    : ArrayRefParameter<"int64_t", desc> {
  let parser = [{ ::mlir::strata::detail::parseI64List($_parser) }];
  let printer = [{ ::mlir::strata::detail::printI64List($_printer, $_self) }];
}

class Strata_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Strata_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Strata_TierAttr : Strata_Attr<"Tier", "tier"> {
  let summary = "A memory tier: name, capacity, bandwidth, latency";
  let description = [{
    One level of a target's memory hierarchy. `capacity` is in bytes,
    `bandwidth` in bytes per second (between this tier and the compute units)
    and `latency` in seconds per transfer (optional, default 0).

    ```mlir
    #strata.tier<name = "sram", capacity = 1048576, bandwidth = 1.0e+12>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"tier name">:$name,
    "uint64_t":$capacity,
    Strata_DoubleParameter<"bytes per second">:$bandwidth,
    Strata_DefaultDoubleParameter<"0.0", "latency in seconds">:$latency
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Strata_UnitAttr : Strata_Attr<"ComputeUnit", "unit"> {
  let summary = "A class of compute units and their peak throughput";
  let description = [{
    `count` identical compute units (cores, SMs, NPU engines). `matrix_flops`
    is the peak FLOP/s of all of them together on dense contractions (matmul,
    convolution); `vector_flops` on everything else (elementwise, reductions).

    ```mlir
    #strata.unit<name = "core", count = 2, matrix_flops = 1.0e+11,
                 vector_flops = 5.0e+10>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"unit name">:$name,
    "uint64_t":$count,
    Strata_DoubleParameter<"FLOP/s on contractions">:$matrix_flops,
    Strata_DoubleParameter<"FLOP/s on other ops">:$vector_flops
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Strata_TargetAttr : Strata_Attr<"Target", "target"> {
  let summary = "A target machine: compute units and memory tiers";
  let description = [{
    A machine Strata plans for. `tiers` run from the fastest (closest to the
    compute units) to the slowest; the last tier is the backing store that
    holds inputs, weights and outputs. Attach it to a module as
    `strata.target`:

    ```mlir
    module attributes {strata.target = #strata.target<name = "npu-sram",
        units = [#strata.unit<name = "engine", count = 1,
                              matrix_flops = 4.0e+12, vector_flops = 2.5e+11>],
        tiers = [#strata.tier<name = "sram", capacity = 1048576, bandwidth = 1.0e+12>,
                 #strata.tier<name = "dram", capacity = 4294967296, bandwidth = 2.5e+10>]>} {
    }
    ```
  }];
  let parameters = (ins
    StringRefParameter<"target name">:$name,
    Strata_AttrListParameter<"ComputeUnitAttr", "compute units">:$units,
    Strata_AttrListParameter<"TierAttr", "memory tiers, fastest first">:$tiers
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Strata_PlacementAttr : Strata_Attr<"Placement", "placement"> {
  let summary = "Where a planned tensor lives: tier, byte offset, alignment";
  let description = [{
    The placement of one tensor in a tier's arena, as `strata-map-memory`
    plans it: the tier (by name, one of the target's tiers), the byte offset
    of the tensor in that tier's arena, and the alignment the offset was
    planned for (a power of two that divides the offset). The tensor's size
    is its type's byte size. A kernel carries one placement per result in
    `strata.placement`; a `strata.prefetch` or `strata.evict` carries its
    result's.

    ```mlir
    #strata.placement<tier = "sram", offset = 4096, alignment = 64>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"tier name">:$tier,
    "int64_t":$offset,
    "int64_t":$alignment
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Strata_LoweringAttr : Strata_Attr<"Lowering", "lowering"> {
  let summary = "How one kernel's contraction is tiled and vectorized";
  let description = [{
    The lowering plan of a structured op (matmul, batch matmul, convolution,
    depthwise convolution, pooling) in a kernel, one entry per loop of the
    op in its iteration order (matmul: m, n, k; `conv_2d_nhwc_hwcf`: n, oh,
    ow, f, kh, kw, c). `strata-choose-lowering` attaches it as
    `strata.lowering`; `strata-tile-kernels` honours it exactly:

    - `tile`: the outer (cache) tile of each loop; 0 leaves the loop
      whole. The tiles of the parallel loops are independent
      (`scf.forall`), and the kernel's initial value and epilogue are
      computed in the same tile. A reduction entry blocks the reduction:
      inside an outer tile the blocks run one after another, each over all
      of the tile's register tiles (so a block of the weights stays in
      cache while the whole tile reads it), the partial sums kept in the
      output tile; the epilogue follows the last block.
    - `register_tile`: the tile computed in vector registers inside an
      outer tile: the parallel entries give the accumulator (kept in
      registers over the whole reduction), the reduction entries the step of
      the reduction loops. Every entry is at least 1. Where a size does not
      divide its loop, the last tile is peeled off and computed separately.
    - `order`: the nesting of the register-tile loops, outermost first, a
      permutation of the loops with every parallel loop before every
      reduction loop.
    - `vector_width`: the number of lanes of the target's vectors the plan
      was made for (16 for f32 on AVX-512, 8 on AVX2); elementwise ops of
      the kernel are vectorized this wide.

    ```mlir
    linalg.matmul {strata.lowering = #strata.lowering<tile = [64, 256, 0],
        register_tile = [8, 32, 1], order = [0, 1, 2], vector_width = 16>}
    ```
  }];
  let parameters = (ins
    Strata_I64ListParameter<"outer tile size per loop (0: whole)">:$tile,
    Strata_I64ListParameter<"register tile size per loop">:$register_tile,
    Strata_I64ListParameter<"register loop nesting, outermost first">:$order,
    "int64_t":$vector_width
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // STRATA_DIALECT_STRATA_IR_STRATAATTRS_TD
