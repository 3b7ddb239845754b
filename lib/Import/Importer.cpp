//===- Importer.cpp - Walk an ONNX graph and build a func.func ------------===//
//
// The graph's non-initializer inputs become the function's arguments (with
// symbolic dimensions bound), initializers become constants on first use,
// and each node goes through the converter registered for its op type.
// A failing node poisons its outputs; nodes that consume poisoned values
// are skipped, so every offending node is reported once and no follow-up
// noise is produced. Every value's inferred type is checked against the
// model's own value_info / graph outputs where those are static.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"
#include "dialects/Strata/IR/StrataDialect.h"
#include "strata/Import/OnnxImporter.h"
#include "strata/Support/Limits.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringSet.h"
#include <chrono>

using namespace mlir;
using namespace mlir::strata;
using namespace mlir::strata::onnx_import;

namespace mlir::strata::onnx_import {
bool parseModel(StringRef bytes, onnx::ModelProto &model);
} // namespace mlir::strata::onnx_import

static const ConverterTable &getConverters() {
  static const ConverterTable table = [] {
    ConverterTable t;
    addElementwiseConverters(t);
    addNNConverters(t);
    addShapeConverters(t);
    addReductionConverters(t);
    addResizeConverters(t);
    addMiscConverters(t);
    return t;
  }();
  return table;
}

std::vector<std::string> mlir::strata::getSupportedOnnxOps() {
  std::vector<std::string> ops;
  for (const auto &entry : getConverters())
    ops.push_back(entry.getKey().str());
  llvm::sort(ops);
  return ops;
}

llvm::Error mlir::strata::parseDimBinding(StringRef spec,
                                          OnnxImportOptions &options) {
  auto [name, value] = spec.split('=');
  int64_t v;
  if (name.empty() || value.getAsInteger(10, v) || v <= 0)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "--bind-dim expects NAME=VALUE with a positive VALUE, got '" + spec +
            "'");
  options.dimBindings[name] = v;
  return llvm::Error::success();
}

namespace {
class GraphImporter {
public:
  GraphImporter(MLIRContext *context, const OnnxImportOptions &options)
      : context(context), options(options), builder(context),
        fileLoc(FileLineColLoc::get(context, options.bufferName, 0, 0)) {}

  OwningOpRef<ModuleOp> run(StringRef bytes);

private:
  LogicalResult importGraph(const onnx::GraphProto &graph, ModuleOp module);
  FailureOr<RankedTensorType> getValueType(const onnx::ValueInfoProto &info,
                                           StringRef what);
  Location nodeLoc(const onnx::NodeProto &node, int index);
  /// The value named `name`: an imported value, or an initializer made a
  /// constant now. Null if poisoned; failure if undefined.
  FailureOr<Value> lookup(StringRef name, Location loc,
                          const onnx::NodeProto *user = nullptr);
  void checkDeclaredType(StringRef name, Value value, Location loc);
  /// Verifies the ops of `block` after `lastBefore` (all if null); the first
  /// verifier error, or nullopt if they verify.
  std::optional<std::string> verifyNewOps(Operation *lastBefore, Block &block);

  MLIRContext *context;
  const OnnxImportOptions &options;
  OpBuilder builder;
  Location fileLoc;
  int64_t opset = 0;
  llvm::StringMap<Value> values;
  llvm::StringSet<> poisoned;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  llvm::StringMap<const onnx::ValueInfoProto *> declared;
  bool hadError = false;
  /// Entry arguments specialized to their given values.
  llvm::DenseMap<Value, DenseElementsAttr> specialized;
  SmallVector<std::string> argNames;
  std::optional<DenseElementsAttr> specializeArgument(Value v);
};
} // namespace

Location GraphImporter::nodeLoc(const onnx::NodeProto &node, int index) {
  std::string name = node.name();
  if (name.empty())
    name = node.op_type() + "_" + std::to_string(index);
  // A bare name, so that any later diagnostic on these ops prints
  // loc("node_name") (a file child would be printed instead of the name).
  return NameLoc::get(StringAttr::get(context, name));
}

