//===- Limits.cpp - Size limits on tensors read or built ------------------===//

#include "strata/Support/Limits.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <atomic>
#include <cstdlib>

using namespace mlir;
using namespace mlir::strata;

static std::atomic<uint64_t> maxTensorBytesOverride{0};

static uint64_t getEnvironmentLimit() {
  // Read once: the environment of a process does not change under it.
  static const uint64_t limit = [] {
    const char *text = std::getenv("STRATA_MAX_TENSOR_BYTES");
    uint64_t value = 0;
    if (!text || llvm::StringRef(text).getAsInteger(10, value) || value == 0)
      return kDefaultMaxTensorBytes;
    return value;
  }();
  return limit;
}

uint64_t mlir::strata::getMaxTensorBytes() {
  uint64_t value = maxTensorBytesOverride.load(std::memory_order_relaxed);
  return value ? value : getEnvironmentLimit();
}

void mlir::strata::setMaxTensorBytes(uint64_t bytes) {
  maxTensorBytesOverride.store(bytes, std::memory_order_relaxed);
}

std::optional<int64_t>
mlir::strata::getCheckedNumElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    if (llvm::MulOverflow(n, d, n))
      return std::nullopt;
  }
  return n;
}

std::optional<uint64_t>
mlir::strata::getCheckedByteSize(ArrayRef<int64_t> shape,
                                 uint64_t elementBytes) {
  std::optional<int64_t> n = getCheckedNumElements(shape);
  if (!n)
    return std::nullopt;
  uint64_t bytes;
  if (__builtin_mul_overflow(static_cast<uint64_t>(*n), elementBytes, &bytes))
    return std::nullopt;
  return bytes;
}

std::string mlir::strata::formatShape(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string text;
  for (auto [i, d] : llvm::enumerate(shape))
    text += (i ? "x" : "") + std::to_string(d);
  return text;
}

std::string mlir::strata::checkTensorSize(ArrayRef<int64_t> shape,
                                          uint64_t elementBytes) {
  for (int64_t d : shape)
    if (d < 0)
      return "shape " + formatShape(shape) + " has a negative dimension";
  std::optional<uint64_t> bytes = getCheckedByteSize(shape, elementBytes);
  uint64_t limit = getMaxTensorBytes();
  if (!bytes)
    return "shape " + formatShape(shape) +
           " has more bytes than a 64-bit size can count";
  if (*bytes > limit)
    return "shape " + formatShape(shape) + " needs " + std::to_string(*bytes) +
           " bytes, more than the limit of " + std::to_string(limit) +
           " bytes per tensor (set STRATA_MAX_TENSOR_BYTES or "
           "--max-tensor-bytes to raise it)";
  return "";
}

std::string mlir::strata::checkTensorSize(ShapedType type) {
  if (!type || !type.hasRank() || !type.hasStaticShape())
    return "";
  Type element = type.getElementType();
  if (!element.isIntOrIndexOrFloat())
    return "";
  unsigned bits = element.isIndex() ? 64 : element.getIntOrFloatBitWidth();
  return checkTensorSize(type.getShape(), (bits + 7) / 8);
}
