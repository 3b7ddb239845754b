//===- Tensors.cpp - ONNX TensorProto to attributes and host tensors ------===//
//
// A TensorProto holds its elements either in `raw_data` (little-endian,
// packed) or in one of the typed repeated fields. Both become one packed
// little-endian byte string, from which the importer builds a
// DenseElementsAttr (a splat when all elements are equal, so fills never
// become dense) and strata-run builds a HostTensor.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"
#include "strata/Import/OnnxImporter.h"
#include "strata/Support/Limits.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/MemoryBuffer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <climits>
#include <cstring>

using namespace mlir;
using namespace mlir::strata;
using namespace mlir::strata::onnx_import;
namespace onnx_import = mlir::strata::onnx_import;

using TP = onnx::TensorProto;

Type onnx_import::getElementType(MLIRContext *context, int32_t onnxType) {
  Builder b(context);
  switch (onnxType) {
  case TP::FLOAT:
    return b.getF32Type();
  case TP::DOUBLE:
    return b.getF64Type();
  case TP::FLOAT16:
    return b.getF16Type();
  case TP::BOOL:
    return b.getI1Type();
  case TP::INT8:
    return b.getI8Type();
  case TP::INT16:
    return b.getI16Type();
  case TP::INT32:
    return b.getI32Type();
  case TP::INT64:
    return b.getI64Type();
  default:
    return {};
  }
}

std::string onnx_import::getOnnxTypeName(int32_t onnxType) {
  if (onnx::TensorProto_DataType_IsValid(onnxType)) {
    std::string name = TP::DataType_Name(static_cast<TP::DataType>(onnxType));
    for (char &c : name)
      c = std::tolower(c);
    return name;
  }
  return "data type " + std::to_string(onnxType);
}

/// Bytes per element in the packed form (bool: one byte).
static size_t packedSize(int32_t onnxType) {
  switch (onnxType) {
  case TP::DOUBLE:
  case TP::INT64:
    return 8;
  case TP::FLOAT:
  case TP::INT32:
    return 4;
  case TP::FLOAT16:
  case TP::INT16:
    return 2;
  case TP::BOOL:
  case TP::INT8:
    return 1;
  default:
    return 0;
  }
}

template <typename T, typename Range>
static void appendAs(std::string &bytes, const Range &range) {
  for (auto v : range) {
    T x = static_cast<T>(v);
    bytes.append(reinterpret_cast<const char *>(&x), sizeof(T));
  }
}

/// The tensor's elements packed little-endian (the host's order).
static FailureOr<StringRef> getPackedBytes(const TP &tensor,
                                           int64_t numElements,
                                           std::string &storage,
                                           std::string &error) {
  int32_t type = tensor.data_type();
  size_t size = packedSize(type);
  if (size == 0) {
    error = "unsupported tensor element type " + getOnnxTypeName(type);
    return failure();
  }
  if (tensor.data_location() == TP::EXTERNAL) {
    error = "tensor data stored in an external file is not supported";
    return failure();
  }
  StringRef bytes;
  // Raw data and the 4- and 8-byte typed fields are referenced in place;
  // only types packed into int32_data (8/16-bit ints, float16, bool) are
  // narrowed into `storage`.
  auto view = [](const auto &field) {
    return StringRef(reinterpret_cast<const char *>(field.data()),
                     field.size() * sizeof(*field.data()));
  };
  if (tensor.has_raw_data()) {
    bytes = tensor.raw_data();
  } else {
    switch (type) {
    case TP::FLOAT:
      bytes = view(tensor.float_data());
      break;
    case TP::DOUBLE:
      bytes = view(tensor.double_data());
      break;
    case TP::INT64:
      bytes = view(tensor.int64_data());
      break;
    case TP::INT32:
      bytes = view(tensor.int32_data());
      break;
    case TP::INT16:
    case TP::FLOAT16:
      appendAs<uint16_t>(storage, tensor.int32_data());
      bytes = storage;
      break;
    case TP::INT8:
    case TP::BOOL:
      appendAs<uint8_t>(storage, tensor.int32_data());
      bytes = storage;
      break;
    }
  }
  if (bytes.size() != numElements * size) {
    error = "tensor '" + tensor.name() + "' holds " +
            std::to_string(bytes.size() / size) + " element(s) but its shape " +
            "needs " + std::to_string(numElements);
    return failure();
  }
  return bytes;
}

static FailureOr<int64_t> getNumElements(const TP &tensor, std::string &error) {
  for (int64_t d : tensor.dims())
    if (d < 0) {
      error = "tensor '" + tensor.name() + "' has a negative dimension";
      return failure();
    }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  // The data must be in the file, so a size that passes the data-length
  // check is bounded by the file; only the product itself can overflow.
  std::optional<uint64_t> bytes = getCheckedByteSize(
      shape, std::max<size_t>(packedSize(tensor.data_type()), 1));
  if (!bytes) {
    error = "tensor '" + tensor.name() + "' has shape " + formatShape(shape) +
            ", more bytes than a 64-bit size can count";
    return failure();
  }
  return *getCheckedNumElements(shape);
}

