//===- strata-cost.cpp - Collect, train and evaluate learned cost models --===//
//
//   strata-cost collect -o DATA.jsonl [--random=N] [--seed=S]
//                       [--model=FILE.onnx ...] [--resume]
//   strata-cost train DATA.jsonl -o MODEL.json [--rounds=N] [--max-depth=D]
//   strata-cost eval DATA.jsonl [--model=MODEL.json] [--folds=K]
//                    [--format=text|json] [--predictions=FILE.csv]
//
// See docs/costmodel.md. Exit status: 0 on success, 1 on any error.
//
//===----------------------------------------------------------------------===//

#include "Corpus.h"
#include "Dataset.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "strata/CostModel/BoostedTrees.h"
#include "strata/CostModel/Features.h"
#include "strata/CostModel/LearnedModel.h"
#include "strata/Import/OnnxImporter.h"
#include "strata/InitAll.h"
#include "strata/Pipelines/Pipelines.h"
#include "strata/Runtime/Measure.h"
#include "strata/Runtime/Runner.h"
#include "strata/Support/OutputFiles.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

using namespace mlir;
using namespace mlir::strata;
using namespace strata_cost;
namespace cl = llvm::cl;

static cl::OptionCategory costCategory("strata-cost options");
static cl::list<std::string> positional(cl::Positional,
                                        cl::desc("<command> [DATA.jsonl]"),
                                        cl::cat(costCategory));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::init(""), cl::cat(costCategory));
// collect
static cl::opt<unsigned>
    numRandom("random", cl::desc("collect: random computations to generate"),
              cl::init(200), cl::cat(costCategory));
static cl::opt<uint64_t> seedOpt("seed",
                                 cl::desc("Seed of the corpus and training"),
                                 cl::init(1), cl::cat(costCategory));
static cl::list<std::string>
    modelFiles("model-file",
               cl::desc("collect: also measure every kernel of this ONNX or "
                        "MLIR model"),
               cl::cat(costCategory));
static cl::opt<bool>
    resume("resume",
           cl::desc("collect: keep the rows already in the output file and "
                    "measure only the missing ones"),
           cl::cat(costCategory));
static cl::opt<unsigned> numPlans(
    "plans",
    cl::desc("collect: also time up to this many lowering plans of every "
             "kernel with one contraction (the candidates of rank 0, 1, 2, "
             "4, 8, ... by strata-choose-lowering's cycle model), with their "
             "plan features: what the learned model picks tilings from"),
    cl::init(0), cl::cat(costCategory));
static cl::opt<double> minSeconds(
    "min-seconds",
    cl::desc("collect: time each kernel at least this long (median of the "
             "runs)"),
    cl::init(0.02), cl::cat(costCategory));
// train / eval
static cl::opt<int> rounds("rounds", cl::desc("Boosting rounds"), cl::init(300),
                           cl::cat(costCategory));
static cl::opt<int> maxDepth("max-depth", cl::desc("Tree depth"), cl::init(6),
                             cl::cat(costCategory));
static cl::opt<double> eta("eta", cl::desc("Learning rate"), cl::init(0.1),
                           cl::cat(costCategory));
static cl::opt<std::string>
    modelOpt("model",
             cl::desc("eval: evaluate this model on every row "
                      "(default: cross-validate by source); query: the model "
                      "to ask (default: the default learned model)"),
             cl::init(""), cl::cat(costCategory));
static cl::opt<unsigned> folds("folds",
                               cl::desc("eval: cross-validation folds; a "
                                        "source's rows share a fold"),
                               cl::init(5), cl::cat(costCategory));
static cl::opt<std::string> format("format", cl::desc("eval: text or json"),
                                   cl::init("text"), cl::cat(costCategory));
static cl::opt<std::string>
    predictionsFile("predictions",
                    cl::desc("eval: write id,source,set,variant,measured,"
                             "predicted,roofline per row to this CSV"),
                    cl::init(""), cl::cat(costCategory));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "strata-cost") << message << "\n";
  return 1;
}

