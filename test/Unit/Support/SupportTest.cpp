//===- SupportTest.cpp - Size limits, output files, data paths ------------===//

#include "strata/Support/Limits.h"
#include "strata/Support/OutputFiles.h"
#include "strata/Support/Paths.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

using namespace mlir::strata;

namespace {

TEST(Limits, CheckedSizesCatchOverflowAndNegatives) {
  EXPECT_EQ(getCheckedNumElements({}), 1);
  EXPECT_EQ(getCheckedNumElements({2, 3, 4}), 24);
  EXPECT_EQ(getCheckedNumElements({0, int64_t(1) << 62}), 0);
  EXPECT_FALSE(getCheckedNumElements({-1, 3}));
  EXPECT_FALSE(getCheckedNumElements({int64_t(1) << 32, int64_t(1) << 32}));
  EXPECT_EQ(getCheckedByteSize({2, 3}, 4), 24u);
  // 2^62 elements of 8 bytes: the elements fit int64, the bytes do not.
  EXPECT_FALSE(getCheckedByteSize({int64_t(1) << 62}, 8));
}

TEST(Limits, TheLimitIsConfigurable) {
  EXPECT_EQ(getMaxTensorBytes(), kDefaultMaxTensorBytes);
  EXPECT_EQ(checkTensorSize({1024, 1024}, 4), "");
  setMaxTensorBytes(1000);
  EXPECT_EQ(checkTensorSize({10, 25}, 4), "");
  EXPECT_NE(checkTensorSize({10, 26}, 4)
                .find("needs 1040 bytes, more than the "
                      "limit of 1000 bytes"),
            std::string::npos);
  setMaxTensorBytes(0);
  EXPECT_EQ(getMaxTensorBytes(), kDefaultMaxTensorBytes);
  EXPECT_NE(checkTensorSize({-2}, 4).find("negative"), std::string::npos);
  EXPECT_NE(
      checkTensorSize({int64_t(1) << 40, int64_t(1) << 40}, 4).find("64-bit"),
      std::string::npos);
  EXPECT_EQ(formatShape({}), "scalar");
  EXPECT_EQ(formatShape({2, 3}), "2x3");

  // Types: element bytes from the bit width (i1 as one byte, index as 8);
  // dynamic shapes and non-numeric elements are not checked.
  mlir::MLIRContext context;
  mlir::Builder b(&context);
  setMaxTensorBytes(100);
  EXPECT_EQ(checkTensorSize(mlir::RankedTensorType::get({100}, b.getI1Type())),
            "");
  EXPECT_NE(
      checkTensorSize(mlir::RankedTensorType::get({13}, b.getIndexType())), "");
  EXPECT_EQ(checkTensorSize(mlir::RankedTensorType::get({25}, b.getF32Type())),
            "");
  EXPECT_NE(checkTensorSize(mlir::MemRefType::get({26}, b.getF32Type())), "");
  EXPECT_EQ(checkTensorSize(mlir::RankedTensorType::get(
                {mlir::ShapedType::kDynamic}, b.getF32Type())),
            "");
  setMaxTensorBytes(0);
}

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : "<unreadable>";
}

TEST(OutputFiles, AllOrNothing) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("strata-out", dir));
  std::string a = (dir + "/a.txt").str(), b = (dir + "/b.txt").str();
  ASSERT_FALSE(bool(writeOutputFiles({{a, "one"}, {b, "two"}})));
  EXPECT_EQ(readFile(a), "one");
  EXPECT_EQ(readFile(b), "two");

  // Replacing keeps the mode.
  ASSERT_EQ(::chmod(a.c_str(), 0600), 0);
  ASSERT_FALSE(bool(writeOutputFiles({{a, "three"}})));
  struct stat st;
  ASSERT_EQ(::stat(a.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(readFile(a), "three");

  // A failing second file: neither is written, no temporary is left.
  std::string c = (dir + "/c.txt").str();
  llvm::Error err =
      writeOutputFiles({{c, "four"}, {(dir + "/missing/d.txt").str(), "x"}});
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("missing/d.txt"),
            std::string::npos);
  EXPECT_FALSE(llvm::sys::fs::exists(c));
  std::error_code ec;
  unsigned entries = 0;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec))
    ++entries;
  EXPECT_EQ(entries, 2u); // a.txt, b.txt

  // The same file twice.
  err = writeOutputFiles({{b, "5"}, {b, "6"}});
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("also output #0"),
            std::string::npos);
  EXPECT_EQ(readFile(b), "two");

  // A special file is written through and stays what it is.
  ASSERT_FALSE(bool(writeOutputFiles({{"/dev/null", "seven"}})));
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  llvm::sys::fs::remove_directories(dir);
}

