//===- HostTensorTest.cpp - .npy I/O and comparison tests -----------------===//

#include "strata/Runtime/HostTensor.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::strata;

/// The bytes numpy.save writes for np.arange(6, dtype=np.float32).reshape(2,3)
/// (header checked against NumPy 1.24).
static std::string numpyArange() {
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size());
  bytes += '\0';
  bytes += header;
  for (int i = 0; i < 6; ++i) {
    float f = i;
    bytes.append(reinterpret_cast<const char *>(&f), 4);
  }
  return bytes;
}

TEST(HostTensor, ParsesNumpyOutput) {
  auto t = HostTensor::parseNpy(numpyArange(), "x.npy");
  ASSERT_TRUE(static_cast<bool>(t)) << llvm::toString(t.takeError());
  EXPECT_EQ(t->getDType(), DType::F32);
  EXPECT_EQ(t->getShape(), (ArrayRef<int64_t>{2, 3}));
  EXPECT_EQ(t->getAsDouble(5), 5.0);
  EXPECT_EQ(t->describe(), "2x3xf32");
}

TEST(HostTensor, WritesWhatNumpyWrites) {
  auto t = HostTensor::parseNpy(numpyArange(), "x.npy");
  ASSERT_TRUE(static_cast<bool>(t));
  EXPECT_EQ(t->toNpy(), numpyArange());
}

TEST(HostTensor, RoundTripsEveryDTypeAndRank) {
  for (DType dtype : {DType::F16, DType::F32, DType::F64, DType::I1, DType::I8,
                      DType::I16, DType::I32, DType::I64, DType::U8}) {
    for (auto shape : {SmallVector<int64_t>{}, SmallVector<int64_t>{5},
                       SmallVector<int64_t>{2, 0, 3}}) {
      HostTensor t(dtype, shape);
      t.fillRandom(7);
      auto back = HostTensor::parseNpy(t.toNpy(), "t.npy");
      ASSERT_TRUE(static_cast<bool>(back)) << llvm::toString(back.takeError());
      EXPECT_EQ(back->getDType(), dtype);
      EXPECT_EQ(back->getShape(), t.getShape());
      // Empty tensors have no buffer (memcmp must not see null pointers).
      if (t.getByteSize() > 0)
        EXPECT_EQ(0,
                  std::memcmp(back->getData(), t.getData(), t.getByteSize()));
    }
  }
}

TEST(HostTensor, RandomFillIsSeededAndInRange) {
  HostTensor a(DType::F32, {1000}), b(DType::F32, {1000}),
      c(DType::F32, {1000});
  a.fillRandom(1);
  b.fillRandom(1);
  c.fillRandom(2);
  EXPECT_EQ(0, std::memcmp(a.getData(), b.getData(), a.getByteSize()));
  EXPECT_NE(0, std::memcmp(a.getData(), c.getData(), a.getByteSize()));
  for (int64_t i = 0; i < 1000; ++i) {
    EXPECT_GE(a.getAsDouble(i), -1.0);
    EXPECT_LT(a.getAsDouble(i), 1.0);
  }
}

static std::string errorOf(llvm::Expected<HostTensor> t) {
  if (t)
    return "";
  return llvm::toString(t.takeError());
}

TEST(HostTensor, RejectsBadFiles) {
  EXPECT_NE(
      errorOf(HostTensor::parseNpy("hello world", "a.npy")).find("bad magic"),
      std::string::npos);
  std::string truncated = numpyArange();
  truncated.resize(truncated.size() - 3);
  EXPECT_NE(
      errorOf(HostTensor::parseNpy(truncated, "b.npy")).find("truncated file"),
      std::string::npos);
  std::string fortran = numpyArange();
  fortran.replace(fortran.find("False"), 5, "True ");
  EXPECT_NE(errorOf(HostTensor::parseNpy(fortran, "c.npy")).find("Fortran"),
            std::string::npos);
  std::string bigEndian = numpyArange();
  bigEndian.replace(bigEndian.find("<f4"), 3, ">f4");
  EXPECT_NE(errorOf(HostTensor::parseNpy(bigEndian, "d.npy"))
                .find("unsupported dtype '>f4'"),
            std::string::npos);
  std::string complex = numpyArange();
  complex.replace(complex.find("<f4"), 3, "<c8");
  EXPECT_NE(
      errorOf(HostTensor::parseNpy(complex, "e.npy")).find("unsupported dtype"),
      std::string::npos);
  EXPECT_NE(errorOf(HostTensor::readNpy("/nonexistent/x.npy"))
                .find("cannot read '/nonexistent/x.npy'"),
            std::string::npos);
}

TEST(HostTensor, WriteIsAtomic) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("strata-npy", dir));
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, "out.npy");
  HostTensor t(DType::I32, {3});
  t.fillRandom(3);
  ASSERT_FALSE(static_cast<bool>(t.writeNpy(path)));
  EXPECT_FALSE(llvm::sys::fs::exists(path + ".tmp"));
  auto back = HostTensor::readNpy(path);
  ASSERT_TRUE(static_cast<bool>(back));
  EXPECT_EQ(0, std::memcmp(back->getData(), t.getData(), t.getByteSize()));
  // A directory that does not exist: an error, and no file is left behind.
  llvm::SmallString<128> bad(dir);
  llvm::sys::path::append(bad, "missing", "out.npy");
  llvm::Error err = t.writeNpy(bad);
  EXPECT_TRUE(static_cast<bool>(err));
  llvm::consumeError(std::move(err));
  llvm::sys::fs::remove_directories(dir);
}

TEST(HostTensor, CompareUsesAllcloseRule) {
  HostTensor a(DType::F32, {3}), b(DType::F32, {3});
  float av[] = {1.0f, 2.0f, 100.0f}, bv[] = {1.0f, 2.001f, 100.5f};
  std::memcpy(a.getData(), av, sizeof(av));
  std::memcpy(b.getData(), bv, sizeof(bv));
  Comparison loose = compareTensors(a, b, /*rtol=*/1e-2, /*atol=*/0);
  EXPECT_EQ(loose.mismatches, 0);
  EXPECT_NEAR(loose.maxAbsError, 0.5, 1e-6);
  Comparison tight = compareTensors(a, b, /*rtol=*/1e-4, /*atol=*/1e-4);
  EXPECT_EQ(tight.mismatches, 2);
  EXPECT_EQ(tight.firstMismatch, 1);
}

TEST(HostTensor, CompareIntegersExactlyAndNaNs) {
  HostTensor a(DType::I32, {2}), b(DType::I32, {2});
  int32_t av[] = {3, 4}, bv[] = {3, 5};
  std::memcpy(a.getData(), av, sizeof(av));
  std::memcpy(b.getData(), bv, sizeof(bv));
  EXPECT_EQ(compareTensors(a, b, 1.0, 10.0).mismatches, 1);
  HostTensor x(DType::F64, {2}), y(DType::F64, {2});
  double xv[] = {NAN, 1.0}, yv[] = {NAN, NAN};
  std::memcpy(x.getData(), xv, sizeof(xv));
  std::memcpy(y.getData(), yv, sizeof(yv));
  Comparison c = compareTensors(x, y, 1e-3, 1e-3);
  EXPECT_EQ(c.mismatches, 1);
  EXPECT_EQ(c.firstMismatch, 1);
}
