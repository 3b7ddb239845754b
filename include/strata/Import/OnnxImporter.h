//===- OnnxImporter.h - Import ONNX models into MLIR ------------*- C++ -*-===//
//
// Reads an ONNX ModelProto with the ONNX project's own protobuf classes
// (Debian's libonnx-dev) and builds a module with one public func.func over
// statically shaped tensors. Ops become TOSA where TOSA expresses them,
// linalg (linalg.softmax, linalg.generic) otherwise; every op carries the
// ONNX node's name as its location. Unsupported ops, attributes and dtypes
// are reported for every offending node, each naming the node, its op type
// and the opset, and the import fails as a whole.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_IMPORT_ONNXIMPORTER_H
#define STRATA_IMPORT_ONNXIMPORTER_H

#include "strata/Runtime/HostTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir::strata {

struct OnnxImportOptions {
  /// Values for symbolic dimensions ("batch" -> 1). A symbolic or unknown
  /// dimension without a binding becomes 1, with a remark.
  llvm::StringMap<int64_t> dimBindings;
  /// Name of the generated function.
  std::string functionName = "main";
  /// Name used in diagnostics when the model bytes have no file name.
  std::string bufferName = "model.onnx";
  /// Values of the graph inputs (by argument position; null if unknown).
  /// An input used where the importer needs a constant (Resize scales,
  /// Reshape shapes, ...) is specialized to its value, with a remark; it
  /// stays an argument of the function, which then ignores it. Without a
  /// value such a use is an error.
  SmallVector<const HostTensor *> inputValues;
};

/// Imports the ONNX model held in `bytes`. Emits diagnostics on `context`
/// and returns null on failure.
OwningOpRef<ModuleOp> importOnnxModel(StringRef bytes, MLIRContext *context,
                                      const OnnxImportOptions &options);

/// The ONNX op types (default domain) the importer converts, sorted.
std::vector<std::string> getSupportedOnnxOps();

/// True if `bytes` look like a serialized ONNX model rather than MLIR text:
/// a protobuf whose first field is one of ModelProto's.
bool looksLikeOnnxModel(StringRef bytes);

/// A model file loaded by the tools: MLIR text or an imported ONNX model.
struct LoadedModel {
  /// Null if parsing or importing failed (diagnostics were emitted).
  OwningOpRef<ModuleOp> module;
  bool isOnnx = false;
  /// Wall time of the ONNX import.
  double importSeconds = 0;
};

/// Loads `path`: an ONNX model (by the .onnx extension or its first bytes)
/// is imported with `options` (its bufferName set to `path`), anything else
/// is parsed as MLIR through `sourceMgr`. An unreadable file is an Error;
/// parse and import failures return a null module after their diagnostics.
llvm::Expected<LoadedModel> loadModelFile(StringRef path, MLIRContext *context,
                                          llvm::SourceMgr &sourceMgr,
                                          OnnxImportOptions options = {});

/// Parses "NAME=VALUE" into `options.dimBindings`.
llvm::Error parseDimBinding(StringRef spec, OnnxImportOptions &options);

/// Reads a serialized ONNX TensorProto (the .pb files of ONNX test data)
/// into a host tensor. Errors name `path`.
llvm::Expected<HostTensor> readOnnxTensor(StringRef path);
/// The same for the bytes of a TensorProto; errors name `path`.
llvm::Expected<HostTensor> parseOnnxTensor(StringRef bytes, StringRef path);

/// Reads a tensor from `path`: .npy and .pb by extension, otherwise .npy if
/// the file starts with NumPy's magic string, else an ONNX TensorProto.
llvm::Expected<HostTensor> readTensorFile(StringRef path);

} // namespace mlir::strata

#endif // STRATA_IMPORT_ONNXIMPORTER_H
