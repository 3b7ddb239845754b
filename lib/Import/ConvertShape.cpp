//===- ConvertShape.cpp - ONNX constants and data movement to TOSA --------===//
//
// Constant, ConstantOfShape (always a splat), Shape and Size (static),
// Reshape, Flatten, Transpose, Squeeze/Unsqueeze, Concat, Split, Slice
// (any steps), Gather, Pad, Expand and Tile. Shape-like inputs (target
// shapes, axes, pads, repeats) must be constants at import time; integer
// ops whose inputs are all constants fold, so Shape -> Gather -> Concat ->
// Reshape chains resolve to static shapes.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace mlir::strata::onnx_import;
namespace onnx_import = mlir::strata::onnx_import;

static int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

/// Integer constant of `shape` with values `data` (i64).
static Value i64Const(NodeContext &n, ArrayRef<int64_t> shape,
                      ArrayRef<int64_t> data) {
  return intsConst(n.b, n.loc, tensorType(shape, n.b.getI64Type()), data);
}

static std::optional<SmallVector<int64_t>> intValues(Value v) {
  return getConstInts(v);
}

/// Replaces `v` by an equal constant when `v`'s producer only rearranges a
/// small integer constant (folding for shape computations).
static Value
maybeFoldInts(NodeContext &n, Value source, Value result,
              function_ref<SmallVector<int64_t>(ArrayRef<int64_t>)> permute) {
  std::optional<SmallVector<int64_t>> values = intValues(source);
  if (!values || values->size() > 4096)
    return result;
  RankedTensorType type = typeOf(result);
  return intsConst(n.b, n.loc, type, permute(*values));
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

static LogicalResult convertConstant(NodeContext &n) {
  if (const onnx::AttributeProto *value = n.findAttr("value")) {
    std::string error;
    FailureOr<DenseElementsAttr> attr =
        convertTensor(value->t(), n.b.getContext(), error);
    if (failed(attr))
      return n.fail(error);
    n.setOutput(0, constFromAttr(n.b, n.loc, *attr));
    return success();
  }
  Builder b(n.b.getContext());
  if (const onnx::AttributeProto *v = n.findAttr("value_float")) {
    n.setOutput(0,
                splatConst(n.b, n.loc, tensorType({}, b.getF32Type()), v->f()));
    return success();
  }
  if (const onnx::AttributeProto *v = n.findAttr("value_int")) {
    n.setOutput(0, i64Const(n, {}, {v->i()}));
    return success();
  }
  if (const onnx::AttributeProto *v = n.findAttr("value_ints")) {
    SmallVector<int64_t> data(v->ints().begin(), v->ints().end());
    n.setOutput(0, i64Const(n, {(int64_t)data.size()}, data));
    return success();
  }
  if (const onnx::AttributeProto *v = n.findAttr("value_floats")) {
    SmallVector<float> data(v->floats().begin(), v->floats().end());
    n.setOutput(
        0, constFromAttr(n.b, n.loc,
                         DenseElementsAttr::get(
                             tensorType({(int64_t)data.size()}, b.getF32Type()),
                             ArrayRef<float>(data))));
    return success();
  }
  return n.fail("only tensor, float and int constants are supported (not "
                "sparse or string constants)");
}

static LogicalResult convertConstantOfShape(NodeContext &n) {
  FailureOr<SmallVector<int64_t>> shape = n.constIntsInput(0, "shape");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return n.fail("shape has a negative dimension");
  Type et = n.b.getF32Type();
  double value = 0;
  if (const onnx::AttributeProto *attr = n.findAttr("value")) {
    std::string error;
    FailureOr<DenseElementsAttr> v =
        convertTensor(attr->t(), n.b.getContext(), error);
    if (failed(v))
      return n.fail(error);
    if (v->getNumElements() != 1)
      return n.fail("'value' must hold one element");
    et = v->getElementType();
    if (isFloat(et))
      value = (*v->value_begin<APFloat>()).convertToDouble();
    else
      value = et.isInteger(1)
                  ? (double)(*v->value_begin<APInt>()).getZExtValue()
                  : (double)(*v->value_begin<APInt>()).getSExtValue();
  }
  // Always a splat: a fill is never materialized at import.
  n.setOutput(0, splatConst(n.b, n.loc, tensorType(*shape, et), value));
  return success();
}

static LogicalResult convertShape(NodeContext &n) {
  ArrayRef<int64_t> shape = n.inputShape(0);
  int64_t rank = shape.size();
  int64_t start = n.getInt("start", 0), end = n.getInt("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  SmallVector<int64_t> dims(shape.begin() + start, shape.begin() + end);
  n.setOutput(0, i64Const(n, {(int64_t)dims.size()}, dims));
  return success();
}

static LogicalResult convertSize(NodeContext &n) {
  n.setOutput(0, i64Const(n, {}, {n.inputType(0).getNumElements()}));
  return success();
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

static Value reshapeOrFold(NodeContext &n, Value x, ArrayRef<int64_t> shape) {
  Value r = reshape(n.b, n.loc, x, shape);
  if (r == x)
    return r;
  return maybeFoldInts(n, x, r,
                       [](ArrayRef<int64_t> v) { return llvm::to_vector(v); });
}

static LogicalResult convertReshape(NodeContext &n) {
  SmallVector<int64_t> target;
  if (n.opset < 5) {
    target = n.getInts("shape");
  } else {
    FailureOr<SmallVector<int64_t>> s = n.constIntsInput(1, "shape");
    if (failed(s))
      return failure();
    target = *s;
  }
  ArrayRef<int64_t> in = n.inputShape(0);
  bool allowZero = n.getInt("allowzero", 0) != 0;
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(target)) {
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return n.fail("shape copies dimension #" + Twine(i) +
                      " that the input does not have");
      d = in[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return n.fail("shape has more than one -1");
      inferred = i;
      continue;
    }
    if (d < 0)
      return n.fail("shape has a negative dimension");
    known *= d;
  }
  int64_t total = n.inputType(0).getNumElements();
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return n.fail("cannot infer the -1 dimension");
    target[inferred] = total / known;
  } else if (known != total) {
    return n.fail("shape has " + Twine(known) + " elements but the input " +
                  Twine(total));
  }
  n.setOutput(0, reshapeOrFold(n, n.input(0), target));
  return success();
}

static LogicalResult convertFlatten(NodeContext &n) {
  FailureOr<SmallVector<int64_t>> flat = n.coerceTo2D(0, n.getInt("axis", 1));
  if (failed(flat))
    return failure();
  n.setOutput(0, reshapeOrFold(n, n.input(0), *flat));
  return success();
}

static LogicalResult convertSqueeze(NodeContext &n) {
  ArrayRef<int64_t> shape = n.inputShape(0);
  SmallVector<int64_t> axes;
  bool given;
  if (failed(n.getAxes(1, 13, axes, given)) ||
      failed(n.normalizeAxes(axes, shape.size())))
    return failure();
  SmallVector<int64_t> out;
  for (auto [i, d] : llvm::enumerate(shape)) {
    bool listed = llvm::is_contained(axes, (int64_t)i);
    if (listed && d != 1)
      return n.fail("cannot squeeze dimension #" + Twine(i) + " of size " +
                    Twine(d));
    if (!(listed || (!given && d == 1)))
      out.push_back(d);
  }
  n.setOutput(0, reshapeOrFold(n, n.input(0), out));
  return success();
}

static LogicalResult convertUnsqueeze(NodeContext &n) {
  ArrayRef<int64_t> shape = n.inputShape(0);
  SmallVector<int64_t> axes;
  bool given;
  if (failed(n.getAxes(1, 13, axes, given)))
    return failure();
  if (!given)
    return n.fail("axes are required");
  int64_t rank = shape.size() + axes.size();
  if (failed(n.normalizeAxes(axes, rank)))
    return failure();
  SmallVector<int64_t> out;
  unsigned next = 0;
  for (int64_t i = 0; i < rank; ++i)
    out.push_back(llvm::is_contained(axes, i) ? 1 : shape[next++]);
  n.setOutput(0, reshapeOrFold(n, n.input(0), out));
  return success();
}

static LogicalResult convertTranspose(NodeContext &n) {
  int64_t rank = n.inputRank(0);
  SmallVector<int64_t> perm = n.getInts("perm");
  if (perm.empty())
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if ((int64_t)perm.size() != rank ||
      llvm::any_of(llvm::enumerate(sorted),
                   [](auto p) { return p.value() != (int64_t)p.index(); }))
    return n.fail("perm is not a permutation of the input's dimensions");
  if (rank == 0) {
    n.setOutput(0, n.input(0));
    return success();
  }
  n.setOutput(0, transpose(n.b, n.loc, n.input(0), perm));
  return success();
}

//===----------------------------------------------------------------------===//
// Concat, Split, Slice
//===----------------------------------------------------------------------===//

static LogicalResult convertConcat(NodeContext &n) {
  SmallVector<Value> operands;
  for (unsigned i = 0; i < n.numInputs(); ++i)
    if (n.hasInput(i) && n.inputType(i).getNumElements() > 0)
      operands.push_back(n.input(i));
  if (operands.empty()) {
    if (n.hasInput(0) && getConstInts(n.input(0))) {
      n.setOutput(0, n.input(0));
      return success();
    }
    return n.fail("all inputs are empty");
  }
  int64_t rank = typeOf(operands[0]).getRank();
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", 1), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(typeOf(operands[0]).getShape());
  shape[*axis] = 0;
  for (Value v : operands) {
    ArrayRef<int64_t> s = typeOf(v).getShape();
    if ((int64_t)s.size() != rank)
      return n.fail("inputs have different ranks");
    if (typeOf(v).getElementType() != typeOf(operands[0]).getElementType())
      return n.fail("inputs have different element types");
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && s[d] != shape[d])
        return n.fail("inputs differ outside the concatenation axis");
    shape[*axis] += s[*axis];
  }
  if (operands.size() == 1) {
    n.setOutput(0, operands[0]);
    return success();
  }
  // Fold concatenations of small integer constants (shape arithmetic).
  if (rank == 1) {
    SmallVector<int64_t> folded;
    bool allConst = true;
    for (Value v : operands) {
      std::optional<SmallVector<int64_t>> values = intValues(v);
      if (!values) {
        allConst = false;
        break;
      }
      folded.append(*values);
    }
    if (allConst) {
      n.setOutput(
          0, intsConst(n.b, n.loc,
                       tensorType(shape, typeOf(operands[0]).getElementType()),
                       folded));
      return success();
    }
  }
  n.setOutput(0, tosa::ConcatOp::create(
                     n.b, n.loc,
                     tensorType(shape, typeOf(operands[0]).getElementType()),
                     operands, n.b.getI32IntegerAttr(*axis)));
  return success();
}

