//===- ConvertResize.cpp - ONNX Resize and Upsample -----------------------===//
//
// Nearest, linear and cubic resizing are all linear maps of the input that
// act on one axis at a time. The importer computes each resized axis's
// interpolation matrix (out x in) from the ONNX attributes - coordinate
// transformation, nearest rounding, cubic coefficient, exclude_outside - at
// import time, and applies it as a matmul with the axis moved innermost.
// This reproduces every coordinate mode exactly (no TOSA resize, whose
// integer scale/offset/border form cannot express half_pixel downsampling
// or cubic), at the cost of O(in x out) work per resized row.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"
#include "strata/Support/Limits.h"

#include <cmath>

using namespace mlir;
using namespace mlir::strata::onnx_import;

namespace {
struct ResizeMode {
  std::string mode = "nearest";
  std::string coordinates = "half_pixel";
  std::string nearest = "round_prefer_floor";
  double cubicA = -0.75;
  bool excludeOutside = false;
};
} // namespace

static double sourceCoordinate(const ResizeMode &m, int64_t x, int64_t in,
                               int64_t out, double scale) {
  const std::string &c = m.coordinates;
  if (c == "half_pixel")
    return (x + 0.5) / scale - 0.5;
  if (c == "pytorch_half_pixel")
    return out > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
  if (c == "align_corners") {
    // The resized length is in * scale, not rounded (as ONNX specifies).
    double length = in * scale;
    return length <= 1 ? 0.0 : x * double(in - 1) / (length - 1);
  }
  if (c == "tf_half_pixel_for_nn")
    return (x + 0.5) / scale;
  return x / scale; // asymmetric
}

static int64_t nearestIndex(const ResizeMode &m, double v) {
  const std::string &r = m.nearest;
  if (r == "floor")
    return (int64_t)std::floor(v);
  if (r == "ceil")
    return (int64_t)std::ceil(v);
  double f = std::floor(v);
  if (v - f == 0.5)
    return r == "round_prefer_ceil" ? (int64_t)f + 1 : (int64_t)f;
  return (int64_t)std::round(v);
}

static double cubicWeight(double A, double d) {
  d = std::fabs(d);
  if (d <= 1)
    return ((A + 2) * d - (A + 3)) * d * d + 1;
  if (d < 2)
    return ((A * d - 5 * A) * d + 8 * A) * d - 4 * A;
  return 0;
}

/// Row-major out x in matrix.
static std::vector<double> interpolationMatrix(const ResizeMode &m, int64_t in,
                                               int64_t out, double scale) {
  std::vector<double> w(out * in, 0.0);
  auto clampIndex = [&](int64_t i) {
    return std::min<int64_t>(std::max<int64_t>(i, 0), in - 1);
  };
  for (int64_t x = 0; x < out; ++x) {
    double src = sourceCoordinate(m, x, in, out, scale);
    double *row = &w[x * in];
    if (m.mode == "nearest") {
      row[clampIndex(nearestIndex(m, src))] = 1.0;
    } else if (m.mode == "linear") {
      double s = std::min<double>(std::max<double>(src, 0.0), in - 1);
      int64_t i0 = (int64_t)std::floor(s);
      double t = s - i0;
      row[clampIndex(i0)] += 1 - t;
      row[clampIndex(i0 + 1)] += t;
    } else { // cubic
      int64_t i0 = (int64_t)std::floor(src);
      double t = src - i0;
      double weights[4], total = 0;
      for (int k = -1; k <= 2; ++k) {
        int64_t i = i0 + k;
        double c = cubicWeight(m.cubicA, t - k);
        if (m.excludeOutside && (i < 0 || i >= in))
          c = 0;
        weights[k + 1] = c;
        total += c;
      }
      for (int k = -1; k <= 2; ++k) {
        double c = weights[k + 1];
        if (m.excludeOutside && total != 0)
          c /= total;
        row[clampIndex(i0 + k)] += c;
      }
    }
  }
  return w;
}

/// Applies `matrix` (out x in, row-major) along `axis` of x.
static Value resizeAxis(NodeContext &n, Value x, int64_t axis, int64_t out,
                        const std::vector<double> &matrix) {
  Type et = typeOf(x).getElementType();
  int64_t in = typeOf(x).getDimSize(axis);
  SmallVector<Attribute> values; // transposed: [in, out]
  for (int64_t i = 0; i < in; ++i)
    for (int64_t o = 0; o < out; ++o)
      values.push_back(n.b.getFloatAttr(et, matrix[o * in + i]));
  Value weights = constFromAttr(
      n.b, n.loc, DenseElementsAttr::get(tensorType({in, out}, et), values));
  return applyAlongAxis(n.b, n.loc, x, axis, weights);
}

