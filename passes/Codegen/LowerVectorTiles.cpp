//===- LowerVectorTiles.cpp - Register-blocked micro-kernels --------------===//
//
// Implements `strata-lower-vector-tiles`: after bufferization, keeps each
// register tile's accumulator in registers across its reduction loops and
// lowers vector contractions to outer products and FMAs.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorTransforms.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

#define DEBUG_TYPE "strata-lower-vector-tiles"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATALOWERVECTORTILES
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

/// Collects the ops that use `buffer` (through views); false if one of
/// them may read it.
static bool collectWriteOnlyUsers(Value buffer,
                                  SmallVectorImpl<Operation *> &users) {
  for (OpOperand &use : buffer.getUses()) {
    Operation *user = use.getOwner();
    if (auto view = dyn_cast<memref::SubViewOp>(user)) {
      if (!collectWriteOnlyUsers(view.getResult(), users))
        return false;
    } else if (auto write = dyn_cast<vector::TransferWriteOp>(user)) {
      if (write.getBase() != buffer)
        return false;
    } else if (!isa<memref::DeallocOp>(user)) {
      return false;
    }
    users.push_back(user);
  }
  return true;
}

/// Erases buffers nothing reads any more (their reads were forwarded from
/// the writes), with their views and writes.
static void eraseWriteOnlyAllocs(func::FuncOp func) {
  SmallVector<memref::AllocOp> allocs;
  func.walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
  for (memref::AllocOp alloc : allocs) {
    SmallVector<Operation *> users;
    if (!collectWriteOnlyUsers(alloc.getResult(), users))
      continue;
    // A view is collected after its own users (a view of it included), so
    // erasing writes first and then views in collection order leaves no
    // erased op with uses.
    for (Operation *user : users)
      if (!isa<memref::SubViewOp>(user))
        user->erase();
    for (Operation *user : users)
      if (isa<memref::SubViewOp>(user))
        user->erase();
    alloc->erase();
  }
}

/// Elements of the vectors a copy moves at a time (256 bytes).
static constexpr int64_t kCopyChunkBytes = 256;

/// A copy or fill of at least this many bytes outside any parallel loop
/// is shared by the threads (row by row).
static constexpr int64_t kParallelMoveBytes = 64 * 1024;

/// Whether `op` fills its one static buffer with a value computed from no
/// input (linalg.fill; the linalg.map bufferizing a tensor.pad makes).
static bool isStaticFill(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumLoops() == 0 || op.getNumReductionLoops() != 0)
    return false;
  auto type = dyn_cast<MemRefType>(op.getDpsInitOperand(0)->get().getType());
  if (!type || !type.hasStaticShape())
    return false;
  if (isa<linalg::FillOp>(op))
    return true;
  return isa<linalg::MapOp>(op) && op.getNumDpsInputs() == 0 &&
         llvm::hasSingleElement(op.getBlock()->getOperations());
}

/// `loop` (no results) as an scf.parallel loop over the same range.
static void makeParallel(RewriterBase &rewriter, scf::ForOp loop) {
  rewriter.setInsertionPoint(loop);
  auto parallel = scf::ParallelOp::create(
      rewriter, loop.getLoc(), ValueRange{loop.getLowerBound()},
      ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
  Block *body = loop.getBody();
  rewriter.eraseOp(body->getTerminator());
  rewriter.inlineBlockBefore(body, parallel.getBody()->getTerminator(),
                             parallel.getInductionVars());
  rewriter.eraseOp(loop);
}

/// `move` (a linalg.copy or fill of static buffers) on its buffers with
/// dimensions `first` to the last merged into one, when every buffer is
/// contiguous there and that merges more than the innermost one; null
/// otherwise. A fill of a whole buffer becomes one row.
static Operation *collapseContiguousRows(RewriterBase &rewriter,
                                         Operation *move, int64_t innermost) {
  SmallVector<OpOperand *> buffers;
  for (OpOperand &operand : move->getOpOperands())
    if (isa<MemRefType>(operand.get().getType()))
      buffers.push_back(&operand);
  int64_t rank = cast<MemRefType>(buffers.front()->get().getType()).getRank();
  for (int64_t first = 0; first < innermost; ++first) {
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0; d < first; ++d)
      groups.push_back({d});
    groups.emplace_back(llvm::to_vector(llvm::seq<int64_t>(first, rank)));
    if (!llvm::all_of(buffers, [&](OpOperand *operand) {
          return memref::CollapseShapeOp::isGuaranteedCollapsible(
              cast<MemRefType>(operand->get().getType()), groups);
        }))
      continue;
    rewriter.setInsertionPoint(move);
    SmallVector<Value> views;
    for (OpOperand *operand : buffers)
      views.push_back(memref::CollapseShapeOp::create(rewriter, move->getLoc(),
                                                      operand->get(), groups));
    Operation *collapsed = rewriter.clone(*move);
    for (auto [operand, view] : llvm::zip_equal(buffers, views))
      collapsed->setOperand(operand->getOperandNumber(), view);
    rewriter.eraseOp(move);
    return collapsed;
  }
  return nullptr;
}

