//===- StripeAccess.cpp - Which rows of its operands a kernel reads -------===//
//
// Traces one dimension of a kernel's result back through the ops of the
// kernel to its operands, then picks a streamed dimension per value; see
// StripeAccess.h.
//
//===----------------------------------------------------------------------===//

#include "strata/Analysis/StripeAccess.h"

#include "dialects/Strata/IR/StrataOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Debug.h"

#include <deque>
#include <functional>
#include <map>
#include <tuple>

#define DEBUG_TYPE "strata-tile-mapping"

using namespace mlir;
using namespace mlir::strata;

namespace {

/// Which rows of a value are read, along which of its dimensions, per row of
/// the traced result. A row is `granule` consecutive indices of the
/// dimension (more than one where a reshape merged the dimension with the
/// ones inside it). `spatial`: the trace crossed the height of a
/// convolution or pooling window.
struct Need {
  int dim = -1;
  int64_t granule = 1;
  RowAccess access = RowAccess::getWhole();
  bool spatial = false;

  static Need along(int dim, RowAccess access, bool spatial,
                    int64_t granule = 1) {
    Need n;
    n.dim = dim;
    n.granule = granule;
    n.access = access;
    n.spatial = spatial;
    return n;
  }
  bool isWhole() const { return access.whole; }
};

using NeedMap = llvm::MapVector<Value, Need>;

void merge(NeedMap &needs, Value v, const Need &need) {
  if (!isa<RankedTensorType>(v.getType()))
    return;
  auto [it, inserted] = needs.insert({v, need});
  if (inserted)
    return;
  Need &old = it->second;
  if (old.isWhole() || need.isWhole() || old.dim != need.dim ||
      old.granule != need.granule || old.access.stride != need.access.stride) {
    old = Need();
    return;
  }
  old.access.lo = std::min(old.access.lo, need.access.lo);
  old.access.hi = std::max(old.access.hi, need.access.hi);
  old.spatial |= need.spatial;
}

/// Rows [s*r + lo, s*r + hi] of an operand for each row r of the rows
/// `outer` reads.
RowAccess compose(const RowAccess &outer, int64_t s, int64_t lo, int64_t hi) {
  RowAccess a;
  a.stride = outer.stride * s;
  a.lo = outer.lo * s + lo;
  a.hi = outer.hi * s + hi;
  return a;
}

int64_t dimSize(Value v, int d) {
  return cast<RankedTensorType>(v.getType()).getDimSize(d);
}

void allWhole(Operation *op, NeedMap &needs) {
  for (Value operand : op->getOperands())
    merge(needs, operand, Need());
}

/// A sliding window over an NHWC input (convolutions, pooling): output
/// height/width `d` (1 or 2) reads rows [r*stride - pad, ... + (k-1)*dil].
void window(Value input, int d, const Need &need, ArrayRef<int64_t> stride,
            ArrayRef<int64_t> pad, int64_t kernel, int64_t dilation,
            NeedMap &needs) {
  int64_t s = stride[d - 1], before = pad[2 * (d - 1)];
  merge(needs, input,
        Need::along(
            d,
            compose(need.access, s, -before, -before + (kernel - 1) * dilation),
            need.spatial || d == 1));
}

/// `expr` as coefficients of the loop dimensions plus a constant (the last
/// entry); none when it is not linear.
std::optional<SmallVector<int64_t>> getLinear(AffineExpr expr,
                                              unsigned numDims) {
  SmallVector<int64_t> coeffs(numDims + 1, 0);
  std::function<bool(AffineExpr, int64_t)> add = [&](AffineExpr e,
                                                     int64_t scale) {
    if (auto d = dyn_cast<AffineDimExpr>(e)) {
      coeffs[d.getPosition()] += scale;
      return true;
    }
    if (auto c = dyn_cast<AffineConstantExpr>(e)) {
      coeffs[numDims] += scale * c.getValue();
      return true;
    }
    auto bin = dyn_cast<AffineBinaryOpExpr>(e);
    if (!bin)
      return false;
    if (e.getKind() == AffineExprKind::Add)
      return add(bin.getLHS(), scale) && add(bin.getRHS(), scale);
    if (e.getKind() != AffineExprKind::Mul)
      return false;
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
      return add(bin.getLHS(), scale * c.getValue());
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getLHS()))
      return add(bin.getRHS(), scale * c.getValue());
    return false;
  };
  if (!add(expr, 1))
    return std::nullopt;
  return coeffs;
}

