//===- Dataset.h - strata-cost's measured-kernel datasets -------*- C++ -*-===//
//
// A dataset is JSON lines. The first line is a header:
//   {"strata_cost_dataset": 1, "feature_version": V, "features": [names],
//    "machine": FINGERPRINT, "complete": BOOL, "rows": N,
//    "content_hash": HEX}
// then one row per kernel:
//   {"id", "source", "set", "variant", "features": [...], "seconds",
//    "p10", "p90", "runs"}
// `content_hash` is FNV-1a (64 bit) over the row lines; `complete` is false
// while a collection is still running (it can be resumed).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TOOLS_STRATA_COST_DATASET_H
#define STRATA_TOOLS_STRATA_COST_DATASET_H

#include "strata/CostModel/Features.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace strata_cost {

struct Row {
  std::string id, source, set, variant;
  mlir::strata::FeatureVector features{};
  double seconds = 0, p10 = 0, p90 = 0;
  unsigned runs = 0;
};

struct Dataset {
  std::string machine;
  bool complete = false;
  std::string contentHash;
  std::vector<Row> rows;
};

/// One row as its JSON line (no newline).
std::string printRow(const Row &row);

/// FNV-1a over the rows' lines, as 16 hex digits.
std::string hashRows(const std::vector<Row> &rows);

/// Reads a dataset; errors name the file and line. Refuses another feature
/// version.
llvm::Expected<Dataset> readDataset(llvm::StringRef path);

/// Writes `data` (header with hash and row count, then rows) atomically.
llvm::Error writeDataset(llvm::StringRef path, const Dataset &data);

} // namespace strata_cost

#endif // STRATA_TOOLS_STRATA_COST_DATASET_H
