//===- ProfileTest.cpp - Kernel-call instrumentation of a lowered entry ---===//

#include "strata/Runtime/Profile.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

namespace {
// @main calls two kernels (one of them twice) and an external function;
// only the calls to functions defined in the module are bracketed.
constexpr const char *kModule = R"(
  llvm.func @ext()
  llvm.func @k0() { llvm.return }
  llvm.func @k1() { llvm.return }
  llvm.func @main() {
    llvm.call @k0() : () -> ()
    llvm.call @ext() : () -> ()
    llvm.call @k1() : () -> ()
    llvm.call @k0() : () -> ()
    llvm.return
  }
)";

/// Names of the callees of @main's calls, in order.
SmallVector<std::string> calleesOfMain(ModuleOp module) {
  SmallVector<std::string> names;
  module.lookupSymbol<LLVM::LLVMFuncOp>("main").walk(
      [&](LLVM::CallOp call) { names.push_back(call.getCallee()->str()); });
  return names;
}
} // namespace

TEST(KernelProfile, BracketsEveryKernelCall) {
  MLIRContext context;
  context.loadDialect<LLVM::LLVMDialect>();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kModule, &context);
  ASSERT_TRUE(module);

  KernelProfile profile;
  ASSERT_TRUE(succeeded(profile.instrument(*module, "main")));
  ASSERT_EQ(profile.getCalls().size(), 3u);
  EXPECT_EQ(profile.getCalls()[0].kernel, "k0");
  EXPECT_EQ(profile.getCalls()[1].kernel, "k1");
  EXPECT_EQ(profile.getCalls()[2].kernel, "k0");
  SmallVector<std::string> expected = {kProfileBeginHook,
                                       "k0",
                                       kProfileEndHook,
                                       "ext",
                                       kProfileBeginHook,
                                       "k1",
                                       kProfileEndHook,
                                       kProfileBeginHook,
                                       "k0",
                                       kProfileEndHook};
  EXPECT_EQ(calleesOfMain(*module), expected);
  // The hooks are declared once, as external functions.
  auto begin = module->lookupSymbol<LLVM::LLVMFuncOp>(kProfileBeginHook);
  ASSERT_TRUE(begin);
  EXPECT_TRUE(begin.isExternal());
  EXPECT_TRUE(succeeded(module->verify()));
  EXPECT_EQ(KernelProfile::getHookSymbols().size(), 2u);
}

TEST(KernelProfile, MissingEntryIsAnError) {
  MLIRContext context;
  context.loadDialect<LLVM::LLVMDialect>();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kModule, &context);
  ASSERT_TRUE(module);
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  KernelProfile profile;
  EXPECT_TRUE(failed(profile.instrument(*module, "ext")));
  EXPECT_EQ(message, "profile: no lowered entry function 'ext'");
  EXPECT_TRUE(failed(profile.instrument(*module, "absent")));
  EXPECT_EQ(message, "profile: no lowered entry function 'absent'");
}