static std::string formatDuration(double seconds) {
  int s = std::lround(seconds);
  return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") +
         std::to_string(s % 60) + "s";
}

//===----------------------------------------------------------------------===//
// collect
//===----------------------------------------------------------------------===//

namespace {
/// One module to measure: its kernels are the strata.groups of @main (or
/// the entry function).
struct Job {
  std::string source, set, variant;
  std::string mlir; // for corpus items
  std::string path; // for model files
};
} // namespace

/// The groups of `module`'s functions, in order, deduplicated by their
/// printed form (a model repeats identical kernels).
static SmallVector<GroupOp> getKernels(ModuleOp module) {
  SmallVector<GroupOp> groups;
  llvm::StringSet<> seen;
  module.walk([&](GroupOp group) {
    std::string key;
    llvm::raw_string_ostream os(key);
    group->print(os, OpPrintingFlags().useLocalScope());
    if (seen.insert(key).second)
      groups.push_back(group);
  });
  return groups;
}

/// Fills a row's features and timing.
static void setMeasurement(Row &row, const FeatureVector &features,
                           const KernelTiming &timing) {
  row.features = features;
  row.seconds = timing.medianSeconds;
  row.p10 = timing.p10Seconds;
  row.p90 = timing.p90Seconds;
  row.runs = timing.runs;
}

/// The ranks of the candidate plans collect times for a kernel.
static SmallVector<int> getPlanRanks(unsigned count) {
  SmallVector<int> ranks;
  for (int rank : {0, 1, 2, 4, 8, 16, 32, 64})
    if (ranks.size() < count)
      ranks.push_back(rank);
  return ranks;
}

/// Times the plans of ranks getPlanRanks(--plans) of `group`'s one
/// contraction, each as a row of set "tiling:<kernel id>" and variant
/// "plan<rank>" with the features of its kernel function (linalg, plan
/// attached). Kernels with no or several plannable ops get none. Returns
/// the rows added.
static size_t collectPlans(GroupOp group, const Job &job, StringRef kernelId,
                           const MeasureOptions &measure,
                           const llvm::StringSet<> &done, Dataset &data) {
  size_t added = 0;
  SmallVector<std::string> seen;
  for (int rank : getPlanRanks(numPlans)) {
    Row row;
    row.id = (kernelId + "/plan" + Twine(rank)).str();
    row.source = job.source;
    row.set = ("tiling:" + kernelId).str();
    row.variant = "plan" + std::to_string(rank);
    llvm::Expected<OwningOpRef<ModuleOp>> module = buildKernelModule(group);
    if (!module) {
      llvm::consumeError(module.takeError());
      return added;
    }
    PassManager pm(group->getContext());
    CPUPipelineOptions cpu;
    cpu.groupOps = true;
    buildCPUPipelineUntilPlans(pm, cpu, rank);
    if (failed(pm.run(**module)))
      return added;
    func::FuncOp kernel;
    std::string plan;
    unsigned planned = 0;
    (*module)->walk([&](Operation *op) {
      if (auto attr = op->getAttr(StrataDialect::getLoweringAttrName())) {
        ++planned;
        kernel = op->getParentOfType<func::FuncOp>();
        llvm::raw_string_ostream(plan) << attr;
      }
    });
    // Ranks past the last candidate give the last again.
    if (planned != 1 || llvm::is_contained(seen, plan))
      return added;
    seen.push_back(plan);
    if (done.contains(row.id))
      continue;
    FailureOr<FeatureVector> features = extractFeatures(kernel);
    if (failed(features))
      return added;
    llvm::Expected<KernelTiming> timing =
        measureKernelModule(**module, measure);
    if (!timing) {
      llvm::WithColor::warning(llvm::errs(), "strata-cost")
          << "skipping plan " << row.id << ": "
          << llvm::toString(timing.takeError()) << "\n";
      return added;
    }
    setMeasurement(row, *features, *timing);
    data.rows.push_back(std::move(row));
    ++added;
  }
  return added;
}

