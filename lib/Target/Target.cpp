//===- Target.cpp - Target descriptions -----------------------------------===//
//
// Built-in targets, the JSON format and the conversions to and from
// `#strata.target`. Every description is validated by building the
// attribute, so the dialect's verifiers are the one definition of validity.
//
//===----------------------------------------------------------------------===//

#include "strata/Target/Target.h"

#include "dialects/Strata/IR/StrataAttrs.h"
#include "dialects/Strata/IR/StrataDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::strata;

const MemoryTier *TargetDescription::findTier(StringRef tierName) const {
  for (const MemoryTier &tier : tiers)
    if (tier.name == tierName)
      return &tier;
  return nullptr;
}

TargetDescription TargetDescription::fromAttr(TargetAttr attr) {
  TargetDescription desc;
  desc.name = attr.getName().str();
  for (ComputeUnitAttr unit : attr.getUnits())
    desc.units.push_back({unit.getName().str(), unit.getCount(),
                          unit.getMatrixFlops(), unit.getVectorFlops()});
  for (TierAttr tier : attr.getTiers())
    desc.tiers.push_back({tier.getName().str(), tier.getCapacity(),
                          tier.getBandwidth(), tier.getLatency()});
  return desc;
}

/// Builds the attribute with verification; diagnostics go to `loc`.
static TargetAttr buildCheckedAttr(const TargetDescription &desc,
                                   Location loc) {
  MLIRContext *ctx = loc.getContext();
  // Passes that resolve targets declare the dialect as dependent, so this
  // only loads it outside a pass pipeline (tools, tests).
  if (!ctx->getLoadedDialect<StrataDialect>())
    ctx->getOrLoadDialect<StrataDialect>();
  auto emitError = [&]() { return mlir::emitError(loc); };
  SmallVector<ComputeUnitAttr> units;
  for (const ComputeUnit &unit : desc.units) {
    auto attr = ComputeUnitAttr::getChecked(
        emitError, ctx, StringRef(unit.name), unit.count,
        Real(unit.matrixFlops), Real(unit.vectorFlops));
    if (!attr)
      return {};
    units.push_back(attr);
  }
  SmallVector<TierAttr> tiers;
  for (const MemoryTier &tier : desc.tiers) {
    auto attr = TierAttr::getChecked(emitError, ctx, StringRef(tier.name),
                                     tier.capacity, Real(tier.bandwidth),
                                     Real(tier.latency));
    if (!attr)
      return {};
    tiers.push_back(attr);
  }
  return TargetAttr::getChecked(emitError, ctx, StringRef(desc.name),
                                ArrayRef<ComputeUnitAttr>(units),
                                ArrayRef<TierAttr>(tiers));
}

TargetAttr TargetDescription::toAttr(MLIRContext *context) const {
  return buildCheckedAttr(*this, UnknownLoc::get(context));
}

//===----------------------------------------------------------------------===//
// Built-ins
//===----------------------------------------------------------------------===//

// The figures are public peak numbers, rounded; see docs/targets.md.
static TargetDescription makeHostCpu() {
  TargetDescription t;
  t.name = "host-cpu";
  // Strata's CPU code runs on one core: one AVX2 core at ~3 GHz issues two
  // 8-wide FMAs per cycle (~96 GFLOP/s); non-contraction code rarely
  // sustains half of that.
  t.units.push_back({"core", 1, 9.6e10, 2.4e10});
  t.tiers.push_back({"dram", 16ull << 30, 2.0e10, 0.0});
  return t;
}

static TargetDescription makeCudaSm90() {
  TargetDescription t;
  t.name = "cuda-sm90";
  // H100 SXM: 132 SMs; dense TF32 tensor-core peak ~495 TFLOP/s, FP32 CUDA
  // cores ~67 TFLOP/s.
  t.units.push_back({"sm", 132, 4.95e14, 6.7e13});
  // Shared memory: up to 227 KiB per thread block, ~33 TB/s over all SMs.
  t.tiers.push_back({"smem", 227ull << 10, 3.3e13, 0.0});
  // HBM3: 80 GB at 3.35 TB/s.
  t.tiers.push_back({"hbm", 80ull << 30, 3.35e12, 0.0});
  return t;
}

static TargetDescription makeNpuSram(uint64_t sramBytes) {
  TargetDescription t;
  t.name = "npu-sram";
  // An illustrative edge accelerator: one engine, one on-chip scratchpad.
  t.units.push_back({"engine", 1, 4.0e12, 2.5e11});
  t.tiers.push_back({"sram", sramBytes, 1.0e12, 0.0});
  t.tiers.push_back({"dram", 4ull << 30, 2.5e10, 1.0e-7});
  return t;
}

ArrayRef<StringRef> mlir::strata::getBuiltinTargetNames() {
  static const StringRef names[] = {"host-cpu", "cuda-sm90", "npu-sram"};
  return names;
}

/// Parses `<n>`, `<n>KiB` or `<n>MiB` into bytes.
static std::optional<uint64_t> parseByteSize(StringRef text) {
  uint64_t scale = 1;
  if (text.consume_back("KiB"))
    scale = 1ull << 10;
  else if (text.consume_back("MiB"))
    scale = 1ull << 20;
  uint64_t value;
  if (text.getAsInteger(10, value) || value == 0 || value > UINT64_MAX / scale)
    return std::nullopt;
  return value * scale;
}

