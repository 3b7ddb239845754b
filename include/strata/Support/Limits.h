//===- Limits.h - Size limits on tensors read or built ----------*- C++ -*-===//
//
// One limit guards every place where a small input can ask for a large
// allocation: tensor files (.npy, .pb) whose header claims a shape, ONNX
// constants expanded at import, the static types of an imported or parsed
// module, and the host buffers strata-run allocates. A size beyond the limit
// (or one whose byte count overflows 64 bits) is an error with a message,
// never an abort in the allocator.
//
// The limit defaults to 4 GiB per tensor. The environment variable
// STRATA_MAX_TENSOR_BYTES overrides the default; tools that take
// --max-tensor-bytes set it for their process.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_SUPPORT_LIMITS_H
#define STRATA_SUPPORT_LIMITS_H

#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::strata {

/// The default of the per-tensor limit: 4 GiB.
constexpr uint64_t kDefaultMaxTensorBytes = uint64_t(1) << 32;

/// The per-tensor byte limit in force (see the file comment).
uint64_t getMaxTensorBytes();
/// Sets the per-tensor byte limit for this process (0: the default).
void setMaxTensorBytes(uint64_t bytes);

/// The number of elements of `shape`, or nullopt if a dimension is negative
/// or the product overflows int64.
std::optional<int64_t> getCheckedNumElements(ArrayRef<int64_t> shape);
/// The byte size of a tensor of `shape` with `elementBytes`-byte elements,
/// or nullopt on a negative dimension or overflow.
std::optional<uint64_t> getCheckedByteSize(ArrayRef<int64_t> shape,
                                           uint64_t elementBytes);

/// Why a tensor of `shape` with `elementBytes`-byte elements may not be
/// allocated ("has 8000000000 bytes, more than the limit of ..."), or an
/// empty string if it may. `elementBytes` may be a fraction rounded up
/// (i1 counts as 1 byte).
std::string checkTensorSize(ArrayRef<int64_t> shape, uint64_t elementBytes);

/// The same for a statically shaped tensor or memref type (elements of
/// integer, index or float type, sub-byte ones counted as one byte); an
/// empty string for other types.
std::string checkTensorSize(ShapedType type);

/// Formats a shape as 2x3x4 (the empty shape as "scalar").
std::string formatShape(ArrayRef<int64_t> shape);

} // namespace mlir::strata

#endif // STRATA_SUPPORT_LIMITS_H
