//===- OnnxSchema.cpp - Check nodes against ONNX's operator schemas -------===//
//
// Before a converter sees a node, the node is checked against the operator
// schema that libonnx registers for the model's opset: the number of inputs
// and outputs, required inputs that are given the empty name ("omitted"),
// attribute names and types, required attributes. This is the ONNX
// checker's own node check (OpSchema::Verify), so converters never receive
// a null value for a required input.
//
// libonnx reports a failed check with an exception, so this one file is
// compiled with -fexceptions (the rest of Strata, like LLVM, without).
// Debian's libonnx 1.12 knows opsets up to 17. For a newer model opset the
// newest schema it knows may lack inputs or attributes later opsets added
// (Reduce* took `axes` as an input in 18), so only what no later opset
// relaxed is checked: the input count (allowing the inputs opsets 18-21
// added) and the required inputs; attributes are left to the converters.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"

#include <exception>

using namespace mlir::strata::onnx_import;

/// The newest opset of the default domain this libonnx has schemas for.
static int getNewestKnownOpset() {
  const auto &ranges =
      onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto it = ranges.find(onnx::ONNX_DOMAIN);
  return it == ranges.end() ? 0 : it->second.second;
}

/// ONNX's messages end with a context block; keep the first line.
static std::string firstLine(const char *text) {
  std::string message(text);
  size_t end = message.find('\n');
  if (end != std::string::npos)
    message.resize(end);
  while (!message.empty() && (message.back() == ' ' || message.back() == '.'))
    message.pop_back();
  return message;
}

std::optional<std::string>
mlir::strata::onnx_import::checkNodeSchema(const onnx::NodeProto &node,
                                           int64_t opset) {
  static const int newest = getNewestKnownOpset();
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(node.op_type(), static_cast<int>(opset));
  if (!schema) {
    if (const onnx::OpSchema *later =
            onnx::OpSchemaRegistry::Schema(node.op_type()))
      return "is not an operator of opset " + std::to_string(opset) +
             " (it was introduced in opset " +
             std::to_string(later->SinceVersion()) + ")";
    // Ops newer than libonnx that Strata converts: one required input, no
    // others.
    static const std::pair<const char *, int64_t> unaryOps[] = {{"Mish", 18},
                                                                {"Gelu", 20}};
    for (auto [op, since] : unaryOps) {
      if (node.op_type() != op)
        continue;
      if (opset < since)
        return "is not an operator of opset " + std::to_string(opset) +
               " (it was introduced in opset " + std::to_string(since) + ")";
      if (node.input_size() != 1 || node.input(0).empty())
        return "has " + std::to_string(node.input_size()) + " input(s); " +
               node.op_type() + " takes exactly one";
    }
    return std::nullopt;
  }
  std::string where = "the ONNX schema of " + node.op_type() + "-" +
                      std::to_string(schema->SinceVersion());
  // Only optional inputs may be omitted (given the empty name); Verify lets
  // a variadic input be empty, which no converter expects.
  const auto &formals = schema->inputs();
  for (int i = 0; i < node.input_size() && !formals.empty(); ++i) {
    const auto &formal = formals[std::min<size_t>(i, formals.size() - 1)];
    if (node.input(i).empty() && formal.GetOption() != onnx::OpSchema::Optional)
      return "input #" + std::to_string(i) + " ('" + formal.GetName() +
             "') is required but omitted (empty name)";
  }
  if (opset <= newest) {
    try {
      schema->Verify(node);
    } catch (const std::exception &e) {
      return "does not match " + where + ": " + firstLine(e.what());
    }
    return std::nullopt;
  }
  // Inputs opsets 18-21 added to ops libonnx 1.12 knows: Reduce* and Pad
  // took `axes` as an input. No op lost an input or changed its minimum.
  int maxInput = schema->max_input();
  llvm::StringRef op = node.op_type();
  if (op.starts_with("Reduce"))
    maxInput = std::max(maxInput, 2);
  else if (op == "Pad")
    maxInput = std::max(maxInput, 4);
  if (node.input_size() < schema->min_input() || node.input_size() > maxInput)
    return "has " + std::to_string(node.input_size()) + " input(s); " + where +
           " (with the inputs later opsets added) takes " +
           std::to_string(schema->min_input()) + " to " +
           std::to_string(maxInput);
  return std::nullopt;
}
