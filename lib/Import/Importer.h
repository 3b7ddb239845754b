//===- Importer.h - Shared state of the ONNX op converters ------*- C++ -*-===//
//
// Private to lib/Import. A converter turns one ONNX node into MLIR ops. It
// sees the node through NodeContext: inputs as MLIR values with static
// types, inputs known at import time as constants, attributes with their
// ONNX defaults, and fail() for a located "cannot import" diagnostic.
// Emission helpers build the TOSA idioms that every family needs
// (broadcasting to a common rank, reshapes, transposes, scalar constants).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_IMPORT_IMPORTER_H
#define STRATA_LIB_IMPORT_IMPORTER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <functional>
#include <optional>
#include <string>

namespace mlir::strata::onnx_import {

/// The MLIR element type of an ONNX TensorProto data type, or null if
/// Strata does not support it.
Type getElementType(MLIRContext *context, int32_t onnxType);
/// "float", "int64", ... for diagnostics.
std::string getOnnxTypeName(int32_t onnxType);

/// A TensorProto's contents as an attribute of `type` (splat when every
/// element is equal). Fails with a message in `error`.
FailureOr<DenseElementsAttr> convertTensor(const onnx::TensorProto &tensor,
                                           MLIRContext *context,
                                           std::string &error);

/// Provides a constant for a non-constant value when the caller knows it
/// (graph inputs whose values were given; see OnnxImportOptions).
using SpecializeFn = std::function<std::optional<DenseElementsAttr>(Value)>;

/// The most elements a converter computes on the host at import time (a
/// constant it builds, or one it reads): 2^20. Real models stay far below;
/// a Hardmax iota of 12.5M elements took 13 s and 2 GB under ASan.
constexpr int64_t kMaxHostConstantElements = int64_t(1) << 20;

class NodeContext {
public:
  NodeContext(OpBuilder &builder, const onnx::NodeProto &node, int64_t opset,
              Location loc, Location errorLoc, SmallVector<Value> inputs,
              SpecializeFn specialize = {})
      : b(builder), node(node), opset(opset), loc(loc), errorLoc(errorLoc),
        inputs(std::move(inputs)), outputs(node.output_size()),
        specialize(std::move(specialize)) {}

  OpBuilder &b;
  const onnx::NodeProto &node;
  /// Opset of the default ONNX domain.
  int64_t opset;
  /// Location of the ops made for the node: loc("node_name").
  Location loc;
  /// Where import errors point: the model file (their text names the node).
  Location errorLoc;

  // Inputs. Missing optional inputs (empty names or beyond the end) are
  // null values.
  unsigned numInputs() const { return inputs.size(); }
  bool hasInput(unsigned i) const { return i < inputs.size() && inputs[i]; }
  Value input(unsigned i) const { return hasInput(i) ? inputs[i] : Value(); }
  RankedTensorType inputType(unsigned i) const {
    return cast<RankedTensorType>(inputs[i].getType());
  }
  Type inputElementType(unsigned i) const {
    return inputType(i).getElementType();
  }
  int64_t inputRank(unsigned i) const { return inputType(i).getRank(); }
  ArrayRef<int64_t> inputShape(unsigned i) const {
    return inputType(i).getShape();
  }
  /// The input's value if it is known at import time.
  std::optional<DenseElementsAttr> constInput(unsigned i) const;
  /// An integer input that must be known at import time (shapes, axes,
  /// pads, ...); fails with a diagnostic naming `what` otherwise.
  FailureOr<SmallVector<int64_t>> constIntsInput(unsigned i, StringRef what);
  FailureOr<SmallVector<double>> constFloatsInput(unsigned i, StringRef what);
  /// Fails (with a diagnostic) unless a constant of `shape` (built on the
  /// host at import time: masks, iotas, interpolation matrices, index
  /// tables) stays within kMaxHostConstantElements.
  LogicalResult checkHostElements(ArrayRef<int64_t> shape, StringRef what);
  /// Fails (with a diagnostic) if input `i`'s constant `attr` is too large
  /// to expand on the host at import time.
  LogicalResult checkHostConstantSize(unsigned i, StringRef what,
                                      DenseElementsAttr attr);