static int collect() {
  if (outputFile.empty())
    return fail("collect needs -o DATA.jsonl");
  if (positional.size() != 1)
    return fail("collect takes no positional arguments");

  DialectRegistry registry;
  registerAllDialectsForStrata(registry);
  registerAllToLLVMIRTranslations(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  // Kernels are timed on one thread: one core's time is steady on a shared
  // machine, and the fusion and tiling decisions it prices are made per
  // core (outer tiles are what threads split).
  setThreadCount(1);
  Dataset data;
  data.machine = getMachineFingerprint() + "; threads=1";
  llvm::StringSet<> done;
  if (resume && llvm::sys::fs::exists(outputFile)) {
    llvm::Expected<Dataset> old = readDataset(outputFile);
    if (!old)
      return fail(llvm::toString(old.takeError()));
    if (old->machine != data.machine)
      return fail("cannot resume '" + outputFile +
                  "': it was measured on another machine (" + old->machine +
                  ")");
    for (Row &row : old->rows)
      done.insert(row.id);
    data.rows = std::move(old->rows);
  }

  std::vector<Job> jobs;
  for (CorpusItem &item : generateCorpus(numRandom, seedOpt))
    jobs.push_back(
        {item.source, item.set, item.variant, std::move(item.mlir), ""});
  for (const std::string &path : modelFiles) {
    // Test-data suites name every file model.onnx: use its directory.
    std::string name = llvm::sys::path::stem(path).str();
    if (name == "model")
      name =
          llvm::sys::path::filename(llvm::sys::path::parent_path(path)).str();
    // Each model twice: one kernel per op, and the kernels strata-fuse
    // forms when every legal candidate is taken (the roofline model never
    // refuses one), so both sides of a fusion decision are in the data.
    jobs.push_back({"model/" + name, name, "split", "", path});
    jobs.push_back({"model/" + name, name, "fused", "", path});
  }

  MeasureOptions measure;
  measure.minSeconds = minSeconds;
  measure.seed = seedOpt;
  auto start = std::chrono::steady_clock::now();
  auto lastReport = start;
  size_t measured = 0, skipped = 0;
  for (auto [index, job] : llvm::enumerate(jobs)) {
    std::string prefix = job.set + "/" + job.variant + "/";
    OwningOpRef<ModuleOp> module;
    llvm::SourceMgr sourceMgr;
    SourceMgrDiagnosticHandler handler(sourceMgr, &context);
    if (job.path.empty()) {
      module = parseSourceString<ModuleOp>(job.mlir, &context, job.set);
      if (!module)
        return fail("internal error: the generated kernel '" + job.set +
                    "' does not parse");
    } else {
      llvm::Expected<LoadedModel> loaded =
          loadModelFile(job.path, &context, sourceMgr, OnnxImportOptions());
      if (!loaded)
        return fail(llvm::toString(loaded.takeError()));
      if (!loaded->module)
        return fail("cannot load '" + job.path + "'");
      module = std::move(loaded->module);
      PassManager pm(&context);
      // Kernels as strata-run forms them (strata-form-kernels).
      FormKernelsOptions form;
      form.fusion = job.variant == "fused" ? "roofline" : "none";
      buildFormKernelsPipeline(pm, form);
      if (failed(pm.run(*module)))
        return fail("grouping the kernels of '" + job.path + "' failed");
    }
    SmallVector<GroupOp> kernels = getKernels(*module);
    for (auto [k, group] : llvm::enumerate(kernels)) {
      Row row;
      row.id = prefix + std::to_string(k);
      if (done.contains(row.id))
        continue;
      row.source = job.source;
      row.set = job.set;
      row.variant = job.variant;
      FailureOr<FeatureVector> features = extractFeatures(group);
      llvm::Expected<KernelTiming> timing =
          failed(features)
              ? llvm::createStringError(llvm::inconvertibleErrorCode(),
                                        "its shapes are not static")
              : measureKernel(group, measure);
      if (!timing) {
        // A corpus kernel must run; a model's kernel may be one the
        // runtime cannot feed (e.g. integer indices), which is skipped.
        std::string why = llvm::toString(timing.takeError());
        if (job.path.empty())
          return fail("measuring '" + row.id + "' failed: " + why);
        llvm::WithColor::warning(llvm::errs(), "strata-cost")
            << "skipping kernel " << row.id << ": " << why << "\n";
        ++skipped;
        continue;
      }
      setMeasurement(row, *features, *timing);
      data.rows.push_back(std::move(row));
      ++measured;
      measured += collectPlans(group, job, prefix + std::to_string(k), measure,
                               done, data);
    }
    auto now = std::chrono::steady_clock::now();
    double elapsed = std::chrono::duration<double>(now - start).count();
    if (std::chrono::duration<double>(now - lastReport).count() > 5 ||
        index + 1 == jobs.size()) {
      lastReport = now;
      double rate = (index + 1) / std::max(elapsed, 1e-9);
      llvm::errs() << "[" << index + 1 << "/" << jobs.size() << " modules] "
                   << measured << " kernels measured, "
                   << llvm::format("%.1f", measured / std::max(elapsed, 1e-9))
                   << " kernels/s, elapsed " << formatDuration(elapsed)
                   << ", ETA "
                   << formatDuration((jobs.size() - index - 1) / rate) << "\n";
      // Checkpoint: an interrupted collection resumes from here.
      data.complete = false;
      if (llvm::Error err = writeDataset(outputFile, data))
        return fail(llvm::toString(std::move(err)));
    }
  }
  data.complete = true;
  if (llvm::Error err = writeDataset(outputFile, data))
    return fail(llvm::toString(std::move(err)));
  llvm::outs() << "wrote " << data.rows.size() << " rows to '" << outputFile
               << "' (" << measured << " measured now, " << skipped
               << " skipped, hash " << hashRows(data.rows) << ")\n";
  return 0;
}

//===----------------------------------------------------------------------===//
// train and eval
//===----------------------------------------------------------------------===//

static BoostedTreesOptions getTrainOptions() {
  BoostedTreesOptions options;
  options.rounds = rounds;
  options.maxDepth = maxDepth;
  options.eta = eta;
  options.seed = seedOpt;
  return options;
}

/// Trains on `rows` (labels: log of seconds over the reference time).
static llvm::Expected<BoostedTrees> trainOn(ArrayRef<const Row *> rows) {
  SmallVector<float> features, labels;
  for (const Row *row : rows) {
    features.append(row->features.begin(), row->features.end());
    labels.push_back(
        std::log(row->seconds / getLearnedReferenceSeconds(row->features)));
  }
  return BoostedTrees::train(features, rows.size(), kNumFeatures, labels,
                             getTrainOptions());
}

static llvm::Expected<Dataset> readCompleteDataset() {
  if (positional.size() != 2)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   positional.front() +
                                       " expects one dataset file");
  llvm::Expected<Dataset> data = readDataset(positional[1]);
  if (!data)
    return data.takeError();
  if (data->rows.size() < 2)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "dataset '" + positional[1] +
                                       "' has fewer than 2 rows");
  if (!data->complete)
    llvm::WithColor::warning(llvm::errs(), "strata-cost")
        << "dataset '" << positional[1]
        << "' is from an unfinished collection (resume it with collect "
           "--resume)\n";
  return data;
}