static LogicalResult convertSplit(NodeContext &n) {
  int64_t rank = n.inputRank(0);
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  int64_t dim = n.inputShape(0)[*axis];
  SmallVector<int64_t> sizes;
  if (n.opset >= 13 && n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> s = n.constIntsInput(1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (n.opset < 13 && n.hasAttr("split")) {
    sizes = n.getInts("split");
  } else {
    int64_t parts = n.numOutputs();
    if (n.hasAttr("num_outputs") && n.getInt("num_outputs", parts) != parts)
      return n.fail("num_outputs is " + Twine(n.getInt("num_outputs", parts)) +
                    " but the node has " + Twine(parts) + " outputs");
    if (parts < 1)
      return n.fail("expects at least one output");
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0, left = dim; i < parts; ++i, left -= chunk)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, left)));
  }
  if ((int64_t)sizes.size() != n.numOutputs())
    return n.fail("split has " + Twine(sizes.size()) + " sizes for " +
                  Twine(n.numOutputs()) + " outputs");
  int64_t sum = 0;
  for (int64_t s : sizes) {
    if (s < 0 || s > dim)
      return n.fail("split size " + Twine(s) + " is not between 0 and " +
                    Twine(dim));
    sum += s;
  }
  if (sum != dim)
    return n.fail("split sizes add up to " + Twine(sum) + ", not " +
                  Twine(dim));
  int64_t offset = 0;
  for (auto [i, size] : llvm::enumerate(sizes)) {
    SmallVector<int64_t> start(rank, 0), shape(n.inputShape(0));
    start[*axis] = offset;
    shape[*axis] = size;
    offset += size;
    if (size == 0)
      return n.fail("empty outputs are not supported");
    n.setOutput(i, slice(n.b, n.loc, n.input(0), start, shape));
  }
  return success();
}