/// A structured op: output dimension d is loop p; an operand whose map has
/// exactly one result involving p, linear in the loops, reads along that
/// result rows [c*r + min, c*r + max] over the other loops' ranges.
void propagateStructured(linalg::LinalgOp op, OpResult result, const Need &need,
                         NeedMap &needs) {
  OpOperand *init = op.getDpsInitOperand(result.getResultNumber());
  AffineMap outMap = op.getMatchingIndexingMap(init);
  if (!outMap.isProjectedPermutation() ||
      !isa<AffineDimExpr>(outMap.getResult(need.dim)))
    return allWhole(op, needs);
  unsigned p = outMap.getDimPosition(need.dim);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  unsigned numDims = outMap.getNumDims();
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<RankedTensorType>(operand.get().getType()))
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    std::optional<Need> found;
    bool usable = true;
    for (auto [j, expr] : llvm::enumerate(map.getResults())) {
      if (!expr.isFunctionOfDim(p))
        continue;
      std::optional<SmallVector<int64_t>> linear = getLinear(expr, numDims);
      if (found || !linear || (*linear)[p] <= 0) {
        usable = false;
        break;
      }
      int64_t lo = (*linear)[numDims], hi = lo;
      for (unsigned k = 0; k < numDims; ++k) {
        if (k == p || (*linear)[k] == 0)
          continue;
        if (ShapedType::isDynamic(ranges[k])) {
          usable = false;
          break;
        }
        int64_t span = (*linear)[k] * (ranges[k] - 1);
        lo += std::min<int64_t>(0, span);
        hi += std::max<int64_t>(0, span);
      }
      // A window (other loops in the index) marks a spatial dimension.
      found = Need::along(j, compose(need.access, (*linear)[p], lo, hi),
                          need.spatial || lo != hi);
    }
    merge(needs, operand.get(), usable && found ? *found : Need());
  }
}

/// The need on a reshape's input for `need` of its output. Rows survive a
/// reshape that keeps the dimension and the product of the ones before it;
/// and where the dimension is the outermost one (all before it are 1) a
/// row is a run of consecutive elements, which survives any reshape whose
/// input has an outermost dimension that such runs tile.
std::optional<Need> throughReshape(ArrayRef<int64_t> in, ArrayRef<int64_t> out,
                                   const Need &need) {
  int d = need.dim;
  auto product = [](ArrayRef<int64_t> dims) {
    int64_t p = 1;
    for (int64_t x : dims)
      p *= x;
    return p;
  };
  int64_t before = product(out.take_front(d));
  for (int i = 0, e = in.size(); i < e; ++i)
    if (product(in.take_front(i)) == before && in[i] == out[d])
      return Need::along(i, need.access, need.spatial, need.granule);
  if (before != 1)
    return std::nullopt;
  int64_t run = need.granule * product(out.drop_front(d + 1));
  for (int i = 0, e = in.size(); i < e; ++i) {
    if (in[i] == 1)
      continue;
    int64_t inner = product(in.drop_front(i + 1));
    if (run % inner != 0 || in[i] % (run / inner) != 0)
      return std::nullopt;
    return Need::along(i, need.access, need.spatial, run / inner);
  }
  return std::nullopt;
}

