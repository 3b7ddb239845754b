//===- StrataPlugin.cpp - Strata as an mlir-opt plugin --------------------===//
//
// Both plugin entry points: load with
//   mlir-opt --load-dialect-plugin=StrataPlugin.so \
//            --load-pass-plugin=StrataPlugin.so -p '...'
// Never load it into strata-opt, which has everything registered already.
//
//===----------------------------------------------------------------------===//

#include "strata/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

extern "C" LLVM_ATTRIBUTE_WEAK
    LLVM_ATTRIBUTE_VISIBILITY_DEFAULT ::mlir::DialectPluginLibraryInfo
    mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Strata", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            mlir::strata::registerStrataDialects(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK
    LLVM_ATTRIBUTE_VISIBILITY_DEFAULT ::mlir::PassPluginLibraryInfo
    mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Strata", LLVM_VERSION_STRING,
          []() { mlir::strata::registerStrataPasses(); }};
}
