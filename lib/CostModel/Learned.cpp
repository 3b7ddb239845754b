//===- Learned.cpp - The learned (XGBoost) cost model ---------------------===//

#include "strata/CostModel/LearnedModel.h"
#include "strata/Support/Paths.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/TargetParser/Host.h"

#include <cmath>
#include <thread>

using namespace mlir;
using namespace mlir::strata;

std::string mlir::strata::getMachineFingerprint() {
  std::string text = "cpu=" + llvm::sys::getHostCPUName().str() + "; cores=" +
                     std::to_string(std::thread::hardware_concurrency()) +
                     "; isa=";
  // The vector extensions that change the code LLVM emits for kernels.
  static const char *const flags[] = {
      "sse4.2",     "avx",      "avx2",     "fma",      "f16c",
      "avx512f",    "avx512bw", "avx512vl", "avx512dq", "avx512vnni",
      "avx512bf16", "amx-tile", "neon",     "sve",      "sve2"};
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  bool first = true;
  for (const char *flag : flags)
    if (features.lookup(flag)) {
      text += (first ? "" : ",") + std::string(flag);
      first = false;
    }
  return text;
}

/// The value of `key=` in a fingerprint "cpu=..; cores=..; isa=..".
static std::optional<StringRef> getFingerprintField(StringRef fingerprint,
                                                    StringRef key) {
  SmallVector<StringRef> fields;
  fingerprint.split(fields, ';');
  for (StringRef field : fields) {
    auto [name, value] = field.trim().split('=');
    if (name == key)
      return value.trim();
  }
  return std::nullopt;
}

std::string mlir::strata::describeMachineDifference(StringRef trained,
                                                    StringRef here) {
  std::string differences;
  auto add = [&](const std::string &text) {
    differences += (differences.empty() ? "" : ", ") + text;
  };
  for (StringRef key : {"isa", "cores"}) {
    std::optional<StringRef> a = getFingerprintField(trained, key);
    std::optional<StringRef> b = getFingerprintField(here, key);
    if (!a) {
      add(("no " + key + " recorded").str());
      continue;
    }
    if (b && *a != *b)
      add((key + " " + *a + " vs " + *b).str());
  }
  return differences;
}

llvm::Error
LearnedModelFile::predictSeconds(ArrayRef<FeatureVector> rows,
                                 SmallVectorImpl<double> &seconds) const {
  SmallVector<float> flat;
  flat.reserve(rows.size() * kNumFeatures);
  for (const FeatureVector &row : rows)
    flat.append(row.begin(), row.end());
  SmallVector<float> logs;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (llvm::Error err = trees.predict(flat, rows.size(), logs))
      return err;
  }
  seconds.clear();
  for (auto [row, log] : llvm::zip_equal(rows, logs))
    seconds.push_back(std::exp(double(log)) * getLearnedReferenceSeconds(row));
  return llvm::Error::success();
}

double mlir::strata::getLearnedReferenceSeconds(const FeatureVector &f) {
  double matrix = getFeature(f, Feature::MatrixFlops);
  double vector = std::max(0.0, double(getFeature(f, Feature::Flops)) - matrix);
  double bytes = double(getFeature(f, Feature::BytesRead)) +
                 getFeature(f, Feature::BytesWritten);
  return matrix / 1e11 + vector / 1e10 + bytes / 2e10 + 1e-6;
}

static llvm::Error modelError(StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cost model '" + path + "': " + message);
}