FailureOr<TargetDescription> mlir::strata::getBuiltinTarget(StringRef spec,
                                                            Location loc) {
  auto [name, settings] = spec.split(':');
  if (!llvm::is_contained(getBuiltinTargetNames(), name)) {
    InFlightDiagnostic diag = emitError(loc) << "unknown target '" << name
                                             << "'; built-in targets are";
    llvm::interleave(
        getBuiltinTargetNames(), [&](StringRef n) { diag << " '" << n << "'"; },
        [&] { diag << ","; });
    diag << "; or give a path to a JSON file";
    return failure();
  }
  uint64_t sramBytes = 1ull << 20;
  SmallVector<StringRef> items;
  if (!settings.empty())
    settings.split(items, ',');
  for (StringRef item : items) {
    auto [key, value] = item.split('=');
    if (name == "npu-sram" && key == "sram") {
      std::optional<uint64_t> bytes = parseByteSize(value);
      if (!bytes)
        return emitError(loc) << "invalid size '" << value
                              << "' for 'sram' of target 'npu-sram'; expected "
                                 "a positive number of bytes, KiB or MiB";
      sramBytes = *bytes;
      continue;
    }
    return emitError(loc) << "target '" << name << "' has no setting '" << key
                          << "'";
  }
  TargetDescription desc;
  if (name == "host-cpu")
    desc = makeHostCpu();
  else if (name == "cuda-sm90")
    desc = makeCudaSm90();
  else
    desc = makeNpuSram(sramBytes);
  if (!buildCheckedAttr(desc, loc))
    return failure();
  return desc;
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

namespace mlir::strata {
// Mappers for llvm::json::fromJSON; they record the failing path.
static bool fromJSON(const llvm::json::Value &value, ComputeUnit &unit,
                     llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  if (!o || !o.map("name", unit.name) ||
      !o.map("matrix_flops", unit.matrixFlops) ||
      !o.map("vector_flops", unit.vectorFlops))
    return false;
  std::optional<int64_t> count;
  if (!o.mapOptional("count", count))
    return false;
  if (count && *count < 1) {
    path.field("count").report("expected a positive integer");
    return false;
  }
  unit.count = count.value_or(1);
  return true;
}

static bool fromJSON(const llvm::json::Value &value, MemoryTier &tier,
                     llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  int64_t capacity = 0;
  if (!o || !o.map("name", tier.name) || !o.map("capacity", capacity) ||
      !o.map("bandwidth", tier.bandwidth) ||
      !o.mapOptional("latency", tier.latency))
    return false;
  if (capacity <= 0) {
    path.field("capacity").report("expected a positive number of bytes");
    return false;
  }
  tier.capacity = static_cast<uint64_t>(capacity);
  return true;
}

static bool fromJSON(const llvm::json::Value &value, TargetDescription &desc,
                     llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  std::vector<ComputeUnit> units;
  std::vector<MemoryTier> tiers;
  if (!o || !o.map("name", desc.name) || !o.map("units", units) ||
      !o.map("tiers", tiers))
    return false;
  desc.units.assign(units.begin(), units.end());
  desc.tiers.assign(tiers.begin(), tiers.end());
  return true;
}
} // namespace mlir::strata

FailureOr<TargetDescription>
mlir::strata::parseTargetJSON(StringRef json, StringRef bufferName,
                              MLIRContext *context) {
  Location loc = FileLineColLoc::get(context, bufferName, 0, 0);
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(json);
  if (!value)
    return emitError(loc) << "invalid JSON in target description: "
                          << llvm::toString(value.takeError());
  TargetDescription desc;
  llvm::json::Path::Root root("target");
  if (!fromJSON(*value, desc, root)) {
    std::string message;
    llvm::raw_string_ostream os(message);
    os << llvm::toString(root.getError());
    return emitError(loc) << "invalid target description: " << message;
  }
  if (!buildCheckedAttr(desc, loc))
    return failure();
  return desc;
}

FailureOr<TargetDescription>
mlir::strata::loadTargetFile(StringRef path, MLIRContext *context) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return emitError(UnknownLoc::get(context))
           << "cannot read target description '" << path
           << "': " << buffer.getError().message();
  return parseTargetJSON((*buffer)->getBuffer(), path, context);
}

FailureOr<TargetDescription> mlir::strata::resolveTarget(StringRef spec,
                                                         Operation *scope) {
  MLIRContext *ctx = scope->getContext();
  if (spec.ends_with(".json") || spec.contains('/')) {
    FailureOr<TargetDescription> desc = loadTargetFile(spec, ctx);
    if (failed(desc))
      scope->emitError() << "cannot load target '" << spec << "'";
    return desc;
  }
  if (!spec.empty())
    return getBuiltinTarget(spec, scope->getLoc());
  Operation *module = isa<ModuleOp>(scope)
                          ? scope
                          : scope->getParentOfType<ModuleOp>().getOperation();
  if (module)
    if (auto attr = module->getAttrOfType<TargetAttr>(
            StrataDialect::getTargetAttrName()))
      return TargetDescription::fromAttr(attr);
  return getBuiltinTarget("host-cpu", scope->getLoc());
}
