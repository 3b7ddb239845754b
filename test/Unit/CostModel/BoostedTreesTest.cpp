//===- BoostedTreesTest.cpp - XGBoost wrapper and learned model files -----===//

#include "strata/CostModel/BoostedTrees.h"
#include "strata/CostModel/LearnedModel.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>

using namespace mlir;
using namespace mlir::strata;

namespace {
/// A file in a fresh temporary directory, removed with the fixture.
class BoostedTreesTest : public ::testing::Test {
protected:
  BoostedTreesTest() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("strata-xgb", dir));
  }
  ~BoostedTreesTest() override { llvm::sys::fs::remove_directories(dir); }

  std::string path(StringRef name) {
    SmallString<128> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }

  void write(StringRef name, StringRef text) {
    std::error_code ec;
    llvm::raw_fd_ostream os(path(name), ec);
    ASSERT_FALSE(ec);
    os << text;
  }

  SmallString<128> dir;
};

/// y = 3 x0 - 2 x1 + (x2 > 0.5 ? 1 : 0), x uniform in [0, 1).
void makeData(unsigned rows, unsigned seed, SmallVectorImpl<float> &x,
              SmallVectorImpl<float> &y) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  for (unsigned r = 0; r < rows; ++r) {
    float a = u(rng), b = u(rng), c = u(rng);
    x.append({a, b, c});
    y.push_back(3 * a - 2 * b + (c > 0.5f ? 1 : 0));
  }
}
} // namespace

TEST_F(BoostedTreesTest, LearnsAKnownRelationAndRoundTrips) {
  SmallVector<float> x, y, testX, testY;
  makeData(2000, 1, x, y);
  makeData(200, 2, testX, testY);
  BoostedTreesOptions options;
  options.rounds = 200;
  llvm::Expected<BoostedTrees> model =
      BoostedTrees::train(x, 2000, 3, y, options);
  ASSERT_TRUE(!!model) << llvm::toString(model.takeError());
  EXPECT_EQ(model->getNumFeatures(), 3u);

  SmallVector<float> predicted;
  ASSERT_FALSE(!!model->predict(testX, 200, predicted));
  ASSERT_EQ(predicted.size(), 200u);
  double squared = 0, variance = 0, mean = 0;
  for (float v : testY)
    mean += v / 200;
  for (unsigned i = 0; i < 200; ++i) {
    squared += std::pow(predicted[i] - testY[i], 2);
    variance += std::pow(testY[i] - mean, 2);
  }
  // The relation is learned: R^2 well above 0.95 on unseen rows.
  EXPECT_GT(1 - squared / variance, 0.95);

  model->setAttribute("strata.note", "hello");
  ASSERT_FALSE(!!model->save(path("m.json")));
  llvm::Expected<BoostedTrees> loaded = BoostedTrees::load(path("m.json"));
  ASSERT_TRUE(!!loaded) << llvm::toString(loaded.takeError());
  EXPECT_EQ(loaded->getAttribute("strata.note"), std::string("hello"));
  EXPECT_EQ(loaded->getAttribute("strata.missing"), std::nullopt);
  SmallVector<float> again;
  ASSERT_FALSE(!!loaded->predict(testX, 200, again));
  EXPECT_EQ(again, predicted);

  // Deterministic: the same data and options give the same file.
  llvm::Expected<BoostedTrees> twin =
      BoostedTrees::train(x, 2000, 3, y, options);
  ASSERT_TRUE(!!twin);
  twin->setAttribute("strata.note", "hello");
  ASSERT_FALSE(!!twin->save(path("twin.json")));
  auto a = llvm::MemoryBuffer::getFile(path("m.json"));
  auto b = llvm::MemoryBuffer::getFile(path("twin.json"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ((*a)->getBuffer(), (*b)->getBuffer());
}

// Single-row predictions from several threads at once (passes of a
// multi-threaded pass manager share one model) agree with one batch.
TEST_F(BoostedTreesTest, ConcurrentSingleRowPredictions) {
  SmallVector<float> x, y;
  makeData(500, 5, x, y);
  BoostedTreesOptions options;
  options.rounds = 50;
  llvm::Expected<BoostedTrees> model =
      BoostedTrees::train(x, 500, 3, y, options);
  ASSERT_TRUE(!!model);
  SmallVector<float> batch;
  ASSERT_FALSE(!!model->predict(x, 500, batch));

  constexpr unsigned kThreads = 4;
  std::vector<std::vector<float>> answers(kThreads);
  std::vector<unsigned> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      SmallVector<float> one;
      for (unsigned round = 0; round < 4; ++round)
        for (unsigned r = 0; r < 500; ++r) {
          if (llvm::Error err =
                  model->predict(ArrayRef<float>(x).slice(3 * r, 3), 1, one)) {
            llvm::consumeError(std::move(err));
            ++failures[t];
            continue;
          }
          if (round == 3)
            answers[t].push_back(one.front());
        }
    });
  for (std::thread &thread : threads)
    thread.join();
  for (unsigned t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0u);
    EXPECT_EQ(answers[t], std::vector<float>(batch.begin(), batch.end()));
  }
}

