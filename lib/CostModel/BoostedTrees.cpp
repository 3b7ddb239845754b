//===- BoostedTrees.cpp - Gradient-boosted trees through XGBoost ----------===//

#include "strata/CostModel/BoostedTrees.h"
#include "strata/Support/OutputFiles.h"

#include "llvm/Support/FileOutputBuffer.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>

using namespace mlir;
using namespace mlir::strata;

/// The error of the last XGBoost call, prefixed with `what`.
static llvm::Error xgbError(const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 what + ": " + XGBGetLastError());
}

namespace {
/// Frees a DMatrix when it goes out of scope.
struct MatrixOwner {
  DMatrixHandle handle = nullptr;
  ~MatrixOwner() {
    if (handle)
      XGDMatrixFree(handle);
  }
};
} // namespace

/// XGBoost builds a proxy DMatrix for every in-place prediction it is not
/// given one for, and each build reads the cgroup CPU quota files (open,
/// read, close): about 15 us of a single-row query. One proxy per model,
/// reused under a lock (a proxy holds the data of one call at a time),
/// leaves the tree walk as the main cost.
struct BoostedTrees::Predictor {
  std::mutex mutex;
  DMatrixHandle proxy = nullptr;
  ~Predictor() {
    if (proxy)
      XGDMatrixFree(proxy);
  }
};

BoostedTrees::BoostedTrees(void *handle)
    : handle(handle), predictor(std::make_unique<Predictor>()) {}

BoostedTrees::BoostedTrees(BoostedTrees &&other)
    : handle(other.handle), predictor(std::move(other.predictor)) {
  other.handle = nullptr;
}

BoostedTrees &BoostedTrees::operator=(BoostedTrees &&other) {
  std::swap(handle, other.handle);
  std::swap(predictor, other.predictor);
  return *this;
}

BoostedTrees::~BoostedTrees() {
  if (handle)
    XGBoosterFree(handle);
}

llvm::Expected<BoostedTrees>
BoostedTrees::train(ArrayRef<float> features, size_t numRows, size_t numCols,
                    ArrayRef<float> labels,
                    const BoostedTreesOptions &options) {
  if (numRows == 0 || numCols == 0 || features.size() != numRows * numCols ||
      labels.size() != numRows)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "training needs one label per row and numRows * numCols features (" +
            llvm::Twine(numRows) + " rows, " + llvm::Twine(numCols) +
            " columns, " + llvm::Twine(features.size()) + " features, " +
            llvm::Twine(labels.size()) + " labels)");
  MatrixOwner matrix;
  if (XGDMatrixCreateFromMat(features.data(), numRows, numCols, NAN,
                             &matrix.handle))
    return xgbError("cannot build the training matrix");
  if (XGDMatrixSetFloatInfo(matrix.handle, "label", labels.data(), numRows))
    return xgbError("cannot set the labels");
  BoosterHandle booster;
  if (XGBoosterCreate(&matrix.handle, 1, &booster))
    return xgbError("cannot create a booster");
  BoostedTrees model(booster);
  auto fmt = [](double v) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%.17g", v);
    return std::string(buffer);
  };
  // One thread and the exact tree method: the same data and options give
  // the same trees.
  std::pair<std::string, std::string> params[] = {
      {"objective", "reg:squarederror"},
      {"tree_method", "exact"},
      {"nthread", "1"},
      {"seed", std::to_string(options.seed)},
      {"max_depth", std::to_string(options.maxDepth)},
      {"eta", fmt(options.eta)},
      {"subsample", fmt(options.subsample)},
      {"colsample_bytree", fmt(options.colsampleByTree)},
      {"min_child_weight", fmt(options.minChildWeight)},
      {"lambda", fmt(options.lambda)},
      {"verbosity", "0"},
  };
  for (auto &[key, value] : params)
    if (XGBoosterSetParam(booster, key.c_str(), value.c_str()))
      return xgbError("cannot set parameter '" + key + "'");
  for (int round = 0; round < options.rounds; ++round)
    if (XGBoosterUpdateOneIter(booster, round, matrix.handle))
      return xgbError("training round " + llvm::Twine(round) + " failed");
  return std::move(model);
}