/// The copy that overwrites the box `view` of `buffer` after `fill` (a
/// padded input: tensor.pad's bufferization fills a new buffer with the
/// border value, then copies the input into its interior), if every other
/// access to the buffer comes after that copy; null otherwise.
static memref::CopyOp findInteriorCopy(Operation *fill, Value buffer,
                                       memref::SubViewOp &view) {
  Block *block = fill->getBlock();
  memref::CopyOp copy;
  for (Operation *user : buffer.getUsers()) {
    auto subview = dyn_cast<memref::SubViewOp>(user);
    if (!subview || subview->getBlock() != block || !subview->hasOneUse() ||
        !fill->isBeforeInBlock(subview) || !subview.hasUnitStride() ||
        !llvm::all_of(llvm::concat<const OpFoldResult>(
                          subview.getMixedOffsets(), subview.getMixedSizes()),
                      [](OpFoldResult value) {
                        return getConstantIntValue(value).has_value();
                      }))
      continue;
    auto candidate = dyn_cast<memref::CopyOp>(*subview->user_begin());
    if (!candidate || candidate.getTarget() != subview.getResult() ||
        candidate->getBlock() != block)
      continue;
    copy = candidate;
    view = subview;
    break;
  }
  if (!copy)
    return nullptr;
  for (Operation *user : buffer.getUsers()) {
    if (user == fill || user == view)
      continue;
    Operation *ancestor = block->findAncestorOpInBlock(*user);
    if (!ancestor || !copy->isBeforeInBlock(ancestor))
      return nullptr;
  }
  return copy;
}

/// Fills of whole new buffers whose interior a copy then overwrites (a
/// padded input) fill only the border: per dimension d, the slabs before
/// and after the interior along d, inside it along the dimensions before d
/// and whole along those after. Returns `moves` with the slabs in place of
/// such fills.
static SmallVector<Operation *> fillBordersOnly(RewriterBase &rewriter,
                                                ArrayRef<Operation *> moves) {
  SmallVector<Operation *> result;
  for (Operation *move : moves) {
    auto fill = dyn_cast<linalg::LinalgOp>(move);
    Value buffer = fill ? fill.getDpsInitOperand(0)->get() : Value();
    memref::SubViewOp view;
    if (!fill || !buffer.getDefiningOp<memref::AllocOp>() ||
        !findInteriorCopy(move, buffer, view)) {
      result.push_back(move);
      continue;
    }
    auto type = cast<MemRefType>(buffer.getType());
    SmallVector<int64_t> offsets, sizes;
    for (auto [offset, size] :
         llvm::zip_equal(view.getMixedOffsets(), view.getMixedSizes())) {
      offsets.push_back(*getConstantIntValue(offset));
      sizes.push_back(*getConstantIntValue(size));
    }
    int64_t rank = type.getRank();
    rewriter.setInsertionPoint(move);
    Location loc = move->getLoc();
    for (int64_t d = 0; d < rank; ++d) {
      int64_t end = offsets[d] + sizes[d];
      for (auto [from, to] :
           {std::pair<int64_t, int64_t>{0, offsets[d]},
            std::pair<int64_t, int64_t>{end, type.getDimSize(d)}}) {
        if (from >= to)
          continue;
        SmallVector<int64_t> slabOffsets(rank, 0), slabSizes(type.getShape());
        for (int64_t e = 0; e < d; ++e) {
          slabOffsets[e] = offsets[e];
          slabSizes[e] = sizes[e];
        }
        slabOffsets[d] = from;
        slabSizes[d] = to - from;
        auto slab =
            memref::SubViewOp::create(rewriter, loc, buffer, slabOffsets,
                                      slabSizes, SmallVector<int64_t>(rank, 1));
        Operation *part = rewriter.clone(*move);
        cast<linalg::LinalgOp>(part).getDpsInitOperand(0)->set(slab);
        result.push_back(part);
      }
    }
    rewriter.eraseOp(move);
  }
  return result;
}

