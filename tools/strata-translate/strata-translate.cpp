//===- strata-translate.cpp - Strata's translation tool -------------------===//
//
// Translations into and out of MLIR:
//   --import-onnx [--bind-dim NAME=VALUE ...]   an ONNX model to a func.func
//       over tensors in TOSA and linalg (see lib/Import).
//   --strata-extract-ptx [--binary=NAME]   print the PTX that
//       strata-cuda-pipeline{format=isa} left in gpu.binary ops, ready for
//       ptxas.
//
//===----------------------------------------------------------------------===//

#include "strata/Import/OnnxImporter.h"
#include "strata/InitAll.h"
#include "strata/Support/OutputFiles.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static llvm::cl::opt<std::string>
    binaryName("binary",
               llvm::cl::desc("With --strata-extract-ptx: print only the "
                              "gpu.binary with this symbol name"),
               llvm::cl::init(""));

static llvm::cl::list<std::string> dimBindingSpecs(
    "bind-dim",
    llvm::cl::desc("With --import-onnx: bind a symbolic dimension, NAME=VALUE "
                   "(unbound ones become 1, with a remark)"));

/// Imports the ONNX model in the main buffer.
static OwningOpRef<Operation *> importOnnx(llvm::SourceMgr &sourceMgr,
                                           MLIRContext *context) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  strata::OnnxImportOptions options;
  options.bufferName = buffer->getBufferIdentifier().str();
  for (const std::string &spec : dimBindingSpecs) {
    if (llvm::Error err = strata::parseDimBinding(spec, options)) {
      emitError(UnknownLoc::get(context)) << llvm::toString(std::move(err));
      return nullptr;
    }
  }
  OwningOpRef<ModuleOp> module =
      strata::importOnnxModel(buffer->getBuffer(), context, options);
  if (!module)
    return nullptr;
  return OwningOpRef<Operation *>(module.release());
}

/// Prints the PTX of every (or the selected) gpu.binary in `op`.
static LogicalResult extractPTX(Operation *op, raw_ostream &os) {
  SmallVector<gpu::BinaryOp> binaries;
  op->walk([&](gpu::BinaryOp binary) {
    if (binaryName.empty() || binary.getSymName() == binaryName)
      binaries.push_back(binary);
  });
  if (binaries.empty()) {
    if (!binaryName.empty())
      return op->emitError() << "no gpu.binary named '" << binaryName << "'";
    return op->emitError("no gpu.binary in the input; run "
                         "strata-cuda-pipeline first");
  }
  for (gpu::BinaryOp binary : binaries) {
    for (Attribute attr : binary.getObjects()) {
      auto object = cast<gpu::ObjectAttr>(attr);
      if (object.getFormat() != gpu::CompilationTarget::Assembly)
        return binary.emitError()
               << "gpu.binary @" << binary.getSymName() << " holds a '"
               << gpu::stringifyCompilationTarget(object.getFormat())
               << "' object, not PTX; use strata-cuda-pipeline{format=isa}";
      if (binaries.size() > 1)
        os << "// gpu.binary @" << binary.getSymName() << "\n";
      os << object.getObject().getValue();
    }
  }
  return success();
}

int main(int argc, char **argv) {
  TranslateToMLIRRegistration importOnnxRegistration(
      "import-onnx", "Import an ONNX model (.onnx) into TOSA/linalg",
      importOnnx, [](DialectRegistry &registry) {
        strata::registerAllDialectsForStrata(registry);
      });
  TranslateFromMLIRRegistration extractPTXRegistration(
      "strata-extract-ptx", "Print the PTX held by gpu.binary ops", extractPTX,
      [](DialectRegistry &registry) {
        strata::registerAllDialectsForStrata(registry);
      });
  // A failed run must not truncate or delete an existing -o file (upstream
  // mlirTranslateMain opens it first and removes it on failure).
  strata::StagedOutputArgs staged(argc, argv);
  if (!staged.getError().empty()) {
    llvm::errs() << "error: " << staged.getError() << "\n";
    return 1;
  }
  return staged.finish(failed(mlirTranslateMain(staged.argc(), staged.argv(),
                                                "Strata translation tool"))
                           ? 1
                           : 0);
}