llvm::Expected<BoostedTrees> BoostedTrees::load(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "cannot read model '" + path +
                                       "': " + buffer.getError().message());
  BoosterHandle booster;
  if (XGBoosterCreate(nullptr, 0, &booster))
    return xgbError("cannot create a booster");
  BoostedTrees model(booster);
  StringRef text = (*buffer)->getBuffer();
  // XGBoost reads JSON models by their first character; anything else
  // would be taken for its old binary format.
  if (!text.ltrim().starts_with("{"))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + path +
                                       "' is not an XGBoost JSON model");
  if (XGBoosterLoadModelFromBuffer(booster, text.data(), text.size()))
    return xgbError("cannot load model '" + path + "'");
  // Predictions run on the calling thread.
  if (XGBoosterSetParam(booster, "nthread", "1"))
    return xgbError("cannot configure model '" + path + "'");
  return std::move(model);
}

llvm::Error BoostedTrees::save(StringRef path) const {
  bst_ulong length;
  const char *data;
  if (XGBoosterSaveModelToBuffer(handle, R"({"format": "json"})", &length,
                                 &data))
    return xgbError("cannot serialize the model");
  // Atomic, mode-keeping, special files written through (OutputFiles.h).
  return writeOutputFiles({{path.str(), std::string(data, length)}});
}

size_t BoostedTrees::getNumFeatures() const {
  bst_ulong n = 0;
  if (XGBoosterGetNumFeature(handle, &n))
    return 0;
  return n;
}

llvm::Error BoostedTrees::predict(ArrayRef<float> features, size_t numRows,
                                  SmallVectorImpl<float> &out) const {
  size_t numCols = getNumFeatures();
  if (features.size() != numRows * numCols)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "the model takes " + llvm::Twine(numCols) + " features per row, got " +
            llvm::Twine(features.size()) + " values for " +
            llvm::Twine(numRows) + " rows");
  out.clear();
  if (numRows == 0)
    return llvm::Error::success();
  // In-place prediction from a dense array (no DMatrix): XGBoost's array
  // interface names the buffer by address.
  std::string array;
  llvm::raw_string_ostream os(array);
  os << R"({"data": [)" << reinterpret_cast<uintptr_t>(features.data())
     << R"(, true], "shape": [)" << numRows << ", " << numCols
     << R"(], "typestr": "<f4", "version": 3})";
  static const char *config =
      R"({"type": 0, "training": false, "iteration_begin": 0, )"
      R"("iteration_end": 0, "strict_shape": false, "missing": NaN, )"
      R"("cache_id": 0})";
  const bst_ulong *shape;
  bst_ulong dims;
  const float *result;
  // The booster owns `result` until its next prediction: copy it out under
  // the lock.
  std::lock_guard<std::mutex> lock(predictor->mutex);
  if (!predictor->proxy && XGProxyDMatrixCreate(&predictor->proxy))
    return xgbError("cannot create the prediction matrix");
  if (XGBoosterPredictFromDense(handle, array.c_str(), config, predictor->proxy,
                                &shape, &dims, &result))
    return xgbError("prediction failed");
  out.assign(result, result + numRows);
  return llvm::Error::success();
}

void BoostedTrees::setAttribute(StringRef key, StringRef value) {
  XGBoosterSetAttr(handle, key.str().c_str(), value.str().c_str());
}

std::optional<std::string> BoostedTrees::getAttribute(StringRef key) const {
  const char *value;
  int found = 0;
  if (XGBoosterGetAttr(handle, key.str().c_str(), &value, &found) || !found)
    return std::nullopt;
  return std::string(value);
}