/// The operands' needs for `need` of `result`.
void propagate(OpResult result, const Need &need, NeedMap &needs) {
  Operation *op = result.getOwner();
  if (need.isWhole())
    return allWhole(op, needs);
  int d = need.dim;
  auto same = [&](Value operand) {
    merge(needs, operand,
          Need::along(d, need.access, need.spatial, need.granule));
  };
  // Windows, slices and pads count in indices: rows of one index only.
  if (need.granule != 1 &&
      isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MaxPool2dOp,
          tosa::AvgPool2dOp, tosa::SliceOp, tosa::PadOp, GroupedConv2DOp,
          linalg::LinalgOp>(op))
    return allWhole(op, needs);
  auto elementwise = [&]() {
    for (Value operand : op->getOperands()) {
      auto type = dyn_cast<RankedTensorType>(operand.getType());
      if (!type ||
          type.getRank() != cast<ShapedType>(result.getType()).getRank())
        continue;
      if (type.getDimSize(d) == dimSize(result, d))
        same(operand);
      else
        merge(needs, operand,
              Need::along(d, RowAccess{0, 0, 0}, need.spatial, need.granule));
    }
  };
  auto convolution = [&](Value input, Value weight, ArrayRef<int64_t> stride,
                         ArrayRef<int64_t> pad, ArrayRef<int64_t> dilation,
                         bool depthwise) {
    merge(needs, weight, Need());
    for (Value operand : op->getOperands().drop_front(2))
      merge(needs, operand, Need());
    if (d == 1 || d == 2) {
      int64_t k = dimSize(weight, depthwise ? d - 1 : d);
      window(input, d, need, stride, pad, k, dilation[d - 1], needs);
    } else if (d == 0) {
      same(input);
    } else {
      merge(needs, input, Need());
    }
  };
  auto pool = [&](Value input, ArrayRef<int64_t> kernel,
                  ArrayRef<int64_t> stride, ArrayRef<int64_t> pad) {
    for (Value operand : op->getOperands().drop_front())
      merge(needs, operand, Need());
    if (d == 1 || d == 2)
      window(input, d, need, stride, pad, kernel[d - 1], 1, needs);
    else
      same(input);
  };
  auto alongAxis = [&](int64_t axis) {
    for (Value operand : op->getOperands()) {
      if (axis == d)
        merge(needs, operand, Need());
      else
        same(operand);
    }
  };
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](tosa::Conv2DOp conv) {
        convolution(conv.getInput(), conv.getWeight(), conv.getStride(),
                    conv.getPad(), conv.getDilation(), false);
      })
      .Case([&](tosa::DepthwiseConv2DOp conv) {
        // Output channel c * M + m reads input channel c.
        if (d == 3 && dimSize(conv.getWeight(), 3) != 1) {
          allWhole(op, needs);
          return;
        }
        convolution(conv.getInput(), conv.getWeight(), conv.getStride(),
                    conv.getPad(), conv.getDilation(), true);
      })
      .Case([&](tosa::MaxPool2dOp p) {
        pool(p.getInput(), p.getKernel(), p.getStride(), p.getPad());
      })
      .Case([&](tosa::AvgPool2dOp p) {
        pool(p.getInput(), p.getKernel(), p.getStride(), p.getPad());
      })
      .Case([&](GroupedConv2DOp conv) {
        convolution(conv.getInput(), conv.getWeight(), conv.getStride(),
                    conv.getPad(), conv.getDilation(), false);
      })
      .Case([&](LRNOp lrn) { alongAxis(lrn.getAxis()); })
      .Case([&](linalg::LinalgOp structured) {
        propagateStructured(structured, result, need, needs);
      })
      .Case([&](tosa::TransposeOp t) {
        merge(needs, t.getInput1(),
              Need::along(t.getPerms()[d], need.access, need.spatial,
                          need.granule));
      })
      .Case([&](tosa::ConcatOp c) { alongAxis(c.getAxis()); })
      // Broadcasting like the elementwise ops, but with a shift operand.
      .Case([&](tosa::MulOp) { elementwise(); })
      .Case<tosa::ReduceAllOp, tosa::ReduceAnyOp, tosa::ReduceMaxOp,
            tosa::ReduceMinOp, tosa::ReduceProductOp, tosa::ReduceSumOp,
            tosa::ArgMaxOp>([&](Operation *r) {
        alongAxis(r->getAttrOfType<IntegerAttr>("axis").getInt());
      })
      .Case([&](tosa::SliceOp s) {
        SmallVector<int64_t> start;
        if (!tosa::getConstShapeValues(s.getStart().getDefiningOp(), start))
          return allWhole(op, needs);
        merge(needs, s.getInput1(),
              Need::along(d, compose(need.access, 1, start[d], start[d]),
                          need.spatial));
      })
      .Case([&](tosa::PadOp p) {
        SmallVector<int64_t> padding;
        if (!tosa::getConstShapeValues(p.getPadding().getDefiningOp(), padding))
          return allWhole(op, needs);
        merge(needs, p.getInput1(),
              Need::along(
                  d, compose(need.access, 1, -padding[2 * d], -padding[2 * d]),
                  need.spatial));
      })
      .Case([&](tosa::ReshapeOp r) {
        std::optional<Need> in = throughReshape(
            cast<RankedTensorType>(r.getInput1().getType()).getShape(),
            cast<RankedTensorType>(r.getType()).getShape(), need);
        merge(needs, r.getInput1(), in ? *in : Need());
      })
      .Case([&](tosa::MatMulOp m) {
        // [N, H, C] x [N, C, W]: rows of H read rows of A and all of B.
        if (d == 0) {
          same(m.getA());
          same(m.getB());
        } else if (d == 1) {
          same(m.getA());
          merge(needs, m.getB(), Need());
        } else {
          merge(needs, m.getA(), Need());
          same(m.getB());
        }
        for (Value operand : op->getOperands().drop_front(2))
          merge(needs, operand, Need());
      })
      .Default([&](Operation *other) {
        if (other->hasTrait<OpTrait::tosa::TosaElementwiseOperator>() ||
            other->hasTrait<OpTrait::SameOperandsAndResultShape>() ||
            other->hasTrait<OpTrait::ResultsBroadcastableShape>() ||
            other->hasTrait<OpTrait::Elementwise>())
          elementwise();
        else
          allWhole(other, needs);
      });
}