static Value stridedSlice(NodeContext &n, Value x, int64_t axis, int64_t start,
                          int64_t count, int64_t step) {
  return onnx_import::stridedSlice(n.b, n.loc, x, axis, start, count, step);
}

static LogicalResult convertSlice(NodeContext &n) {
  int64_t rank = n.inputRank(0);
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.opset < 10) {
    starts = n.getInts("starts");
    ends = n.getInts("ends");
    axes = n.getInts("axes");
  } else {
    FailureOr<SmallVector<int64_t>> s = n.constIntsInput(1, "starts");
    if (failed(s))
      return failure();
    FailureOr<SmallVector<int64_t>> e = n.constIntsInput(2, "ends");
    if (failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (n.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> a = n.constIntsInput(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (n.hasInput(4)) {
      FailureOr<SmallVector<int64_t>> st = n.constIntsInput(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (int64_t i = 0; i < (int64_t)starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return n.fail("starts, ends, axes and steps differ in length");
  Value x = n.input(0);
  std::optional<SmallVector<int64_t>> constValues = intValues(x);
  SmallVector<int64_t> shape(n.inputShape(0));
  for (auto [i, axisIn] : llvm::enumerate(axes)) {
    FailureOr<int64_t> axis = n.normalizeAxis(axisIn, rank);
    if (failed(axis))
      return failure();
    int64_t dim = shape[*axis], step = steps[i];
    if (step == 0)
      return n.fail("slice step must not be 0");
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    int64_t count;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      count = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      count = start > end ? (start - end - step - 1) / -step : 0;
    }
    if (count == 0 && !constValues)
      return n.fail("slices producing empty tensors are not supported");
    if (count == 0) {
      shape[*axis] = 0;
      continue;
    }
    if (step < 0) {
      x = tosa::ReverseOp::create(n.b, n.loc, x.getType(), x,
                                  n.b.getI32IntegerAttr(*axis));
      start = dim - 1 - start;
      step = -step;
    }
    x = stridedSlice(n, x, *axis, start, count, step);
    shape[*axis] = count;
  }
  if (llvm::is_contained(shape, 0)) {
    n.setOutput(
        0, intsConst(n.b, n.loc, tensorType(shape, n.inputElementType(0)), {}));
    return success();
  }
  // Fold 1-D integer slices of constants (shape arithmetic).
  if (constValues && rank == 1 && axes.size() == 1) {
    int64_t dim = n.inputShape(0)[0];
    int64_t start = starts[0] < 0 ? starts[0] + dim : starts[0];
    int64_t step = steps[0];
    SmallVector<int64_t> values;
    for (int64_t k = 0, i = step > 0 ? std::clamp<int64_t>(start, 0, dim)
                                     : std::clamp<int64_t>(start, 0, dim - 1);
         k < shape[0]; ++k, i += step)
      values.push_back((*constValues)[i]);
    x = intsConst(n.b, n.loc, typeOf(x), values);
  }
  n.setOutput(0, x);
  return success();
}

//===----------------------------------------------------------------------===//
// Gather, Pad, Expand, Tile
//===----------------------------------------------------------------------===//

static LogicalResult convertGather(NodeContext &n) {
  int64_t rank = n.inputRank(0);
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  if (!isa<IntegerType>(n.inputElementType(1)) ||
      n.inputElementType(1).isInteger(1))
    return n.fail("indices must be int32 or int64");
  ArrayRef<int64_t> shape = n.inputShape(0);
  ArrayRef<int64_t> indexShape = n.inputShape(1);
  int64_t k = shape[*axis];
  SmallVector<int64_t> outShape(shape.take_front(*axis));
  llvm::append_range(outShape, indexShape);
  llvm::append_range(outShape, shape.drop_front(*axis + 1));
  int64_t numIndices = product(indexShape);

  std::optional<SmallVector<int64_t>> indices = intValues(n.input(1));
  if (indices) {
    for (int64_t &i : *indices) {
      if (i < -k || i >= k)
        return n.fail("index " + Twine(i) +
                      " is out of range for a "
                      "dimension of size " +
                      Twine(k));
      if (i < 0)
        i += k;
    }
    // Constant data and indices: fold (shape arithmetic).
    std::optional<SmallVector<int64_t>> data = intValues(n.input(0));
    if (data && rank == 1) {
      SmallVector<int64_t> values;
      for (int64_t i : *indices)
        values.push_back((*data)[i]);
      n.setOutput(0, intsConst(n.b, n.loc,
                               tensorType(outShape, n.inputElementType(0)),
                               values));
      return success();
    }
  }
  if (numIndices == 0)
    return n.fail("empty indices are not supported");
  int64_t outer = product(shape.take_front(*axis));
  int64_t inner = product(shape.drop_front(*axis + 1));
  Type et = n.inputElementType(0);
  Value values = reshape(n.b, n.loc, n.input(0), {outer, k, inner});
  Value idx;
  Type i32 = n.b.getI32Type();
  if (indices) {
    if (failed(n.checkHostElements({outer, numIndices}, "the index table")))
      return failure();
    SmallVector<int64_t> tiled;
    for (int64_t o = 0; o < outer; ++o)
      tiled.append(*indices);
    idx = intsConst(n.b, n.loc, tensorType({outer, numIndices}, i32), tiled);
  } else {
    // Negative indices count from the end; invalid ones are a run-time
    // error (strata.check_index), never a read outside the data.
    Value raw = reshape(n.b, n.loc, n.input(1), {1, numIndices});
    idx =
        broadcastTo(n.b, n.loc, n.checkedIndices(raw, k), {outer, numIndices});
  }
  Value gathered = tosa::GatherOp::create(
      n.b, n.loc, tensorType({outer, numIndices, inner}, et), values, idx);
  n.setOutput(0, reshape(n.b, n.loc, gathered, outShape));
  return success();
}

/// Reflect or edge padding of one axis, as slices, reverses and a concat.
static Value padAxisByCopy(NodeContext &n, Value x, int64_t axis, int64_t low,
                           int64_t high, bool reflect) {
  SmallVector<int64_t> shape(typeOf(x).getShape());
  int64_t rank = shape.size(), dim = shape[axis];
  auto part = [&](int64_t start, int64_t size) {
    SmallVector<int64_t> begin(rank, 0), sizes(shape);
    begin[axis] = start;
    sizes[axis] = size;
    return slice(n.b, n.loc, x, begin, sizes);
  };
  auto repeat = [&](Value v, int64_t times) {
    SmallVector<int64_t> multiples(rank, 1), out(shape);
    multiples[axis] = times;
    out[axis] = times;
    return tosa::TileOp::create(n.b, n.loc,
                                tensorType(out, typeOf(x).getElementType()), v,
                                constShape(n.b, n.loc, multiples))
        .getResult();
  };
  auto reverse = [&](Value v) {
    return tosa::ReverseOp::create(n.b, n.loc, v.getType(), v,
                                   n.b.getI32IntegerAttr(axis))
        .getResult();
  };
  SmallVector<Value> pieces;
  if (low > 0)
    pieces.push_back(reflect ? reverse(part(1, low)) : repeat(part(0, 1), low));
  pieces.push_back(x);
  if (high > 0)
    pieces.push_back(reflect ? reverse(part(dim - 1 - high, high))
                             : repeat(part(dim - 1, 1), high));
  if (pieces.size() == 1)
    return x;
  shape[axis] += low + high;
  return tosa::ConcatOp::create(n.b, n.loc,
                                tensorType(shape, typeOf(x).getElementType()),
                                pieces, n.b.getI32IntegerAttr(axis));
}

static LogicalResult convertPad(NodeContext &n) {
  std::string mode = n.getString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return n.fail("pad mode '" + mode + "' is not supported");
  int64_t rank = n.inputRank(0);
  SmallVector<int64_t> pads;
  double value = 0;
  if (n.opset < 11) {
    pads = n.getInts(n.opset < 2 ? "paddings" : "pads");
    value = n.getFloat("value", 0);
  } else {
    FailureOr<SmallVector<int64_t>> p = n.constIntsInput(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (n.hasInput(2)) {
      FailureOr<SmallVector<double>> v =
          n.constFloatsInput(2, "constant_value");
      if (failed(v) || v->size() != 1)
        return n.fail("constant_value must be a scalar constant");
      value = v->front();
    }
  }
  SmallVector<int64_t> axes;
  if (n.opset >= 18 && n.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> a = n.constIntsInput(3, "axes");
    if (failed(a))
      return failure();
    for (int64_t ax : *a) {
      FailureOr<int64_t> norm = n.normalizeAxis(ax, rank);
      if (failed(norm))
        return failure();
      axes.push_back(*norm);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  if (pads.size() != 2 * axes.size())
    return n.fail("pads has " + Twine(pads.size()) + " values; expected " +
                  Twine(2 * axes.size()));
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (auto [i, axis] : llvm::enumerate(axes)) {
    low[axis] = pads[i];
    high[axis] = pads[i + axes.size()];
  }
  // Negative pads crop.
  Value x = n.input(0);
  SmallVector<int64_t> start(rank, 0), size(n.inputShape(0));
  bool crop = false;
  for (int64_t d = 0; d < rank; ++d) {
    if (low[d] < 0) {
      start[d] = -low[d];
      size[d] += low[d];
      low[d] = 0;
      crop = true;
    }
    if (high[d] < 0) {
      size[d] += high[d];
      high[d] = 0;
      crop = true;
    }
    if (size[d] <= 0)
      return n.fail("negative pads remove the whole dimension");
  }
  if (crop)
    x = slice(n.b, n.loc, x, start, size);
  if (mode == "constant") {
    n.setOutput(0, pad(n.b, n.loc, x, low, high, value));
    return success();
  }
  for (int64_t d = 0; d < rank; ++d) {
    if (mode == "reflect" && (low[d] >= size[d] || high[d] >= size[d]))
      return n.fail("reflect pads must be smaller than the dimension");
    x = padAxisByCopy(n, x, d, low[d], high[d], mode == "reflect");
  }
  n.setOutput(0, x);
  return success();
}

static LogicalResult convertExpand(NodeContext &n) {
  FailureOr<SmallVector<int64_t>> shape = n.constIntsInput(1, "shape");
  if (failed(shape))
    return failure();
  FailureOr<SmallVector<int64_t>> out =
      broadcastShapes(n.inputShape(0), *shape);
  if (failed(out))
    return n.fail("input cannot be broadcast to the requested shape");
  n.setOutput(0, broadcastTo(n.b, n.loc, n.input(0), *out));
  return success();
}

static LogicalResult convertTile(NodeContext &n) {
  FailureOr<SmallVector<int64_t>> repeats = n.constIntsInput(1, "repeats");
  if (failed(repeats))
    return failure();
  if ((int64_t)repeats->size() != n.inputRank(0))
    return n.fail("repeats must have one value per input dimension");
  SmallVector<int64_t> shape;
  for (auto [d, r] : llvm::zip(n.inputShape(0), *repeats)) {
    if (r < 1)
      return n.fail("repeats must be positive");
    shape.push_back(d * r);
  }
  n.setOutput(0, tosa::TileOp::create(
                     n.b, n.loc, tensorType(shape, n.inputElementType(0)),
                     n.input(0), constShape(n.b, n.loc, *repeats)));
  return success();
}

void mlir::strata::onnx_import::addShapeConverters(ConverterTable &t) {
  t["Constant"] = convertConstant;
  t["ConstantOfShape"] = convertConstantOfShape;
  t["Shape"] = convertShape;
  t["Size"] = convertSize;
  t["Reshape"] = convertReshape;
  t["Flatten"] = convertFlatten;
  t["Squeeze"] = convertSqueeze;
  t["Unsqueeze"] = convertUnsqueeze;
  t["Transpose"] = convertTranspose;
  t["Concat"] = convertConcat;
  t["Split"] = convertSplit;
  t["Slice"] = convertSlice;
  t["Gather"] = convertGather;
  t["Pad"] = convertPad;
  t["Expand"] = convertExpand;
  t["Tile"] = convertTile;
}
