//===- SparseMILP.h - A MILP assembled row by row for CBC -------*- C++ -*-===//
//
// Private to lib/Analysis: the exact solvers that use CBC (rematerialization,
// tier mapping) build their models with this and load them in one call.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_ANALYSIS_SPARSEMILP_H
#define STRATA_LIB_ANALYSIS_SPARSEMILP_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLExtras.h"

#include <coin/Cbc_C_Interface.h>

#include <mutex>
#include <utility>
#include <vector>

namespace mlir::strata::detail {

/// CBC's solve (through the C interface, CbcMain) keeps state in globals:
/// two solves at once (the pass manager runs function passes in parallel)
/// corrupt each other. Every CBC model is built, solved and freed under
/// this lock.
inline std::mutex &getCbcMutex() {
  static std::mutex mutex;
  return mutex;
}

/// A sparse model assembled row by row, loaded into CBC in one call.
struct SparseModel {
  std::vector<double> lower, upper, objective;
  std::vector<char> integer;
  struct Row {
    std::vector<std::pair<int, double>> terms;
    double lower, upper;
  };
  std::vector<Row> rows;

  int column(double lb, double ub, double obj, bool isInteger) {
    lower.push_back(lb);
    upper.push_back(ub);
    objective.push_back(obj);
    integer.push_back(isInteger);
    return lower.size() - 1;
  }
  void row(std::vector<std::pair<int, double>> terms, double lb, double ub) {
    rows.push_back({std::move(terms), lb, ub});
  }
  int64_t numIntegers() const { return llvm::count(integer, 1); }

  void load(Cbc_Model *model) const {
    int numCols = lower.size();
    std::vector<std::vector<std::pair<int, double>>> columns(numCols);
    for (auto [r, row] : llvm::enumerate(rows))
      for (auto [col, coef] : row.terms)
        columns[col].push_back({(int)r, coef});
    std::vector<CoinBigIndex> start{0};
    std::vector<int> index;
    std::vector<double> value;
    for (auto &col : columns) {
      for (auto [r, coef] : col) {
        index.push_back(r);
        value.push_back(coef);
      }
      start.push_back(index.size());
    }
    std::vector<double> rowLower, rowUpper;
    for (const Row &row : rows) {
      rowLower.push_back(row.lower);
      rowUpper.push_back(row.upper);
    }
    Cbc_loadProblem(model, numCols, rows.size(), start.data(), index.data(),
                    value.data(), lower.data(), upper.data(), objective.data(),
                    rowLower.data(), rowUpper.data());
    for (int c = 0; c < numCols; ++c)
      if (integer[c])
        Cbc_setInteger(model, c);
  }
};

} // namespace mlir::strata::detail

#endif // STRATA_LIB_ANALYSIS_SPARSEMILP_H
