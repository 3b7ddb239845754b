//===- AheadOfTime.cpp - Compile an entry function to an object file ------===//

#include "strata/Runtime/AheadOfTime.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/TargetParser/X86TargetParser.h"

using namespace mlir;
using namespace mlir::strata;

static llvm::Error aotError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

bool mlir::strata::isValidCIdentifier(StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

std::string mlir::strata::makeCIdentifier(StringRef name) {
  std::string id;
  for (char c : name)
    id.push_back(llvm::isAlnum(c) ? c : '_');
  if (id.empty() || llvm::isDigit(id.front()))
    id.insert(id.begin(), '_');
  return id;
}

/// The C type a caller's array of `dtype` has.
static StringRef getCType(DType dtype) {
  switch (dtype) {
  case DType::F16:
    return "uint16_t"; // IEEE binary16 bits
  case DType::F32:
    return "float";
  case DType::F64:
    return "double";
  case DType::I1:
    return "uint8_t"; // one byte per element, 0 or 1
  case DType::I8:
    return "int8_t";
  case DType::I16:
    return "int16_t";
  case DType::I32:
    return "int32_t";
  case DType::I64:
    return "int64_t";
  case DType::U8:
    return "uint8_t";
  }
  llvm_unreachable("unknown dtype");
}

/// The target machine for `cpu` (empty: the host, with the features it
/// reports, as the JIT's).
static llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(StringRef cpu, unsigned optLevel) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string cpuName, features;
  if (cpu.empty() || cpu == "host") {
    cpuName = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures list;
    for (const auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
      list.AddFeature(feature, enabled);
    features = list.getString();
  } else {
    if (!triple.isX86() ||
        llvm::X86::parseArchX86(cpu, /*Only64Bit=*/true) == llvm::X86::CK_None)
      return aotError("unknown CPU '" + cpu +
                      "'; expected an x86-64 CPU name as LLVM spells it, "
                      "e.g. haswell, skylake-avx512, znver4");
    cpuName = cpu.str();
  }
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return aotError("no LLVM target for " + triple.str() + ": " + error);
  llvm::TargetOptions options;
  // Position-independent, so the object can go into a shared library.
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpuName, features, options, llvm::Reloc::PIC_, std::nullopt,
      static_cast<llvm::CodeGenOptLevel>(std::min(optLevel, 3u))));
  if (!machine)
    return aotError("cannot create an LLVM target machine for CPU '" + cpuName +
                    "'");
  return machine;
}

/// Fields of the expanded memref descriptor the lowered entry takes per
/// argument: allocated and aligned pointer, offset, sizes, strides.
static unsigned getDescriptorFields(RankedTensorType type) {
  return 3 + 2 * type.getRank();
}

/// Defines `PREFIX_run` calling `entry` with the descriptors of dense
/// arrays, and the index-error hook the program may call (it counts into
/// an internal global the wrapper reads). Makes everything else internal.
static llvm::Error addEntryPoint(llvm::Module &module,
                                 const EntrySignature &signature,
                                 const AheadOfTimeOptions &options) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Function *entry = module.getFunction(signature.name);
  if (!entry || entry->isDeclaration())
    return aotError("the lowered module has no function '" + signature.name +
                    "'");
  SmallVector<RankedTensorType> arrays(signature.inputs);
  arrays.append(signature.results);
  unsigned expected = 0;
  for (RankedTensorType type : arrays)
    expected += getDescriptorFields(type);
  if (entry->arg_size() != expected)
    return aotError("'" + signature.name + "' takes " +
                    llvm::Twine(entry->arg_size()) +
                    " LLVM parameters; expected " + llvm::Twine(expected) +
                    " (one memref descriptor per input and result)");

  std::string runName = options.prefix + "_run";
  if (module.getNamedValue(runName))
    return aotError("the symbol '" + runName +
                    "' is already defined in the program; choose another "
                    "prefix");
  // Every definition becomes internal before the entry point is added.
  for (llvm::Function &f : module)
    if (!f.isDeclaration())
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
  for (llvm::GlobalVariable &g : module.globals())
    if (!g.isDeclaration() && !g.getName().starts_with("llvm."))
      g.setLinkage(llvm::GlobalValue::InternalLinkage);

  auto *i32 = llvm::Type::getInt32Ty(ctx);
  auto *i64 = llvm::Type::getInt64Ty(ctx);
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  auto *counter = new llvm::GlobalVariable(
      module, i64, /*isConstant=*/false, llvm::GlobalValue::InternalLinkage,
      llvm::ConstantInt::get(i64, 0), options.prefix + "_index_errors");

  // The index-check hook (strata-lower-index-checks), when the program
  // calls it: count, from any thread.
  if (llvm::Function *hook = module.getFunction("strata_index_error");
      hook && hook->isDeclaration()) {
    hook->setLinkage(llvm::GlobalValue::InternalLinkage);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", hook));
    b.CreateAtomicRMW(llvm::AtomicRMWInst::Add, counter,
                      llvm::ConstantInt::get(i64, 1), llvm::MaybeAlign(8),
                      llvm::AtomicOrdering::Monotonic);
    b.CreateRetVoid();
  }

  SmallVector<llvm::Type *> params(arrays.size(), ptr);
  auto *run = llvm::Function::Create(
      llvm::FunctionType::get(i32, params, /*isVarArg=*/false),
      llvm::GlobalValue::ExternalLinkage, runName, module);
  run->setDoesNotThrow();
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", run));
  b.CreateAlignedStore(llvm::ConstantInt::get(i64, 0), counter,
                       llvm::MaybeAlign(8));
  SmallVector<llvm::Value *> args;
  for (auto [i, type] : llvm::enumerate(arrays)) {
    llvm::Argument *data = run->getArg(i);
    data->setName(i < signature.inputs.size()
                      ? "input" + llvm::Twine(i)
                      : "output" + llvm::Twine(i - signature.inputs.size()));
    args.push_back(data);
    args.push_back(data);
    args.push_back(llvm::ConstantInt::get(i64, 0));
    ArrayRef<int64_t> shape = type.getShape();
    for (int64_t size : shape)
      args.push_back(llvm::ConstantInt::get(i64, size));
    int64_t stride = 1;
    SmallVector<int64_t> strides(shape.size());
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
      strides[d] = stride;
      stride *= shape[d];
    }
    for (int64_t s : strides)
      args.push_back(llvm::ConstantInt::get(i64, s));
  }
  for (auto [arg, param] : llvm::zip_equal(args, entry->args()))
    if (arg->getType() != param.getType())
      return aotError("'" + signature.name +
                      "' does not take expanded memref descriptors");
  b.CreateCall(entry, args);
  llvm::Value *errors = b.CreateAlignedLoad(i64, counter, llvm::MaybeAlign(8));
  b.CreateRet(b.CreateZExt(
      b.CreateICmpNE(errors, llvm::ConstantInt::get(i64, 0)), i32));
  return llvm::Error::success();
}