FailureOr<RankedTensorType>
GraphImporter::getValueType(const onnx::ValueInfoProto &info, StringRef what) {
  if (!info.type().has_tensor_type()) {
    emitError(fileLoc) << what << " '" << info.name()
                       << "' is not a tensor (sequences, maps and optionals "
                          "are not supported)";
    return failure();
  }
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  Type elementType = getElementType(context, tensor.elem_type());
  if (!elementType) {
    emitError(fileLoc) << what << " '" << info.name() << "' has element type "
                       << getOnnxTypeName(tensor.elem_type())
                       << ", which Strata does not support";
    return failure();
  }
  if (!tensor.has_shape()) {
    emitError(fileLoc) << what << " '" << info.name()
                       << "' has no shape; Strata needs static shapes";
    return failure();
  }
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(tensor.shape().dim())) {
    if (dim.has_dim_value()) {
      if (dim.dim_value() < 0) {
        emitError(fileLoc) << what << " '" << info.name()
                           << "' has a negative dimension";
        return failure();
      }
      shape.push_back(dim.dim_value());
      continue;
    }
    std::string param = dim.has_dim_param() ? dim.dim_param() : "";
    auto it = options.dimBindings.find(param);
    if (!param.empty() && it != options.dimBindings.end()) {
      shape.push_back(it->second);
      continue;
    }
    shape.push_back(1);
    emitRemark(fileLoc) << what << " '" << info.name() << "': dimension #" << i
                        << (param.empty() ? " (unnamed)" : " '" + param + "'")
                        << " is symbolic; bound to 1 (use --bind-dim "
                        << (param.empty() ? "NAME" : param) << "=VALUE)";
  }
  auto type = RankedTensorType::get(shape, elementType);
  std::string tooLarge = checkTensorSize(type);
  if (!tooLarge.empty()) {
    emitError(fileLoc) << what << " '" << info.name() << "': " << tooLarge;
    return failure();
  }
  return type;
}

FailureOr<Value> GraphImporter::lookup(StringRef name, Location loc,
                                       const onnx::NodeProto *user) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  if (poisoned.contains(name))
    return Value();
  auto init = initializers.find(name);
  if (init != initializers.end()) {
    std::string error;
    FailureOr<DenseElementsAttr> attr =
        convertTensor(*init->second, context, error);
    if (failed(attr)) {
      if (user)
        emitNodeError(fileLoc, *user, opset)
            << "initializer '" << name << "': " << error;
      else
        emitError(fileLoc) << "initializer '" << name << "': " << error;
      hadError = true;
      poisoned.insert(name);
      return Value();
    }
    Value v = arith::ConstantOp::create(
        builder, NameLoc::get(StringAttr::get(context, name)), *attr);
    values[name] = v;
    return v;
  }
  emitError(loc) << "value '" << name
                 << "' is used before it is defined (the graph is not in "
                    "topological order or misses a producer)";
  return failure();
}

void GraphImporter::checkDeclaredType(StringRef name, Value value,
                                      Location loc) {
  auto it = declared.find(name);
  if (it == declared.end())
    return;
  const onnx::ValueInfoProto &info = *it->second;
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return;
  auto type = cast<RankedTensorType>(value.getType());
  const auto &dims = info.type().tensor_type().shape().dim();
  bool mismatch = dims.size() != type.getRank();
  for (int i = 0; !mismatch && i < dims.size(); ++i)
    mismatch =
        dims[i].has_dim_value() && dims[i].dim_value() != type.getDimSize(i);
  Type declaredElement =
      getElementType(context, info.type().tensor_type().elem_type());
  if (declaredElement && declaredElement != type.getElementType())
    mismatch = true;
  if (!mismatch)
    return;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  emitError(loc) << "value '" << name << "': Strata inferred " << text
                 << " but the model declares a different type";
  hadError = true;
}

