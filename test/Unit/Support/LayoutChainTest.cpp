//===- LayoutChainTest.cpp - Reshape/transpose chains as one movement -----===//

#include "strata/Support/LayoutChain.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

using namespace mlir;
using namespace mlir::strata;

namespace {
/// Row-major strides of `shape`.
std::vector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// `data` of `shape`, transposed by `perms` (row-major, element by
/// element); `shape` becomes the result's.
std::vector<int> transposed(const std::vector<int> &data,
                            std::vector<int64_t> &shape,
                            ArrayRef<int32_t> perms) {
  std::vector<int64_t> strides = stridesOf(shape), newShape;
  for (int32_t p : perms)
    newShape.push_back(shape[p]);
  std::vector<int> result(data.size());
  std::vector<int64_t> index(shape.size(), 0);
  for (size_t flat = 0; flat < data.size(); ++flat) {
    int64_t offset = 0;
    for (size_t i = 0; i < perms.size(); ++i)
      offset += index[i] * strides[perms[i]];
    result[flat] = data[offset];
    for (int i = static_cast<int>(index.size()) - 1; i >= 0; --i) {
      if (++index[i] < newShape[i])
        break;
      index[i] = 0;
    }
  }
  shape = newShape;
  return result;
}

/// The movement LayoutChain describes, applied to `data` of `shape`.
std::vector<int> applyMovement(const LayoutChain &chain,
                               const std::vector<int> &data) {
  SmallVector<int64_t> atomShape;
  SmallVector<int32_t> perms;
  chain.getMovement(atomShape, perms);
  std::vector<int64_t> shape(atomShape.begin(), atomShape.end());
  return transposed(data, shape, perms);
}

TEST(LayoutChain, ChannelShuffleIsOneTransposeOfGroups) {
  // NHWC 1x2x2x6 -> NCHW, channels split 2 x 3, groups swapped, merged,
  // back to NHWC.
  LayoutChain chain({1, 2, 2, 6});
  chain.transpose({0, 3, 1, 2});
  ASSERT_TRUE(chain.reshape({1, 2, 3, 2, 2}));
  chain.transpose({0, 2, 1, 3, 4});
  ASSERT_TRUE(chain.reshape({1, 6, 2, 2}));
  chain.transpose({0, 2, 3, 1});
  SmallVector<int64_t> atomShape;
  SmallVector<int32_t> perms;
  chain.getMovement(atomShape, perms);
  EXPECT_EQ(atomShape, SmallVector<int64_t>({4, 2, 3}));
  EXPECT_EQ(perms, SmallVector<int32_t>({0, 2, 1}));
}

TEST(LayoutChain, InverseStepsMoveNothing) {
  LayoutChain chain({1, 2, 3, 4});
  chain.transpose({0, 3, 1, 2});
  ASSERT_TRUE(chain.reshape({1, 4, 6}));
  ASSERT_TRUE(chain.reshape({1, 4, 2, 3}));
  chain.transpose({0, 2, 3, 1});
  SmallVector<int64_t> atomShape;
  SmallVector<int32_t> perms;
  chain.getMovement(atomShape, perms);
  EXPECT_EQ(perms, SmallVector<int32_t>({0}));
}

TEST(LayoutChain, MixingReshapeIsRefused) {
  // 2x3 transposed to 3x2, then read as 2x3: the first new row takes one
  // and a half rows of the transposed data.
  LayoutChain chain({2, 3});
  chain.transpose({1, 0});
  EXPECT_FALSE(chain.reshape({2, 3}));
  EXPECT_FALSE(chain.reshape({4, 2}));
}

TEST(LayoutChain, RandomChainsMatchStepByStep) {
  // Random transposes and reshapes of small tensors: whenever the chain
  // accepts every step, its single movement puts every element where the
  // steps, applied one by one, put it.
  std::mt19937 rng(7);
  const std::vector<std::vector<int64_t>> starts = {
      {2, 3, 4}, {1, 6, 4}, {4, 6}, {2, 2, 3, 2}, {3, 1, 4, 2}, {12, 2}};
  auto randomShape = [&](int64_t elements) {
    // Split `elements` into random factors (unit dimensions included).
    std::vector<int64_t> shape;
    int64_t left = elements;
    while (left > 1) {
      std::vector<int64_t> divisors;
      for (int64_t d = 2; d <= left; ++d)
        if (left % d == 0)
          divisors.push_back(d);
      int64_t d = divisors[rng() % divisors.size()];
      shape.push_back(d);
      left /= d;
      if (rng() % 4 == 0)
        shape.push_back(1);
    }
    if (shape.empty())
      shape.push_back(1);
    return shape;
  };
  int accepted = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<int64_t> shape = starts[trial % starts.size()];
    int64_t elements = std::accumulate(shape.begin(), shape.end(), int64_t(1),
                                       std::multiplies<int64_t>());
    std::vector<int> input(elements);
    std::iota(input.begin(), input.end(), 0);
    std::vector<int> data = input;
    LayoutChain chain(shape);
    bool ok = true;
    for (int step = 0; step < 5 && ok; ++step) {
      if (rng() % 2) {
        std::vector<int32_t> perms(shape.size());
        std::iota(perms.begin(), perms.end(), 0);
        std::shuffle(perms.begin(), perms.end(), rng);
        chain.transpose(perms);
        data = transposed(data, shape, perms);
      } else {
        std::vector<int64_t> next = randomShape(elements);
        ok = chain.reshape(next);
        shape = next; // Data order is unchanged by a reshape.
      }
    }
    if (!ok)
      continue;
    ++accepted;
    ASSERT_EQ(applyMovement(chain, input), data) << "trial " << trial;
  }
  // Most random chains regroup data some way atoms cannot describe; enough
  // of them must still be checked.
  EXPECT_GT(accepted, 200);
}
} // namespace