static int train() {
  if (outputFile.empty())
    return fail("train needs -o MODEL.json");
  llvm::Expected<Dataset> data = readCompleteDataset();
  if (!data)
    return fail(llvm::toString(data.takeError()));
  SmallVector<const Row *> rows;
  for (const Row &row : data->rows)
    rows.push_back(&row);
  llvm::Expected<BoostedTrees> model = trainOn(rows);
  if (!model)
    return fail(llvm::toString(model.takeError()));
  model->setAttribute(learned_attr::kFeatureVersion,
                      std::to_string(kFeatureVersion));
  model->setAttribute(learned_attr::kLabel, kLearnedLabel);
  model->setAttribute(learned_attr::kMachine, data->machine);
  model->setAttribute(learned_attr::kDatasetHash, hashRows(data->rows));
  model->setAttribute(learned_attr::kRows, std::to_string(rows.size()));
  if (llvm::Error err = model->save(outputFile))
    return fail(llvm::toString(std::move(err)));
  llvm::outs() << "trained " << rounds << " trees on " << rows.size()
               << " rows; wrote '" << outputFile << "'\n";
  return 0;
}

/// Average ranks (ties share their mean rank).
static std::vector<double> ranks(ArrayRef<double> v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]])
      ++j;
    for (size_t k = i; k <= j; ++k)
      r[order[k]] = (i + j) / 2.0;
    i = j + 1;
  }
  return r;
}

