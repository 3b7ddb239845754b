//===- Constants.cpp - Compile-time layout changes of constants -----------===//

#include "strata/Support/Constants.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Operation.h"

#include <array>
#include <cstring>
#include <memory>
#include <optional>

using namespace mlir;

namespace {
/// The raw data of a non-splat constant with elements of whole bytes.
struct CopyableData {
  ArrayRef<char> bytes;
  size_t elementBytes;
};
} // namespace

/// `value`'s data, when its elements are whole bytes and a copy of `copied`
/// elements is allowed by `maxElements` (if positive).
static FailureOr<CopyableData>
getCopyableData(DenseElementsAttr value, int64_t copied, int64_t maxElements) {
  Type element = value.getElementType();
  if (!element.isIntOrFloat())
    return failure();
  unsigned bits = element.getIntOrFloatBitWidth();
  if ((maxElements > 0 && copied > maxElements) || bits % 8 != 0 ||
      element.isInteger(1))
    return failure();
  CopyableData data{value.getRawData(), bits / 8};
  if (data.bytes.size() != value.getNumElements() * data.elementBytes)
    return failure();
  return data;
}

/// Copies `source` (a batch x rows x cols array of `bytes`-byte elements)
/// transposed per batch into `result` (batch x cols x rows), in tiles
/// that fit in cache: a 4096 x 25088 fully connected weight transposes in
/// tens of milliseconds instead of a second.
static void transposeBatched(const char *source, char *result, int64_t batch,
                             int64_t rows, int64_t cols, size_t bytes) {
  constexpr int64_t kTile = 32;
  for (int64_t b = 0; b < batch; ++b) {
    const char *in = source + b * rows * cols * bytes;
    char *out = result + b * rows * cols * bytes;
    for (int64_t r0 = 0; r0 < rows; r0 += kTile)
      for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
        int64_t r1 = std::min(rows, r0 + kTile);
        int64_t c1 = std::min(cols, c0 + kTile);
        for (int64_t c = c0; c < c1; ++c)
          for (int64_t r = r0; r < r1; ++r) {
            if (bytes == 4)
              std::memcpy(out + (c * rows + r) * 4, in + (r * cols + c) * 4, 4);
            else
              std::memcpy(out + (c * rows + r) * bytes,
                          in + (r * cols + c) * bytes, bytes);
          }
      }
  }
}

/// `shape` permuted by `perms` as a batched 2-D transpose, if it is one:
/// after merging dimensions that stay adjacent, either [A, B] -> [B, A] or
/// [N, A, B] -> [N, B, A] (an OIHW filter to OHWI is N = O, A = I,
/// B = H * W).
static std::optional<std::array<int64_t, 3>>
asBatchedTranspose(ArrayRef<int64_t> shape, ArrayRef<int64_t> perms) {
  // Runs of output dimensions whose source dimensions are consecutive.
  SmallVector<std::pair<int64_t, int64_t>> runs; // (first source dim, size)
  for (auto [i, p] : llvm::enumerate(perms)) {
    if (i > 0 && p == perms[i - 1] + 1) {
      runs.back().second *= shape[p];
      continue;
    }
    runs.push_back({p, shape[p]});
  }
  if (runs.size() == 2 && runs[0].first > runs[1].first)
    return std::array<int64_t, 3>{1, runs[1].second, runs[0].second};
  if (runs.size() == 3 && runs[0].first == 0 && runs[1].first > runs[2].first)
    return std::array<int64_t, 3>{runs[0].second, runs[2].second,
                                  runs[1].second};
  return std::nullopt;
}

FailureOr<DenseElementsAttr>
mlir::strata::transposeConstant(DenseElementsAttr value,
                                ArrayRef<int64_t> perms, int64_t maxElements) {
  auto type = cast<ShapedType>(value.getType());
  if (perms.size() != type.getShape().size())
    return failure();
  SmallVector<int64_t> newShape;
  for (int64_t p : perms)
    newShape.push_back(type.getDimSize(p));
  return transposeConstant(
      value, type.getShape(), perms,
      RankedTensorType::get(newShape, type.getElementType()), maxElements);
}

