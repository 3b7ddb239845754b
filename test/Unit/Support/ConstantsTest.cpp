//===- ConstantsTest.cpp - Compile-time transposes and slices of constants ===//

#include "strata/Support/Constants.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

namespace {
DenseElementsAttr floats(MLIRContext &context, ArrayRef<int64_t> shape,
                         ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, Float32Type::get(&context));
  return DenseElementsAttr::get(type, values);
}

std::vector<float> values(DenseElementsAttr attr) {
  auto range = attr.getValues<float>();
  return std::vector<float>(range.begin(), range.end());
}

TEST(TransposeConstant, PermutesElements) {
  MLIRContext context;
  // 2x3 -> 3x2.
  auto value = floats(context, {2, 3}, {1, 2, 3, 4, 5, 6});
  FailureOr<DenseElementsAttr> result = transposeConstant(value, {1, 0});
  ASSERT_TRUE(succeeded(result));
  EXPECT_EQ(cast<ShapedType>(result->getType()).getShape(),
            ArrayRef<int64_t>({3, 2}));
  EXPECT_EQ(values(*result), std::vector<float>({1, 4, 2, 5, 3, 6}));
}

TEST(TransposeConstant, ViewedAsAnotherShape) {
  MLIRContext context;
  // A Gemm's 4x6 weights W[n, k] = 10 * n + k, read as 4x3x2 (k = 2 a + b)
  // and transposed to b x a x n, returned as 1x6x4: element (0, 3 b + a, n)
  // = W[n, 2 a + b].
  std::vector<float> data;
  for (int n = 0; n < 4; ++n)
    for (int k = 0; k < 6; ++k)
      data.push_back(float(10 * n + k));
  auto value = floats(context, {4, 6}, data);
  auto resultType =
      RankedTensorType::get({1, 6, 4}, Float32Type::get(&context));
  FailureOr<DenseElementsAttr> result =
      transposeConstant(value, {4, 3, 2}, {2, 1, 0}, resultType);
  ASSERT_TRUE(succeeded(result));
  EXPECT_EQ(result->getType(), resultType);
  std::vector<float> expected;
  for (int b = 0; b < 2; ++b)
    for (int a = 0; a < 3; ++a)
      for (int n = 0; n < 4; ++n)
        expected.push_back(float(10 * n + 2 * a + b));
  EXPECT_EQ(values(*result), expected);
  // The view and the result must hold as many elements as the constant,
  // and the permutation must be one.
  EXPECT_TRUE(
      failed(transposeConstant(value, {4, 3, 3}, {2, 1, 0}, resultType)));
  EXPECT_TRUE(failed(transposeConstant(
      value, {4, 3, 2}, {2, 1, 0},
      RankedTensorType::get({5, 4}, Float32Type::get(&context)))));
  EXPECT_TRUE(
      failed(transposeConstant(value, {4, 3, 2}, {2, 2, 0}, resultType)));
}

TEST(TransposeConstant, OIHWToHWIO) {
  MLIRContext context;
  // O=2, I=1, H=1, W=2: element (o, 0, 0, w) = 10 * o + w.
  auto value = floats(context, {2, 1, 1, 2}, {0, 1, 10, 11});
  FailureOr<DenseElementsAttr> result = transposeConstant(value, {2, 3, 1, 0});
  ASSERT_TRUE(succeeded(result));
  EXPECT_EQ(cast<ShapedType>(result->getType()).getShape(),
            ArrayRef<int64_t>({1, 2, 1, 2}));
  // (h, w, i, o) = 10 * o + w.
  EXPECT_EQ(values(*result), std::vector<float>({0, 10, 1, 11}));
}

