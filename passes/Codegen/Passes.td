//===- Passes.td - CPU code generation passes --------------*- tablegen -*-===//

#ifndef STRATA_PASSES_CODEGEN_PASSES_TD
#define STRATA_PASSES_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def StrataChooseLowering : Pass<"strata-choose-lowering", "func::FuncOp"> {
  let summary = "Choose a lowering plan (tiles, register tile, loop order, "
                "vector width) for every contraction of a kernel";
  let description = [{
    For every matmul, batch matmul, convolution (2-D, NHWC with HWCF
    filters), depthwise convolution and pooling op in a kernel function
    (`strata.kernel`) that has no `strata.lowering` yet, chooses a plan
    (`#strata.lowering`) for the host's vector unit, or for `vector-bits`
    and `registers` when given. A plan already present (for example one a
    user edited and fed back) is kept. `strata-tile-kernels` honours the
    plans. A depthwise convolution with channel multiplier 1
    (`depthwise_conv_2d_nhwc_hwcm`, as TOSA lowers it) is first rewritten
    as `depthwise_conv_2d_nhwc_hwc`, which has a vectorizable 1-D form;
    other multipliers stay scalar.

    The register tile keeps the accumulator in at most three quarters of
    the vector registers, is a multiple of the vector width along the
    output's contiguous dimension where the loop allows, and prefers sizes
    that divide their loops (fewer peeled remainders). The outer tile
    gives each tile a few hundred kilobytes of operands.

    Before:
    ```mlir
    %0 = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>)
                       outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
    ```
    After (AVX-512):
    ```mlir
    %0 = linalg.matmul {strata.lowering = #strata.lowering<tile = [64, 64, 0],
             register_tile = [8, 32, 1], order = [0, 1, 2], vector_width = 16>}
             ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>)
             outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
    ```
  }];
  let options = [
    Option<"cpu", "cpu", "std::string", /*default=*/"\"\"",
           "CPU the plans are made for: an LLVM x86-64 CPU name such as "
           "haswell, skylake-avx512 or znver4 (empty: the host); its vector "
           "width and register count are LLVM's for that CPU">,
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"0",
           "Vector register width in bits (0: the CPU's: 512 with AVX-512, "
           "256 with AVX2, else 128)">,
    Option<"registers", "registers", "unsigned", /*default=*/"0",
           "Number of vector registers (0: 32 for 512-bit vectors, else "
           "16; the host's when vector-bits is 0 too)">,
    Option<"costModel", "cost-model", "std::string", /*default=*/"\"analytic\"",
           "What picks among the candidate plans: analytic (the cycle model "
           "that ranks them), learned or learned:FILE (the learned cost "
           "model prices each candidate kernel), measured (each candidate "
           "is compiled and timed; needs the JIT timer the Strata tools "
           "register); both among the `top` best-ranked">,
    Option<"top", "top", "unsigned", /*default=*/"9",
           "cost-model=learned and measured: how many of the candidates the "
           "cycle model ranks best to price (the learned model was trained "
           "on ranks up to 8: strata-cost collect --plans=5)">,
    Option<"candidate", "candidate", "int", /*default=*/"-1",
           "Take the candidate of this rank (0: the cycle model's best; "
           "larger than the last: the last) instead of asking the cost "
           "model: how strata-cost collect measures other tilings">
  ];
  let statistics = [
    Statistic<"numPlans", "plans", "Number of lowering plans chosen">,
    Statistic<"numCandidates", "candidates",
              "Number of candidate plans considered">
  ];
}

