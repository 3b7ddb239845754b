//===- StrataOps.td - Operations of the strata dialect -----*- tablegen -*-===//
//
// Kernel groups: `strata.group` and its terminator `strata.yield`; tier
// copies; index checks; graph-level composite ops (`strata.lrn`,
// `strata.grouped_conv2d`).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECT_STRATA_IR_STRATAOPS_TD
#define STRATA_DIALECT_STRATA_IR_STRATAOPS_TD

include "dialects/Strata/IR/StrataDialect.td"
include "dialects/Strata/IR/StrataAttrs.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Strata_GroupOp : Strata_Op<"group", [
    IsolatedFromAbove,
    RecursiveMemoryEffects,
    SingleBlockImplicitTerminator<"YieldOp">
  ]> {
  let summary = "A kernel group: tensors in, tensors out, one future kernel";
  let description = [{
    `strata.group` holds the ops of one future kernel. Its region is isolated
    from above: every tensor the body reads enters through an operand, bound
    to the block argument written before `=`; every tensor it produces leaves
    through `strata.yield`. Intermediate values inside a group are never
    materialized in the memory tiers the planner manages. The optional `name`
    names the kernel the group is outlined to.

    ```mlir
    %r = strata.group(%a = %x, %b = %bias)
        : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
        attributes {name = "dense_relu"} {
      %s = tosa.add %a, %b : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
      strata.yield %s : tensor<4x16xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs,
                       OptionalAttr<StrAttr>:$name);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    /// Builds a group with an empty body block whose arguments mirror
    /// `inputs`; the caller fills it and adds the `strata.yield`.
    OpBuilder<(ins "::mlir::TypeRange":$resultTypes,
                   "::mlir::ValueRange":$inputs,
                   CArg<"::mlir::StringAttr", "{}">:$name)>
  ];
  let extraClassDeclaration = [{
    /// The body block.
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
    /// The terminator of the body.
    YieldOp getYield();
  }];
}

def Strata_YieldOp : Strata_Op<"yield", [
    Pure, ReturnLike, Terminator, HasParent<"GroupOp">
  ]> {
  let summary = "Yields the results of a strata.group";
  let description = [{
    Terminates the body of a `strata.group`; its operands become the group's
    results, in order.
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
  let builders = [OpBuilder<(ins), [{ /* empty yield */ }]>];
}

class Strata_CopyOp<string mnemonic>
    : Strata_Op<mnemonic, [Pure, AllTypesMatch<["source", "result"]>]> {
  let arguments = (ins AnyRankedTensor:$source,
                       Strata_PlacementAttr:$placement);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$source attr-dict `:` type($result) `to` qualified($placement)";
}

def Strata_PrefetchOp : Strata_CopyOp<"prefetch"> {
  let summary = "Copy a tensor from a slower tier into a faster one";
  let description = [{
    A copy between memory tiers that `strata-map-memory` plans: the result
    holds the same value as `source`, placed at `placement` in a faster
    tier than the source's. The copy is asynchronous: it starts where it
    stands in the block (once the kernels before it have finished, when the
    tier link is free) and overlaps the kernels after it; a kernel that
    reads the result waits for it to complete. The destination is occupied
    from the copy's position on, so a prefetch placed early hides its
    transfer behind compute at the price of holding fast memory longer.

    ```mlir
    %w_fast = strata.prefetch %w : tensor<64x64xf32>
        to #strata.placement<tier = "sram", offset = 0, alignment = 64>
    ```
  }];
}

def Strata_EvictOp : Strata_CopyOp<"evict"> {
  let summary = "Copy a tensor from a faster tier out to a slower one";
  let description = [{
    The reverse of `strata.prefetch`: the result holds `source`'s value,
    placed in a slower tier, so that the fast-tier space can be reused and
    the value brought back later (or returned from the function, whose
    results live in the backing tier). Asynchronous like a prefetch; a
    kernel that writes over the source's space waits for the eviction to
    complete.

    ```mlir
    %x_dram = strata.evict %x : tensor<1x64x56x56xf32>
        to #strata.placement<tier = "dram", offset = 8192, alignment = 64>
    ```
  }];
}

def Strata_CheckIndexOp : Strata_Op<"check_index", [
    AllTypesMatch<["indices", "result"]>,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>
  ]> {
  let summary = "Wrap negative indices and report out-of-range ones at run time";
  let description = [{
    Checks the indices an op such as `tosa.gather` is about to use against a
    dimension of size `bound`, as ONNX specifies: an index `i` in
    `[-bound, bound)` is valid and becomes `i` or `i + bound`; any other
    value is an error. The result holds the wrapped indices, with 0 in place
    of each invalid one, so the gather never reads outside its operand.

    Invalid indices are reported at run time: on the CPU each one calls
    `strata_index_error(site, index, bound)`, which the runtime records;
    `strata-run` then fails with the first invalid index and `site` (the op
    the indices belong to, e.g. `node 'g' (Gather, opset 13)`). The CUDA
    pipeline only substitutes 0. The check is one compare and select per
    index; the gathered data is not touched.

    ```mlir
    %safe = strata.check_index %idx, 5 {site = "node 'g' (Gather, opset 13)"}
        : tensor<3xi64>
    ```
  }];
  let arguments = (ins
    RankedTensorOf<[AnySignlessInteger]>:$indices,
    ConfinedAttr<I64Attr, [IntPositive]>:$bound,
    StrAttr:$site);
  let results = (outs RankedTensorOf<[AnySignlessInteger]>:$result);
  let assemblyFormat = "$indices `,` $bound attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Strata_LRNOp : Strata_Op<"lrn", [
    Pure,
    AllTypesMatch<["input", "result"]>
  ]> {
  let summary = "Local response normalization across one axis";
  let description = [{
    ONNX's LRN (AlexNet, ZFNet, GoogLeNet) as one graph op: each element is
    divided by a power of the sum of squares of its neighbours along `axis`
    (the channels), the window centred on it and cut at the axis's ends:

      y[i] = x[i] / (bias + alpha / size * sum_{j in window(i)} x[j]^2)^beta

    where the window holds positions `i - (size - 1) / 2` through
    `i + size / 2` (those inside the axis). The op keeps LRN one unit
    through graph rewriting: a rewrite strategy moves layout transposes
    across it (changing `axis`) as across any op that mixes only one axis,
    and counts it as one op, as onnxruntime's graph does.
    `strata-expand-composites` (the start of kernel formation) expands it
    into TOSA (a square, a padded sum of `size` shifted slices, a power and
    a product), which fusion forms into one kernel.

    ```mlir
    %y = strata.lrn %x {axis = 3 : i64, size = 5 : i64, alpha = 1.0e-4 : f64,
                        beta = 7.5e-1 : f64, bias = 1.0 : f64}
        : tensor<1x55x55x96xf32>
    ```
  }];
  let arguments = (ins
    RankedTensorOf<[AnyFloat]>:$input,
    ConfinedAttr<I64Attr, [IntNonNegative]>:$axis,
    ConfinedAttr<I64Attr, [IntPositive]>:$size,
    F64Attr:$alpha,
    F64Attr:$beta,
    F64Attr:$bias);
  let results = (outs RankedTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Strata_GroupedConv2DOp : Strata_Op<"grouped_conv2d", [Pure]> {
  let summary = "Grouped 2-D convolution with padding, as one graph op";
  let description = [{
    ONNX's Conv with `1 < group` (AlexNet's split layers, ShuffleNet's
    grouped 1x1 convolutions, depthwise convolutions with a channel
    multiplier) in TOSA's conventions: input NHWC, weight OHWI whose `I` is
    the channels of one group (`C / group`), bias of one value per output
    channel; output channel `o` of group `o / (O / group)` reads that
    group's input channels only. `pad` is (top, bottom, left, right) of
    zeros, `stride` and `dilation` are (height, width); an output dimension
    is `(in + pads - (k - 1) * dilation - 1) / stride + 1`, rounded down.

    TOSA has no grouped convolution, and linalg's (the one kernels are
    formed from, see `strata/Support/GroupedConv.h`) has no padding: as one
    op, the convolution is one node for a rewrite strategy (its rules fold
    batch normalizations into its weights and bias as into `tosa.conv2d`'s)
    and counts as one op, as onnxruntime's Conv does.
    `strata-expand-composites` (the start of kernel formation) expands it
    into a `tosa.pad`, reshapes that split the channels into (group,
    channel of the group) and the linalg op.

    With `input_shuffle = S`, the op reads its input through a channel
    shuffle of S groups (ShuffleNet's: the channels viewed as S x C/S,
    transposed): its channel `a * S + b` is the input's channel
    `b * C / S + a`; S must divide C. Where S divides the channels of a
    group too, each group reads S contiguous runs of the input; else
    groups of groups read such runs, each group a window of every run
    (`strata/Support/GroupedConv.h`). `strata.fold-channel-shuffle` folds
    a shuffle into the convolution after it this way.

    ```mlir
    %y = strata.grouped_conv2d %x, %w, %b {group = 2 : i64,
           pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
           dilation = array<i64: 1, 1>}
        : (tensor<1x13x13x384xf32>, tensor<256x3x3x192xf32>,
           tensor<256xf32>) -> tensor<1x13x13x256xf32>
    ```
  }];
  let arguments = (ins
    RankedTensorOf<[AnyFloat]>:$input,
    RankedTensorOf<[AnyFloat]>:$weight,
    RankedTensorOf<[AnyFloat]>:$bias,
    ConfinedAttr<I64Attr, [IntPositive]>:$group,
    DenseI64ArrayAttr:$pad,
    DenseI64ArrayAttr:$stride,
    DenseI64ArrayAttr:$dilation,
    OptionalAttr<ConfinedAttr<I64Attr, [IntMinValue<2>]>>:$input_shuffle);
  let results = (outs RankedTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // STRATA_DIALECT_STRATA_IR_STRATAOPS_TD
