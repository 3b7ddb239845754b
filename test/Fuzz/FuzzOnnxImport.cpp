//===- FuzzOnnxImport.cpp - libFuzzer target: the ONNX importer -----------===//
//
// Any bytes go through importOnnxModel. The importer must return a module
// or fail with diagnostics; a crash, a sanitizer report, a leak or an
// allocation past libFuzzer's -rss_limit_mb/-malloc_limit_mb is a bug.
// Seeds: the ONNX models under test/ and libonnx-testdata (scripts/fuzz.sh).
//
//===----------------------------------------------------------------------===//

#include "strata/Import/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>
#include <memory>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A context keeps every type and attribute it ever uniqued; a fresh one
  // every few hundred inputs bounds memory without paying for a context
  // (dialect loading) on every input.
  static std::unique_ptr<MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 256 == 0) {
    context = std::make_unique<MLIRContext>();
    context->printOpOnDiagnostic(false);
  }
  ScopedDiagnosticHandler quiet(context.get(),
                                [](Diagnostic &) { return success(); });
  strata::OnnxImportOptions options;
  OwningOpRef<ModuleOp> module = strata::importOnnxModel(
      StringRef(reinterpret_cast<const char *>(data), size), context.get(),
      options);
  return 0;
}
