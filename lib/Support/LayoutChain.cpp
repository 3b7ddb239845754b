//===- LayoutChain.cpp - Reshapes and transposes as one movement ----------===//

#include "strata/Support/LayoutChain.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::strata;

LayoutChain::LayoutChain(ArrayRef<int64_t> shape) {
  for (int64_t size : shape) {
    dims.emplace_back();
    if (size == 1)
      continue; // Unit dimensions do not move data.
    dims.back().push_back(sizes.size());
    input.push_back(sizes.size());
    sizes.push_back(size);
  }
}

void LayoutChain::transpose(ArrayRef<int32_t> perms) {
  SmallVector<SmallVector<unsigned>> permuted;
  for (int32_t p : perms)
    permuted.push_back(dims[p]);
  dims = std::move(permuted);
}

bool LayoutChain::reshape(ArrayRef<int64_t> shape) {
  // Splits are only applied once the whole shape is known to fit.
  LayoutChain next = *this;
  SmallVector<unsigned> order = next.getOrder();
  SmallVector<SmallVector<unsigned>> regrouped;
  size_t position = 0;
  for (int64_t size : shape) {
    regrouped.emplace_back();
    int64_t product = 1;
    while (product < size) {
      if (position == order.size())
        return false;
      unsigned atom = order[position];
      if (size % (product * next.sizes[atom]) == 0) {
        regrouped.back().push_back(atom);
        product *= next.sizes[atom];
        ++position;
        continue;
      }
      // Split the atom: its outer part ends this dimension.
      int64_t outer = size / product;
      if (size % product != 0 || next.sizes[atom] % outer != 0)
        return false;
      unsigned inner = next.split(atom, outer);
      order.insert(order.begin() + position + 1, inner);
      regrouped.back().push_back(atom);
      product *= outer;
      ++position;
    }
    if (product != size)
      return false;
  }
  if (position != order.size())
    return false;
  next.dims = std::move(regrouped);
  *this = std::move(next);
  return true;
}

void LayoutChain::getMovement(SmallVectorImpl<int64_t> &atomShape,
                              SmallVectorImpl<int32_t> &perms) const {
  SmallVector<unsigned> order = getOrder();
  llvm::DenseMap<unsigned, unsigned> inputPosition;
  for (auto [i, atom] : llvm::enumerate(input))
    inputPosition[atom] = i;
  // Runs of the result order that are consecutive in the input order:
  // (first input position, length).
  SmallVector<std::pair<unsigned, unsigned>> runs;
  for (unsigned atom : order) {
    unsigned position = inputPosition[atom];
    if (!runs.empty() && runs.back().first + runs.back().second == position)
      ++runs.back().second;
    else
      runs.push_back({position, 1});
  }
  SmallVector<std::pair<unsigned, unsigned>> byInput(runs);
  llvm::sort(byInput);
  llvm::DenseMap<unsigned, unsigned> runIndex;
  for (auto [i, run] : llvm::enumerate(byInput)) {
    runIndex[run.first] = i;
    int64_t size = 1;
    for (unsigned k = 0; k < run.second; ++k)
      size *= sizes[input[run.first + k]];
    atomShape.push_back(size);
  }
  for (auto run : runs)
    perms.push_back(runIndex[run.first]);
}

SmallVector<unsigned> LayoutChain::getOrder() const {
  SmallVector<unsigned> order;
  for (const SmallVector<unsigned> &dim : dims)
    order.append(dim.begin(), dim.end());
  return order;
}

unsigned LayoutChain::split(unsigned atom, int64_t outer) {
  unsigned inner = sizes.size();
  sizes.push_back(sizes[atom] / outer);
  sizes[atom] = outer;
  auto insertAfter = [&](SmallVectorImpl<unsigned> &list) {
    auto it = llvm::find(list, atom);
    if (it != list.end())
      list.insert(std::next(it), inner);
  };
  insertAfter(input);
  for (SmallVector<unsigned> &dim : dims)
    insertAfter(dim);
  return inner;
}
