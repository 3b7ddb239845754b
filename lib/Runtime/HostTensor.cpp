//===- HostTensor.cpp - Dense host tensors and .npy files -----------------===//

#include "strata/Runtime/HostTensor.h"
#include "strata/Support/Limits.h"
#include "strata/Support/OutputFiles.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::strata;

size_t mlir::strata::getDTypeSize(DType dtype) {
  switch (dtype) {
  case DType::I1:
  case DType::I8:
  case DType::U8:
    return 1;
  case DType::F16:
  case DType::I16:
    return 2;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F64:
  case DType::I64:
    return 8;
  }
  llvm_unreachable("unknown dtype");
}

StringRef mlir::strata::getDTypeName(DType dtype) {
  switch (dtype) {
  case DType::F16:
    return "f16";
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::I1:
    return "i1";
  case DType::I8:
    return "i8";
  case DType::I16:
    return "i16";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  case DType::U8:
    return "ui8";
  }
  llvm_unreachable("unknown dtype");
}

StringRef mlir::strata::getNpyDescr(DType dtype) {
  switch (dtype) {
  case DType::F16:
    return "<f2";
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::I1:
    return "|b1";
  case DType::I8:
    return "|i1";
  case DType::I16:
    return "<i2";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  case DType::U8:
    return "|u1";
  }
  llvm_unreachable("unknown dtype");
}

bool mlir::strata::isFloatDType(DType dtype) {
  return dtype == DType::F16 || dtype == DType::F32 || dtype == DType::F64;
}

FailureOr<DType> mlir::strata::getDTypeFor(Type type) {
  if (type.isF16())
    return DType::F16;
  if (type.isF32())
    return DType::F32;
  if (type.isF64())
    return DType::F64;
  if (auto intType = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = intType.isUnsigned();
    switch (intType.getWidth()) {
    case 1:
      return DType::I1;
    case 8:
      return isUnsigned ? DType::U8 : DType::I8;
    case 16:
      if (!isUnsigned)
        return DType::I16;
      break;
    case 32:
      if (!isUnsigned)
        return DType::I32;
      break;
    case 64:
      if (!isUnsigned)
        return DType::I64;
      break;
    }
  }
  return failure();
}

HostTensor::HostTensor(DType dtype, ArrayRef<int64_t> shape)
    : dtype(dtype), shape(shape.begin(), shape.end()) {
  data.assign(getNumElements() * getDTypeSize(dtype), 0);
}

int64_t HostTensor::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

template <typename T>
static T load(const uint8_t *p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

template <typename T>
static void store(uint8_t *p, T value) {
  std::memcpy(p, &value, sizeof(T));
}

static double halfToDouble(uint16_t bits) {
  llvm::APFloat f(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits));
  return f.convertToFloat();
}

static uint16_t doubleToHalf(double value) {
  llvm::APFloat f(value);
  bool losesInfo;
  f.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven,
            &losesInfo);
  return f.bitcastToAPInt().getZExtValue();
}

double HostTensor::getAsDouble(int64_t i) const {
  const uint8_t *p = data.data() + i * getDTypeSize(dtype);
  switch (dtype) {
  case DType::F16:
    return halfToDouble(load<uint16_t>(p));
  case DType::F32:
    return load<float>(p);
  case DType::F64:
    return load<double>(p);
  case DType::I1:
    return *p ? 1 : 0;
  case DType::I8:
    return load<int8_t>(p);
  case DType::U8:
    return *p;
  case DType::I16:
    return load<int16_t>(p);
  case DType::I32:
    return load<int32_t>(p);
  case DType::I64:
    return static_cast<double>(load<int64_t>(p));
  }
  llvm_unreachable("unknown dtype");
}

std::string HostTensor::describe() const { return describe(dtype, shape); }

std::string HostTensor::describe(DType dtype, ArrayRef<int64_t> shape) {
  std::string text;
  for (int64_t d : shape)
    text += std::to_string(d) + "x";
  return text + getDTypeName(dtype).str();
}

