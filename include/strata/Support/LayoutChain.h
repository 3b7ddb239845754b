//===- LayoutChain.h - Reshapes and transposes as one movement --*- C++ -*-===//
//
// A chain of reshapes and transposes of one tensor, as one data movement:
// reshape to "atoms", one transpose, reshape to the result. Used by
// strata-sink-transposes to fold such chains (ShuffleNet's channel shuffle).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_SUPPORT_LAYOUTCHAIN_H
#define STRATA_SUPPORT_LAYOUTCHAIN_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::strata {

/// The chain's input is split into atoms: runs of elements that stay
/// contiguous and in order through every step. Atoms are numbered; each
/// step's tensor is a list of dimensions, each a list of atoms (major
/// first; a unit dimension has none). Feed the steps in order, then read
/// the movement.
class LayoutChain {
public:
  /// A chain starting from a tensor of static `shape`.
  explicit LayoutChain(ArrayRef<int64_t> shape);

  /// Dimension i of the next tensor is dimension `perms[i]` of this one.
  void transpose(ArrayRef<int32_t> perms);

  /// The same elements in row-major order as `shape`. False if `shape`
  /// regroups them in a way no atoms describe (a new dimension straddling
  /// part of an atom that does not divide); the chain is then unchanged.
  bool reshape(ArrayRef<int64_t> shape);

  /// The chain so far as reshape(input -> `atomShape`), transpose by
  /// `perms`, reshape(-> the last tensor's shape), with atoms adjacent in
  /// both orders merged (an identity `perms` means no data moves).
  void getMovement(SmallVectorImpl<int64_t> &atomShape,
                   SmallVectorImpl<int32_t> &perms) const;

private:
  SmallVector<unsigned> getOrder() const;
  /// Splits `atom` into an outer atom of `outer` elements (keeping its
  /// number) and a new inner atom, everywhere it appears.
  unsigned split(unsigned atom, int64_t outer);

  SmallVector<int64_t> sizes;
  SmallVector<unsigned> input;
  SmallVector<SmallVector<unsigned>> dims;
};

} // namespace mlir::strata

#endif // STRATA_SUPPORT_LAYOUTCHAIN_H