bool CompiledObject::needsRunnerUtils() const {
  return llvm::any_of(externals, [](const std::string &name) {
    return StringRef(name).starts_with("memrefCopy");
  });
}

bool CompiledObject::needsOpenMP() const {
  return llvm::any_of(externals, [](const std::string &name) {
    return StringRef(name).starts_with("__kmpc_") ||
           StringRef(name).starts_with("omp_");
  });
}

SmallVector<std::string> CompiledObject::getLinkFlags() const {
  SmallVector<std::string> flags;
  if (needsOpenMP())
    flags.push_back("-lomp");
  if (needsRunnerUtils())
    flags.push_back("-lmlir_c_runner_utils");
  flags.push_back("-lm");
  return flags;
}

/// Appends the bytes of `value` to `bytes` (in memory order); false if it
/// is not plain data (a pointer, an expression).
static bool appendBytes(const llvm::DataLayout &layout, llvm::Constant *value,
                        std::string &bytes) {
  if (auto *data = dyn_cast<llvm::ConstantDataSequential>(value)) {
    bytes += data->getRawDataValues();
    return true;
  }
  if (isa<llvm::ConstantAggregateZero>(value)) {
    bytes.append(layout.getTypeAllocSize(value->getType()), '\0');
    return true;
  }
  if (auto *array = dyn_cast<llvm::ConstantArray>(value)) {
    for (llvm::Use &element : array->operands())
      if (!appendBytes(layout, cast<llvm::Constant>(element.get()), bytes))
        return false;
    return true;
  }
  return false;
}

/// Rewrites each large constant global of numbers as an array of bytes.
/// LLVM writes a float array into the object file element by element
/// (and a multi-dimensional memref's is a nest of arrays): ResNet-50's 25M
/// weights took over a second. Byte arrays are written in one piece. Uses
/// are pointers to the global (opaque pointers), so only the global's
/// value type changes; its alignment is kept.
static void storeConstantsAsBytes(llvm::Module &module) {
  const llvm::DataLayout &layout = module.getDataLayout();
  llvm::Type *byte = llvm::Type::getInt8Ty(module.getContext());
  SmallVector<llvm::GlobalVariable *> globals;
  for (llvm::GlobalVariable &global : module.globals())
    if (global.isConstant() && global.hasInitializer() &&
        layout.getTypeAllocSize(global.getValueType()) >= kLargeConstantBytes &&
        !global.getValueType()->isIntegerTy(8))
      globals.push_back(&global);
  for (llvm::GlobalVariable *global : globals) {
    std::string bytes;
    if (!appendBytes(layout, global->getInitializer(), bytes) ||
        bytes.size() != layout.getTypeAllocSize(global->getValueType()))
      continue;
    llvm::Constant *data =
        llvm::ConstantDataArray::getRaw(bytes, bytes.size(), byte);
    auto *replacement = new llvm::GlobalVariable(
        module, data->getType(), /*isConstant=*/true, global->getLinkage(),
        data, "", global, global->getThreadLocalMode(),
        global->getAddressSpace());
    replacement->setAlignment(
        std::max(global->getAlign().valueOrOne(),
                 layout.getPrefTypeAlign(global->getValueType())));
    // Not unnamed_addr: a byte array that happens to end in its only zero
    // byte would otherwise qualify as a mergeable C string.
    replacement->setVisibility(global->getVisibility());
    replacement->setDSOLocal(global->isDSOLocal());
    replacement->takeName(global);
    global->replaceAllUsesWith(replacement);
    global->eraseFromParent();
  }
}

