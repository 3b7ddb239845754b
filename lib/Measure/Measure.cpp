//===- Measure.cpp - Time one kernel on the host CPU ----------------------===//

#include "strata/Runtime/Measure.h"
#include "strata/Pipelines/Pipelines.h"
#include "strata/Runtime/Runner.h"
#include "strata/Support/Constants.h"

#include "passes/Codegen/Passes.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <chrono>
#include <mutex>

using namespace mlir;
using namespace mlir::strata;

static llvm::Error measureError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<OwningOpRef<ModuleOp>>
mlir::strata::buildKernelModule(Operation *kernel) {
  MLIRContext *context = kernel->getContext();
  OpBuilder builder(context);
  Location loc = kernel->getLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);

  // What the kernel reads: its operands and the values its regions use
  // from above (an ungrouped linalg payload may). What strata-group-ops
  // would clone into its group (isInlinedIntoKernel: shapes, scalars,
  // splats, zero points, empty tensors) is cloned into the module; the rest,
  // weights included, are arguments, as they are for a kernel in a model.
  llvm::SetVector<Value> reads(kernel->getOperands().begin(),
                               kernel->getOperands().end());
  getUsedValuesDefinedAbove(kernel->getRegions(), reads);
  SmallVector<Value> arguments;
  SmallVector<Operation *> cloned;
  for (Value operand : reads) {
    if (isInlinedIntoKernel(operand)) {
      if (!llvm::is_contained(cloned, operand.getDefiningOp()))
        cloned.push_back(operand.getDefiningOp());
      continue;
    }
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type || !type.hasStaticShape()) {
      std::string text;
      llvm::raw_string_ostream(text) << operand.getType();
      return measureError("kernel operand of type " + text +
                          " is not a statically shaped tensor");
    }
    arguments.push_back(operand);
  }
  for (Type type : kernel->getResultTypes()) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return measureError("kernel result is not a statically shaped tensor");
  }

  builder.setInsertionPointToEnd(module->getBody());
  SmallVector<Type> argTypes;
  for (Value v : arguments)
    argTypes.push_back(v.getType());
  auto func = func::FuncOp::create(
      builder, loc, "kernel",
      builder.getFunctionType(argTypes, kernel->getResultTypes()));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToEnd(entry);
  IRMapping mapping;
  for (auto [value, arg] : llvm::zip(arguments, entry->getArguments()))
    mapping.map(value, arg);
  for (Operation *op : cloned)
    builder.clone(*op, mapping);
  Operation *copy = builder.clone(*kernel, mapping);
  // A tier plan does not travel with a kernel measured alone.
  copy->removeAttr(StrataDialect::getPlacementAttrName());
  func::ReturnOp::create(builder, loc, copy->getResults());
  return std::move(module);
}

llvm::Expected<KernelTiming>
mlir::strata::measureKernelModule(ModuleOp module,
                                  const MeasureOptions &options) {
  auto compileStart = std::chrono::steady_clock::now();
  FailureOr<EntrySignature> sig = getEntrySignature(module, "kernel");
  if (failed(sig))
    return measureError("the kernel's signature cannot be run");
  PassManager pm(module.getContext());
  CPUPipelineOptions cpu;
  cpu.groupOps = true;
  buildCPUPipeline(pm, cpu);
  if (failed(pm.run(module)))
    return measureError("lowering the kernel with strata-cpu-pipeline failed");
  SmallVector<StringRef> libs = {STRATA_C_RUNNER_UTILS};
  auto compiled = CompiledModule::create(module, *sig, options.optLevel, libs);
  if (!compiled)
    return compiled.takeError();
  KernelTiming timing;
  timing.compileSeconds = std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - compileStart)
                              .count();

  SmallVector<HostTensor> inputs;
  for (auto [i, type] : llvm::enumerate(sig->inputs)) {
    inputs.emplace_back(sig->inputDTypes[i], type.getShape());
    if (isFloatDType(sig->inputDTypes[i]))
      inputs.back().fillRandom(options.seed * 1000003u + i);
  }
  SmallVector<HostTensor> outputs = (*compiled)->makeOutputs();
  for (unsigned i = 0; i < options.warmupRuns; ++i)
    if (llvm::Error err = (*compiled)->run(inputs, outputs))
      return err;
  SmallVector<double> times;
  double total = 0;
  while (times.size() < options.maxRuns &&
         (times.size() < options.minRuns || total < options.minSeconds)) {
    auto start = std::chrono::steady_clock::now();
    if (llvm::Error err = (*compiled)->run(inputs, outputs))
      return err;
    double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    times.push_back(t);
    total += t;
  }
  llvm::sort(times);
  auto percentile = [&](double p) {
    return times[static_cast<size_t>(p * (times.size() - 1) + 0.5)];
  };
  timing.medianSeconds = percentile(0.5);
  timing.p10Seconds = percentile(0.1);
  timing.p90Seconds = percentile(0.9);
  timing.runs = times.size();
  return timing;
}