llvm::Expected<std::shared_ptr<const LearnedModelFile>>
mlir::strata::loadLearnedModel(StringRef path) {
  static std::mutex cacheMutex;
  // Never destroyed: XGBoost frees its per-thread prediction buffers in
  // thread-local destructors, which run at exit before static destructors,
  // and a booster freed after them reads freed memory (found by valgrind).
  static auto *cache =
      new llvm::StringMap<std::shared_ptr<const LearnedModelFile>>();
  std::lock_guard<std::mutex> lock(cacheMutex);
  if (auto it = cache->find(path); it != cache->end())
    return it->second;

  llvm::Expected<BoostedTrees> trees = BoostedTrees::load(path);
  if (!trees)
    return trees.takeError();
  std::optional<std::string> version =
      trees->getAttribute(learned_attr::kFeatureVersion);
  if (!version)
    return modelError(path, "not a Strata cost model (no '" +
                                llvm::Twine(learned_attr::kFeatureVersion) +
                                "' attribute)");
  if (*version != std::to_string(kFeatureVersion))
    return modelError(path, "trained on feature version " + *version +
                                " but this Strata extracts version " +
                                llvm::Twine(kFeatureVersion) +
                                "; retrain it with `strata-cost train`");
  std::optional<std::string> label = trees->getAttribute(learned_attr::kLabel);
  if (label != std::string(kLearnedLabel))
    return modelError(path, "predicts '" + label.value_or("?") +
                                "', expected '" + kLearnedLabel + "'");
  if (trees->getNumFeatures() != kNumFeatures)
    return modelError(path, "takes " + llvm::Twine(trees->getNumFeatures()) +
                                " features, expected " +
                                llvm::Twine(kNumFeatures));
  std::string machine =
      trees->getAttribute(learned_attr::kMachine).value_or("unknown");
  auto model = std::make_shared<const LearnedModelFile>(
      std::move(*trees), path.str(), std::move(machine));
  (*cache)[path] = model;
  return model;
}

std::string mlir::strata::getDefaultLearnedModelPath() {
  if (std::optional<std::string> env =
          llvm::sys::Process::GetEnv("STRATA_COST_MODEL"))
    return *env;
  return getDataFile("costmodel/default.json");
}

namespace {
class LearnedCostModel final : public CostModel {
public:
  LearnedCostModel(TargetDescription target,
                   std::shared_ptr<const LearnedModelFile> model)
      : CostModel(std::move(target)), model(std::move(model)) {}

  StringRef getName() const override { return "learned"; }

  FailureOr<CostEstimate> estimateOp(Operation *op) override {
    return estimateOne(op);
  }

  FailureOr<CostEstimate> estimateGroup(GroupOp group) override {
    return estimateOne(group);
  }

  void estimateBatch(ArrayRef<Operation *> ops,
                     SmallVectorImpl<FailureOr<CostEstimate>> &out) override {
    out.assign(ops.size(), failure());
    SmallVector<FeatureVector> rows;
    SmallVector<unsigned> where;
    for (auto [i, op] : llvm::enumerate(ops)) {
      FailureOr<FeatureVector> features = extractFeatures(op);
      if (failed(features))
        continue;
      rows.push_back(*features);
      where.push_back(i);
    }
    SmallVector<double> seconds;
    if (llvm::Error err = model->predictSeconds(rows, seconds)) {
      ops.front()->emitError() << "cost model '" << model->getPath()
                               << "': " << llvm::toString(std::move(err));
      return;
    }
    const MemoryTier &tier = target.getBackingTier();
    for (auto [i, index] : llvm::enumerate(where)) {
      // The work comes from the features (the same analysis as the
      // roofline model's); measured kernels ran with their operands in
      // memory, so the prediction is both the time and its compute term.
      const FeatureVector &f = rows[i];
      CostEstimate est;
      est.flops = getFeature(f, Feature::Flops);
      double matrix = getFeature(f, Feature::MatrixFlops);
      est.bytesRead = getFeature(f, Feature::BytesRead);
      est.bytesWritten = getFeature(f, Feature::BytesWritten);
      est.computeBound =
          getRooflineSeconds(target, matrix, est.flops - matrix, 0) >
          est.bytesMoved() / tier.bandwidth;
      // Free ops (constants, views) run no kernel, as in the roofline model.
      if (getFeature(f, Feature::NumOps) > 0)
        est.seconds = est.computeSeconds = seconds[i];
      out[index] = est;
    }
  }

private:
  FailureOr<CostEstimate> estimateOne(Operation *op) {
    SmallVector<FailureOr<CostEstimate>, 1> out;
    estimateBatch({op}, out);
    return out.front();
  }

  std::shared_ptr<const LearnedModelFile> model;
};
} // namespace

std::unique_ptr<CostModel> mlir::strata::createLearnedCostModel(
    TargetDescription target, std::shared_ptr<const LearnedModelFile> model) {
  return std::make_unique<LearnedCostModel>(std::move(target),
                                            std::move(model));
}