void HostTensor::fillRandom(uint64_t seed) {
  // SplitMix64: fixed, portable and fast; the standard distributions are
  // implementation-defined and would make inputs differ between libraries.
  uint64_t state = seed;
  auto next = [&state]() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  size_t size = getDTypeSize(dtype);
  for (int64_t i = 0, e = getNumElements(); i < e; ++i) {
    uint8_t *p = data.data() + i * size;
    uint64_t r = next();
    double unit = (r >> 11) * 0x1.0p-53; // [0, 1)
    int64_t small = static_cast<int64_t>(r % 17) - 8;
    switch (dtype) {
    case DType::F16:
      store<uint16_t>(p, doubleToHalf(2 * unit - 1));
      break;
    case DType::F32:
      store<float>(p, static_cast<float>(2 * unit - 1));
      break;
    case DType::F64:
      store<double>(p, 2 * unit - 1);
      break;
    case DType::I1:
      *p = r & 1;
      break;
    case DType::I8:
      store<int8_t>(p, small);
      break;
    case DType::U8:
      *p = r % 9;
      break;
    case DType::I16:
      store<int16_t>(p, small);
      break;
    case DType::I32:
      store<int32_t>(p, small);
      break;
    case DType::I64:
      store<int64_t>(p, small);
      break;
    }
  }
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

static llvm::Error npyError(StringRef name, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot read '" + name + "': " + message);
}

/// Finds `'key': ` in the header dict and returns the text after it.
static std::optional<StringRef> findKey(StringRef header, StringRef key) {
  std::string quoted = ("'" + key + "'").str();
  size_t pos = header.find(quoted);
  if (pos == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(pos + quoted.size()).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  return rest.ltrim();
}

llvm::Expected<HostTensor> HostTensor::parseNpy(StringRef bytes,
                                                StringRef name) {
  static constexpr char magic[] = "\x93NUMPY";
  if (bytes.size() < 10 || !bytes.starts_with(StringRef(magic, 6)))
    return npyError(name, "not a .npy file (bad magic string)");
  uint8_t major = bytes[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen =
        static_cast<uint8_t>(bytes[8]) | (static_cast<uint8_t>(bytes[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return npyError(name, "truncated header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= size_t(static_cast<uint8_t>(bytes[8 + i])) << (8 * i);
    headerStart = 12;
  } else {
    return npyError(name, "unsupported .npy version " + llvm::Twine(major));
  }
  if (bytes.size() < headerStart + headerLen)
    return npyError(name, "truncated header");
  StringRef header = bytes.substr(headerStart, headerLen);

  std::optional<StringRef> descr = findKey(header, "descr");
  std::optional<StringRef> fortran = findKey(header, "fortran_order");
  std::optional<StringRef> shapeText = findKey(header, "shape");
  if (!descr || !fortran || !shapeText || !descr->starts_with("'"))
    return npyError(name, "malformed header '" + header.trim() + "'");
  StringRef descrValue =
      descr->drop_front().take_until([](char c) { return c == '\''; });
  if (fortran->starts_with("True"))
    return npyError(name, "Fortran-ordered arrays are not supported; save "
                          "with numpy.ascontiguousarray");
  if (!fortran->starts_with("False"))
    return npyError(name, "malformed fortran_order in header");

  std::optional<DType> dtype;
  StringRef code = descrValue;
  if (code.size() == 3 && (code[0] == '<' || code[0] == '|' || code[0] == '='))
    code = code.drop_front();
  for (DType candidate :
       {DType::F16, DType::F32, DType::F64, DType::I1, DType::I8, DType::I16,
        DType::I32, DType::I64, DType::U8})
    if (getNpyDescr(candidate).drop_front() == code)
      dtype = candidate;
  if (!dtype || descrValue.size() != 3 || descrValue[0] == '>')
    return npyError(name, "unsupported dtype '" + descrValue +
                              "'; supported: float16/32/64, bool, int8/16/"
                              "32/64, uint8 (little-endian)");

  if (!shapeText->consume_front("("))
    return npyError(name, "malformed shape in header");
  StringRef dims = shapeText->take_until([](char c) { return c == ')'; });
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, ',');
  for (StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t d;
    if (part.getAsInteger(10, d) || d < 0)
      return npyError(name, "malformed shape '(" + dims + ")'");
    shape.push_back(d);
  }

  // Check the data length against the header before allocating: a header
  // may claim any shape.
  StringRef payload = bytes.drop_front(headerStart + headerLen);
  std::optional<uint64_t> expected =
      getCheckedByteSize(shape, getDTypeSize(*dtype));
  if (!expected)
    return npyError(name, "shape " + formatShape(shape) +
                              " has more bytes than a 64-bit size can count");
  if (payload.size() != *expected)
    return npyError(
        name, "expected " + llvm::Twine(*expected) +
                  " bytes of data for shape " +
                  HostTensor::describe(*dtype, shape) + ", found " +
                  llvm::Twine(payload.size()) +
                  (payload.size() < *expected ? " (truncated file)" : ""));
  std::string tooLarge = checkTensorSize(shape, getDTypeSize(*dtype));
  if (!tooLarge.empty())
    return npyError(name, tooLarge);
  HostTensor tensor(*dtype, shape);
  // An empty tensor has no buffer: memcpy's pointers must not be null.
  if (!payload.empty())
    std::memcpy(tensor.getData(), payload.data(), payload.size());
  return tensor;
}

llvm::Expected<HostTensor> HostTensor::readNpy(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return npyError(path, buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path);
}

std::string HostTensor::toNpy() const {
  // NumPy spells shapes as Python tuples: "()", "(4,)", "(2, 3)".
  std::string dims;
  for (auto [i, d] : llvm::enumerate(shape))
    dims += (i ? ", " : "") + std::to_string(d);
  if (shape.size() == 1)
    dims += ",";
  std::string header = "{'descr': '" + getNpyDescr(dtype).str() +
                       "', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces so that the data starts on a 64-byte boundary.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.append(reinterpret_cast<const char *>(data.data()), data.size());
  return out;
}

llvm::Error HostTensor::writeNpy(StringRef path) const {
  return writeOutputFiles({OutputFile{path.str(), toNpy()}});
}

Comparison mlir::strata::compareTensors(const HostTensor &actual,
                                        const HostTensor &expected, double rtol,
                                        double atol) {
  Comparison result;
  bool exact = !isFloatDType(expected.getDType());
  for (int64_t i = 0, e = expected.getNumElements(); i < e; ++i) {
    double a = actual.getAsDouble(i), b = expected.getAsDouble(i);
    bool ok;
    if (std::isnan(a) || std::isnan(b)) {
      ok = std::isnan(a) && std::isnan(b);
    } else if (std::isinf(a) || std::isinf(b)) {
      ok = a == b;
    } else {
      double abs = std::fabs(a - b);
      double rel = b != 0 ? abs / std::fabs(b) : (abs != 0 ? INFINITY : 0);
      result.maxAbsError = std::max(result.maxAbsError, abs);
      result.maxRelError = std::max(result.maxRelError, rel);
      ok = exact ? a == b : abs <= atol + rtol * std::fabs(b);
    }
    if (!ok) {
      if (result.firstMismatch < 0)
        result.firstMismatch = i;
      ++result.mismatches;
    }
  }
  return result;
}
