//===- strata-opt.cpp - Strata's mlir-opt ---------------------------------===//
//
// The upstream dialects and passes a user needs, plus every Strata dialect,
// pass and pipeline, and the `measured` cost model (kernels compiled and
// timed through the JIT). `--strata-cost-report` prints the cost model's
// predicted total after every pass.
//
//===----------------------------------------------------------------------===//

#include "passes/Analysis/CostReport.h"
#include "passes/Rewrite/Rules.h"
#include "strata/InitAll.h"
#include "strata/Runtime/Measure.h"
#include "strata/Support/OutputFiles.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

namespace cl = llvm::cl;

static cl::opt<bool> costReport(
    "strata-cost-report",
    cl::desc("After every pass, print the predicted total of the kernels it "
             "ran on (to stderr)"));
static cl::opt<std::string> costReportModel(
    "strata-cost-report-model",
    cl::desc("Cost model of --strata-cost-report: roofline, learned, "
             "learned:FILE or measured (default: the module's "
             "strata.cost_model, else roofline)"),
    cl::init(""));
static cl::opt<std::string> costReportTarget(
    "strata-cost-report-target",
    cl::desc("Target of --strata-cost-report (default: the module's "
             "strata.target, else host-cpu)"),
    cl::init(""));

static cl::opt<bool>
    listRules("list-rules",
              cl::desc("Print the named rewrite rules (strata-apply-rules, "
                       "strategies): name, labels, whether values stay bit "
                       "for bit, what each does; then exit"));

static int runStrataOpt(int argc, char **argv);

int main(int argc, char **argv) {
  // --list-rules needs no input (MlirOptMain would wait for one on stdin).
  for (int i = 1; i < argc; ++i)
    if (llvm::StringRef(argv[i]) == "--list-rules" ||
        llvm::StringRef(argv[i]) == "-list-rules") {
      mlir::strata::printRewriteRules(llvm::outs());
      return 0;
    }
  // A failed run must not truncate or delete an existing -o file (upstream
  // MlirOptMain opens it first and removes it on failure).
  mlir::strata::StagedOutputArgs staged(argc, argv);
  if (!staged.getError().empty()) {
    llvm::errs() << "error: " << staged.getError() << "\n";
    return 1;
  }
  return staged.finish(runStrataOpt(staged.argc(), staged.argv()));
}

static int runStrataOpt(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::strata::registerStrataPasses();
  mlir::strata::registerMeasuredCostModelFactory();
  mlir::DialectRegistry registry;
  mlir::strata::registerAllDialectsForStrata(registry);
  // The measured cost model JIT-compiles kernels.
  mlir::registerAllToLLVMIRTranslations(registry);
  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "Strata optimizer driver\n", registry);
  if (!costReport)
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, inputFile, outputFile, registry));

  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  mlir::MlirOptMainConfig base = config;
  config.setPassPipelineSetupFn([base](mlir::PassManager &pm) {
    if (mlir::failed(base.setupPassPipeline(pm)))
      return mlir::failure();
    mlir::strata::addCostReportInstrumentation(pm, costReportModel,
                                               costReportTarget, llvm::errs());
    return mlir::success();
  });
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(
          mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}