def StrataPackConstants : Pass<"strata-pack-constants", "func::FuncOp"> {
  let summary = "Rearrange constant operands of kernels at compile time";
  let description = [{
    A kernel (`strata.group`) that transposes one of its inputs
    (`linalg.transpose`, e.g. a convolution's filter to the HWCF layout the
    vectorized convolution reads) while the caller passes a constant for
    that input now receives the transposed constant instead: the transpose
    happens once, at compile time, not on every call. Constants defined
    inside the group are folded the same way. Runs on linalg inside groups,
    before they are outlined.

    Large weights (`min-blocked-bytes`, 256 KiB by default) are also stored
    in blocks of 64 output channels, each block contiguous: a 2-D
    convolution's HWCF filter becomes F/64 x KH x KW x C x 64 and the
    convolution a blocked `linalg.generic` on its output split into (block,
    channel); a batch matmul's right-hand side (one K x N matrix, a fully
    connected layer's weights) becomes N/64 x K x 64, the matmul a blocked
    generic likewise (`strata/Support/GroupedConv.h`). A register tile then
    reads its weights as one sequential stream: a matrix-vector product
    runs at the speed memory streams, not at the speed of rows of 256 bytes
    each a whole matrix row apart.

    Before:
    ```mlir
    %w = arith.constant dense<...> : tensor<8x3x3x4xf32>
    %r = strata.group(%x = %in, %f = %w) ... {
      %t = linalg.transpose ins(%f : tensor<8x3x3x4xf32>)
               outs(%e : tensor<3x3x4x8xf32>) permutation = [1, 2, 3, 0]
      %c = linalg.conv_2d_nhwc_hwcf ins(%x, %t : ...) ...
    }
    ```
    After:
    ```mlir
    %w2 = arith.constant dense<...> : tensor<3x3x4x8xf32>
    %r = strata.group(%x = %in, %f = %w2) ... {
      %c = linalg.conv_2d_nhwc_hwcf ins(%x, %f : ...) ...
    }
    ```
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"134217728",
           "Largest constant (in elements) rearranged at compile time">,
    Option<"minPackedBytes", "min-blocked-bytes", "int64_t",
           /*default=*/"262144",
           "Smallest constant convolution filter (in bytes) stored in blocks "
           "of 64 output channels">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
  let statistics = [
    Statistic<"numPacked", "packed", "Number of constants rearranged">,
    Statistic<"numBlocked", "blocked", "Number of convolution filters "
              "stored in blocks of output channels">
  ];
}

def StrataTileKernels : Pass<"strata-tile-kernels", "func::FuncOp"> {
  let summary = "Tile, fuse and vectorize kernels as their lowering plans say";
  let description = [{
    In every kernel function, for each op with a `strata.lowering` plan:
    tiles the kernel's last op (the epilogue, or the op itself) by the
    plan's outer tile as an `scf.forall` and fuses the op, its initial
    value (fill, bias) and the epilogue into each tile; inside, tiles the
    same chain by the register tile (parallel loops in `order`), then the
    op's reduction loops; peels every loop whose size the tile does not
    divide, so that the main loops run on full, static tiles; and
    vectorizes every structured op of the kernel (contractions into
    `vector.contract`; convolutions through their 1-D form). Remainder
    tiles of matmul-like ops are vectorized with masks; those of other ops
    are split into unit tiles first. Elementwise and reduction ops with no
    plan are tiled to `vector_width` lanes along their innermost loop and
    vectorized too. Runs on tensors, before bufferization.

    The vector ops are lowered by `strata-lower-vector-tiles` after
    bufferization.
  }];
  let options = [
    Option<"cpu", "cpu", "std::string", /*default=*/"\"\"",
           "CPU whose vector width ops without a plan use (empty: the host)">,
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"0",
           "Vector width in bits for ops without a plan (0: the CPU's)">
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::affine::AffineDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect"
  ];
  let statistics = [
    Statistic<"numTiled", "tiled-ops", "Number of planned ops tiled">,
    Statistic<"numPeeled", "peeled-loops", "Number of loops peeled">,
    Statistic<"numVectorized", "vectorized-ops",
              "Number of structured ops vectorized">,
    Statistic<"numNotVectorized", "scalar-ops",
              "Number of structured ops left to scalar loops">
  ];
}

def StrataLowerVectorTiles : Pass<"strata-lower-vector-tiles", "func::FuncOp"> {
  let summary = "Keep accumulators in registers and lower vector contractions "
                "to FMAs";
  let description = [{
    After bufferization: folds subviews into the vector transfers that read
    them, hoists the accumulator's read and write out of the reduction
    loops (`vector.transfer_read`/`transfer_write` pairs on the same tile),
    drops unit dimensions, and lowers `vector.contract` to outer products
    and `vector.outerproduct` to one `vector.fma` per accumulator row: the
    register-blocked micro-kernel (for an 8x32 f32 tile on AVX-512: 16
    accumulators, 8 broadcasts and 16 FMAs per reduction step). Masks and
    n-D transfers are lowered here too, so `convert-vector-to-llvm` sees
    only 1-D vector ops. Copies between static buffers (`memref.copy`, e.g.
    into a padded input) and fills of static buffers (a padded input's
    border value) become vector loads and stores, instead of calls to the
    runtime's element-wise copy and scalar loops; with `parallel`, those of
    64 KiB or more at a kernel's top level become `scf.parallel` loops over
    their rows, shared by the threads.
  }];
  let options = [
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Share large copies and fills outside the parallel tiles (a "
           "concatenation, a padded input) among the threads: scf.parallel "
           "loops over their rows">
  ];
  let dependentDialects = [
    "::mlir::vector::VectorDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::affine::AffineDialect",
    "::mlir::linalg::LinalgDialect"
  ];
}

#endif // STRATA_PASSES_CODEGEN_PASSES_TD

def StrataApproximateMath : Pass<"strata-approximate-math", "func::FuncOp"> {
  let summary = "Replace f32 transcendental math by vectorizable polynomial "
                "approximations";
  let description = [{
    Rewrites the `math` ops named in `ops` on f32 scalars and vectors into
    MLIR's polynomial approximations (range reduction plus a minimax
    polynomial, in arith ops), which vectorize: LLVM has no vector
    `exp`/`log`/`tanh`/`erf` instructions, so without this pass a
    `math.exp` on `vector<64xf32>` becomes 64 calls to libm's `expf`
    (about 5 ns each: a 256x1000 softmax took 1.2 ms). The approximations
    are within a few ULP of libm on f32 (MLIR's own tests), deterministic,
    and keep infinities and NaNs. Ops not named, and other element types,
    keep going to LLVM intrinsics or libm.

    `powf` (f32) by a constant, finite, non-integer exponent becomes
    `exp(b * log(a))`, approximated (naming `powf` names `exp` and `log`
    too): libm's pow agrees on every special case there, and the result is
    within 5 ULP of it for bases from 1e-3 to 1e3 (up to 40 ULP at 1e-17 or
    1e17, where b * log(a) is large). LRN's `(bias + alpha/n * sum)^-beta`
    took 2.6 ms of AlexNet's 30 as 64 libm calls per vector; 0.5 ms now.
    Integer exponents keep libm (a negative base's sign).
  }];
  let options = [
    ListOption<"ops", "ops", "std::string",
               "math ops to approximate (names without the dialect prefix); "
               "default: exp, expm1, log, log1p, log2, tanh, erf, powf">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect"
  ];
  let statistics = [
    Statistic<"numApproximated", "approximated-ops",
              "Number of math ops replaced by polynomial approximations">
  ];
}