/// memref.copy between static buffers (a padded input, a concatenation's
/// parts, a yielded tile) and fills of static buffers (a padded input's
/// border value) become vector loads and stores: a linalg.copy or fill
/// tiled to rows of its innermost dimension of more than one element
/// (chunks of at most 256 bytes that divide it; a row no chunk of at least
/// 8 elements divides moves in parts: whole chunks of the widest vector,
/// then one vector of each smaller power of two its remainder needs) and
/// vectorized; a fill that a copy then overwrites in a box fills only the
/// border (fillBordersOnly). The runtime's generic memref copy walks
/// elements one at a time, and LLVM left the scalar loops of a plain
/// linalg.copy unvectorized (source and destination may alias): a
/// depthwise convolution's padded input cost more than the convolution.
/// With `parallel`, a large one at the kernel's top level (run by one
/// thread, before or after the parallel tiles) has its outermost loop of
/// more than one row made an scf.parallel loop: at 2 threads a
/// concatenation's copies and a padded max pool's fill and copy were
/// serial, a pool 10x slower than onnxruntime's.
static void lowerBufferMoves(func::FuncOp func, bool parallel) {
  SmallVector<Operation *> moves;
  func.walk([&](Operation *op) {
    if (auto copy = dyn_cast<memref::CopyOp>(op)) {
      auto type = dyn_cast<MemRefType>(copy.getSource().getType());
      // Rows of a static width (a tile's padded window may have a
      // dynamic number of rows).
      if (type && type.getRank() > 0 && !type.isDynamicDim(type.getRank() - 1))
        moves.push_back(op);
    } else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      if (isStaticFill(linalgOp))
        moves.push_back(op);
    }
  });
  IRRewriter rewriter(func.getContext());
  moves = fillBordersOnly(rewriter, moves);
  // With `parallel`, the outermost of `loops` (a move of `type` at the
  // kernel's top level) with more than one iteration becomes scf.parallel.
  auto parallelize = [&](ArrayRef<LoopLikeOpInterface> loops, MemRefType type,
                         unsigned bytes) {
    if (!parallel || !type.hasStaticShape() ||
        type.getNumElements() * bytes < kParallelMoveBytes || loops.empty() ||
        loops.front()->getParentOp() != func.getOperation())
      return;
    for (LoopLikeOpInterface loopLike : loops) {
      auto loop = dyn_cast<scf::ForOp>(loopLike.getOperation());
      std::optional<APInt> trips =
          loop ? loop.getStaticTripCount() : std::nullopt;
      if (!trips)
        break;
      if (trips->ugt(1)) {
        makeParallel(rewriter, loop);
        break;
      }
    }
  };
  // Tiles `target` (a linalg.copy or fill) by `chunk` elements along
  // dimension `row` and 1 along the others, and vectorizes the tiles.
  auto tileAndVectorize = [&](Operation *target, int64_t row, int64_t chunk,
                              MemRefType type, unsigned bytes) {
    SmallVector<int64_t> sizes(type.getRank(), 1);
    sizes[row] = chunk;
    if (ArrayRef<int64_t>(sizes) == type.getShape()) {
      // One vector (a part of a row): no loops.
      rewriter.setInsertionPoint(target);
      if (succeeded(linalg::vectorize(rewriter, target)))
        rewriter.eraseOp(target);
      return;
    }
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(getAsIndexOpFoldResult(func.getContext(), sizes));
    rewriter.setInsertionPoint(target);
    FailureOr<scf::SCFTilingResult> tiled =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(target), tiling);
    if (failed(tiled))
      return; // The loop nest LLVM may still vectorize.
    rewriter.eraseOp(target);
    for (Operation *op : tiled->tiledOps) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> vectorized =
          linalg::vectorize(rewriter, op);
      if (succeeded(vectorized))
        rewriter.eraseOp(op);
    }
    parallelize(tiled->loops, type, bytes);
  };
  for (Operation *move : moves) {
    rewriter.setInsertionPoint(move);
    Operation *target = move;
    if (auto copy = dyn_cast<memref::CopyOp>(move)) {
      target = linalg::CopyOp::create(rewriter, copy.getLoc(), copy.getSource(),
                                      copy.getTarget());
      rewriter.eraseOp(copy);
    }
    MemRefType type;
    int64_t row, inner, chunk;
    // The rows: the innermost dimension of more than one element (trailing
    // unit dimensions, an image read as NDHWC with one channel, ride
    // along), in chunks of the widest vector that divides them.
    auto findRows = [&] {
      type = cast<MemRefType>(
          cast<linalg::LinalgOp>(target).getDpsInitOperand(0)->get().getType());
      row = type.getRank() - 1;
      while (row > 0 && type.getDimSize(row) == 1 &&
             !type.isDynamicDim(row - 1))
        --row;
      inner = type.getDimSize(row);
      chunk = std::max<int64_t>(
          kCopyChunkBytes / std::max(1u, type.getElementTypeBitWidth() / 8), 1);
      while (chunk > 1 && inner % chunk != 0)
        chunk /= 2;
    };
    findRows();
    if (type.getElementType().isInteger(1))
      continue; // Vectors of i1 are bits, buffers of i1 bytes.
    unsigned bytes = std::max(1u, type.getElementTypeBitWidth() / 8);
    int64_t widest = std::max<int64_t>(kCopyChunkBytes / bytes, 1);
    // Rows that are short or no good vector width divides, in buffers
    // contiguous beyond them (a padded image's fill, 225 floats a row, or
    // 100 channels): longer rows, of the dimensions merged.
    if (type.hasStaticShape() && (inner < 8 || chunk < 8))
      if (Operation *collapsed =
              collapseContiguousRows(rewriter, target, row)) {
        target = collapsed;
        findRows();
      }
    if (inner < 8 || chunk >= 8) {
      // A short row (3 channels) is one vector.
      tileAndVectorize(target, row, inner < 8 ? inner : chunk, type, bytes);
      continue;
    }
    // A row no good vector width divides (225 floats: a padded 224-wide
    // image): whole chunks of the widest vector, then the remainder in
    // vectors of descending powers of two, each part a copy or fill of its
    // own view, all in one loop over the rows (one element at a time, a
    // padded image's fill and copy cost more than its convolution; a loop
    // over the rows per part wrote each row three times).
    if (row > 0) {
      SmallVector<int64_t> rowSizes(type.getRank(), 0);
      for (int64_t d = 0; d < row; ++d)
        rowSizes[d] = 1;
      scf::SCFTilingOptions tiling;
      tiling.setTileSizes(getAsIndexOpFoldResult(func.getContext(), rowSizes));
      FailureOr<scf::SCFTilingResult> rows =
          scf::tileUsingSCF(rewriter, cast<TilingInterface>(target), tiling);
      if (failed(rows) || rows->tiledOps.size() != 1)
        continue;
      rewriter.eraseOp(target);
      target = rows->tiledOps.front();
      parallelize(rows->loops, type, bytes);
    }
    SmallVector<std::pair<int64_t, int64_t>> parts; // (offset, chunk)
    int64_t start = 0;
    for (int64_t width =
             std::min(widest, int64_t(llvm::bit_floor(uint64_t(inner))));
         width >= 1 && start < inner; width /= 2) {
      int64_t length = (inner - start) / width * width;
      if (length == 0)
        continue;
      parts.push_back({start, width});
      start += length;
    }
    Location loc = target->getLoc();
    for (auto [index, part] : llvm::enumerate(parts)) {
      auto [offset, width] = part;
      int64_t end = index + 1 < parts.size() ? parts[index + 1].first : inner;
      // The part's view of every operand: rows [offset, end).
      rewriter.setInsertionPoint(target);
      Operation *piece = rewriter.clone(*target);
      rewriter.setInsertionPoint(piece);
      MemRefType pieceType;
      for (OpOperand &operand : piece->getOpOperands()) {
        auto operandType = dyn_cast<MemRefType>(operand.get().getType());
        if (!operandType)
          continue;
        SmallVector<OpFoldResult> offsets(operandType.getRank(),
                                          rewriter.getIndexAttr(0));
        SmallVector<OpFoldResult> strides(operandType.getRank(),
                                          rewriter.getIndexAttr(1));
        SmallVector<OpFoldResult> sizes =
            memref::getMixedSizes(rewriter, loc, operand.get());
        offsets[row] = rewriter.getIndexAttr(offset);
        sizes[row] = rewriter.getIndexAttr(end - offset);
        auto view = memref::SubViewOp::create(rewriter, loc, operand.get(),
                                              offsets, sizes, strides);
        operand.set(view);
        pieceType = view.getType();
      }
      tileAndVectorize(piece, row, width, pieceType, bytes);
    }
    rewriter.eraseOp(target);
  }
}

