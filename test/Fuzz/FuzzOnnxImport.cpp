//===- FuzzOnnxImport.cpp - libFuzzer target: the ONNX importer -----------===//
//
// Any bytes go through importOnnxModel. The importer must return a module
// or fail with diagnostics; a crash, a sanitizer report, a leak or an
// allocation past libFuzzer's -rss_limit_mb/-malloc_limit_mb is a bug.
// Seeds: the ONNX models under test/ and libonnx-testdata (scripts/fuzz.sh).
//
// Byte-level mutations of a protobuf mostly break its framing, so most of
// the time the mutator parses the input as a ModelProto and changes one
// thing a malicious or broken model could: a dimension, a node's inputs, an
// attribute, an op type, the opset, an element type, an initializer's
// shape or data. The importer then sees well-formed protobuf with
// ill-formed ONNX, which is where converters can go wrong.
//
//===----------------------------------------------------------------------===//

#include "strata/Import/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>

using namespace mlir;

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {
using Rng = std::minstd_rand;

int64_t pick(Rng &rng, std::initializer_list<int64_t> values) {
  return values.begin()[rng() % values.size()];
}

int64_t interestingInt(Rng &rng) {
  return pick(rng, {0, 1, 2, 3, 4, 5, 7, 16, 64, 255, -1, -2, -3, -7,
                    int64_t(1) << 20, int64_t(1) << 31, int64_t(1) << 40,
                    std::numeric_limits<int64_t>::max(),
                    std::numeric_limits<int64_t>::min()});
}

float interestingFloat(Rng &rng) {
  static const float values[] = {0.0f,
                                 -0.0f,
                                 1.0f,
                                 -1.0f,
                                 0.5f,
                                 2.0f,
                                 1e-30f,
                                 1e30f,
                                 4e9f,
                                 std::numeric_limits<float>::infinity(),
                                 -std::numeric_limits<float>::infinity(),
                                 std::numeric_limits<float>::quiet_NaN()};
  return values[rng() % (sizeof(values) / sizeof(values[0]))];
}

/// A value name in the graph: a graph input, an initializer or a node
/// output.
std::string someValueName(const onnx::GraphProto &g, Rng &rng) {
  std::vector<const std::string *> names;
  for (const auto &v : g.input())
    names.push_back(&v.name());
  for (const auto &t : g.initializer())
    names.push_back(&t.name());
  for (const auto &n : g.node())
    for (const auto &o : n.output())
      names.push_back(&o);
  if (names.empty())
    return "x";
  return *names[rng() % names.size()];
}

void mutateAttribute(onnx::NodeProto &node, Rng &rng) {
  static const char *const names[] = {"axis",
                                      "axes",
                                      "keepdims",
                                      "perm",
                                      "pads",
                                      "strides",
                                      "kernel_shape",
                                      "dilations",
                                      "group",
                                      "auto_pad",
                                      "mode",
                                      "epsilon",
                                      "alpha",
                                      "beta",
                                      "transA",
                                      "transB",
                                      "to",
                                      "value",
                                      "split",
                                      "starts",
                                      "ends",
                                      "shape",
                                      "ceil_mode",
                                      "count_include_pad",
                                      "output_padding",
                                      "output_shape",
                                      "scales",
                                      "sizes",
                                      "coordinate_transformation_mode",
                                      "nearest_mode",
                                      "select_last_index",
                                      "training_mode",
                                      "momentum",
                                      "upper",
                                      "k",
                                      "exclusive",
                                      "reverse",
                                      "dtype",
                                      "num_outputs",
                                      "allowzero"};
  if (node.attribute_size() == 0 || rng() % 3 == 0) {
    onnx::AttributeProto *attr = node.add_attribute();
    attr->set_name(names[rng() % (sizeof(names) / sizeof(names[0]))]);
    switch (rng() % 4) {
    case 0:
      attr->set_type(onnx::AttributeProto::INT);
      attr->set_i(interestingInt(rng));
      break;
    case 1:
      attr->set_type(onnx::AttributeProto::INTS);
      for (unsigned i = 0, e = rng() % 9; i < e; ++i)
        attr->add_ints(interestingInt(rng));
      break;
    case 2:
      attr->set_type(onnx::AttributeProto::FLOAT);
      attr->set_f(interestingFloat(rng));
      break;
    default:
      attr->set_type(onnx::AttributeProto::STRING);
      attr->set_s(pick(rng, {0, 1, 2}) == 0 ? "SAME_UPPER" : "bogus");
      break;
    }
    return;
  }
  int index = static_cast<int>(rng() % node.attribute_size());
  onnx::AttributeProto *attr = node.mutable_attribute(index);
  switch (rng() % 6) {
  case 0:
    attr->set_i(interestingInt(rng));
    break;
  case 1:
    if (attr->ints_size() > 0)
      attr->set_ints(rng() % attr->ints_size(), interestingInt(rng));
    else
      attr->add_ints(interestingInt(rng));
    break;
  case 2:
    if (attr->ints_size() > 0)
      attr->mutable_ints()->RemoveLast();
    else
      attr->add_ints(interestingInt(rng));
    break;
  case 3:
    attr->set_f(interestingFloat(rng));
    break;
  case 4:
    attr->set_type(
        static_cast<onnx::AttributeProto::AttributeType>(rng() % 14));
    break;
  default:
    node.mutable_attribute()->DeleteSubrange(index, 1);
    break;
  }
}

void mutateModel(onnx::ModelProto &model, Rng &rng) {
  onnx::GraphProto &g = *model.mutable_graph();
  switch (rng() % 9) {
  case 0: { // A graph input's dimension.
    if (g.input_size() == 0)
      break;
    auto *shape = g.mutable_input(rng() % g.input_size())
                      ->mutable_type()
                      ->mutable_tensor_type()
                      ->mutable_shape();
    if (shape->dim_size() == 0 || rng() % 4 == 0) {
      if (shape->dim_size() > 0 && rng() % 2)
        shape->mutable_dim()->RemoveLast();
      else
        shape->add_dim()->set_dim_value(interestingInt(rng));
      break;
    }
    shape->mutable_dim(rng() % shape->dim_size())
        ->set_dim_value(interestingInt(rng));
    break;
  }
  case 1: { // A node's inputs.
    if (g.node_size() == 0)
      break;
    onnx::NodeProto &node = *g.mutable_node(rng() % g.node_size());
    switch (rng() % 3) {
    case 0:
      if (node.input_size() > 0)
        node.mutable_input()->RemoveLast();
      break;
    case 1:
      node.add_input(someValueName(g, rng));
      break;
    default:
      if (node.input_size() > 0)
        node.set_input(rng() % node.input_size(),
                       rng() % 2 ? "" : someValueName(g, rng));
      break;
    }
    break;
  }
  case 2:
  case 3: // Attributes (twice as often: converters read many).
    if (g.node_size() > 0)
      mutateAttribute(*g.mutable_node(rng() % g.node_size()), rng);
    break;
  case 4: { // Another op type.
    static const std::vector<std::string> ops = strata::getSupportedOnnxOps();
    if (g.node_size() > 0 && !ops.empty())
      g.mutable_node(rng() % g.node_size())
          ->set_op_type(ops[rng() % ops.size()]);
    break;
  }
  case 5: // The opset.
    if (model.opset_import_size() == 0)
      model.add_opset_import();
    model.mutable_opset_import(0)->set_version(1 + rng() % 22);
    break;
  case 6: { // A graph input's element type.
    if (g.input_size() > 0)
      g.mutable_input(rng() % g.input_size())
          ->mutable_type()
          ->mutable_tensor_type()
          ->set_elem_type(rng() % 17);
    break;
  }
  case 7: { // An initializer's shape, type or data.
    if (g.initializer_size() == 0)
      break;
    onnx::TensorProto &t = *g.mutable_initializer(rng() % g.initializer_size());
    switch (rng() % 4) {
    case 0:
      if (t.dims_size() > 0)
        t.set_dims(rng() % t.dims_size(), interestingInt(rng));
      else
        t.add_dims(interestingInt(rng));
      break;
    case 1:
      t.set_data_type(rng() % 17);
      break;
    case 2:
      if (t.has_raw_data())
        t.mutable_raw_data()->resize(t.raw_data().size() / 2);
      else
        t.clear_float_data(), t.clear_int64_data(), t.clear_int32_data();
      break;
    default: {
      // Values that shapes, axes and pads are read from.
      std::string raw;
      for (unsigned i = 0, e = t.dims_size() ? 1 + rng() % 8 : 1; i < e; ++i) {
        int64_t v = interestingInt(rng);
        raw.append(reinterpret_cast<const char *>(&v), sizeof(v));
      }
      t.clear_dims();
      if (raw.size() > 8)
        t.add_dims(raw.size() / 8);
      t.set_data_type(onnx::TensorProto::INT64);
      t.set_raw_data(raw);
      break;
    }
    }
    break;
  }
  default: { // Node order: a use before its definition.
    if (g.node_size() > 1)
      g.mutable_node()->SwapElements(rng() % g.node_size(),
                                     rng() % g.node_size());
    break;
  }
  }
}
} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned int seed) {
  Rng rng(seed);
  onnx::ModelProto model;
  if (rng() % 5 == 0 || size > static_cast<size_t>(INT32_MAX) ||
      !model.ParseFromArray(data, static_cast<int>(size)) || !model.has_graph())
    return LLVMFuzzerMutate(data, size, maxSize);
  for (unsigned i = 0, e = 1 + rng() % 3; i < e; ++i)
    mutateModel(model, rng);
  std::string out = model.SerializeAsString();
  if (out.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A context keeps every type and attribute it ever uniqued; a fresh one
  // every few hundred inputs bounds memory without paying for a context
  // (dialect loading) on every input.
  static std::unique_ptr<MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 256 == 0) {
    context = std::make_unique<MLIRContext>();
    context->printOpOnDiagnostic(false);
  }
  ScopedDiagnosticHandler quiet(context.get(),
                                [](Diagnostic &) { return success(); });
  strata::OnnxImportOptions options;
  OwningOpRef<ModuleOp> module = strata::importOnnxModel(
      StringRef(reinterpret_cast<const char *>(data), size), context.get(),
      options);
  return 0;
}