TEST(TransposeConstant, KeptTrailingDimensionsMoveAsRuns) {
  MLIRContext context;
  // [2, 3, 4, 5] with the last dimension kept in place (copied in runs of
  // 5), against the element-by-element definition.
  std::vector<float> data(2 * 3 * 4 * 5);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = float(i);
  auto value = floats(context, {2, 3, 4, 5}, data);
  std::vector<std::vector<int64_t>> permutations = {{2, 0, 1, 3}, {1, 0, 2, 3}};
  for (const std::vector<int64_t> &perms : permutations) {
    FailureOr<DenseElementsAttr> result = transposeConstant(value, perms);
    ASSERT_TRUE(succeeded(result));
    int64_t shape[] = {2, 3, 4, 5};
    int64_t strides[] = {60, 20, 5, 1};
    std::vector<float> expected;
    int64_t sizes[4];
    for (int i = 0; i < 4; ++i)
      sizes[i] = shape[perms[i]];
    for (int64_t a = 0; a < sizes[0]; ++a)
      for (int64_t b = 0; b < sizes[1]; ++b)
        for (int64_t c = 0; c < sizes[2]; ++c)
          for (int64_t d = 0; d < sizes[3]; ++d)
            expected.push_back(
                data[a * strides[perms[0]] + b * strides[perms[1]] +
                     c * strides[perms[2]] + d * strides[perms[3]]]);
    EXPECT_EQ(values(*result), expected);
  }
}

TEST(TransposeConstant, UnitDimensionsOnlyReshape) {
  MLIRContext context;
  // 1xCx1x1 -> 1x1x1xC keeps the data order.
  auto value = floats(context, {1, 3, 1, 1}, {1, 2, 3});
  FailureOr<DenseElementsAttr> result =
      transposeConstant(value, {0, 2, 3, 1}, /*maxElements=*/1);
  ASSERT_TRUE(succeeded(result));
  EXPECT_EQ(values(*result), std::vector<float>({1, 2, 3}));
}

TEST(TransposeConstant, SplatStaysSplat) {
  MLIRContext context;
  auto type = RankedTensorType::get({4, 5}, Float32Type::get(&context));
  auto value = DenseElementsAttr::get(type, 0.5f);
  FailureOr<DenseElementsAttr> result =
      transposeConstant(value, {1, 0}, /*maxElements=*/1);
  ASSERT_TRUE(succeeded(result));
  EXPECT_TRUE(result->isSplat());
  EXPECT_EQ(cast<ShapedType>(result->getType()).getShape(),
            ArrayRef<int64_t>({5, 4}));
}

TEST(TransposeConstant, RefusesWhatItWouldNotCopy) {
  MLIRContext context;
  auto value = floats(context, {2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_TRUE(failed(transposeConstant(value, {1, 0}, /*maxElements=*/5)));
  EXPECT_TRUE(failed(transposeConstant(value, {0, 1, 2})));
  auto bools = DenseElementsAttr::get(
      RankedTensorType::get({2, 2}, IntegerType::get(&context, 1)),
      ArrayRef<bool>({true, false, false, true}));
  EXPECT_TRUE(failed(transposeConstant(bools, {1, 0})));
}
TEST(SliceConstant, CopiesTheBox) {
  MLIRContext context;
  // 2x3x4, element (i, j, k) = 100 i + 10 j + k; the box from (1, 1, 2)
  // of extents 1x2x2.
  std::vector<float> data;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k)
        data.push_back(100 * i + 10 * j + k);
  auto value = floats(context, {2, 3, 4}, data);
  FailureOr<DenseElementsAttr> result =
      sliceConstant(value, {1, 1, 2}, {1, 2, 2});
  ASSERT_TRUE(succeeded(result));
  EXPECT_EQ(cast<ShapedType>(result->getType()).getShape(),
            ArrayRef<int64_t>({1, 2, 2}));
  EXPECT_EQ(values(*result), std::vector<float>({112, 113, 122, 123}));
}

TEST(SliceConstant, SplatStaysSplatAndBoundsAreChecked) {
  MLIRContext context;
  auto type = RankedTensorType::get({4, 5}, Float32Type::get(&context));
  auto splat = DenseElementsAttr::get(type, 0.5f);
  FailureOr<DenseElementsAttr> result =
      sliceConstant(splat, {1, 0}, {2, 5}, /*maxElements=*/1);
  ASSERT_TRUE(succeeded(result));
  EXPECT_TRUE(result->isSplat());
  auto value = floats(context, {2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_TRUE(failed(sliceConstant(value, {1, 2}, {1, 2})));    // outside
  EXPECT_TRUE(failed(sliceConstant(value, {0, 0}, {2, 3}, 5))); // too many
  EXPECT_TRUE(failed(sliceConstant(value, {0}, {2})));          // rank
  EXPECT_TRUE(succeeded(sliceConstant(value, {0, 0}, {2, 3}, 6)));
}
} // namespace
