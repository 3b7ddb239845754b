//===- Corpus.h - Seeded random kernels for strata-cost collect -*- C++ -*-===//
//
// Computations with seeded random shapes (matmul and convolution with
// epilogues, elementwise chains, reductions with producers, softmax, layer
// normalization), each written out as several partitions into strata.group
// kernels: fused, split into one kernel per op, and in between. Each
// partition is one module whose @main holds the groups; its kernels are
// measured alone, and the partition's time is their sum, so a cost model
// can be asked which partition of a computation is fastest.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TOOLS_STRATA_COST_CORPUS_H
#define STRATA_TOOLS_STRATA_COST_CORPUS_H

#include <cstdint>
#include <string>
#include <vector>

namespace strata_cost {

struct CorpusItem {
  /// Where the kernels come from: whole sources are held out together in
  /// evaluation ("random/B" for batch B of the random corpus).
  std::string source;
  /// The computation ("softmax-17") and the partition ("fused", "split").
  std::string set;
  std::string variant;
  /// A module whose @main runs the partition's groups in order.
  std::string mlir;
};

/// `count` random computations from `seed`, all their partitions;
/// computation i belongs to batch i / batchSize.
std::vector<CorpusItem> generateCorpus(unsigned count, uint64_t seed,
                                       unsigned batchSize = 8);

} // namespace strata_cost

#endif // STRATA_TOOLS_STRATA_COST_CORPUS_H