TEST(Paths, DataIsFoundBesideTheBinary) {
  std::string binary = getStrataBinaryPath();
  ASSERT_FALSE(binary.empty());
  EXPECT_TRUE(llvm::sys::fs::exists(binary));
  // The unit-test binary lives in build/test/Unit; its data directory is
  // computed the same way as a tool's.
  llvm::SmallString<256> expected(llvm::sys::path::parent_path(binary));
  llvm::sys::path::append(expected, "..", "share", "strata");
  llvm::sys::path::remove_dots(expected, /*remove_dot_dot=*/true);
  if (!std::getenv("STRATA_DATA_DIR")) {
    EXPECT_EQ(getDataDir(), std::string(expected.str()));
  }
  EXPECT_EQ(getDataFile("costmodel/default.json"),
            getDataDir() + "/costmodel/default.json");
}

/// Runs StagedOutputArgs over `args`; the rewritten arguments (the staging
/// path replaced by "<staged>") and whether the staging file exists.
std::vector<std::string> stage(std::vector<std::string> args,
                               std::string &staging) {
  std::vector<char *> argv;
  for (std::string &arg : args)
    argv.push_back(arg.data());
  StagedOutputArgs staged(static_cast<int>(argv.size()), argv.data());
  EXPECT_EQ(staged.getError(), "");
  std::vector<std::string> out;
  staging.clear();
  for (int i = 0; i < staged.argc(); ++i) {
    llvm::StringRef arg(staged.argv()[i]);
    size_t at = arg.find(".strata-");
    if (at == llvm::StringRef::npos) {
      out.push_back(arg.str());
      continue;
    }
    size_t start =
        arg.find('=') == llvm::StringRef::npos ? 0 : arg.find('=') + 1;
    staging = arg.drop_front(start).str();
    EXPECT_TRUE(llvm::sys::fs::exists(staging));
    out.push_back((arg.take_front(start) + "<staged>").str());
  }
  EXPECT_EQ(staged.argv()[staged.argc()], nullptr);
  return out;
}

TEST(StagedOutputArgs, EverySpellingOfDashOIsStaged) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("strata-stage", dir));
  std::string out = (dir + "/out.mlir").str(), staging;
  using V = std::vector<std::string>;
  EXPECT_EQ(stage({"tool", "in.mlir", "-o", out, "-x"}, staging),
            (V{"tool", "in.mlir", "-o", "<staged>", "-x"}));
  EXPECT_EQ(llvm::sys::path::parent_path(staging), dir.str());
  EXPECT_EQ(stage({"tool", "--o", out}, staging),
            (V{"tool", "--o", "<staged>"}));
  EXPECT_EQ(stage({"tool", "-o=" + out}, staging), (V{"tool", "-o=<staged>"}));
  EXPECT_EQ(stage({"tool", "--o=" + out, "in"}, staging),
            (V{"tool", "--o=<staged>", "in"}));
  // Standard output and no -o at all are left alone.
  EXPECT_EQ(stage({"tool", "-o", "-"}, staging), (V{"tool", "-o", "-"}));
  EXPECT_EQ(stage({"tool", "in.mlir"}, staging), (V{"tool", "in.mlir"}));
  EXPECT_EQ(staging, "");
  llvm::sys::fs::remove_directories(dir);
}

TEST(StagedOutputArgs, OnlyASuccessfulRunReplacesTheOutput) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("strata-stage", dir));
  std::string out = (dir + "/out.txt").str();
  ASSERT_FALSE(bool(writeOutputFiles({{out, "old"}})));
  auto run = [&](const char *contents, int status) {
    std::vector<std::string> args = {"tool", "-o", out};
    std::vector<char *> argv;
    for (std::string &arg : args)
      argv.push_back(arg.data());
    StagedOutputArgs staged(3, argv.data());
    std::string staging = staged.argv()[2];
    // The tool writes its output where -o now points.
    EXPECT_FALSE(bool(writeOutputFiles({{staging, contents}})));
    return staged.finish(status);
  };
  EXPECT_EQ(run("failed", 1), 1);
  EXPECT_EQ(readFile(out), "old");
  EXPECT_EQ(run("new", 0), 0);
  EXPECT_EQ(readFile(out), "new");
  std::error_code ec;
  unsigned entries = 0;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec))
    ++entries;
  EXPECT_EQ(entries, 1u); // out.txt, no temporaries
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