TEST_F(BoostedTreesTest, BadInputs) {
  SmallVector<float> x = {1, 2, 3}, y = {1, 2};
  llvm::Expected<BoostedTrees> bad = BoostedTrees::train(x, 1, 3, y);
  ASSERT_FALSE(!!bad);
  EXPECT_NE(llvm::toString(bad.takeError()).find("one label per row"),
            std::string::npos);

  SmallVector<float> tx, ty;
  makeData(50, 3, tx, ty);
  BoostedTreesOptions options;
  options.rounds = 5;
  llvm::Expected<BoostedTrees> model =
      BoostedTrees::train(tx, 50, 3, ty, options);
  ASSERT_TRUE(!!model);
  SmallVector<float> out;
  llvm::Error err = model->predict(x, 2, out);
  ASSERT_TRUE(!!err);
  EXPECT_NE(llvm::toString(std::move(err)).find("takes 3 features per row"),
            std::string::npos);
}

TEST_F(BoostedTreesTest, ModelFileErrors) {
  auto loadError = [&](StringRef file) {
    llvm::Expected<std::shared_ptr<const LearnedModelFile>> m =
        loadLearnedModel(path(file));
    return m ? std::string() : llvm::toString(m.takeError());
  };
  EXPECT_NE(loadError("absent.json").find("cannot read model"),
            std::string::npos);
  write("text.json", "not a model");
  EXPECT_NE(loadError("text.json").find("not an XGBoost JSON model"),
            std::string::npos);
  write("truncated.json", "{\"learner\": {\"attributes\": ");
  EXPECT_NE(loadError("truncated.json").find("cannot load model"),
            std::string::npos);

  // A real model: without Strata's attributes, with another feature
  // version, with the wrong number of features, and a good one.
  SmallVector<float> x, y;
  makeData(100, 4, x, y);
  BoostedTreesOptions options;
  options.rounds = 3;
  llvm::Expected<BoostedTrees> three =
      BoostedTrees::train(x, 100, 3, y, options);
  ASSERT_TRUE(!!three);
  ASSERT_FALSE(!!three->save(path("plain.json")));
  EXPECT_NE(loadError("plain.json").find("not a Strata cost model"),
            std::string::npos);
  three->setAttribute(learned_attr::kFeatureVersion,
                      std::to_string(kFeatureVersion + 1));
  three->setAttribute(learned_attr::kLabel, kLearnedLabel);
  ASSERT_FALSE(!!three->save(path("version.json")));
  EXPECT_NE(loadError("version.json")
                .find("trained on feature version " +
                      std::to_string(kFeatureVersion + 1)),
            std::string::npos);
  three->setAttribute(learned_attr::kFeatureVersion,
                      std::to_string(kFeatureVersion));
  ASSERT_FALSE(!!three->save(path("width.json")));
  EXPECT_NE(loadError("width.json").find("takes 3 features, expected"),
            std::string::npos);

  SmallVector<float> wide(100 * kNumFeatures, 0.0f), labels;
  for (unsigned r = 0; r < 100; ++r) {
    wide[r * kNumFeatures] = r;
    labels.push_back(std::log(1e-6 * (r + 1)));
  }
  options.rounds = 30;
  options.colsampleByTree = 1;
  llvm::Expected<BoostedTrees> good =
      BoostedTrees::train(wide, 100, kNumFeatures, labels, options);
  ASSERT_TRUE(!!good);
  good->setAttribute(learned_attr::kFeatureVersion,
                     std::to_string(kFeatureVersion));
  good->setAttribute(learned_attr::kLabel, kLearnedLabel);
  good->setAttribute(learned_attr::kMachine, "cpu=test");
  ASSERT_FALSE(!!good->save(path("good.json")));
  llvm::Expected<std::shared_ptr<const LearnedModelFile>> loaded =
      loadLearnedModel(path("good.json"));
  ASSERT_TRUE(!!loaded) << llvm::toString(loaded.takeError());
  EXPECT_EQ((*loaded)->getMachine(), "cpu=test");
  // Predictions come back as seconds (the trees predict log seconds),
  // increasing with the first feature as the labels do.
  FeatureVector low{}, high{};
  low[0] = 5;
  high[0] = 95;
  SmallVector<double> seconds;
  ASSERT_FALSE(!!(*loaded)->predictSeconds({low, high}, seconds));
  ASSERT_EQ(seconds.size(), 2u);
  EXPECT_GT(seconds[0], 0);
  EXPECT_LT(seconds[0], seconds[1]);
}