static double pearson(ArrayRef<double> a, ArrayRef<double> b) {
  double ma = std::accumulate(a.begin(), a.end(), 0.0) / a.size();
  double mb = std::accumulate(b.begin(), b.end(), 0.0) / b.size();
  double num = 0, da = 0, db = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    num += (a[i] - ma) * (b[i] - mb);
    da += (a[i] - ma) * (a[i] - ma);
    db += (b[i] - mb) * (b[i] - mb);
  }
  return da > 0 && db > 0 ? num / std::sqrt(da * db) : 0;
}

namespace {
struct Metrics {
  double mape = 0, spearman = 0, kendallTau = 0, pairwiseAccuracy = 0;
  size_t n = 0;
};
} // namespace

static Metrics score(ArrayRef<double> measured, ArrayRef<double> predicted) {
  Metrics m;
  m.n = measured.size();
  for (size_t i = 0; i < m.n; ++i)
    m.mape += std::abs(predicted[i] - measured[i]) / measured[i];
  m.mape /= m.n;
  m.spearman = pearson(ranks(measured), ranks(predicted));
  // Kendall tau-b and pairwise ranking accuracy over all pairs.
  double concordant = 0, discordant = 0, tiedMeasured = 0, tiedPredicted = 0;
  for (size_t i = 0; i < m.n; ++i)
    for (size_t j = i + 1; j < m.n; ++j) {
      double a = measured[i] - measured[j], b = predicted[i] - predicted[j];
      if (a == 0 && b == 0)
        continue;
      if (a == 0) {
        ++tiedMeasured;
        continue;
      }
      if (b == 0) {
        ++tiedPredicted;
        continue;
      }
      ((a > 0) == (b > 0) ? concordant : discordant) += 1;
    }
  double pairs = concordant + discordant;
  m.kendallTau = (concordant - discordant) /
                 std::sqrt((pairs + tiedMeasured) * (pairs + tiedPredicted));
  m.pairwiseAccuracy =
      (concordant + 0.5 * tiedPredicted) / std::max(1.0, pairs + tiedPredicted);
  return m;
}

/// The roofline model's estimate from a row's features, as a baseline for
/// the learned model.
static double rooflineFromFeatures(const FeatureVector &f,
                                   const TargetDescription &target) {
  double matrix = getFeature(f, Feature::MatrixFlops);
  return getRooflineSeconds(
      target, matrix, getFeature(f, Feature::Flops) - matrix,
      getFeature(f, Feature::BytesRead) + getFeature(f, Feature::BytesWritten));
}

