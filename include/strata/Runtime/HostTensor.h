//===- HostTensor.h - Dense host tensors and .npy files ---------*- C++ -*-===//
//
// The runtime's view of a tensor: an element type, a static shape and a
// contiguous row-major byte buffer. Reads and writes NumPy's .npy format
// (version 1.0-3.0, little-endian, C order).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_HOSTTENSOR_H
#define STRATA_RUNTIME_HOSTTENSOR_H

#include "mlir/IR/Types.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::strata {

/// Element types the runtime can feed, read back and compare.
enum class DType { F16, F32, F64, I1, I8, I16, I32, I64, U8 };

/// Bytes per element.
size_t getDTypeSize(DType dtype);
/// MLIR spelling ("f32", "i1", "ui8", ...).
StringRef getDTypeName(DType dtype);
/// The .npy descr ("<f4", "|b1", ...).
StringRef getNpyDescr(DType dtype);
/// The dtype of an MLIR element type, or failure if unsupported.
FailureOr<DType> getDTypeFor(Type elementType);
bool isFloatDType(DType dtype);

class HostTensor {
public:
  HostTensor() = default;
  HostTensor(DType dtype, ArrayRef<int64_t> shape);

  DType getDType() const { return dtype; }
  ArrayRef<int64_t> getShape() const { return shape; }
  int64_t getNumElements() const;
  size_t getByteSize() const { return data.size(); }
  uint8_t *getData() { return data.data(); }
  const uint8_t *getData() const { return data.data(); }

  /// Element `i` (row-major) widened to double (bools as 0/1).
  double getAsDouble(int64_t i) const;

  /// "1x4x16xf32".
  std::string describe() const;
  /// The same for a tensor not (yet) allocated.
  static std::string describe(DType dtype, ArrayRef<int64_t> shape);

  /// Fills with deterministic pseudo-random values from `seed`: floats
  /// uniform in [-1, 1), integers uniform in [-8, 8] ([0, 8] unsigned),
  /// booleans 0/1.
  void fillRandom(uint64_t seed);

  /// Reads a .npy file.
  static llvm::Expected<HostTensor> readNpy(StringRef path);
  /// Parses .npy bytes; `name` is used in error messages.
  static llvm::Expected<HostTensor> parseNpy(StringRef bytes, StringRef name);
  /// Serializes to .npy (version 1.0) bytes.
  std::string toNpy() const;
  /// Writes a .npy file (see strata/Support/OutputFiles.h: atomic for
  /// regular files, written through to special files such as /dev/null).
  llvm::Error writeNpy(StringRef path) const;

private:
  DType dtype = DType::F32;
  SmallVector<int64_t> shape;
  std::vector<uint8_t> data;
};

/// The result of comparing an output with a reference.
struct Comparison {
  double maxAbsError = 0;
  double maxRelError = 0;
  int64_t mismatches = 0;
  /// First mismatching element, or -1.
  int64_t firstMismatch = -1;
};

/// Compares element-wise with NumPy's allclose rule,
/// |actual - expected| <= atol + rtol * |expected|, exactly for integers and
/// booleans; NaN matches only NaN. Shapes and dtypes must already match.
Comparison compareTensors(const HostTensor &actual, const HostTensor &expected,
                          double rtol, double atol);

} // namespace mlir::strata

#endif // STRATA_RUNTIME_HOSTTENSOR_H
