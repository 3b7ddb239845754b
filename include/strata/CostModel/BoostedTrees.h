//===- BoostedTrees.h - Gradient-boosted trees through XGBoost --*- C++ -*-===//
//
// A thin owner of an XGBoost booster (its C API, Debian's libxgboost-dev):
// train on a dense matrix, predict in batches, save and load with string
// attributes (the model's metadata travels inside the model file). XGBoost
// is the real thing here, not an imitation: trees are grown, stored and
// evaluated by it.
//
// Training is single-threaded and seeded, so the same data and options
// give the same model file.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_COSTMODEL_BOOSTEDTREES_H
#define STRATA_COSTMODEL_BOOSTEDTREES_H

#include "mlir/Support/LLVM.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>

namespace mlir::strata {

struct BoostedTreesOptions {
  /// Boosting rounds (trees).
  int rounds = 300;
  int maxDepth = 6;
  /// Learning rate.
  double eta = 0.1;
  /// Fraction of rows and of features each tree sees.
  double subsample = 0.8;
  double colsampleByTree = 0.8;
  double minChildWeight = 1;
  /// L2 regularization of leaf weights.
  double lambda = 1;
  unsigned seed = 1;
};

class BoostedTrees {
public:
  BoostedTrees(BoostedTrees &&other);
  BoostedTrees &operator=(BoostedTrees &&other);
  BoostedTrees(const BoostedTrees &) = delete;
  BoostedTrees &operator=(const BoostedTrees &) = delete;
  ~BoostedTrees();

  /// Trains on `numRows` rows of `numCols` features (row-major) with squared
  /// error against `labels`.
  static llvm::Expected<BoostedTrees>
  train(ArrayRef<float> features, size_t numRows, size_t numCols,
        ArrayRef<float> labels, const BoostedTreesOptions &options = {});

  /// Loads a model that `save` wrote (XGBoost's JSON model format). Errors
  /// name `path`.
  static llvm::Expected<BoostedTrees> load(StringRef path);

  /// Writes the model (JSON, attributes included) to `path` atomically: a
  /// failed write leaves no partial file.
  llvm::Error save(StringRef path) const;

  /// Predicts `numRows` rows of getNumFeatures() features (row-major) into
  /// `out`.
  llvm::Error predict(ArrayRef<float> features, size_t numRows,
                      SmallVectorImpl<float> &out) const;

  size_t getNumFeatures() const;

  void setAttribute(StringRef key, StringRef value);
  std::optional<std::string> getAttribute(StringRef key) const;

private:
  explicit BoostedTrees(void *handle);
  /// XGBoost's BoosterHandle.
  void *handle = nullptr;
  /// What predict() reuses from call to call (see there).
  struct Predictor;
  std::unique_ptr<Predictor> predictor;
};

} // namespace mlir::strata

#endif // STRATA_COSTMODEL_BOOSTEDTREES_H