/// Window loops at most this long are unrolled (see unrollWindowLoops).
static constexpr int64_t kMaxUnrolledWindow = 4;

/// Reduction loops over a convolution or pooling window (a depthwise
/// convolution's 3x3: loops of 3 carrying the accumulator vectors, with no
/// loop inside) are unrolled here rather than left to LLVM, whose
/// unrolling threshold then decides: at -O2 it left a strided depthwise
/// convolution's window rolled, 69 us against 54 us at -O3. Two rounds: a
/// window row whose inner loop was unrolled is innermost in the second.
static void unrollWindowLoops(func::FuncOp func) {
  for (int round = 0; round < 2; ++round) {
    SmallVector<scf::ForOp> loops;
    func.walk([&](scf::ForOp loop) {
      if (loop.getInitArgs().empty() ||
          !llvm::all_of(loop.getInitArgs().getTypes(),
                        [](Type type) { return isa<VectorType>(type); }))
        return;
      std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
      std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
      std::optional<int64_t> step = getConstantIntValue(loop.getStep());
      if (!lb || !ub || !step || *step <= 0)
        return;
      int64_t trips = (*ub - *lb + *step - 1) / *step;
      if (trips < 2 || trips > kMaxUnrolledWindow)
        return;
      bool innermost = true;
      loop.getBody()->walk([&](scf::ForOp) { innermost = false; });
      if (innermost)
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops)
      (void)loopUnrollFull(loop);
  }
}

/// The vector type a transfer of `type` with (sorted, projected) map `map`
/// has as a minor-identity transfer: the skipped dimensions after the first
/// one read become unit dimensions. Null if the map is not of that kind.
static VectorType getMinorIdentityForm(AffineMap map, VectorType type) {
  if (map.getNumResults() == 0 || map.isMinorIdentity() ||
      !map.isProjectedPermutation(/*allowZeroInResults=*/false))
    return {};
  SmallVector<int64_t> dims;
  for (AffineExpr expr : map.getResults())
    dims.push_back(cast<AffineDimExpr>(expr).getPosition());
  if (!llvm::is_sorted(dims))
    return {};
  SmallVector<int64_t> shape;
  for (int64_t d = dims.front(), i = 0; d < int64_t(map.getNumDims()); ++d)
    shape.push_back(
        i < int64_t(dims.size()) && dims[i] == d ? type.getDimSize(i++) : 1);
  return VectorType::get(shape, type.getElementType());
}

/// A tile whose view dropped a unit dimension between others (a grouped
/// convolution's group, see GroupedConvTileToConv2D) reads and writes its
/// accumulator with a map that skips that dimension. Each such read/write
/// pair (same buffer and indices, in one block) becomes transfers of the
/// vector with the unit dimensions, and shape_casts: upstream's hoisting
/// takes only minor-identity transfers, and after hoistAccumulators (which
/// takes any) the minor-identity form still lowered to the faster loop (a
/// 14x14x272 four-group layer: 104-106 us against 108-116 without).
static void makeAccumulatorTransfersMinorIdentity(func::FuncOp func) {
  SmallVector<std::pair<vector::TransferReadOp, vector::TransferWriteOp>> pairs;
  func.walk([&](vector::TransferWriteOp write) {
    if (write.getMask() || !isa<MemRefType>(write.getBase().getType()) ||
        !getMinorIdentityForm(write.getPermutationMap(), write.getVectorType()))
      return;
    for (Operation &op : *write->getBlock())
      if (auto read = dyn_cast<vector::TransferReadOp>(&op))
        if (read.getBase() == write.getBase() &&
            read.getIndices() == write.getIndices() &&
            read.getVectorType() == write.getVectorType() &&
            read.getPermutationMap() == write.getPermutationMap() &&
            !read.getMask() && read->isBeforeInBlock(write)) {
          pairs.push_back({read, write});
          return;
        }
  });
  IRRewriter rewriter(func.getContext());
  for (auto [read, write] : pairs) {
    VectorType wide =
        getMinorIdentityForm(read.getPermutationMap(), read.getVectorType());
    AffineMap map =
        AffineMap::getMinorIdentityMap(read.getPermutationMap().getNumDims(),
                                       wide.getRank(), read.getContext());
    ArrayAttr inBounds =
        rewriter.getBoolArrayAttr(SmallVector<bool>(wide.getRank(), true));
    rewriter.setInsertionPoint(read);
    auto wideRead = vector::TransferReadOp::create(
        rewriter, read.getLoc(), wide, read.getBase(), read.getIndices(), map,
        read.getPadding(), /*mask=*/Value(), inBounds);
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(read, read.getVectorType(),
                                                     wideRead.getResult());
    rewriter.setInsertionPoint(write);
    Value value = vector::ShapeCastOp::create(rewriter, write.getLoc(), wide,
                                              write.getVector());
    rewriter.replaceOpWithNewOp<vector::TransferWriteOp>(
        write, value, write.getBase(), write.getIndices(),
        AffineMapAttr::get(map), /*mask=*/Value(), inBounds);
  }
}

/// The buffer `value` is a view of: an allocation, or an argument of the
/// kernel (as upstream's hoisting does, distinct arguments are taken not to
/// alias: a kernel's output buffers are its caller's fresh allocations);
/// null otherwise.
static Value getAllocation(Value value) {
  while (value) {
    if (auto arg = dyn_cast<BlockArgument>(value))
      return isa<FunctionOpInterface>(arg.getOwner()->getParentOp()) ? value
                                                                     : Value();
    Operation *def = value.getDefiningOp();
    if (isa<memref::AllocOp, memref::AllocaOp>(def))
      return value;
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      return Value();
    value = view.getViewSource();
  }
  return Value();
}

/// The box a vector transfer touches in the allocation its buffer views,
/// as (offset, size) per dimension of the allocation: when its indices are
/// constants and its buffer is the allocation or a chain of subviews of it
/// with static offsets and unit strides.
static std::optional<SmallVector<std::pair<int64_t, int64_t>>>
getAllocationBox(VectorTransferOpInterface transfer) {
  SmallVector<std::pair<int64_t, int64_t>> box;
  for (Value index : transfer.getIndices()) {
    std::optional<int64_t> value = getConstantIntValue(index);
    if (!value)
      return std::nullopt;
    box.push_back({*value, 1});
  }
  for (auto [i, expr] :
       llvm::enumerate(transfer.getPermutationMap().getResults()))
    if (auto dim = dyn_cast<AffineDimExpr>(expr))
      box[dim.getPosition()].second = transfer.getVectorType().getDimSize(i);
  Value buffer = transfer.getBase();
  while (auto view = buffer.getDefiningOp<memref::SubViewOp>()) {
    if (!view.hasUnitStride() ||
        llvm::any_of(view.getStaticOffsets(), ShapedType::isDynamic))
      return std::nullopt;
    llvm::SmallBitVector dropped = view.getDroppedDims();
    SmallVector<std::pair<int64_t, int64_t>> outer;
    unsigned next = 0;
    for (auto [dim, offset] : llvm::enumerate(view.getStaticOffsets())) {
      if (dropped[dim]) {
        outer.push_back({offset, 1});
        continue;
      }
      outer.push_back({offset + box[next].first, box[next].second});
      ++next;
    }
    box = std::move(outer);
    buffer = view.getSource();
  }
  if (getAllocation(buffer) != buffer)
    return std::nullopt;
  return box;
}

/// Whether transfers `a` and `b` provably touch disjoint parts of their
/// allocation (the parts of a register tile split into vectors of good
/// widths share one tile buffer).
static bool areDisjoint(VectorTransferOpInterface a,
                        VectorTransferOpInterface b) {
  auto boxA = getAllocationBox(a), boxB = getAllocationBox(b);
  if (!boxA || !boxB || boxA->size() != boxB->size())
    return false;
  for (auto [x, y] : llvm::zip_equal(*boxA, *boxB))
    if (x.first + x.second <= y.first || y.first + y.second <= x.first)
      return true;
  return false;
}

/// Hoists the accumulator of a reduction loop when upstream's hoisting
/// does not: that one refuses a buffer with any view anywhere (a grouped
/// convolution's result is reshaped after its loops). A read and a write of
/// the same vector of a buffer this function allocated, at loop-invariant
/// indices, with no other access to that allocation inside the loop,
/// become a loop-carried vector.
static void hoistAccumulators(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  bool changed = true;
  while (changed) {
    changed = false;
    SmallVector<scf::ForOp> loops;
    func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops) {
      // Views of the tile buffer made inside the loop (at constant
      // offsets) move out first.
      moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
      for (Operation &op : loop.getBody()->without_terminator()) {
        auto read = dyn_cast<vector::TransferReadOp>(&op);
        if (!read || read.getMask() ||
            !loop.isDefinedOutsideOfLoop(read.getBase()) ||
            !llvm::all_of(read.getIndices(), [&](Value index) {
              return loop.isDefinedOutsideOfLoop(index);
            }))
          continue;
        Value allocation = getAllocation(read.getBase());
        if (!allocation)
          continue;
        vector::TransferWriteOp write;
        for (Operation *next = read->getNextNode(); next && !write;
             next = next->getNextNode())
          if (auto candidate = dyn_cast<vector::TransferWriteOp>(next))
            if (candidate.getBase() == read.getBase() &&
                candidate.getIndices() == read.getIndices() &&
                candidate.getVectorType() == read.getVectorType() &&
                candidate.getPermutationMap() == read.getPermutationMap() &&
                !candidate.getMask())
              write = candidate;
        if (!write)
          continue;
        bool otherAccess = false;
        loop->walk([&](Operation *user) {
          if (user == read || user == write || isa<ViewLikeOpInterface>(user))
            return;
          bool touches = llvm::any_of(user->getOperands(), [&](Value v) {
            return isa<MemRefType>(v.getType()) &&
                   getAllocation(v) == allocation;
          });
          if (!touches)
            return;
          auto transfer = dyn_cast<VectorTransferOpInterface>(user);
          if (!transfer || !areDisjoint(transfer, read))
            otherAccess = true;
        });
        if (otherAccess)
          continue;
        read->moveBefore(loop);
        FailureOr<LoopLikeOpInterface> hoisted =
            loop.replaceWithAdditionalYields(
                rewriter, read.getResult(),
                /*replaceInitOperandUsesInLoop=*/true,
                [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
                  return SmallVector<Value>{write.getVector()};
                });
        if (failed(hoisted))
          return;
        write->moveAfter(*hoisted);
        write.getValueToStoreMutable().assign(
            hoisted->getLoopResults()->back());
        changed = true;
        break;
      }
      if (changed)
        break;
    }
  }
}

