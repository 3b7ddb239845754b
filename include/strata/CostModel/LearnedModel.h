//===- LearnedModel.h - The learned (XGBoost) cost model --------*- C++ -*-===//
//
// A cost model whose estimate of a kernel's time is predicted by
// gradient-boosted trees from the kernel's features (Features.h), trained on
// times measured on a machine (`strata-cost collect` / `train`). The model
// file is XGBoost's JSON model; its attributes carry Strata's metadata:
//
//   strata.feature_version  features the model was trained on (must match)
//   strata.label            what the trees predict
//                           ("log_seconds_over_reference")
//   strata.machine          the fingerprint of the machine that measured
//   strata.dataset_hash     the content hash of the training dataset
//   strata.rows             training rows
//
// A model trained with another feature version is refused; one trained on
// another machine is used with a warning.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_COSTMODEL_LEARNEDMODEL_H
#define STRATA_COSTMODEL_LEARNEDMODEL_H

#include "strata/CostModel/BoostedTrees.h"
#include "strata/CostModel/CostModel.h"
#include "strata/CostModel/Features.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace mlir::strata {

/// Attribute keys of a learned model file.
namespace learned_attr {
inline constexpr const char *kFeatureVersion = "strata.feature_version";
inline constexpr const char *kLabel = "strata.label";
inline constexpr const char *kMachine = "strata.machine";
inline constexpr const char *kDatasetHash = "strata.dataset_hash";
inline constexpr const char *kRows = "strata.rows";
} // namespace learned_attr

/// What the trees predict: the natural log of a kernel's seconds divided
/// by getLearnedReferenceSeconds of its features. Learning the ratio to a
/// reference that grows with the work, rather than the time itself, lets
/// the trees extrapolate to kernels larger than any measured (a tree's
/// leaves are constants: a plain time would flatten out).
inline constexpr const char *kLearnedLabel = "log_seconds_over_reference";

/// The reference time of a kernel with features `f`: a fixed, target-
/// independent sum of its matrix FLOPs at 100 GFLOP/s, other FLOPs at
/// 10 GFLOP/s, boundary bytes at 20 GB/s and 1 us of launch overhead.
double getLearnedReferenceSeconds(const FeatureVector &f);

/// This machine, as a learned model records it: "cpu=NAME; cores=N;
/// isa=FLAGS" (LLVM's host CPU name, logical cores, the vector ISA flags
/// that change code generation).
std::string getMachineFingerprint();

/// How the machine a model was trained on (`trained`, a fingerprint) differs
/// from `here` in what changes kernel times: the vector ISA flags or the
/// number of cores ("isa differs: ...", "cores 2 vs 16"), or an empty string
/// if it does not. The CPU name alone (znver4 vs znver5 with one ISA) does
/// not count: a warning a user cannot act on is noise. A fingerprint without
/// these fields (hand-made or synthetic models) always differs.
std::string describeMachineDifference(StringRef trained, StringRef here);

/// A loaded, validated model, shared by every pass that uses the same file.
/// Predictions are serialized by a lock (XGBoost boosters are not
/// documented as safe to share across threads).
class LearnedModelFile {
public:
  LearnedModelFile(BoostedTrees trees, std::string path, std::string machine)
      : trees(std::move(trees)), path(std::move(path)),
        machine(std::move(machine)) {}

  /// Predicted seconds of each row of features.
  llvm::Error predictSeconds(ArrayRef<FeatureVector> rows,
                             SmallVectorImpl<double> &seconds) const;

  StringRef getPath() const { return path; }
  /// The fingerprint of the machine the training data was measured on.
  StringRef getMachine() const { return machine; }
  const BoostedTrees &getTrees() const { return trees; }

  /// True the first time it is called: the machine warning is given once
  /// per model and process, not once per pass and function.
  bool claimMachineWarning() const { return !warned.exchange(true); }

private:
  BoostedTrees trees;
  std::string path;
  std::string machine;
  mutable std::mutex mutex;
  mutable std::atomic<bool> warned{false};
};

/// Loads and validates the model at `path` (feature version, label, number
/// of features). Files are cached by path for the life of the process.
llvm::Expected<std::shared_ptr<const LearnedModelFile>>
loadLearnedModel(StringRef path);

/// The checked-in model for this machine type (see docs/costmodel.md):
/// $STRATA_COST_MODEL if set, else the file the build recorded.
std::string getDefaultLearnedModelPath();

/// The learned cost model over `model`. Also fills flops and bytes from the
/// same analysis as the roofline model.
std::unique_ptr<CostModel>
createLearnedCostModel(TargetDescription target,
                       std::shared_ptr<const LearnedModelFile> model);

} // namespace mlir::strata

#endif // STRATA_COSTMODEL_LEARNEDMODEL_H
