//===- ConvertNN.cpp - ONNX convolutions, pooling, normalization, GEMM ----===//
//
// ONNX is channels-first; TOSA's convolutions and pools are channels-last.
// Each such op is wrapped in transposes (NCHW -> NHWC -> NCHW) that
// canonicalization cancels between neighbouring ops. 1-D ops run as 2-D
// with a unit height. Padding is made exact for TOSA, whose verifier
// requires (in + pads - window) to be divisible by the stride: surplus end
// padding is dropped and surplus input rows are sliced off (they never
// reach an output under floor semantics).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "strata/Support/Limits.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::strata::onnx_import;

//===----------------------------------------------------------------------===//
// Windows (kernel, strides, dilations, pads, auto_pad, ceil_mode)
//===----------------------------------------------------------------------===//

namespace {
struct Window {
  SmallVector<int64_t> kernel, stride, dilation, padBegin, padEnd, out;
};
} // namespace

/// Window attributes (kernel sizes, strides, dilations, pads) beyond this
/// are refused: no real model comes near, and with them the output-size
/// arithmetic stays far from int64 overflow.
static constexpr int64_t kMaxWindowValue = int64_t(1) << 20;

static bool inWindowRange(int64_t v, int64_t min) {
  return v >= min && v <= kMaxWindowValue;
}

/// Reads the window attributes of a conv/pool node with `rank` spatial
/// dimensions of sizes `in` and computes the output sizes.
static LogicalResult getWindow(NodeContext &n, ArrayRef<int64_t> in,
                               ArrayRef<int64_t> kernel, bool allowCeil,
                               Window &w) {
  size_t rank = in.size();
  w.kernel.assign(kernel.begin(), kernel.end());
  w.stride = n.getInts("strides");
  w.dilation = n.getInts("dilations");
  SmallVector<int64_t> pads = n.getInts("pads");
  if (w.stride.empty())
    w.stride.assign(rank, 1);
  if (w.dilation.empty())
    w.dilation.assign(rank, 1);
  if (pads.empty())
    pads.assign(2 * rank, 0);
  if (w.kernel.size() != rank || w.stride.size() != rank ||
      w.dilation.size() != rank || pads.size() != 2 * rank)
    return n.fail("kernel_shape, strides, dilations and pads do not match "
                  "the input's " +
                  Twine(rank) + " spatial dimension(s)");
  for (size_t i = 0; i < rank; ++i)
    if (!inWindowRange(w.kernel[i], 1) || !inWindowRange(w.stride[i], 1) ||
        !inWindowRange(w.dilation[i], 1) || !inWindowRange(pads[i], 0) ||
        !inWindowRange(pads[i + rank], 0))
      return n.fail("kernel sizes, strides and dilations must be between 1 "
                    "and " +
                    Twine(kMaxWindowValue) + ", pads between 0 and " +
                    Twine(kMaxWindowValue));
  std::string autoPad = n.getString("auto_pad", "NOTSET");
  bool ceil = allowCeil && n.getInt("ceil_mode", 0) != 0;
  w.padBegin.assign(pads.begin(), pads.begin() + rank);
  w.padEnd.assign(pads.begin() + rank, pads.end());
  w.out.resize(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t extent = (w.kernel[i] - 1) * w.dilation[i] + 1;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = (in[i] + w.stride[i] - 1) / w.stride[i];
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.stride[i] + extent - in[i]);
      int64_t small = total / 2;
      w.padBegin[i] = autoPad == "SAME_UPPER" ? small : total - small;
      w.padEnd[i] = total - w.padBegin[i];
      w.out[i] = out;
      continue;
    }
    if (autoPad == "VALID") {
      w.padBegin[i] = w.padEnd[i] = 0;
    } else if (autoPad != "NOTSET") {
      return n.fail("unsupported auto_pad '" + autoPad + "'");
    }
    int64_t span = in[i] + w.padBegin[i] + w.padEnd[i] - extent;
    if (span < 0)
      return n.fail("the window is larger than the padded input");
    int64_t out = ceil ? (span + w.stride[i] - 1) / w.stride[i] + 1
                       : span / w.stride[i] + 1;
    // A window must start inside the input or its begin padding.
    if (ceil && (out - 1) * w.stride[i] >= in[i] + w.padBegin[i])
      --out;
    w.out[i] = out;
  }
  return success();
}

/// Makes the end padding exact for TOSA: returns the pads to use and the
/// number of trailing input elements to drop, per spatial dimension.
static void exactPads(const Window &w, ArrayRef<int64_t> in,
                      SmallVector<int64_t> &padEnd,
                      SmallVector<int64_t> &crop) {
  padEnd.clear();
  crop.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    int64_t extent = (w.kernel[i] - 1) * w.dilation[i] + 1;
    int64_t needed =
        (w.out[i] - 1) * w.stride[i] + extent - in[i] - w.padBegin[i];
    padEnd.push_back(std::max<int64_t>(0, needed));
    crop.push_back(std::max<int64_t>(0, -needed));
  }
}