namespace {
/// A 2-D vector.transpose of at most kMaxShuffleLanes lanes (a layout
/// transpose's block, strata-tile-kernels) as one vector.shuffle of the
/// flattened vector, which LLVM lowers to cross-register permutes, instead
/// of one extract and insert per element. Upstream's Shuffle1D transpose
/// lowering makes the same shuffle, but of every transpose; the bound keeps
/// larger ones (a 512-lane shuffle) elementwise, as before.
struct TransposeAsShuffle final : OpRewritePattern<vector::TransposeOp> {
  static constexpr int64_t kMaxShuffleLanes = 256;
  TransposeAsShuffle(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(vector::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    VectorType type = op.getSourceVectorType();
    if (type.getRank() != 2 || type.isScalable() ||
        type.getNumElements() > kMaxShuffleLanes || type.getDimSize(0) == 1 ||
        type.getDimSize(1) == 1)
      return rewriter.notifyMatchFailure(op, "not a small 2-D transpose");
    int64_t rows = type.getDimSize(0), columns = type.getDimSize(1);
    SmallVector<int64_t> mask(rows * columns);
    for (int64_t c = 0; c < columns; ++c)
      for (int64_t r = 0; r < rows; ++r)
        mask[c * rows + r] = r * columns + c;
    Location loc = op.getLoc();
    auto flat = VectorType::get({rows * columns}, type.getElementType());
    Value source =
        vector::ShapeCastOp::create(rewriter, loc, flat, op.getVector());
    Value shuffled =
        vector::ShuffleOp::create(rewriter, loc, source, source, mask);
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(
        op, op.getResultVectorType(), shuffled);
    return success();
  }
};

struct StrataLowerVectorTilesPass final
    : strata::impl::StrataLowerVectorTilesBase<StrataLowerVectorTilesPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();
    // The accumulator: a transfer_read/transfer_write pair of one tile in a
    // reduction loop becomes a loop-carried vector (needs the subviews
    // folded into the transfers, which the pipeline does before).
    makeAccumulatorTransfersMinorIdentity(func);
    linalg::hoistRedundantVectorTransfers(func, /*verifyNonZeroTrip=*/true);
    hoistAccumulators(func);
    lowerBufferMoves(func, parallel);