/// Per operand of `kernel`: what rows of `granule` indices along `dim` of
/// its result `index` read.
SmallVector<Need> traceKernel(Operation *kernel, unsigned index, int dim,
                              int64_t granule) {
  NeedMap needs;
  Need start = Need::along(dim, RowAccess{}, false, granule);
  SmallVector<Need> out(kernel->getNumOperands());
  if (auto group = dyn_cast<GroupOp>(kernel)) {
    Block &body = group.getBody().front();
    merge(needs, body.getTerminator()->getOperand(index), start);
    for (Operation &op : llvm::reverse(body.without_terminator()))
      for (OpResult r : op.getResults())
        if (auto it = needs.find(r); it != needs.end())
          propagate(r, Need(it->second), needs);
    for (auto [i, arg] : llvm::enumerate(body.getArguments()))
      if (auto it = needs.find(arg); it != needs.end())
        out[i] = it->second;
    return out;
  }
  propagate(kernel->getResult(index), start, needs);
  for (auto [i, operand] : llvm::enumerate(kernel->getOperands()))
    if (auto it = needs.find(operand); it != needs.end())
      out[i] = it->second;
  return out;
}

} // namespace

StripeInfo mlir::strata::computeStripeInfo(const IRKernelGraph &ir) {
  const KernelGraph &graph = ir.graph;
  StripeInfo info = StripeInfo::getWhole(graph);
  int numNodes = graph.nodes.size();
  DenseMap<Value, int> idOf;
  for (auto [id, v] : llvm::enumerate(ir.values))
    idOf[v] = id;

  // Per kernel result (a graph value), dim and granule: the need per input
  // of its kernel, through the views (reshapes outside kernels) between
  // them.
  std::map<std::tuple<int, int, int64_t>, SmallVector<Need>> traces;
  auto getRank = [&](int v) -> int64_t {
    auto type = dyn_cast<RankedTensorType>(ir.values[v].getType());
    return type ? type.getRank() : 0;
  };
  auto traceOf = [&](int v, int d, int64_t granule) -> ArrayRef<Need> {
    auto key = std::make_tuple(v, d, granule);
    if (auto it = traces.find(key); it != traces.end())
      return it->second;
    int n = graph.values[v].producer;
    Operation *op = ir.ops[n];
    const KGNode &node = graph.nodes[n];
    unsigned index = cast<OpResult>(ir.values[v]).getResultNumber();
    SmallVector<Need> perOperand = traceKernel(op, index, d, granule);
    NeedMap perInput;
    for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
      Value source = operand;
      Need need = perOperand[i];
      while (source.getDefiningOp() &&
             isKernelGraphView(source.getDefiningOp()) && !idOf.count(source)) {
        NeedMap through;
        propagate(cast<OpResult>(source), need, through);
        source = source.getDefiningOp()->getOperand(0);
        auto it = through.find(source);
        need = it == through.end() ? Need() : it->second;
      }
      auto it = idOf.find(source);
      if (it == idOf.end())
        continue;
      merge(perInput, ir.values[it->second], need);
    }
    SmallVector<Need> row;
    for (int input : node.inputs) {
      auto it = perInput.find(ir.values[input]);
      row.push_back(it == perInput.end() ? Need() : it->second);
    }
    return traces[key] = std::move(row);
  };

  // Dimensions: the height of every window's output first, then spread to
  // producers and users through the traces, in value order. A user's
  // output keeps the rows of its input (granule: its extent over them).
  SmallVector<int> &dim = info.dim;
  SmallVector<int64_t> granule(graph.values.size(), 1);
  std::deque<int> queue;
  auto assign = [&](int v, int d, int64_t g) {
    if (dim[v] >= 0 || d < 0)
      return;
    dim[v] = d;
    granule[v] = g;
    queue.push_back(v);
  };
  for (int n = 0; n < numNodes; ++n)
    for (int out : graph.nodes[n].outputs)
      for (int d = 0, e = getRank(out); d < e; ++d)
        if (dimSize(ir.values[out], d) > 1 &&
            llvm::any_of(traceOf(out, d, 1),
                         [](const Need &x) { return x.spatial; })) {
          assign(out, d, 1);
          break;
        }
  auto rowsOf = [&](int v) {
    return dimSize(ir.values[v], dim[v]) / granule[v];
  };
  while (!queue.empty()) {
    int v = queue.front();
    queue.pop_front();
    const KGValue &value = graph.values[v];
    if (int p = value.producer; p >= 0)
      for (auto [i, input] : llvm::enumerate(graph.nodes[p].inputs)) {
        const Need &need = traceOf(v, dim[v], granule[v])[i];
        if (!need.isWhole() && need.access.stride > 0)
          assign(input, need.dim, need.granule);
      }
    for (int u : value.users) {
      int i =
          llvm::find(graph.nodes[u].inputs, v) - graph.nodes[u].inputs.begin();
      for (int out : graph.nodes[u].outputs)
        for (int d = 0, e = getRank(out); d < e && dim[out] < 0; ++d) {
          int64_t extent = dimSize(ir.values[out], d);
          SmallVector<int64_t> candidates = {1};
          if (extent % rowsOf(v) == 0 && extent / rowsOf(v) != 1)
            candidates.push_back(extent / rowsOf(v));
          auto fits = [&](int64_t g) {
            const Need &need = traceOf(out, d, g)[i];
            return !need.isWhole() && need.access.stride > 0 &&
                   need.dim == dim[v] && need.granule == granule[v];
          };
          auto it = llvm::find_if(candidates, fits);
          if (it != candidates.end())
            assign(out, d, *it);
        }
    }
  }

  for (auto [v, value] : llvm::enumerate(graph.values)) {
    if (dim[v] < 0)
      continue;
    info.rows[v] = rowsOf(v);
    if (info.rows[v] <= 1) {
      info.rows[v] = 1;
      dim[v] = -1;
    }
  }
  // A kernel's access: what all its results read (a result not split
  // makes every input whole).
  for (int n = 0; n < numNodes; ++n) {
    const KGNode &node = graph.nodes[n];
    if (node.outputs.empty() ||
        llvm::any_of(node.outputs, [&](int out) { return dim[out] < 0; }))
      continue;
    for (auto [i, input] : llvm::enumerate(node.inputs)) {
      NeedMap merged;
      for (int out : node.outputs)
        merge(merged, ir.values[input],
              traceOf(out, dim[out], granule[out])[i]);
      if (merged.empty())
        continue;
      const Need &need = merged.front().second;
      if (need.isWhole() ||
          (info.rows[input] > 1 &&
           (need.dim != dim[input] || need.granule != granule[input])))
        continue;
      info.access[n][i] = need.access;
    }
  }
  LLVM_DEBUG({
    int split = llvm::count_if(info.rows, [](int64_t r) { return r > 1; });
    llvm::dbgs() << "stripes: " << split << " of " << graph.values.size()
                 << " values split into rows\n";
  });
  return info;
}