FailureOr<DenseElementsAttr> mlir::strata::transposeConstant(
    DenseElementsAttr value, ArrayRef<int64_t> shape, ArrayRef<int64_t> perms,
    ShapedType resultType, int64_t maxElements) {
  auto type = cast<ShapedType>(value.getType());
  int64_t rank = shape.size();
  if (static_cast<int64_t>(perms.size()) != rank ||
      !isPermutationVector(perms) ||
      computeProduct(shape) != type.getNumElements() ||
      !resultType.hasStaticShape() ||
      resultType.getNumElements() != type.getNumElements() ||
      resultType.getElementType() != type.getElementType())
    return failure();
  SmallVector<int64_t> newShape;
  for (int64_t p : perms)
    newShape.push_back(shape[p]);
  auto newType =
      RankedTensorType::get(resultType.getShape(), resultType.getElementType());
  if (value.isSplat())
    return DenseElementsAttr::get(newType, value.getSplatValue<Attribute>());
  // The data order is unchanged when the non-unit dimensions keep their
  // relative order.
  int64_t last = -1;
  bool ordered = true;
  for (int64_t p : perms)
    if (shape[p] != 1) {
      ordered &= p > last;
      last = p;
    }
  if (ordered)
    return value.reshape(newType);
  int64_t count = value.getNumElements();
  FailureOr<CopyableData> data = getCopyableData(value, count, maxElements);
  if (failed(data))
    return failure();
  ArrayRef<char> source = data->bytes;
  size_t bytes = data->elementBytes;
  SmallVector<int64_t> strides = computeStrides(shape);
  // Every byte is written below: no zero-filling pass over fresh pages.
  std::unique_ptr<char[]> buffer(new char[source.size()]);
  MutableArrayRef<char> result(buffer.get(), source.size());
  if (std::optional<std::array<int64_t, 3>> batched =
          asBatchedTranspose(shape, perms)) {
    transposeBatched(source.data(), result.data(), (*batched)[0], (*batched)[1],
                     (*batched)[2], bytes);
    return DenseElementsAttr::getFromRawBuffer(newType, result);
  }
  // The trailing dimensions the permutation keeps in place are contiguous
  // in both: copied as one run (a blocked filter's 64 channels).
  int64_t outer = rank, run = 1;
  while (outer > 0 && perms[outer - 1] == outer - 1)
    run *= shape[--outer];
  SmallVector<int64_t> index(outer, 0);
  // The source offset moves by the permuted stride of the innermost
  // counter; it is recomputed only when an outer counter carries.
  int64_t offset = 0;
  int64_t innerStride = outer > 0 ? strides[perms[outer - 1]] : 0;
  for (int64_t flat = 0; flat < count; flat += run) {
    if (run * bytes == 4)
      std::memcpy(result.data() + flat * 4, source.data() + offset * 4, 4);
    else
      std::memcpy(result.data() + flat * bytes, source.data() + offset * bytes,
                  run * bytes);
    if (outer == 0)
      break;
    if (++index[outer - 1] < newShape[outer - 1]) {
      offset += innerStride;
      continue;
    }
    index[outer - 1] = 0;
    for (int64_t i = outer - 2; i >= 0; --i) {
      if (++index[i] < newShape[i])
        break;
      index[i] = 0;
    }
    offset = 0;
    for (int64_t i = 0; i < outer; ++i)
      offset += index[i] * strides[perms[i]];
  }
  return DenseElementsAttr::getFromRawBuffer(newType, result);
}

FailureOr<DenseElementsAttr>
mlir::strata::sliceConstant(DenseElementsAttr value, ArrayRef<int64_t> start,
                            ArrayRef<int64_t> size, int64_t maxElements) {
  auto type = cast<ShapedType>(value.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  if (static_cast<int64_t>(start.size()) != rank ||
      static_cast<int64_t>(size.size()) != rank)
    return failure();
  for (int64_t i = 0; i < rank; ++i)
    if (start[i] < 0 || size[i] < 0 || start[i] + size[i] > shape[i])
      return failure();
  auto newType = RankedTensorType::get(size, type.getElementType());
  if (value.isSplat())
    return DenseElementsAttr::get(newType, value.getSplatValue<Attribute>());
  int64_t count = newType.getNumElements();
  FailureOr<CopyableData> data = getCopyableData(value, count, maxElements);
  if (failed(data))
    return failure();
  ArrayRef<char> source = data->bytes;
  size_t bytes = data->elementBytes;
  std::vector<char> result(count * bytes);
  if (count == 0 || rank == 0)
    return DenseElementsAttr::getFromRawBuffer(
        newType, source.take_front(result.size()));
  SmallVector<int64_t> strides = computeStrides(shape);
  // One row (the innermost extent) per step of the outer index.
  int64_t row = size.back();
  SmallVector<int64_t> index(rank, 0);
  for (int64_t flat = 0; flat < count; flat += row) {
    int64_t offset = 0;
    for (int64_t i = 0; i < rank; ++i)
      offset += (start[i] + index[i]) * strides[i];
    std::memcpy(result.data() + flat * bytes, source.data() + offset * bytes,
                row * bytes);
    for (int64_t i = rank - 2; i >= 0; --i) {
      if (++index[i] < size[i])
        break;
      index[i] = 0;
    }
  }
  return DenseElementsAttr::getFromRawBuffer(newType, result);
}

bool mlir::strata::isInlinedIntoKernel(Value value) {
  Operation *def = value.getDefiningOp();
  return def && def->getNumOperands() == 0 &&
         (isInlinableConstant(def) || isa<tensor::EmptyOp>(def));
}

bool mlir::strata::isInlinableConstant(Operation *op) {
  if (!op || !op->hasTrait<OpTrait::ConstantLike>() || op->getNumResults() != 1)
    return false;
  Type type = op->getResult(0).getType();
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return true;
  Attribute value;
  if (matchPattern(op->getResult(0), m_Constant(&value)))
    if (auto elements = dyn_cast<ElementsAttr>(value);
        elements && elements.isSplat())
      return true;
  return shaped.hasStaticShape() &&
         shaped.getElementType().isIntOrIndexOrFloat() &&
         shaped.getNumElements() *
                 (shaped.getElementType().isIndex()
                      ? 8
                      : (shaped.getElementType().getIntOrFloatBitWidth() + 7) /
                            8) <=
             64;
}