  // Attributes, with the defaults of the ONNX operator schema.
  bool hasAttr(StringRef name) const { return findAttr(name) != nullptr; }
  const onnx::AttributeProto *findAttr(StringRef name) const;
  int64_t getInt(StringRef name, int64_t dflt) const;
  double getFloat(StringRef name, double dflt) const;
  std::string getString(StringRef name, StringRef dflt) const;
  SmallVector<int64_t> getInts(StringRef name) const;
  SmallVector<double> getFloats(StringRef name) const;

  // Outputs.
  unsigned numOutputs() const { return outputs.size(); }
  bool hasOutput(unsigned i) const {
    return i < (unsigned)node.output_size() && !node.output(i).empty();
  }
  void setOutput(unsigned i, Value v) { outputs[i] = v; }
  ArrayRef<Value> getOutputs() const { return outputs; }

  /// "node 'NAME' (OP_TYPE, opset N)" (without the name when it has none).
  std::string describe() const;
  /// `indices` checked at run time against a dimension of `size`
  /// (strata.check_index: negative ones wrapped, invalid ones reported and
  /// replaced by 0), cast to i32 for tosa.gather.
  Value checkedIndices(Value indices, int64_t size);
  /// Emits "node 'NAME' (OP_TYPE, opset N): REASON" at the node and fails.
  LogicalResult fail(const Twine &reason);
  /// Fails unless input `i`'s element type is one of the float types.
  LogicalResult requireFloat(unsigned i);
  /// Normalizes a possibly negative axis for `rank`; fails (with a
  /// diagnostic) if out of range, and always for rank 0.
  FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank);
  /// Input `i` coerced to 2-D at `axis` (Flatten; Softmax and Hardmax
  /// before opset 13): {prod(dims < axis), prod(dims >= axis)}. Negative
  /// axes count from the end; axis may equal the rank.
  FailureOr<SmallVector<int64_t>> coerceTo2D(unsigned i, int64_t axis);
  /// Normalizes and sorts `axes` for `rank`; fails on out-of-range axes
  /// and on duplicates.
  LogicalResult normalizeAxes(SmallVector<int64_t> &axes, int64_t rank);
  /// The `axes` of ops that moved them from an attribute to input
  /// `inputIndex` at opset `inputOpset` (Squeeze, Unsqueeze, Reduce*).
  /// `given` tells whether the node specified any (else `axes` is empty).
  LogicalResult getAxes(unsigned inputIndex, int64_t inputOpset,
                        SmallVector<int64_t> &axes, bool &given);

private:
  SmallVector<Value> inputs;
  SmallVector<Value> outputs;
  SpecializeFn specialize;
};

/// The static tensor type of an imported value.
inline RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Starts "node 'NAME' (OP_TYPE, opset N): " at `loc`.
InFlightDiagnostic emitNodeError(Location loc, const onnx::NodeProto &node,
                                 int64_t opset);

/// Checks `node` against libonnx's operator schema for `opset` (input and
/// output counts, omitted required inputs, attributes); the reason it does
/// not match, or nullopt. Ops libonnx has no schema for pass.
std::optional<std::string> checkNodeSchema(const onnx::NodeProto &node,
                                           int64_t opset);

using ConverterFn = LogicalResult (*)(NodeContext &);
using ConverterTable = llvm::StringMap<ConverterFn>;

void addElementwiseConverters(ConverterTable &table);
void addNNConverters(ConverterTable &table);
void addShapeConverters(ConverterTable &table);
void addReductionConverters(ConverterTable &table);
void addResizeConverters(ConverterTable &table);
void addMiscConverters(ConverterTable &table);

//===----------------------------------------------------------------------===//
// Emission helpers
//===----------------------------------------------------------------------===//

/// `value` converted to int64, saturating at the type's limits (NaN: 0);
/// a plain conversion of an out-of-range double is undefined behavior.
int64_t saturatingCast(double value);