llvm::Expected<CompiledObject>
mlir::strata::compileToObject(ModuleOp llvmModule,
                              const EntrySignature &signature,
                              const AheadOfTimeOptions &options) {
  if (!isValidCIdentifier(options.prefix))
    return aotError("'" + options.prefix + "' is not a C identifier");
  auto machine = createTargetMachine(options.cpu, options.optLevel);
  if (!machine)
    return machine.takeError();

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(llvmModule, context, "strata");
  if (!module)
    return aotError("translating the lowered module to LLVM IR failed");
  module->setTargetTriple((*machine)->getTargetTriple());
  module->setDataLayout((*machine)->createDataLayout());
  if (llvm::Error err = addEntryPoint(*module, signature, options))
    return std::move(err);
  std::string verifierMessage;
  llvm::raw_string_ostream verifierOS(verifierMessage);
  if (llvm::verifyModule(*module, &verifierOS))
    return aotError("internal error: the LLVM module does not verify: " +
                    verifierMessage);

  // The JIT's optimization pipeline (ExecutionEngine's transformer).
  auto optimize = makeOptimizingTransformer(options.optLevel,
                                            /*sizeLevel=*/0, machine->get());
  if (llvm::Error err = optimize(module.get()))
    return std::move(err);
  storeConstantsAsBytes(*module);

  CompiledObject result;
  for (llvm::Function &f : *module)
    if (f.isDeclaration() && !f.isIntrinsic() && !f.use_empty())
      result.externals.push_back(f.getName().str());
  llvm::sort(result.externals);

  SmallString<0> object;
  llvm::raw_svector_ostream stream(object);
  llvm::legacy::PassManager codegen;
  if ((*machine)->addPassesToEmitFile(codegen, stream, nullptr,
                                      llvm::CodeGenFileType::ObjectFile))
    return aotError("the LLVM target cannot write object files");
  codegen.run(*module);
  result.bytes = std::string(object.str());
  return result;
}

std::string mlir::strata::getCHeader(const EntrySignature &signature,
                                     const AheadOfTimeOptions &options,
                                     const CompiledObject &object,
                                     StringRef source) {
  std::string upper = StringRef(options.prefix).upper();
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* Generated by strata-compile from " << source
     << ": the entry point of " << options.prefix << ".o. Do not edit. */\n";
  os << "#ifndef " << upper << "_STRATA_H\n#define " << upper
     << "_STRATA_H\n\n#include <stdint.h>\n\n#ifdef __cplusplus\nextern "
        "\"C\" {\n#endif\n\n";
  os << "#define " << upper << "_NUM_INPUTS " << signature.inputs.size()
     << "\n#define " << upper << "_NUM_OUTPUTS " << signature.results.size()
     << "\n";
  auto describe = [&](StringRef what, unsigned i, RankedTensorType type,
                      DType dtype) {
    os << "/* " << what << " " << i << ": " << getDTypeName(dtype) << " ";
    if (type.getRank() == 0)
      os << "scalar";
    llvm::interleave(type.getShape(), os, "x");
    os << ", row-major */\n#define " << upper << "_" << StringRef(what).upper()
       << i << "_ELEMENTS " << type.getNumElements() << "\n";
  };
  for (auto [i, type] : llvm::enumerate(signature.inputs))
    describe("input", i, type, signature.inputDTypes[i]);
  for (auto [i, type] : llvm::enumerate(signature.results))
    describe("output", i, type, signature.resultDTypes[i]);
  os << "\n/* Runs '" << signature.name
     << "' on the inputs and writes every output. The caller owns\n"
        "   all arrays; outputs must not overlap inputs or each other.\n";
  if (object.needsOpenMP())
    os << "   Kernels run on OpenMP threads (OMP_NUM_THREADS sets how many); "
          "results\n   are the same for every count.\n";
  else
    os << "   Runs on the calling thread.\n";
  os << "   Returns 0, or 1 if the program read an out-of-range index (the "
        "outputs\n   then hold the values computed with index 0 in its "
        "place).\n";
  os << "   Link with:";
  for (const std::string &flag : object.getLinkFlags())
    os << " " << flag;
  os << " */\n";
  os << "int32_t " << options.prefix << "_run(";
  bool first = true;
  for (auto [i, dtype] : llvm::enumerate(signature.inputDTypes)) {
    os << (first ? "" : ", ") << "const " << getCType(dtype) << " *input" << i;
    first = false;
  }
  for (auto [i, dtype] : llvm::enumerate(signature.resultDTypes)) {
    os << (first ? "" : ", ") << getCType(dtype) << " *output" << i;
    first = false;
  }
  if (first)
    os << "void";
  os << ");\n\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  return text;
}