std::optional<DenseElementsAttr> GraphImporter::specializeArgument(Value v) {
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg)
    return std::nullopt;
  auto it = specialized.find(v);
  if (it != specialized.end())
    return it->second;
  unsigned index = arg.getArgNumber();
  if (index >= options.inputValues.size() || !options.inputValues[index])
    return std::nullopt;
  const HostTensor &t = *options.inputValues[index];
  auto type = cast<RankedTensorType>(v.getType());
  FailureOr<DType> dtype = getDTypeFor(type.getElementType());
  if (failed(dtype) || *dtype != t.getDType() ||
      t.getShape() != type.getShape())
    return std::nullopt;
  DenseElementsAttr attr;
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> bits;
    for (int64_t i = 0; i < t.getNumElements(); ++i)
      bits.push_back(t.getData()[i] != 0);
    attr = DenseElementsAttr::get(type, bits);
  } else {
    attr = DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(reinterpret_cast<const char *>(t.getData()),
                             t.getByteSize()));
  }
  emitRemark(fileLoc) << "graph input '" << argNames[index]
                      << "' is used as a constant operand; the function is "
                         "specialized to its given value";
  specialized[v] = attr;
  return attr;
}

LogicalResult GraphImporter::importGraph(const onnx::GraphProto &graph,
                                         ModuleOp module) {
  for (const onnx::TensorProto &init : graph.initializer())
    initializers[init.name()] = &init;
  if (graph.sparse_initializer_size() > 0) {
    emitError(fileLoc) << "sparse initializers are not supported";
    return failure();
  }
  for (const onnx::ValueInfoProto &info : graph.value_info())
    declared[info.name()] = &info;
  for (const onnx::ValueInfoProto &info : graph.output())
    declared[info.name()] = &info;

  // Arguments: graph inputs that are not initializers (IR < 4 lists
  // initializers among the inputs, as defaults).
  // Every bad input is reported before giving up.
  SmallVector<Type> argTypes;
  bool badInput = false;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (initializers.count(info.name()))
      continue;
    FailureOr<RankedTensorType> type = getValueType(info, "graph input");
    if (failed(type)) {
      badInput = true;
      continue;
    }
    // Empty vectors are fine (empty axes, pads, ...: they specialize to
    // constants); empty data of higher rank is not supported.
    if (type->getNumElements() == 0 && type->getRank() != 1) {
      emitError(fileLoc) << "graph input '" << info.name()
                         << "' is empty; tensors with a zero-size dimension "
                            "are not supported";
      badInput = true;
      continue;
    }
    argTypes.push_back(*type);
    argNames.push_back(info.name());
  }
  if (badInput)
    return failure();

  builder.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(builder, fileLoc, options.functionName,
                                   builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    values[name] = entry->getArgument(i);
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(name));
  }
  builder.setInsertionPointToEnd(entry);

  const ConverterTable &converters = getConverters();
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    Location loc = nodeLoc(node, index);
    auto markPoisoned = [&] {
      for (const std::string &out : node.output())
        if (!out.empty())
          poisoned.insert(out);
    };
    auto report = [&](const Twine &reason) {
      emitNodeError(fileLoc, node, opset) << reason;
      hadError = true;
      markPoisoned();
    };
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      report("operator domain '" + node.domain() + "' is not supported");
      continue;
    }
    auto converter = converters.find(node.op_type());
    if (converter == converters.end()) {
      report("unsupported operator");
      continue;
    }
    // Arity, omitted required inputs and attributes, by ONNX's own schema.
    if (std::optional<std::string> why = checkNodeSchema(node, opset)) {
      report(*why);
      continue;
    }
    SmallVector<Value> inputs;
    bool skip = false;
    for (const std::string &name : node.input()) {
      if (name.empty()) {
        inputs.push_back(Value());
        continue;
      }
      FailureOr<Value> v = lookup(name, fileLoc, &node);
      if (failed(v)) {
        hadError = true;
        skip = true;
        break;
      }
      if (!*v)
        skip = true;
      inputs.push_back(*v);
    }
    if (skip) {
      markPoisoned();
      continue;
    }
    NodeContext ctx(builder, node, opset, loc, fileLoc, inputs,
                    [this](Value v) { return specializeArgument(v); });
    Operation *lastBefore = entry->empty() ? nullptr : &entry->back();
    if (failed(converter->second(ctx))) {
      hadError = true;
      markPoisoned();
      continue;
    }
    // Converters check what they rely on; shapes they do not check (a
    // rank-4 BatchNormalization mean, a Conv bias that is not a vector)
    // make ops that do not verify. Say so at the node, not as an internal
    // error at the end.
    if (std::optional<std::string> why = verifyNewOps(lastBefore, *entry)) {
      report("the inputs' shapes or types are not supported: " + *why);
      continue;
    }
    for (int i = 0; i < node.output_size(); ++i) {
      if (node.output(i).empty())
        continue;
      Value v = ctx.getOutputs()[i];
      if (!v) {
        report("output #" + Twine(i) + " ('" + node.output(i) +
               "') is not supported");
        break;
      }
      std::string tooLarge = checkTensorSize(typeOf(v));
      if (!tooLarge.empty()) {
        report("output #" + Twine(i) + " ('" + node.output(i) +
               "'): " + tooLarge);
        break;
      }
      values[node.output(i)] = v;
      checkDeclaredType(node.output(i), v, fileLoc);
    }
  }
  if (hadError)
    return failure();

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const onnx::ValueInfoProto &info : graph.output()) {
    FailureOr<Value> v = lookup(info.name(), fileLoc);
    if (failed(v) || !*v)
      return failure();
    results.push_back(*v);
    resultTypes.push_back(v->getType());
  }
  func::ReturnOp::create(builder, fileLoc, results);
  // Drop what folding left unused (shape operands of folded reshapes,
  // ConstantOfShape's shape input, ...), so the output reads cleanly.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry)))
    if (isOpTriviallyDead(&op))
      op.erase();
  func.setFunctionType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, info] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "onnx.name", builder.getStringAttr(info.name()));
  return success(!hadError);
}