static int eval() {
  if (format != "text" && format != "json")
    return fail("unknown --format '" + format + "'; expected text or json");
  llvm::Expected<Dataset> data = readCompleteDataset();
  if (!data)
    return fail(llvm::toString(data.takeError()));
  std::vector<Row> &rows = data->rows;
  std::vector<double> measured, predicted(rows.size(), 0), roofline;
  MLIRContext context;
  FailureOr<TargetDescription> host =
      getBuiltinTarget("host-cpu", UnknownLoc::get(&context));
  if (failed(host))
    return fail("internal error: no host-cpu target");
  for (const Row &row : rows) {
    measured.push_back(row.seconds);
    roofline.push_back(rooflineFromFeatures(row.features, *host));
  }

  std::string method;
  if (!modelOpt.empty()) {
    llvm::Expected<std::shared_ptr<const LearnedModelFile>> model =
        loadLearnedModel(modelOpt);
    if (!model)
      return fail(llvm::toString(model.takeError()));
    std::vector<FeatureVector> all;
    for (const Row &row : rows)
      all.push_back(row.features);
    SmallVector<double> seconds;
    if (llvm::Error err = (*model)->predictSeconds(all, seconds))
      return fail(llvm::toString(std::move(err)));
    predicted.assign(seconds.begin(), seconds.end());
    method = "model " + modelOpt;
  } else {
    // Cross-validation by source: every row is predicted by a model that
    // saw no row of its source.
    std::map<std::string, unsigned> foldOf;
    for (const Row &row : rows)
      foldOf.emplace(row.source, 0);
    if (foldOf.size() < 2)
      return fail("cross-validation needs rows from at least 2 sources");
    unsigned k =
        std::min<unsigned>(std::max(2u, folds.getValue()), foldOf.size());
    unsigned next = 0;
    for (auto &[source, fold] : foldOf)
      fold = next++ % k;
    for (unsigned fold = 0; fold < k; ++fold) {
      SmallVector<const Row *> trainRows;
      std::vector<size_t> testIndex;
      std::vector<FeatureVector> testRows;
      for (auto [i, row] : llvm::enumerate(rows)) {
        if (foldOf[row.source] == fold) {
          testIndex.push_back(i);
          testRows.push_back(row.features);
        } else {
          trainRows.push_back(&row);
        }
      }
      llvm::Expected<BoostedTrees> model = trainOn(trainRows);
      if (!model)
        return fail(llvm::toString(model.takeError()));
      SmallVector<float> flat, out;
      for (const FeatureVector &f : testRows)
        flat.append(f.begin(), f.end());
      if (llvm::Error err = model->predict(flat, testRows.size(), out))
        return fail(llvm::toString(std::move(err)));
      for (auto [j, i] : llvm::enumerate(testIndex))
        predicted[i] =
            std::exp(double(out[j])) * getLearnedReferenceSeconds(testRows[j]);
    }
    method = std::to_string(k) + "-fold cross-validation by source (" +
             std::to_string(foldOf.size()) + " sources)";
  }

  Metrics learned = score(measured, predicted);
  Metrics baseline = score(measured, roofline);
  // Alternative partitions of one computation: does the model pick the
  // measured fastest?
  std::map<std::string, std::map<std::string, std::array<double, 3>>> sets;
  for (auto [i, row] : llvm::enumerate(rows)) {
    if (row.set.empty() || StringRef(row.source).starts_with("model/") ||
        StringRef(row.set).starts_with("tiling:"))
      continue;
    std::array<double, 3> &sum = sets[row.set][row.variant];
    sum[0] += measured[i];
    sum[1] += predicted[i];
    sum[2] += roofline[i];
  }
  size_t choices = 0, rightLearned = 0, rightRoofline = 0;
  double regretLearned = 0, regretRoofline = 0;
  for (auto &[set, variants] : sets) {
    if (variants.size() < 2)
      continue;
    auto argmin = [&](int which) {
      return std::min_element(variants.begin(), variants.end(),
                              [&](auto &a, auto &b) {
                                return a.second[which] < b.second[which];
                              })
          ->first;
    };
    std::string best = argmin(0), byLearned = argmin(1), byRoofline = argmin(2);
    ++choices;
    rightLearned += byLearned == best;
    rightRoofline += byRoofline == best;
    regretLearned += variants[byLearned][0] / variants[best][0] - 1;
    regretRoofline += variants[byRoofline][0] / variants[best][0] - 1;
  }
  double choiceLearned = choices ? double(rightLearned) / choices : 0;
  double choiceRoofline = choices ? double(rightRoofline) / choices : 0;

  // Lowering plans of one kernel: is the model's pick within 5% of the
  // measured best, and how much slower is it? Against the cycle model's
  // pick (plan0).
  std::map<std::string, std::map<std::string, std::pair<double, double>>>
      tilings;
  for (auto [i, row] : llvm::enumerate(rows))
    if (StringRef(row.set).starts_with("tiling:"))
      tilings[row.set][row.variant] = {measured[i], predicted[i]};
  size_t tilingKernels = 0, within5Learned = 0, within5Analytic = 0;
  double slowdownLearned = 0, slowdownAnalytic = 0;
  for (auto &[set, variants] : tilings) {
    if (variants.size() < 2 || !variants.count("plan0"))
      continue;
    double best = std::numeric_limits<double>::infinity();
    const std::pair<double, double> *pick = nullptr;
    for (auto &[variant, mp] : variants) {
      best = std::min(best, mp.first);
      if (!pick || mp.second < pick->second)
        pick = &mp;
    }
    double analytic = variants["plan0"].first;
    ++tilingKernels;
    within5Learned += pick->first <= 1.05 * best;
    within5Analytic += analytic <= 1.05 * best;
    slowdownLearned += pick->first / best - 1;
    slowdownAnalytic += analytic / best - 1;
  }
  auto share = [&](size_t n) {
    return tilingKernels ? double(n) / tilingKernels : 0.0;
  };
  auto mean = [&](double sum) {
    return tilingKernels ? sum / tilingKernels : 0.0;
  };

  if (!predictionsFile.empty()) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "id,source,set,variant,measured,predicted,roofline\n";
    for (auto [i, row] : llvm::enumerate(rows))
      os << row.id << "," << row.source << "," << row.set << "," << row.variant
         << "," << llvm::format("%.6g", measured[i]) << ","
         << llvm::format("%.6g", predicted[i]) << ","
         << llvm::format("%.6g", roofline[i]) << "\n";
    if (llvm::Error err =
            writeOutputFiles({{predictionsFile.getValue(), std::move(text)}}))
      return fail(llvm::toString(std::move(err)));
  }

  if (format == "json") {
    auto metrics = [](const Metrics &m) {
      return llvm::json::Object{{"mape", m.mape},
                                {"spearman", m.spearman},
                                {"kendall_tau", m.kendallTau},
                                {"pairwise_accuracy", m.pairwiseAccuracy}};
    };
    llvm::json::Object out = metrics(learned);
    out["n_test"] = int64_t(learned.n);
    out["method"] = method;
    out["fusion_choices"] = int64_t(choices);
    out["fusion_choice_accuracy"] = choiceLearned;
    out["fusion_choice_regret"] = choices ? regretLearned / choices : 0;
    llvm::json::Object base = metrics(baseline);
    base["fusion_choice_accuracy"] = choiceRoofline;
    base["fusion_choice_regret"] = choices ? regretRoofline / choices : 0;
    out["roofline"] = std::move(base);
    out["tiling_kernels"] = int64_t(tilingKernels);
    out["tiling_within_5pct"] = share(within5Learned);
    out["tiling_mean_slowdown"] = mean(slowdownLearned);
    out["tiling_analytic_within_5pct"] = share(within5Analytic);
    out["tiling_analytic_mean_slowdown"] = mean(slowdownAnalytic);
    llvm::outs() << llvm::json::Value(std::move(out)) << "\n";
    return 0;
  }
  auto line = [](StringRef name, const Metrics &m, double choice) {
    llvm::outs() << llvm::format("%-9s", name.str().c_str())
                 << llvm::format("  MAPE %6.1f%%  Spearman %.3f  Kendall %.3f"
                                 "  pairwise %.3f  fastest-fusion %.3f\n",
                                 100 * m.mape, m.spearman, m.kendallTau,
                                 m.pairwiseAccuracy, choice);
  };
  llvm::outs() << "rows: " << learned.n << " (" << method << ")\n";
  line("learned", learned, choiceLearned);
  line("roofline", baseline, choiceRoofline);
  llvm::outs() << "fusion choices: " << choices << " computations\n";
  if (tilingKernels)
    llvm::outs() << "tiling choices: " << tilingKernels
                 << " kernels; pick within 5% of the measured best: learned "
                 << llvm::format("%.3f", share(within5Learned))
                 << " (mean slowdown "
                 << llvm::format("%.1f%%", 100 * mean(slowdownLearned))
                 << "), cycle model "
                 << llvm::format("%.3f", share(within5Analytic))
                 << " (mean slowdown "
                 << llvm::format("%.1f%%", 100 * mean(slowdownAnalytic))
                 << ")\n";
  return 0;
}