/// Channels-first [N, C, spatial...] with 1 or 2 spatial dims to NHWC
/// (1-D gets a unit height). Drops `crop` trailing elements per dim.
static Value toNHWC(NodeContext &n, Value x, ArrayRef<int64_t> crop) {
  ArrayRef<int64_t> shape = typeOf(x).getShape();
  if (shape.size() == 3)
    x = reshape(n.b, n.loc, x, {shape[0], shape[1], 1, shape[2]});
  SmallVector<int64_t> s(typeOf(x).getShape());
  bool needCrop = llvm::any_of(crop, [](int64_t c) { return c > 0; });
  if (needCrop) {
    SmallVector<int64_t> size(s);
    size[2] -= crop.size() == 2 ? crop[0] : 0;
    size[3] -= crop.back();
    x = slice(n.b, n.loc, x, {0, 0, 0, 0}, size);
  }
  return transpose(n.b, n.loc, x, {0, 2, 3, 1});
}

/// NHWC back to channels-first with `spatialRank` spatial dims.
static Value fromNHWC(NodeContext &n, Value y, int64_t spatialRank) {
  y = transpose(n.b, n.loc, y, {0, 3, 1, 2});
  if (spatialRank == 1) {
    ArrayRef<int64_t> s = typeOf(y).getShape();
    y = reshape(n.b, n.loc, y, {s[0], s[1], s[3]});
  }
  return y;
}

/// Window parameters as 2-D TOSA arrays (1-D gets a unit height).
static SmallVector<int64_t> as2D(ArrayRef<int64_t> v, int64_t fill) {
  if (v.size() == 2)
    return SmallVector<int64_t>(v);
  return {fill, v[0]};
}

