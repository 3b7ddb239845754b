//===- strata-compile.cpp - Compile a model ahead of time -----------------===//
//
//   strata-compile FILE.mlir|MODEL.onnx -o OUT.o|OUT.so [--header=OUT.h]
//                  [--name=PREFIX] [--entry=NAME] [--cpu=NAME] [-O N]
//                  [--fusion=...] [--parallel=false] [--bind-dim=N=V ...]
//                  [--max-tensor-bytes=N]
//
// The ahead-of-time twin of strata-run: the same import, kernel formation
// (strata-form-kernels) and strata-cpu-pipeline, the same LLVM optimization
// level, written as an object file (or a shared library, linked by the
// system C compiler) with a C header declaring `int32_t PREFIX_run(...)`
// (lib/Runtime/AheadOfTime.cpp). --cpu makes both the lowering plans and
// the machine code for another x86-64 CPU. Outputs are written only when
// everything succeeded (never half-written). Exit status: 0 on success, 1
// on any error, 3 when an ONNX model cannot be imported.
//
//===----------------------------------------------------------------------===//

#include "strata/Import/OnnxImporter.h"
#include "strata/InitAll.h"
#include "strata/Pipelines/Pipelines.h"
#include "strata/Runtime/AheadOfTime.h"
#include "strata/Runtime/Measure.h"
#include "strata/Runtime/Runner.h"
#include "strata/Support/Limits.h"
#include "strata/Support/OutputFiles.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace mlir::strata;
namespace cl = llvm::cl;

static cl::OptionCategory compileCategory("strata-compile options");

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<file.mlir|model.onnx>"),
                                      cl::Required, cl::cat(compileCategory));
static cl::opt<std::string>
    outputFile("o",
               cl::desc("Output: an object file (.o) or, by the .so "
                        "extension, a shared library"),
               cl::value_desc("file"), cl::Required, cl::cat(compileCategory));
static cl::opt<std::string>
    headerFile("header",
               cl::desc("C header to write (default: the output with the "
                        "extension .h)"),
               cl::value_desc("file"), cl::init(""), cl::cat(compileCategory));
static cl::opt<std::string>
    prefixOpt("name",
              cl::desc("C prefix of the entry point PREFIX_run and the "
                       "header's macros (default: the output's stem)"),
              cl::init(""), cl::cat(compileCategory));
static cl::opt<std::string>
    entryName("entry",
              cl::desc("Function to compile (default: the only public "
                       "function, or main)"),
              cl::init(""), cl::cat(compileCategory));
static cl::opt<std::string>
    cpuName("cpu",
            cl::desc("x86-64 CPU to compile for, as LLVM names it (haswell, "
                     "skylake-avx512, znver4, ...; default: this machine)"),
            cl::init(""), cl::cat(compileCategory));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level"),
                                  cl::init(kDefaultOptLevel), cl::Prefix,
                                  cl::cat(compileCategory));
static cl::opt<std::string> strategySpec(
    "strategy",
    cl::desc("Rewrite strategy applied before fusion: a transform library "
             "file (docs/strategies.md), none, or empty for the default "
             "(share/strata/strategies/default.mlir)"),
    cl::init(""), cl::cat(compileCategory));
static cl::opt<std::string> fusionSpec(
    "fusion",
    cl::desc("Kernel partition, as strata-run --fusion: none, roofline, "
             "learned, learned:FILE or measured"),
    cl::init("roofline"), cl::cat(compileCategory));
static cl::opt<std::string> tilingSpec(
    "tiling",
    cl::desc("What picks each contraction's lowering plan, as strata-run "
             "--tiling: analytic, learned, learned:FILE or measured"),
    cl::init("analytic"), cl::cat(compileCategory));
static cl::opt<bool> parallel(
    "parallel",
    cl::desc("Run each kernel's outer tiles on OpenMP threads (the object "
             "then needs -lomp); false: on the calling thread"),
    cl::init(true), cl::cat(compileCategory));
static cl::list<std::string> dimBindingSpecs(
    "bind-dim",
    cl::desc("ONNX input: bind a symbolic dimension, NAME=VALUE (unbound "
             "ones become 1, with a remark)"),
    cl::cat(compileCategory));
static cl::opt<uint64_t> maxTensorBytes(
    "max-tensor-bytes",
    cl::desc("Largest tensor (in bytes) a model may declare (default: "
             "$STRATA_MAX_TENSOR_BYTES, else 4 GiB)"),
    cl::init(0), cl::cat(compileCategory));

static constexpr int kImportFailed = 3;

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "strata-compile") << message << "\n";
  return 1;
}