//===----------------------------------------------------------------------===//
// query
//===----------------------------------------------------------------------===//

/// Estimates every strata.group of an MLIR file with a cost model and times
/// the answers: one query at a time and all in one batch.
static int query() {
  if (positional.size() != 2)
    return fail("query: expected one MLIR file with strata.group kernels");
  DialectRegistry registry;
  registerAllDialectsForStrata(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(positional[1], sourceMgr, &context);
  if (!module)
    return 1;
  SmallVector<Operation *> kernels;
  module->walk([&](GroupOp group) { kernels.push_back(group); });
  if (kernels.empty())
    return fail("query: '" + positional[1] + "' holds no strata.group");
  std::string spec = modelOpt.empty() ? "learned" : "learned:" + modelOpt;
  FailureOr<std::unique_ptr<CostModel>> model =
      createCostModel(spec, "", *module);
  if (failed(model))
    return 1;

  // Warm-up (loads the model), then repeat until 0.2 s have passed.
  SmallVector<FailureOr<CostEstimate>> batch;
  (*model)->estimateBatch(kernels, batch);
  for (auto [op, est] : llvm::zip_equal(kernels, batch)) {
    if (failed(est))
      return fail("query: no estimate for a kernel (dynamic shapes?)");
    auto group = cast<GroupOp>(op);
    llvm::outs() << (group.getName() ? *group.getName() : "group") << ": "
                 << llvm::format("%.4g", est->seconds) << " s\n";
  }
  using Clock = std::chrono::steady_clock;
  auto timeLoop = [&](auto body) {
    size_t queries = 0;
    auto start = Clock::now();
    double elapsed = 0;
    while (elapsed < 0.2) {
      body();
      queries += kernels.size();
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    return elapsed / queries;
  };
  double single = timeLoop([&] {
    for (Operation *op : kernels)
      (void)(*model)->estimate(op);
  });
  double batched = timeLoop([&] { (*model)->estimateBatch(kernels, batch); });
  llvm::outs() << "query latency: " << llvm::format("%.2f", single * 1e6)
               << " us per kernel one at a time, "
               << llvm::format("%.2f", batched * 1e6)
               << " us per kernel in a batch of " << kernels.size()
               << " (features + prediction)\n";
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(costCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "strata-cost: collect kernel timings, train and evaluate the learned "
      "cost model\n");
  if (positional.empty())
    return fail("expected a command: collect, train, eval or query");
  StringRef command = positional.front();
  if (command == "collect")
    return collect();
  if (command == "train")
    return train();
  if (command == "eval")
    return eval();
  if (command == "query")
    return query();
  return fail("unknown command '" + command +
              "'; expected collect, train, eval or query");
}