RankedTensorType tensorType(ArrayRef<int64_t> shape, Type elementType);
bool isFloat(Type t);
/// A splat constant of `type`.
Value splatConst(OpBuilder &b, Location loc, RankedTensorType type,
                 double value);
/// A constant of rank `rank` with all dimensions 1 (broadcasts anywhere).
Value scalarConst(OpBuilder &b, Location loc, Type elementType, int64_t rank,
                  double value);
/// A constant `value` of `like`'s element type and rank, all dimensions 1.
Value scalarLike(NodeContext &n, Value like, double value);
/// A dense constant of `type` from integers or doubles.
Value intsConst(OpBuilder &b, Location loc, RankedTensorType type,
                ArrayRef<int64_t> values);
Value constFromAttr(OpBuilder &b, Location loc, DenseElementsAttr attr);
/// tensor<1xT> zero for TOSA's zero-point operands.
Value zeroPoint(OpBuilder &b, Location loc, Type elementType);
Value constShape(OpBuilder &b, Location loc, ArrayRef<int64_t> values);

Value reshape(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> shape);
Value transpose(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> perm);
Value slice(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> start,
            ArrayRef<int64_t> size);
Value pad(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> low,
          ArrayRef<int64_t> high, double padValue);
Value cast(OpBuilder &b, Location loc, Value x, Type elementType);
/// Elements start, start+step, ... (count of them) of dimension `axis`,
/// step > 0, as slice + reshape + slice.
Value stridedSlice(OpBuilder &b, Location loc, Value x, int64_t axis,
                   int64_t start, int64_t count, int64_t step);
/// Reshapes to `rank` by prepending unit dimensions.
Value expandRank(OpBuilder &b, Location loc, Value x, int64_t rank);
/// Multidirectional (NumPy) broadcast of two shapes; fails if incompatible.
FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b);
/// Materializes `x` at `shape` (x's shape must broadcast to it).
Value broadcastTo(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> shape);

/// Elementwise binary TOSA ops after rank equalization; the result shape is
/// the broadcast of the operands' shapes (must be compatible).
Value add(OpBuilder &b, Location loc, Value x, Value y);
Value sub(OpBuilder &b, Location loc, Value x, Value y);
Value mul(OpBuilder &b, Location loc, Value x, Value y);
/// Float division as x * reciprocal(y).
Value div(OpBuilder &b, Location loc, Value x, Value y);
Value maximum(OpBuilder &b, Location loc, Value x, Value y);
Value minimum(OpBuilder &b, Location loc, Value x, Value y);
Value pow(OpBuilder &b, Location loc, Value x, Value y);
/// Reduction keeping the dimension (TOSA semantics).
Value reduceSum(OpBuilder &b, Location loc, Value x, int64_t axis);
Value reduceMax(OpBuilder &b, Location loc, Value x, int64_t axis);
/// Sums over `axes` keeping them as size-1 dimensions.
Value reduceSumAxes(OpBuilder &b, Location loc, Value x,
                    ArrayRef<int64_t> axes);
/// Mean over `axes`, kept as size-1 dimensions.
Value reduceMeanAxes(OpBuilder &b, Location loc, Value x,
                     ArrayRef<int64_t> axes);
/// If `v` is an integer (or boolean) constant, its values.
std::optional<SmallVector<int64_t>> getConstInts(Value v);

/// Applies `matrix` ([in, out]) along `axis` of x: the axis is moved
/// innermost, the rows are multiplied by the matrix, and the axis moved back.
Value applyAlongAxis(OpBuilder &b, Location loc, Value x, int64_t axis,
                     Value matrix);

/// Batched matmul with NumPy broadcasting of the batch dimensions
/// (ONNX MatMul semantics, ranks >= 1).
Value matmul(OpBuilder &b, Location loc, Value x, Value y);

} // namespace mlir::strata::onnx_import

#endif // STRATA_LIB_IMPORT_IMPORTER_H