llvm::Expected<KernelTiming>
mlir::strata::measureKernel(Operation *kernel, const MeasureOptions &options) {
  llvm::Expected<OwningOpRef<ModuleOp>> module = buildKernelModule(kernel);
  if (!module)
    return module.takeError();
  return measureKernelModule(**module, options);
}

namespace {
class MeasuredCostModel final : public CostModel {
public:
  explicit MeasuredCostModel(TargetDescription target)
      : CostModel(target), roofline(createRooflineCostModel(target)) {}

  StringRef getName() const override { return "measured"; }

  FailureOr<CostEstimate> estimateOp(Operation *op) override {
    return measure(op);
  }
  FailureOr<CostEstimate> estimateGroup(GroupOp group) override {
    return measure(group);
  }

private:
  FailureOr<CostEstimate> measure(Operation *op) {
    FailureOr<CostEstimate> est = roofline->estimate(op);
    if (failed(est))
      return failure();
    // Free ops are not kernels.
    if (est->flops == 0 && est->bytesMoved() == 0 && !isa<GroupOp>(op))
      return est;
    std::string key;
    llvm::raw_string_ostream os(key);
    op->print(os, OpPrintingFlags().printGenericOpForm().useLocalScope());
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(key);
    if (it == cache.end()) {
      llvm::Expected<KernelTiming> timing = measureKernel(op);
      if (!timing) {
        op->emitRemark() << "cannot measure this kernel: "
                         << llvm::toString(timing.takeError());
        return failure();
      }
      it = cache.insert({key, timing->medianSeconds}).first;
    }
    est->seconds = est->computeSeconds = it->second;
    return est;
  }

  std::unique_ptr<CostModel> roofline;
  std::mutex mutex;
  llvm::StringMap<double> cache;
};
} // namespace

std::unique_ptr<CostModel>
mlir::strata::createMeasuredCostModel(TargetDescription target) {
  return std::make_unique<MeasuredCostModel>(std::move(target));
}

llvm::Expected<KernelTiming>
mlir::strata::measureKernelFunction(func::FuncOp kernel,
                                    const MeasureOptions &options) {
  Location loc = kernel.getLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder builder(kernel.getContext());
  builder.setInsertionPointToEnd(module->getBody());
  auto copy = cast<func::FuncOp>(builder.clone(*kernel));
  copy.setSymName("kernel_body");
  copy.setPrivate();
  copy->setAttr(StrataDialect::getKernelAttrName(), builder.getUnitAttr());
  auto entry =
      func::FuncOp::create(builder, loc, "kernel", kernel.getFunctionType());
  Block *body = entry.addEntryBlock();
  builder.setInsertionPointToEnd(body);
  auto call = func::CallOp::create(builder, loc, copy, body->getArguments());
  func::ReturnOp::create(builder, loc, call.getResults());
  return measureKernelModule(*module, options);
}

void mlir::strata::registerMeasuredCostModelFactory() {
  registerMeasuredCostModel(&createMeasuredCostModel);
  // strata-choose-lowering{cost-model=measured}: each candidate plan is
  // compiled and timed in its kernel function, alone.
  setLoweringPlanTimer([](func::FuncOp kernel) -> FailureOr<double> {
    MeasureOptions options;
    options.minSeconds = 0.01;
    llvm::Expected<KernelTiming> timing =
        measureKernelFunction(kernel, options);
    if (!timing) {
      kernel.emitRemark() << "cannot time this kernel: "
                          << llvm::toString(timing.takeError());
      return failure();
    }
    return timing->medianSeconds;
  });
}