    // Unit dimensions (the batch and height of a convolution tile) go, so
    // contractions are plain matmuls of 2-D vectors.
    {
      RewritePatternSet patterns(context);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferDropUnitDimsPatterns(patterns);
      vector::populateVectorMaskMaterializationPatterns(
          patterns, /*force32BitVectorIndices=*/false);
      vector::populateVectorReductionToContractPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    // After the unit dimensions are gone (their rank-reducing views made):
    // the tile buffer between a tile's initial value, its reduction loop and
    // its epilogue: each read of what was just written takes the written
    // vector, and writes nobody reads go, so the accumulator never leaves
    // the registers (and parallel tiles share no scratch memory).
    IRRewriter rewriter(context);
    // Hoisting leaves identical views of the tile buffer; one view per
    // tile lets the forwarding below see a write and a read as the same.
    DominanceInfo dominance(func);
    eliminateCommonSubExpressions(rewriter, dominance, func);
    vector::transferOpflowOpt(rewriter, func);
    eraseWriteOnlyAllocs(func);
    // Contractions to outer products (one broadcast of the left operand per
    // accumulator row), masks to selects. No canonicalization from here on:
    // it would fold the accumulator rows into scalar element chains.
    {
      RewritePatternSet patterns(context);
      vector::populateVectorContractLoweringPatterns(
          patterns, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorMaskOpLoweringPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      vector::populateVectorMultiReductionLoweringPatterns(
          patterns, vector::VectorMultiReductionLowering::InnerParallel);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    {
      RewritePatternSet patterns(context);
      vector::populateVectorOuterProductLoweringPatterns(patterns);
      patterns.add<TransposeAsShuffle>(context);
      vector::populateVectorTransposeLoweringPatterns(
          patterns, vector::VectorTransposeLowering::EltWise);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
      vector::populateVectorShapeCastLoweringPatterns(patterns);
      vector::populateVectorTransferLoweringPatterns(patterns,
                                                     /*maxTransferRank=*/1);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    unrollWindowLoops(func);
  }
};
} // namespace