std::optional<std::string> GraphImporter::verifyNewOps(Operation *lastBefore,
                                                       Block &block) {
  std::optional<std::string> first;
  ScopedDiagnosticHandler capture(context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error && !first)
      first = diag.str();
    return success();
  });
  auto begin =
      lastBefore ? std::next(Block::iterator(lastBefore)) : block.begin();
  for (Operation &op : llvm::make_range(begin, block.end()))
    if (failed(mlir::verify(&op)))
      return first.value_or("an op does not verify");
  return std::nullopt;
}

OwningOpRef<ModuleOp> GraphImporter::run(StringRef bytes) {
  context
      ->loadDialect<arith::ArithDialect, func::FuncDialect,
                    linalg::LinalgDialect, math::MathDialect,
                    tensor::TensorDialect, tosa::TosaDialect, StrataDialect>();
  onnx::ModelProto model;
  if (!parseModel(bytes, model)) {
    emitError(fileLoc) << "not a valid ONNX model: the protobuf cannot be "
                          "parsed (truncated or not an ONNX file)";
    return nullptr;
  }
  if (!model.has_graph() || model.ir_version() <= 0) {
    emitError(fileLoc) << "not an ONNX model: "
                       << (model.has_graph() ? "no IR version" : "no graph");
    return nullptr;
  }
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
  if (opset == 0) {
    emitError(fileLoc) << "the model imports no opset of the default ONNX "
                          "domain";
    return nullptr;
  }
  if (opset > 21) {
    emitError(fileLoc) << "opset " << opset
                       << " is newer than 21, the newest Strata imports";
    return nullptr;
  }
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  if (failed(importGraph(model.graph(), *module)))
    return nullptr;
  if (failed(verify(*module))) {
    emitError(fileLoc) << "internal error: the imported module does not "
                          "verify (please report this model)";
    return nullptr;
  }
  return module;
}

llvm::Expected<LoadedModel>
mlir::strata::loadModelFile(StringRef path, MLIRContext *context,
                            llvm::SourceMgr &sourceMgr,
                            OnnxImportOptions options) {
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(path, &error);
  if (!file)
    return llvm::createStringError(llvm::inconvertibleErrorCode(), error);
  LoadedModel loaded;
  StringRef bytes = file->getBuffer();
  loaded.isOnnx = path.ends_with(".onnx") || looksLikeOnnxModel(bytes);
  if (loaded.isOnnx) {
    options.bufferName = path.str();
    auto start = std::chrono::steady_clock::now();
    loaded.module = importOnnxModel(bytes, context, options);
    loaded.importSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    return loaded;
  }
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  loaded.module = parseSourceFile<ModuleOp>(sourceMgr, context);
  return loaded;
}

OwningOpRef<ModuleOp>
mlir::strata::importOnnxModel(StringRef bytes, MLIRContext *context,
                              const OnnxImportOptions &options) {
  GraphImporter importer(context, options);
  return importer.run(bytes);
}
