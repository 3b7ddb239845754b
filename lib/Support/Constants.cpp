//===- Constants.cpp - Compile-time layout changes of constants -----------===//

#include "strata/Support/Constants.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cstring>

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

FailureOr<DenseElementsAttr>
mlir::strata::transposeConstant(DenseElementsAttr value,
                                ArrayRef<int64_t> perms, int64_t maxElements) {
  auto type = cast<ShapedType>(value.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  if (static_cast<int64_t>(perms.size()) != rank)
    return failure();
  SmallVector<int64_t> newShape;
  for (int64_t p : perms)
    newShape.push_back(shape[p]);
  auto newType = RankedTensorType::get(newShape, type.getElementType());
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
  std::vector<char> result(source.size());
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