/// Links `object` into a shared library with the system C compiler; the
/// library's bytes, or an error.
static llvm::Expected<std::string>
linkSharedLibrary(const CompiledObject &object) {
  auto error = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return error("writing a .so needs a C compiler as 'cc' on PATH (e.g. "
                 "Debian's gcc); write a .o and link it yourself instead");
  SmallString<128> objectPath, libraryPath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("strata-compile", "o", objectPath))
    return error("cannot create a temporary file: " + ec.message());
  llvm::FileRemover removeObject(objectPath);
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "strata-compile", "so", libraryPath))
    return error("cannot create a temporary file: " + ec.message());
  llvm::FileRemover removeLibrary(libraryPath);
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(objectPath, ec);
    if (ec)
      return error("cannot write '" + objectPath + "': " + ec.message());
    os << object.bytes;
  }
  // The libraries are LLVM's (libomp, MLIR's C runner utilities), found
  // at run time through an rpath to their directory.
  std::string libDir =
      llvm::sys::path::parent_path(STRATA_OPENMP_LIBRARY).str();
  std::string searchDir = "-L" + libDir, rpath = "-Wl,-rpath," + libDir;
  SmallVector<std::string> flags = object.getLinkFlags();
  SmallVector<StringRef> args = {*cc,        "-shared", "-o", libraryPath,
                                 objectPath, searchDir, rpath};
  for (const std::string &flag : flags)
    args.push_back(flag);
  std::string message;
  int rc =
      llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, {}, 0, 0, &message);
  if (rc != 0)
    return error("linking the shared library with '" + *cc + "' failed" +
                 (message.empty() ? "" : ": " + message));
  auto bytes = llvm::MemoryBuffer::getFile(libraryPath);
  if (!bytes)
    return error("cannot read '" + libraryPath +
                 "': " + bytes.getError().message());
  return (*bytes)->getBuffer().str();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerMeasuredCostModelFactory();
  registerPassManagerCLOptions();
  registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions(compileCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "strata-compile: compile a model ahead of time into an object file or "
      "shared library and a C header\n");
  if (maxTensorBytes)
    setMaxTensorBytes(maxTensorBytes);

  StringRef extension = llvm::sys::path::extension(outputFile);
  bool shared = extension == ".so";
  if (!shared && extension != ".o")
    return fail("-o must name a .o or .so file, got '" + outputFile + "'");
  std::string header = headerFile;
  if (header.empty()) {
    SmallString<128> path(outputFile);
    llvm::sys::path::replace_extension(path, ".h");
    header = path.str().str();
  }
  AheadOfTimeOptions aot;
  aot.prefix = prefixOpt.empty()
                   ? makeCIdentifier(llvm::sys::path::stem(outputFile))
                   : prefixOpt.getValue();
  if (!isValidCIdentifier(aot.prefix))
    return fail("--name must be a C identifier, got '" + aot.prefix + "'");
  aot.cpu = cpuName;
  aot.optLevel = optLevel;
  if (optLevel > 3)
    return fail("-O takes 0 to 3, got " + llvm::Twine(optLevel.getValue()));

  DialectRegistry registry;
  registerAllDialectsForStrata(registry);
  registerAllToLLVMIRTranslations(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OnnxImportOptions importOptions;
  for (const std::string &spec : dimBindingSpecs)
    if (llvm::Error err = parseDimBinding(spec, importOptions))
      return fail(llvm::toString(std::move(err)));
  llvm::Expected<LoadedModel> loaded =
      loadModelFile(inputFile, &context, sourceMgr, importOptions);
  if (!loaded)
    return fail(llvm::toString(loaded.takeError()));
  if (!loaded->module)
    return loaded->isOnnx ? kImportFailed
                          : fail("cannot parse '" + inputFile + "'");
  OwningOpRef<ModuleOp> module = std::move(loaded->module);
  if (failed(checkStaticTensorSizes(*module)))
    return 1;
  FailureOr<EntrySignature> sig = getEntrySignature(*module, entryName);
  if (failed(sig))
    return 1;

  // Exactly strata-run's compilation (strata-form-kernels, then
  // strata-cpu-pipeline), for --cpu's plans.
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  FormKernelsOptions form;
  form.fusion = fusionSpec;
  form.strategy = strategySpec;
  buildFormKernelsPipeline(pm, form);
  CPUPipelineOptions cpu;
  cpu.cpu = cpuName;
  cpu.parallel = parallel;
  cpu.tiling = tilingSpec;
  buildCPUPipeline(pm, cpu);
  if (failed(pm.run(*module)))
    return fail("compiling '" + inputFile + "' failed");

  llvm::Expected<CompiledObject> object = compileToObject(*module, *sig, aot);
  if (!object)
    return fail(llvm::toString(object.takeError()));
  std::string bytes = object->bytes;
  if (shared) {
    llvm::Expected<std::string> library = linkSharedLibrary(*object);
    if (!library)
      return fail(llvm::toString(library.takeError()));
    bytes = std::move(*library);
  }
  if (llvm::Error err = writeOutputFiles(
          {{outputFile, std::move(bytes)},
           {header, getCHeader(*sig, aot, *object,
                               llvm::sys::path::filename(inputFile))}}))
    return fail(llvm::toString(std::move(err)));
  return 0;
}