static LogicalResult checkSpatialRank(NodeContext &n, unsigned input) {
  int64_t rank = n.inputRank(input);
  if (rank != 3 && rank != 4)
    return n.fail("only 1-D and 2-D spatial inputs are supported (got rank " +
                  Twine(rank) + ")");
  return success();
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

/// 3-D convolution with tosa.conv3d (NDHWC, weight [O, kd, kh, kw, I]);
/// groups run as one convolution per group.
static LogicalResult convertConv3D(NodeContext &n, const Window &win,
                                   int64_t group) {
  Value x = n.input(0), w = n.input(1);
  ArrayRef<int64_t> xs = n.inputShape(0), ws = n.inputShape(1);
  Type et = n.inputElementType(0);
  int64_t cin = xs[1], cout = ws[0];
  SmallVector<int64_t> padEnd, crop;
  exactPads(win, xs.drop_front(2), padEnd, crop);
  SmallVector<int64_t> size(xs);
  for (int64_t d = 0; d < 3; ++d)
    size[d + 2] -= crop[d];
  x = slice(n.b, n.loc, x, {0, 0, 0, 0, 0}, size);
  Value xh = transpose(n.b, n.loc, x, {0, 2, 3, 4, 1});
  Value bias = n.hasInput(2)
                   ? n.input(2)
                   : splatConst(n.b, n.loc, tensorType({cout}, et), 0);
  SmallVector<int64_t> pads;
  for (int64_t d = 0; d < 3; ++d) {
    pads.push_back(win.padBegin[d]);
    pads.push_back(padEnd[d]);
  }
  Value zp = zeroPoint(n.b, n.loc, et);
  int64_t cg = cin / group, mg = cout / group;
  ArrayRef<int64_t> xhs = cast<RankedTensorType>(xh.getType()).getShape();
  SmallVector<Value> parts;
  for (int64_t g = 0; g < group; ++g) {
    Value xg = group == 1 ? xh
                          : slice(n.b, n.loc, xh, {0, 0, 0, 0, g * cg},
                                  {xhs[0], xhs[1], xhs[2], xhs[3], cg});
    Value wg = group == 1 ? w
                          : slice(n.b, n.loc, w, {g * mg, 0, 0, 0, 0},
                                  {mg, ws[1], ws[2], ws[3], ws[4]});
    Value bg = group == 1 ? bias : slice(n.b, n.loc, bias, {g * mg}, {mg});
    wg = transpose(n.b, n.loc, wg, {0, 2, 3, 4, 1});
    parts.push_back(tosa::Conv3DOp::create(
        n.b, n.loc,
        tensorType({xs[0], win.out[0], win.out[1], win.out[2], mg}, et), xg, wg,
        bg, zp, zp, n.b.getDenseI64ArrayAttr(pads),
        n.b.getDenseI64ArrayAttr(win.stride),
        n.b.getDenseI64ArrayAttr(win.dilation), TypeAttr::get(et)));
  }
  Value y =
      parts.size() == 1
          ? parts[0]
          : tosa::ConcatOp::create(
                n.b, n.loc,
                tensorType({xs[0], win.out[0], win.out[1], win.out[2], cout},
                           et),
                parts, n.b.getI32IntegerAttr(4));
  n.setOutput(0, transpose(n.b, n.loc, y, {0, 4, 1, 2, 3}));
  return success();
}

static LogicalResult convertConv(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  if (n.inputRank(0) != 5 && failed(checkSpatialRank(n, 0)))
    return failure();
  if (n.inputRank(1) != n.inputRank(0))
    return n.fail("weight rank differs from input rank");
  Value x = n.input(0), w = n.input(1);
  ArrayRef<int64_t> xs = n.inputShape(0), ws = n.inputShape(1);
  int64_t spatialRank = xs.size() - 2;
  int64_t group = n.getInt("group", 1);
  int64_t cin = xs[1], cout = ws[0];
  if (group < 1 || cin % group != 0 || cout % group != 0 ||
      ws[1] != cin / group)
    return n.fail("weight shape does not match input channels and group " +
                  Twine(group));
  SmallVector<int64_t> kernel = n.getInts("kernel_shape");
  if (kernel.empty())
    kernel.assign(ws.begin() + 2, ws.end());
  if (ArrayRef<int64_t>(kernel) != ws.drop_front(2))
    return n.fail("kernel_shape does not match the weight");
  Window win;
  if (failed(getWindow(n, xs.drop_front(2), kernel, false, win)))
    return failure();
  if (spatialRank == 3)
    return convertConv3D(n, win, group);
  SmallVector<int64_t> padEnd, crop;
  exactPads(win, xs.drop_front(2), padEnd, crop);

  Type et = n.inputElementType(0);
  Value bias = n.hasInput(2)
                   ? n.input(2)
                   : splatConst(n.b, n.loc, tensorType({cout}, et), 0);
  Value xh = toNHWC(n, x, crop);
  SmallVector<int64_t> pads = {spatialRank == 2 ? win.padBegin[0] : 0,
                               spatialRank == 2 ? padEnd[0] : 0,
                               win.padBegin.back(), padEnd.back()};
  SmallVector<int64_t> stride = as2D(win.stride, 1),
                       dilation = as2D(win.dilation, 1);
  SmallVector<int64_t> out2 = as2D(win.out, 1);
  int64_t batch = xs[0];
  // Weight [M, C/g, kh, kw] (1-D: [M, C/g, k]).
  if (spatialRank == 1)
    w = reshape(n.b, n.loc, w, {ws[0], ws[1], 1, ws[2]});
  ArrayRef<int64_t> w4 = typeOf(w).getShape();
  auto accType = TypeAttr::get(et);
  Value zp = zeroPoint(n.b, n.loc, et);

  Value y;
  if (group == 1) {
    Value wh = transpose(n.b, n.loc, w, {0, 2, 3, 1}); // OHWI
    y = tosa::Conv2DOp::create(
        n.b, n.loc, tensorType({batch, out2[0], out2[1], cout}, et), xh, wh,
        bias, zp, zp, n.b.getDenseI64ArrayAttr(pads),
        n.b.getDenseI64ArrayAttr(stride), n.b.getDenseI64ArrayAttr(dilation),
        accType);
  } else if (group == cin && cout == cin) {
    // Depthwise: [C, 1, kh, kw] -> [kh, kw, C, 1].
    Value wd = transpose(n.b, n.loc, w, {2, 3, 0, 1});
    y = tosa::DepthwiseConv2DOp::create(
        n.b, n.loc, tensorType({batch, out2[0], out2[1], cout}, et), xh, wd,
        bias, zp, zp, n.b.getDenseI64ArrayAttr(pads),
        n.b.getDenseI64ArrayAttr(stride), n.b.getDenseI64ArrayAttr(dilation),
        accType);
  } else {
    // Grouped (a depthwise convolution with a channel multiplier too): one
    // graph op with its padding, expanded at kernel formation into the
    // linalg op of strata/Support/GroupedConv.h.
    Value wh = transpose(n.b, n.loc, w, {0, 2, 3, 1}); // OHWI, I = C/g
    y = strata::GroupedConv2DOp::create(
        n.b, n.loc, tensorType({batch, out2[0], out2[1], cout}, et), xh, wh,
        bias, n.b.getI64IntegerAttr(group), n.b.getDenseI64ArrayAttr(pads),
        n.b.getDenseI64ArrayAttr(stride), n.b.getDenseI64ArrayAttr(dilation),
        /*input_shuffle=*/IntegerAttr());
  }
  n.setOutput(0, fromNHWC(n, y, spatialRank));
  return success();
}

/// Inserts d-1 zeros between the elements of dimension `axis`.
static Value dilate(NodeContext &n, Value w, int64_t axis, int64_t d) {
  if (d == 1)
    return w;
  SmallVector<int64_t> shape(typeOf(w).getShape());
  int64_t k = shape[axis];
  SmallVector<int64_t> s1(shape);
  s1.insert(s1.begin() + axis + 1, 1);
  w = reshape(n.b, n.loc, w, s1);
  SmallVector<int64_t> low(s1.size(), 0), high(s1.size(), 0);
  high[axis + 1] = d - 1;
  w = pad(n.b, n.loc, w, low, high, 0);
  SmallVector<int64_t> s2(shape);
  s2[axis] = k * d;
  w = reshape(n.b, n.loc, w, s2);
  SmallVector<int64_t> start(shape.size(), 0), size(s2);
  size[axis] = (k - 1) * d + 1;
  return slice(n.b, n.loc, w, start, size);
}

static LogicalResult convertConvTranspose(NodeContext &n) {
  if (failed(n.requireFloat(0)) || failed(checkSpatialRank(n, 0)))
    return failure();
  Value x = n.input(0), w = n.input(1);
  ArrayRef<int64_t> xs = n.inputShape(0), ws = n.inputShape(1);
  int64_t spatialRank = xs.size() - 2;
  int64_t group = n.getInt("group", 1);
  int64_t cin = xs[1];
  if (n.inputRank(1) != (int64_t)xs.size() || ws[0] != cin || group < 1 ||
      cin % group != 0)
    return n.fail("weight shape does not match input channels and group");
  int64_t coutPerGroup = ws[1], cout = coutPerGroup * group;
  SmallVector<int64_t> kernel = n.getInts("kernel_shape");
  if (kernel.empty())
    kernel.assign(ws.begin() + 2, ws.end());
  SmallVector<int64_t> strides = n.getInts("strides"),
                       dilations = n.getInts("dilations"),
                       pads = n.getInts("pads"),
                       outPadding = n.getInts("output_padding"),
                       outputShape = n.getInts("output_shape");
  if (strides.empty())
    strides.assign(spatialRank, 1);
  if (dilations.empty())
    dilations.assign(spatialRank, 1);
  if (pads.empty())
    pads.assign(2 * spatialRank, 0);
  if (outPadding.empty())
    outPadding.assign(spatialRank, 0);
  if ((int64_t)strides.size() != spatialRank ||
      (int64_t)dilations.size() != spatialRank ||
      (int64_t)pads.size() != 2 * spatialRank ||
      (int64_t)outPadding.size() != spatialRank ||
      (int64_t)kernel.size() != spatialRank)
    return n.fail("attribute lengths do not match the spatial rank");
  if (!outputShape.empty() && (int64_t)outputShape.size() < spatialRank)
    return n.fail("output_shape has fewer values than spatial dimensions");
  for (int64_t i = 0; i < spatialRank; ++i)
    if (!inWindowRange(kernel[i], 1) || !inWindowRange(strides[i], 1) ||
        !inWindowRange(dilations[i], 1) || !inWindowRange(pads[i], 0) ||
        !inWindowRange(pads[i + spatialRank], 0) ||
        !inWindowRange(outPadding[i], 0))
      return n.fail("kernel sizes, strides and dilations must be between 1 "
                    "and " +
                    Twine(kMaxWindowValue) +
                    ", pads and output_padding between 0 and " +
                    Twine(kMaxWindowValue));
  for (int64_t v : outputShape)
    if (v < 1 || v > (int64_t(1) << 32))
      return n.fail("output_shape values must be between 1 and 2^32");
  std::string autoPad = n.getString("auto_pad", "NOTSET");
  SmallVector<int64_t> out(spatialRank);
  for (int64_t i = 0; i < spatialRank; ++i) {
    int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
    int64_t full = strides[i] * (xs[i + 2] - 1) + outPadding[i] + extent;
    if (!outputShape.empty() || autoPad == "SAME_UPPER" ||
        autoPad == "SAME_LOWER") {
      int64_t target = !outputShape.empty()
                           ? outputShape[outputShape.size() - spatialRank + i]
                           : xs[i + 2] * strides[i];
      int64_t total = full - target;
      if (total < 0) {
        // A larger output_shape acts as extra output padding at the end.
        pads[i] = 0;
        pads[i + spatialRank] = total;
      } else if (autoPad == "SAME_LOWER") {
        pads[i] = total - total / 2;
        pads[i + spatialRank] = total / 2;
      } else {
        // SAME_UPPER (and an explicit output_shape): the odd pad goes to
        // the end, as for Conv and as the ONNX reference outputs expect.
        pads[i] = total / 2;
        pads[i + spatialRank] = total - total / 2;
      }
    } else if (autoPad == "VALID") {
      pads[i] = pads[i + spatialRank] = 0;
    } else if (autoPad != "NOTSET") {
      return n.fail("unsupported auto_pad '" + autoPad + "'");
    }
    out[i] = full - pads[i] - pads[i + spatialRank];
    if (out[i] <= 0)
      return n.fail("the padding removes the whole output");
  }

  Type et = n.inputElementType(0);
  if (spatialRank == 1) {
    w = reshape(n.b, n.loc, w, {ws[0], ws[1], 1, ws[2]});
    kernel.insert(kernel.begin(), 1);
    strides.insert(strides.begin(), 1);
    dilations.insert(dilations.begin(), 1);
    outPadding.insert(outPadding.begin(), 0);
    pads = {0, pads[0], 0, pads[1]};
    out.insert(out.begin(), 1);
  }
  // Dilation: spread the kernel with zeros.
  w = dilate(n, w, 2, dilations[0]);
  w = dilate(n, w, 3, dilations[1]);
  ArrayRef<int64_t> w4 = typeOf(w).getShape();
  Value bias = n.hasInput(2)
                   ? n.input(2)
                   : splatConst(n.b, n.loc, tensorType({cout}, et), 0);
  Value xh = toNHWC(n, x, {0, 0});
  ArrayRef<int64_t> xhs = typeOf(xh).getShape();
  // Full output, then crop the pads (and extend by output_padding).
  int64_t fullH = strides[0] * (xhs[1] - 1) + w4[2];
  int64_t fullW = strides[1] * (xhs[2] - 1) + w4[3];
  Value zp = zeroPoint(n.b, n.loc, et);
  int64_t cg = cin / group;
  SmallVector<Value> parts;
  for (int64_t g = 0; g < group; ++g) {
    Value xg = group == 1 ? xh
                          : slice(n.b, n.loc, xh, {0, 0, 0, g * cg},
                                  {xhs[0], xhs[1], xhs[2], cg});
    Value wg = group == 1 ? w
                          : slice(n.b, n.loc, w, {g * cg, 0, 0, 0},
                                  {cg, w4[1], w4[2], w4[3]});
    Value bg = group == 1 ? bias
                          : slice(n.b, n.loc, bias, {g * coutPerGroup},
                                  {coutPerGroup});
    // [Cin, M, kh, kw] -> [M, kh, kw, Cin]
    wg = transpose(n.b, n.loc, wg, {1, 2, 3, 0});
    parts.push_back(tosa::TransposeConv2DOp::create(
        n.b, n.loc, tensorType({xhs[0], fullH, fullW, coutPerGroup}, et), xg,
        wg, bg, zp, zp, n.b.getDenseI64ArrayAttr({0, 0, 0, 0}),
        n.b.getDenseI64ArrayAttr(strides), TypeAttr::get(et)));
  }
  Value y = parts.size() == 1
                ? parts[0]
                : tosa::ConcatOp::create(
                      n.b, n.loc, tensorType({xhs[0], fullH, fullW, cout}, et),
                      parts, n.b.getI32IntegerAttr(3));
  // output_padding extends the end; values there only get the bias.
  // pads is [h_begin, w_begin, h_end, w_end].
  int64_t needH = pads[0] + out[0], needW = pads[1] + out[1];
  if (needH > fullH || needW > fullW) {
    Value biasOnly = reshape(n.b, n.loc, bias, {1, 1, 1, cout});
    Value padded = pad(n.b, n.loc, y, {0, 0, 0, 0},
                       {0, std::max<int64_t>(0, needH - fullH),
                        std::max<int64_t>(0, needW - fullW), 0},
                       0);
    // Padded positions received no contributions: add the bias there.
    Value mask =
        pad(n.b, n.loc,
            splatConst(n.b, n.loc, tensorType({1, fullH, fullW, 1}, et), 0),
            {0, 0, 0, 0},
            {0, std::max<int64_t>(0, needH - fullH),
             std::max<int64_t>(0, needW - fullW), 0},
            1);
    y = add(n.b, n.loc, padded, mul(n.b, n.loc, mask, biasOnly));
  }
  y = slice(n.b, n.loc, y, {0, pads[0], pads[1], 0},
            {xhs[0], out[0], out[1], cout});
  n.setOutput(0, fromNHWC(n, y, spatialRank));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Pooling of any spatial rank and dilation as a max or sum over the
/// window's strided slices of the padded input, one axis at a time (TOSA's
/// pools are 2-D and undilated). Averages divide by a count computed the same
/// way from a mask, so count_include_pad and ceil_mode overhang come out
/// exactly.
static void poolBySlices(NodeContext &n, const Window &win, bool isMax,
                         bool includePad) {
  Value x = n.input(0);
  ArrayRef<int64_t> xs = n.inputShape(0);
  int64_t r = xs.size() - 2;
  Type et = n.inputElementType(0);
  SmallVector<int64_t> padEnd, crop;
  exactPads(win, xs.drop_front(2), padEnd, crop);
  SmallVector<int64_t> size(xs);
  for (int64_t d = 0; d < r; ++d)
    size[d + 2] -= crop[d];
  x = slice(n.b, n.loc, x, SmallVector<int64_t>(xs.size(), 0), size);
  // User pads, then the ceil-mode overhang (never counted).
  SmallVector<int64_t> low(2, 0), userHigh(2, 0), extraHigh(2, 0),
      zero(xs.size(), 0);
  for (int64_t d = 0; d < r; ++d) {
    low.push_back(win.padBegin[d]);
    int64_t user = std::min(win.padEnd[d], padEnd[d]);
    userHigh.push_back(user);
    extraHigh.push_back(padEnd[d] - user);
  }
  double fill = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
  x = pad(n.b, n.loc, pad(n.b, n.loc, x, low, userHigh, fill), zero, extraHigh,
          fill);
  Value mask;
  if (!isMax) {
    SmallVector<int64_t> ones(size);
    ones[0] = ones[1] = 1;
    mask = splatConst(n.b, n.loc, tensorType(ones, et), 1.0);
    mask = pad(n.b, n.loc,
               pad(n.b, n.loc, mask, low, userHigh, includePad ? 1.0 : 0.0),
               zero, extraHigh, 0.0);
  }
  // Max and sum over a box are separable: reduce one axis at a time, so a
  // window costs sum(k) slices, not prod(k).
  Value acc = x, count = mask;
  for (int64_t d = 0; d < r; ++d) {
    Value v, m;
    for (int64_t k = 0; k < win.kernel[d]; ++k) {
      Value sv = stridedSlice(n.b, n.loc, acc, d + 2, k * win.dilation[d],
                              win.out[d], win.stride[d]);
      v = !v ? sv : isMax ? maximum(n.b, n.loc, v, sv) : add(n.b, n.loc, v, sv);
      if (count) {
        Value sm = stridedSlice(n.b, n.loc, count, d + 2, k * win.dilation[d],
                                win.out[d], win.stride[d]);
        m = !m ? sm : add(n.b, n.loc, m, sm);
      }
    }
    acc = v;
    count = m;
  }
  n.setOutput(0, isMax ? acc : div(n.b, n.loc, acc, count));
}

static LogicalResult convertPool(NodeContext &n) {
  bool isMax = n.node.op_type() == "MaxPool";
  if (failed(n.requireFloat(0)))
    return failure();
  if (n.hasOutput(1))
    return n.fail("the Indices output is not supported");
  ArrayRef<int64_t> xs = n.inputShape(0);
  int64_t spatialRank = xs.size() - 2;
  if (spatialRank < 1)
    return n.fail("expects an input of rank >= 3");
  SmallVector<int64_t> kernel = n.getInts("kernel_shape");
  Window win;
  if (failed(getWindow(n, xs.drop_front(2), kernel, true, win)))
    return failure();
  Value x = n.input(0);
  Type et = n.inputElementType(0);
  bool includePad = !isMax && n.getInt("count_include_pad", 0) != 0;
  if (spatialRank > 2 ||
      llvm::any_of(win.dilation, [](int64_t d) { return d != 1; })) {
    poolBySlices(n, win, isMax, includePad);
    return success();
  }
  SmallVector<int64_t> inSpatial(xs.drop_front(2));
  if (includePad) {
    // Padding counts: pad explicitly with zeros, the pool sees no pads
    // (ceil-mode overhang beyond the pads still does not count).
    SmallVector<int64_t> low(2, 0), high(2, 0);
    low.append(win.padBegin);
    high.append(win.padEnd);
    x = pad(n.b, n.loc, x, low, high, 0);
    for (int64_t i = 0; i < spatialRank; ++i) {
      inSpatial[i] += win.padBegin[i] + win.padEnd[i];
      win.padBegin[i] = win.padEnd[i] = 0;
    }
  }
  SmallVector<int64_t> padEnd, crop;
  exactPads(win, inSpatial, padEnd, crop);
  Value xh = toNHWC(n, x, crop);
  SmallVector<int64_t> pads = {spatialRank == 2 ? win.padBegin[0] : 0,
                               spatialRank == 2 ? padEnd[0] : 0,
                               win.padBegin.back(), padEnd.back()};
  SmallVector<int64_t> k2 = as2D(win.kernel, 1), s2 = as2D(win.stride, 1),
                       out2 = as2D(win.out, 1);
  for (int i = 0; i < 2; ++i)
    if (pads[2 * i] >= k2[i] || pads[2 * i + 1] >= k2[i])
      return n.fail("pads as large as the kernel are not supported");
  auto resultType = tensorType({xs[0], out2[0], out2[1], xs[1]}, et);
  Value y;
  if (isMax)
    y = tosa::MaxPool2dOp::create(n.b, n.loc, resultType, xh, k2, s2, pads);
  else
    y = tosa::AvgPool2dOp::create(
        n.b, n.loc, resultType, xh, zeroPoint(n.b, n.loc, et),
        zeroPoint(n.b, n.loc, et), n.b.getDenseI64ArrayAttr(k2),
        n.b.getDenseI64ArrayAttr(s2), n.b.getDenseI64ArrayAttr(pads),
        TypeAttr::get(et));
  n.setOutput(0, fromNHWC(n, y, spatialRank));
  return success();
}

static LogicalResult convertGlobalPool(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  int64_t rank = n.inputRank(0);
  if (rank < 3)
    return n.fail("expects an input of rank >= 3");
  Value x = n.input(0);
  bool isAverage = n.node.op_type() == "GlobalAveragePool";
  // Rank 3 and 4: one TOSA pool whose window is the whole image, as
  // onnxruntime keeps one node (two reductions and a scale otherwise; a
  // reduction over NCHW's spatial axes also pins a layout change before it).
  // Windows stay within TOSA's 8K level (MAX_KERNEL 8192).
  ArrayRef<int64_t> xs = n.inputShape(0);
  SmallVector<int64_t> k2 = as2D(xs.drop_front(2), 1);
  if (rank <= 4 && k2[0] <= 8192 && k2[1] <= 8192) {
    Type et = n.inputElementType(0);
    Value xh = toNHWC(n, x, {});
    SmallVector<int64_t> ones = {1, 1}, pads = {0, 0, 0, 0};
    auto resultType = tensorType({xs[0], 1, 1, xs[1]}, et);
    Value y;
    if (isAverage)
      y = tosa::AvgPool2dOp::create(
          n.b, n.loc, resultType, xh, zeroPoint(n.b, n.loc, et),
          zeroPoint(n.b, n.loc, et), n.b.getDenseI64ArrayAttr(k2),
          n.b.getDenseI64ArrayAttr(ones), n.b.getDenseI64ArrayAttr(pads),
          TypeAttr::get(et));
    else
      y = tosa::MaxPool2dOp::create(n.b, n.loc, resultType, xh, k2, ones, pads);
    n.setOutput(0, fromNHWC(n, y, rank - 2));
    return success();
  }
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  if (isAverage) {
    n.setOutput(0, reduceMeanAxes(n.b, n.loc, x, axes));
  } else {
    for (int64_t axis : axes)
      x = reduceMax(n.b, n.loc, x, axis);
    n.setOutput(0, x);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

/// [C] -> [1, C, 1, ...] for an input of `rank`.
/// Fails unless inputs `first`.. (those given) are vectors of `channels`
/// elements (BatchNormalization's and InstanceNormalization's parameters).
static LogicalResult requireChannelVectors(NodeContext &n, unsigned first,
                                           unsigned last, int64_t channels) {
  for (unsigned i = first; i <= last; ++i)
    if (n.hasInput(i) &&
        (n.inputRank(i) != 1 || n.inputShape(i)[0] != channels))
      return n.fail("input #" + Twine(i) + " must be a vector of " +
                    Twine(channels) + " elements (one per channel), got " +
                    mlir::strata::formatShape(n.inputShape(i)));
  return success();
}

static Value channelVector(NodeContext &n, Value v, int64_t rank) {
  SmallVector<int64_t> shape(rank, 1);
  shape[1] = typeOf(v).getNumElements();
  return reshape(n.b, n.loc, v, shape);
}

static Value rsqrt(NodeContext &n, Value x) {
  return tosa::RsqrtOp::create(n.b, n.loc, x.getType(), x);
}

static LogicalResult convertBatchNorm(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  if (n.opset < 9 && n.getInt("spatial", 1) == 0)
    return n.fail("spatial=0 is not supported");
  bool training = n.getInt("training_mode", 0) != 0;
  for (unsigned i = 1; i < n.numOutputs(); ++i)
    if (n.hasOutput(i) && !(training && i <= 2))
      return n.fail("only the outputs Y, running_mean and running_var "
                    "(training mode) are supported");
  int64_t rank = n.inputRank(0);
  if (rank < 2)
    return n.fail("expects an input of rank >= 2");
  if (failed(requireChannelVectors(n, 1, 4, n.inputShape(0)[1])))
    return failure();
  double eps = n.getFloat("epsilon", 1e-5);
  Value x = n.input(0);
  if (training) {
    // Batch statistics; the running statistics are updated with momentum.
    SmallVector<int64_t> axes = {0};
    for (int64_t d = 2; d < rank; ++d)
      axes.push_back(d);
    Value mean = reduceMeanAxes(n.b, n.loc, x, axes);
    Value centered = sub(n.b, n.loc, x, mean);
    Value var =
        reduceMeanAxes(n.b, n.loc, mul(n.b, n.loc, centered, centered), axes);
    Value inv = rsqrt(n, add(n.b, n.loc, var, scalarLike(n, var, eps)));
    Value y = add(n.b, n.loc,
                  mul(n.b, n.loc, mul(n.b, n.loc, centered, inv),
                      channelVector(n, n.input(1), rank)),
                  channelVector(n, n.input(2), rank));
    n.setOutput(0, y);
    double momentum = n.getFloat("momentum", 0.9);
    ArrayRef<int64_t> c = n.inputShape(3);
    auto running = [&](Value old, Value current) {
      Value flat = reshape(n.b, n.loc, current, c);
      return add(n.b, n.loc, mul(n.b, n.loc, old, scalarLike(n, old, momentum)),
                 mul(n.b, n.loc, flat, scalarLike(n, flat, 1 - momentum)));
    };
    if (n.hasOutput(1))
      n.setOutput(1, running(n.input(3), mean));
    if (n.hasOutput(2))
      n.setOutput(2, running(n.input(4), var));
    return success();
  }
  // Constant statistics (inference): fold into one scale and one shift.
  std::optional<DenseElementsAttr> cs = n.constInput(1), cb = n.constInput(2),
                                   cm = n.constInput(3), cv = n.constInput(4);
  if (cs && cb && cm && cv && isa<FloatType>(cs->getElementType())) {
    SmallVector<double> s = *n.constFloatsInput(1, "scale"),
                        b = *n.constFloatsInput(2, "B"),
                        m = *n.constFloatsInput(3, "mean"),
                        v = *n.constFloatsInput(4, "var");
    int64_t c = s.size();
    if ((int64_t)b.size() == c && (int64_t)m.size() == c &&
        (int64_t)v.size() == c) {
      Type et = n.inputElementType(0);
      SmallVector<Attribute> factor, shift;
      for (int64_t i = 0; i < c; ++i) {
        double f = s[i] / std::sqrt(v[i] + eps);
        factor.push_back(n.b.getFloatAttr(et, f));
        shift.push_back(n.b.getFloatAttr(et, b[i] - m[i] * f));
      }
      SmallVector<int64_t> shape(rank, 1);
      shape[1] = c;
      auto type = tensorType(shape, et);
      Value y =
          mul(n.b, n.loc, x,
              constFromAttr(n.b, n.loc, DenseElementsAttr::get(type, factor)));
      n.setOutput(0, add(n.b, n.loc, y,
                         constFromAttr(n.b, n.loc,
                                       DenseElementsAttr::get(type, shift))));
      return success();
    }
  }
  Value scale = channelVector(n, n.input(1), rank);
  Value bias = channelVector(n, n.input(2), rank);
  Value mean = channelVector(n, n.input(3), rank);
  Value var = channelVector(n, n.input(4), rank);
  // y = (x - mean) * scale / sqrt(var + eps) + bias
  Value factor = mul(n.b, n.loc, scale,
                     rsqrt(n, add(n.b, n.loc, var, scalarLike(n, var, eps))));
  Value y =
      add(n.b, n.loc, mul(n.b, n.loc, sub(n.b, n.loc, x, mean), factor), bias);
  n.setOutput(0, y);
  return success();
}

/// Mean and variance over `axes` (kept), then (x - mean) / sqrt(var + eps).
static std::pair<Value, Value> normalize(NodeContext &n, Value x,
                                         ArrayRef<int64_t> axes, double eps,
                                         Value *meanOut = nullptr) {
  Value mean = reduceMeanAxes(n.b, n.loc, x, axes);
  Value centered = sub(n.b, n.loc, x, mean);
  Value var =
      reduceMeanAxes(n.b, n.loc, mul(n.b, n.loc, centered, centered), axes);
  Value inv = rsqrt(n, add(n.b, n.loc, var, scalarLike(n, var, eps)));
  if (meanOut)
    *meanOut = mean;
  return {mul(n.b, n.loc, centered, inv), inv};
}

static LogicalResult convertInstanceNorm(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  int64_t rank = n.inputRank(0);
  if (rank < 3)
    return n.fail("expects an input of rank >= 3");
  if (failed(requireChannelVectors(n, 1, 2, n.inputShape(0)[1])))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  Value y = normalize(n, n.input(0), axes, n.getFloat("epsilon", 1e-5)).first;
  y = add(n.b, n.loc, mul(n.b, n.loc, y, channelVector(n, n.input(1), rank)),
          channelVector(n, n.input(2), rank));
  n.setOutput(0, y);
  return success();
}

static LogicalResult convertLayerNorm(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  int64_t rank = n.inputRank(0);
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < rank; ++d)
    axes.push_back(d);
  Value mean;
  auto [y, inv] =
      normalize(n, n.input(0), axes, n.getFloat("epsilon", 1e-5), &mean);
  y = mul(n.b, n.loc, y, n.input(1));
  if (n.hasInput(2))
    y = add(n.b, n.loc, y, n.input(2));
  n.setOutput(0, y);
  if (n.hasOutput(1))
    n.setOutput(1, mean);
  if (n.hasOutput(2))
    n.setOutput(2, inv);
  return success();
}

static LogicalResult convertLRN(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  int64_t rank = n.inputRank(0);
  if (rank < 3)
    return n.fail("expects an input of rank >= 3");
  int64_t size = n.getInt("size", 0);
  if (size < 1 || size > strata::kMaxLRNSize)
    return n.fail("size must be between 1 and " + Twine(strata::kMaxLRNSize));
  double alpha = n.getFloat("alpha", 1e-4), beta = n.getFloat("beta", 0.75),
         bias = n.getFloat("bias", 1.0);
  if (!std::isfinite(alpha) || !std::isfinite(beta) || !std::isfinite(bias))
    return n.fail("alpha, beta and bias must be finite");
  // One op across the channels; strata-expand-composites expands it into
  // TOSA when kernels are formed.
  Value x = n.input(0);
  n.setOutput(0, strata::LRNOp::create(
                     n.b, n.loc, x.getType(), x, n.b.getI64IntegerAttr(1),
                     n.b.getI64IntegerAttr(size), n.b.getF64FloatAttr(alpha),
                     n.b.getF64FloatAttr(beta), n.b.getF64FloatAttr(bias)));
  return success();
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

static LogicalResult convertMatMul(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  ArrayRef<int64_t> a = n.inputShape(0), b = n.inputShape(1);
  if (a.empty() || b.empty())
    return n.fail("operands must have rank >= 1");
  int64_t k1 = a.back(), k2 = b.size() == 1 ? b[0] : b[b.size() - 2];
  if (k1 != k2)
    return n.fail("inner dimensions differ (" + Twine(k1) + " vs " + Twine(k2) +
                  ")");
  if (a.size() > 2 && b.size() > 2 &&
      failed(broadcastShapes(a.drop_back(2), b.drop_back(2))))
    return n.fail("batch dimensions cannot be broadcast");
  n.setOutput(0, matmul(n.b, n.loc, n.input(0), n.input(1)));
  return success();
}

static LogicalResult convertGemm(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  if (n.inputRank(0) != 2 || n.inputRank(1) != 2)
    return n.fail("A and B must be matrices");
  Value a = n.input(0), b = n.input(1);
  if (n.getInt("transA", 0))
    a = transpose(n.b, n.loc, a, {1, 0});
  if (n.getInt("transB", 0))
    b = transpose(n.b, n.loc, b, {1, 0});
  if (typeOf(a).getDimSize(1) != typeOf(b).getDimSize(0))
    return n.fail("inner dimensions differ");
  double alpha = n.getFloat("alpha", 1.0), beta = n.getFloat("beta", 1.0);
  Value y = matmul(n.b, n.loc, a, b);
  if (alpha != 1.0)
    y = mul(n.b, n.loc, y, scalarLike(n, y, alpha));
  if (n.hasInput(2) && beta != 0.0) {
    Value c = n.input(2);
    if (failed(broadcastShapes(typeOf(y).getShape(), n.inputShape(2))) ||
        ArrayRef<int64_t>(*broadcastShapes(
            typeOf(y).getShape(), n.inputShape(2))) != typeOf(y).getShape())
      return n.fail("C does not broadcast to the result");
    if (beta != 1.0)
      c = mul(n.b, n.loc, c, scalarLike(n, c, beta));
    y = add(n.b, n.loc, y, c);
  }
  n.setOutput(0, y);
  return success();
}

void mlir::strata::onnx_import::addNNConverters(ConverterTable &t) {
  t["Conv"] = convertConv;
  t["ConvTranspose"] = convertConvTranspose;
  t["MaxPool"] = convertPool;
  t["AveragePool"] = convertPool;
  t["GlobalAveragePool"] = convertGlobalPool;
  t["GlobalMaxPool"] = convertGlobalPool;
  t["BatchNormalization"] = convertBatchNorm;
  t["InstanceNormalization"] = convertInstanceNorm;
  t["LayerNormalization"] = convertLayerNorm;
  t["LRN"] = convertLRN;
  t["MatMul"] = convertMatMul;
  t["Gemm"] = convertGemm;
}