FailureOr<DenseElementsAttr> onnx_import::convertTensor(const TP &tensor,
                                                        MLIRContext *context,
                                                        std::string &error) {
  Type elementType = getElementType(context, tensor.data_type());
  if (!elementType) {
    error = "unsupported tensor element type " +
            getOnnxTypeName(tensor.data_type());
    return failure();
  }
  FailureOr<int64_t> n = getNumElements(tensor, error);
  if (failed(n))
    return failure();
  std::string storage;
  FailureOr<StringRef> bytes = getPackedBytes(tensor, *n, storage, error);
  if (failed(bytes))
    return failure();
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  auto type = RankedTensorType::get(shape, elementType);
  size_t size = packedSize(tensor.data_type());

  bool splat = *n > 0;
  for (int64_t i = 1; splat && i < *n; ++i)
    splat = std::memcmp(bytes->data(), bytes->data() + i * size, size) == 0;
  if (elementType.isInteger(1)) {
    if (splat)
      return DenseElementsAttr::get(type, bytes->front() != 0);
    SmallVector<bool> values;
    for (char c : *bytes)
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, values);
  }
  StringRef data = splat ? bytes->take_front(size) : *bytes;
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(data.data(), data.size()));
}

static std::optional<DType> getDType(int32_t onnxType) {
  switch (onnxType) {
  case TP::FLOAT:
    return DType::F32;
  case TP::DOUBLE:
    return DType::F64;
  case TP::FLOAT16:
    return DType::F16;
  case TP::BOOL:
    return DType::I1;
  case TP::INT8:
    return DType::I8;
  case TP::INT16:
    return DType::I16;
  case TP::INT32:
    return DType::I32;
  case TP::INT64:
    return DType::I64;
  default:
    return std::nullopt;
  }
}

static llvm::Error makeError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Parses a protobuf message without protobuf's default 64 MiB limit.
template <typename Message>
static bool parseMessage(StringRef bytes, Message &message) {
  if (bytes.size() > INT_MAX)
    return false;
  google::protobuf::io::ArrayInputStream stream(bytes.data(),
                                                (int)bytes.size());
  google::protobuf::io::CodedInputStream coded(&stream);
  coded.SetTotalBytesLimit(INT_MAX);
  return message.ParseFromCodedStream(&coded) && coded.ConsumedEntireMessage();
}

llvm::Expected<HostTensor> mlir::strata::readOnnxTensor(StringRef path) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!file)
    return makeError("cannot read '" + path +
                     "': " + file.getError().message());
  return parseOnnxTensor((*file)->getBuffer(), path);
}

llvm::Expected<HostTensor> mlir::strata::parseOnnxTensor(StringRef message,
                                                         StringRef path) {
  TP tensor;
  if (!parseMessage(message, tensor))
    return makeError("'" + path +
                     "' is neither a .npy file nor a valid ONNX TensorProto "
                     "(truncated or corrupt)");
  if (!tensor.has_data_type() || tensor.data_type() == TP::UNDEFINED)
    return makeError("'" + path + "' is not an ONNX TensorProto: no data type");
  std::optional<DType> dtype = getDType(tensor.data_type());
  if (!dtype)
    return makeError("'" + path + "' holds " +
                     getOnnxTypeName(tensor.data_type()) +
                     " elements, which strata-run does not support");
  std::string error;
  FailureOr<int64_t> n = getNumElements(tensor, error);
  if (failed(n))
    return makeError("'" + path + "': " + error);
  std::string storage;
  FailureOr<StringRef> bytes = getPackedBytes(tensor, *n, storage, error);
  if (failed(bytes))
    return makeError("'" + path + "': " + error);
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  std::string tooLarge = checkTensorSize(shape, getDTypeSize(*dtype));
  if (!tooLarge.empty())
    return makeError("'" + path + "': " + tooLarge);
  HostTensor result(*dtype, shape);
  // An empty tensor has no buffer: memcpy's pointers must not be null.
  if (!bytes->empty())
    std::memcpy(result.getData(), bytes->data(), bytes->size());
  return result;
}

llvm::Expected<HostTensor> mlir::strata::readTensorFile(StringRef path) {
  if (path.ends_with(".npy"))
    return HostTensor::readNpy(path);
  if (path.ends_with(".pb"))
    return readOnnxTensor(path);
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!file)
    return makeError("cannot read '" + path +
                     "': " + file.getError().message());
  if ((*file)->getBuffer().starts_with("\x93NUMPY"))
    return HostTensor::readNpy(path);
  return readOnnxTensor(path);
}

bool mlir::strata::looksLikeOnnxModel(StringRef bytes) {
  // ModelProto fields: ir_version (1, varint), opset_import (8),
  // producer_name (2), producer_version (3), domain (4), model_version (5),
  // doc_string (6), graph (7), metadata_props (14), training_info (20),
  // functions (25). MLIR text never starts with these tag bytes.
  if (bytes.empty())
    return false;
  unsigned char tag = bytes[0];
  return tag == 0x08 || tag == 0x12 || tag == 0x1a || tag == 0x22 ||
         tag == 0x28 || tag == 0x32 || tag == 0x3a || tag == 0x42;
}

namespace mlir::strata::onnx_import {
bool parseModel(StringRef bytes, onnx::ModelProto &model) {
  return parseMessage(bytes, model);
}
} // namespace mlir::strata::onnx_import
