//===- Profile.cpp - Per-kernel time of a JIT-compiled entry -------------===//

#include "strata/Runtime/Profile.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

#include <chrono>

using namespace mlir;
using namespace mlir::strata;

static KernelProfile *activeProfile = nullptr;

static double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void KernelProfile::onBegin(int64_t call) {
  if (!activeProfile)
    return;
  activeProfile->openCall = call;
  activeProfile->openStart = now();
}

void KernelProfile::onEnd(int64_t call) {
  double end = now();
  KernelProfile *profile = activeProfile;
  if (!profile || profile->openCall != call || call < 0 ||
      static_cast<size_t>(call) >= profile->calls.size())
    return;
  profile->calls[call].seconds += end - profile->openStart;
  profile->openCall = -1;
}

KernelProfile::~KernelProfile() {
  if (activeProfile == this)
    activeProfile = nullptr;
}

std::vector<std::pair<std::string, void *>> KernelProfile::getHookSymbols() {
  return {{kProfileBeginHook, reinterpret_cast<void *>(&onBegin)},
          {kProfileEndHook, reinterpret_cast<void *>(&onEnd)}};
}

void KernelProfile::reset() {
  for (ProfiledCall &call : calls)
    call.seconds = 0;
  openCall = -1;
}

/// The hook `name` (void(i64)), declared in `module` if it is not yet.
static LLVM::LLVMFuncOp getOrDeclareHook(ModuleOp module, StringRef name) {
  if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return existing;
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  MLIRContext *context = module.getContext();
  auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                          {IntegerType::get(context, 64)});
  return LLVM::LLVMFuncOp::create(builder, module.getLoc(), name, type);
}

LogicalResult KernelProfile::instrument(ModuleOp module, StringRef entryName) {
  auto entry = module.lookupSymbol<LLVM::LLVMFuncOp>(entryName);
  if (!entry || entry.isExternal())
    return module.emitError()
           << "profile: no lowered entry function '" << entryName << "'";
  SmallVector<std::pair<LLVM::CallOp, LLVM::LLVMFuncOp>> sites;
  entry.walk([&](LLVM::CallOp call) {
    std::optional<StringRef> callee = call.getCallee();
    if (!callee)
      return;
    auto function = module.lookupSymbol<LLVM::LLVMFuncOp>(*callee);
    if (function && !function.isExternal() && function != entry)
      sites.emplace_back(call, function);
  });
  LLVM::LLVMFuncOp begin = getOrDeclareHook(module, kProfileBeginHook);
  LLVM::LLVMFuncOp end = getOrDeclareHook(module, kProfileEndHook);
  calls.clear();
  OpBuilder builder(module.getContext());
  for (auto [index, site] : llvm::enumerate(sites)) {
    auto [call, function] = site;
    Location loc = call.getLoc();
    builder.setInsertionPoint(call);
    Value id = LLVM::ConstantOp::create(builder, loc, builder.getI64Type(),
                                        builder.getI64IntegerAttr(index));
    LLVM::CallOp::create(builder, loc, begin, ValueRange{id});
    builder.setInsertionPointAfter(call);
    LLVM::CallOp::create(builder, loc, end, ValueRange{id});
    calls.push_back({function.getSymName().str()});
  }
  activeProfile = this;
  return success();
}