static LogicalResult convertResize(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  bool upsample = n.node.op_type() == "Upsample";
  ResizeMode m;
  m.mode = n.getString("mode", "nearest");
  if (m.mode == "bilinear")
    m.mode = "linear";
  if (m.mode != "nearest" && m.mode != "linear" && m.mode != "cubic")
    return n.fail("unsupported mode '" + m.mode + "'");
  if (upsample && m.mode == "cubic")
    return n.fail("unsupported mode 'cubic'");
  int64_t rank = n.inputRank(0);
  ArrayRef<int64_t> in = n.inputShape(0);

  // Scales or sizes, by opset.
  SmallVector<double> scales;
  SmallVector<int64_t> sizes;
  if (upsample || n.opset < 11) {
    // Upsample and Resize-10: asymmetric coordinates, floor rounding.
    m.coordinates = "asymmetric";
    m.nearest = "floor";
    if (upsample && n.opset < 9) {
      scales = n.getFloats("scales");
    } else {
      FailureOr<SmallVector<double>> s = n.constFloatsInput(1, "scales");
      if (failed(s))
        return failure();
      scales = *s;
    }
  } else {
    m.coordinates = n.getString("coordinate_transformation_mode", "half_pixel");
    m.nearest = n.getString("nearest_mode", "round_prefer_floor");
    m.cubicA = n.getFloat("cubic_coeff_a", -0.75);
    m.excludeOutside = n.getInt("exclude_outside", 0) != 0;
    if (n.getInt("antialias", 0) != 0)
      return n.fail("antialias is not supported");
    if (n.hasAttr("axes"))
      return n.fail("the axes attribute is not supported");
    if (n.getString("keep_aspect_ratio_policy", "stretch") != "stretch")
      return n.fail("keep_aspect_ratio_policy other than stretch is not "
                    "supported");
    if (n.hasInput(3) && n.inputType(3).getNumElements() > 0) {
      FailureOr<SmallVector<int64_t>> s = n.constIntsInput(3, "sizes");
      if (failed(s))
        return failure();
      sizes = *s;
    } else if (n.hasInput(2)) {
      FailureOr<SmallVector<double>> s = n.constFloatsInput(2, "scales");
      if (failed(s))
        return failure();
      scales = *s;
    }
  }
  static const char *coordinateModes[] = {"half_pixel", "pytorch_half_pixel",
                                          "align_corners", "asymmetric",
                                          "tf_half_pixel_for_nn"};
  if (!llvm::is_contained(coordinateModes, m.coordinates))
    return n.fail("unsupported coordinate_transformation_mode '" +
                  m.coordinates + "'");
  static const char *nearestModes[] = {"round_prefer_floor",
                                       "round_prefer_ceil", "floor", "ceil"};
  if (!llvm::is_contained(nearestModes, m.nearest))
    return n.fail("unsupported nearest_mode '" + m.nearest + "'");

  SmallVector<int64_t> out(rank);
  SmallVector<double> axisScale(rank);
  if (!sizes.empty()) {
    if ((int64_t)sizes.size() != rank)
      return n.fail("sizes must have one value per dimension");
    for (int64_t d = 0; d < rank; ++d) {
      out[d] = sizes[d];
      axisScale[d] = double(sizes[d]) / in[d];
    }
  } else {
    if ((int64_t)scales.size() != rank)
      return n.fail("scales must have one value per dimension");
    for (int64_t d = 0; d < rank; ++d) {
      if (scales[d] <= 0)
        return n.fail("scales must be positive");
      double size = std::floor(in[d] * scales[d]);
      if (!(size < 0x1p62))
        return n.fail("scales[" + Twine(d) +
                      "] = " + std::to_string(scales[d]) +
                      " makes the output dimension too large");
      out[d] = (int64_t)size;
      axisScale[d] = scales[d];
    }
  }
  // The output, and each axis's interpolation matrix (in x out), must be
  // allocatable before anything is built.
  for (int64_t d = 0; d < rank; ++d)
    if (out[d] <= 0)
      return n.fail("the output would be empty");
  std::string tooLarge =
      mlir::strata::checkTensorSize(tensorType(out, n.inputElementType(0)));
  if (!tooLarge.empty())
    return n.fail("output " + tooLarge);
  for (int64_t d = 0; d < rank; ++d)
    if ((out[d] != in[d] || axisScale[d] != 1.0) &&
        failed(n.checkHostElements({in[d], out[d]},
                                   "the interpolation matrix of axis " +
                                       std::to_string(d))))
      return failure();
  Value x = n.input(0);
  for (int64_t d = 0; d < rank; ++d) {
    if (out[d] == in[d] && axisScale[d] == 1.0)
      continue;
    x = resizeAxis(n, x, d, out[d],
                   interpolationMatrix(m, in[d], out[d], axisScale[d]));
  }
  n.setOutput(0, x);
  return success();
}

void mlir::strata::onnx_import::addResizeConverters(ConverterTable &t) {
  t["Resize"] = convertResize;
  t["Upsample"] = convertResize;
}
