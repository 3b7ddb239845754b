//===- StripeAccess.cpp - Which rows of its operands a kernel reads -------===//
//
// Traces one dimension of a kernel's result back through the ops of the
// kernel to its operands, then picks a streamed dimension per value; see
// StripeAccess.h.
//
//===----------------------------------------------------------------------===//

#include "strata/Analysis/StripeAccess.h"

#include "dialects/Strata/IR/StrataOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Debug.h"

#include <deque>

#define DEBUG_TYPE "strata-tile-mapping"

using namespace mlir;
using namespace mlir::strata;

namespace {

/// Which rows of a value are read, along which of its dimensions, per row of
/// the traced result. `spatial`: the trace crossed the height of a
/// convolution or pooling window.
struct Need {
  int dim = -1;
  RowAccess access = RowAccess::getWhole();
  bool spatial = false;

  static Need along(int dim, RowAccess access, bool spatial) {
    Need n;
    n.dim = dim;
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
      old.access.stride != need.access.stride) {
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
        Need::along(d, compose(need.access, s, -before,
                               -before + (kernel - 1) * dilation),
                    need.spatial || d == 1));
}

/// The operands' needs for `need` of `result`.
void propagate(OpResult result, const Need &need, NeedMap &needs) {
  Operation *op = result.getOwner();
  if (need.isWhole())
    return allWhole(op, needs);
  int d = need.dim;
  auto same = [&](Value operand) {
    merge(needs, operand, Need::along(d, need.access, need.spatial));
  };
  auto elementwise = [&]() {
    for (Value operand : op->getOperands()) {
      auto type = dyn_cast<RankedTensorType>(operand.getType());
      if (!type ||
          type.getRank() != cast<ShapedType>(result.getType()).getRank())
        continue;
      if (type.getDimSize(d) == dimSize(result, d))
        same(operand);
      else
        merge(needs, operand, Need::along(d, RowAccess{0, 0, 0}, need.spatial));
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
      .Case([&](tosa::TransposeOp t) {
        merge(needs, t.getInput1(),
              Need::along(t.getPerms()[d], need.access, need.spatial));
      })
      .Case([&](tosa::ConcatOp c) { alongAxis(c.getAxis()); })
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
        if (!tosa::getConstShapeValues(p.getPadding().getDefiningOp(),
                                       padding))
          return allWhole(op, needs);
        merge(needs, p.getInput1(),
              Need::along(d,
                          compose(need.access, 1, -padding[2 * d],
                                  -padding[2 * d]),
                          need.spatial));
      })
      .Case([&](tosa::ReshapeOp r) {
        // Rows survive a reshape that keeps the dimension and the product of
        // the ones before it.
        ArrayRef<int64_t> in =
            cast<RankedTensorType>(r.getInput1().getType()).getShape();
        ArrayRef<int64_t> out =
            cast<RankedTensorType>(r.getType()).getShape();
        int64_t before = 1;
        for (int i = 0; i < d; ++i)
          before *= out[i];
        int64_t prefix = 1;
        for (int i = 0, e = in.size(); i < e; ++i) {
          if (prefix == before && in[i] == out[d]) {
            merge(needs, r.getInput1(),
                  Need::along(i, need.access, need.spatial));
            return;
          }
          prefix *= in[i];
        }
        allWhole(op, needs);
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
            other->hasTrait<OpTrait::Elementwise>())
          elementwise();
        else
          allWhole(other, needs);
      });
}

/// Per operand of `kernel`: what `dim` of its result `index` reads.
SmallVector<Need> traceKernel(Operation *kernel, unsigned index, int dim) {
  NeedMap needs;
  Need start = Need::along(dim, RowAccess{}, false);
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

  // Per node, per dim of its first result: the need per graph input (a
  // value read through a view that changes its type is read whole).
  SmallVector<SmallVector<SmallVector<Need>>> traces(numNodes);
  for (int n = 0; n < numNodes; ++n) {
    Operation *op = ir.ops[n];
    const KGNode &node = graph.nodes[n];
    if (node.outputs.empty())
      continue;
    auto type =
        dyn_cast<RankedTensorType>(ir.values[node.outputs.front()].getType());
    if (!type)
      continue;
    unsigned index = cast<OpResult>(ir.values[node.outputs.front()])
                         .getResultNumber();
    for (int d = 0, e = type.getRank(); d < e; ++d) {
      SmallVector<Need> perOperand = traceKernel(op, index, d);
      NeedMap perInput;
      for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
        Value source = operand;
        while (source.getDefiningOp() &&
               isKernelGraphView(source.getDefiningOp()) &&
               !idOf.count(source))
          source = source.getDefiningOp()->getOperand(0);
        auto it = idOf.find(source);
        if (it == idOf.end())
          continue;
        Need need = source.getType() == operand.getType() ? perOperand[i]
                                                          : Need();
        merge(perInput, ir.values[it->second], need);
      }
      SmallVector<Need> row;
      for (int input : node.inputs) {
        auto it = perInput.find(ir.values[input]);
        row.push_back(it == perInput.end() ? Need() : it->second);
      }
      traces[n].push_back(std::move(row));
    }
  }

  // Dimensions: the height of every window's output first, then spread to
  // producers and users through the traces, in value order.
  SmallVector<int> &dim = info.dim;
  std::deque<int> queue;
  auto assign = [&](int v, int d) {
    if (dim[v] >= 0 || d < 0)
      return;
    dim[v] = d;
    queue.push_back(v);
  };
  for (int n = 0; n < numNodes; ++n)
    for (auto [d, row] : llvm::enumerate(traces[n]))
      if (llvm::any_of(row, [](const Need &x) { return x.spatial; })) {
        assign(graph.nodes[n].outputs.front(), d);
        break;
      }
  while (!queue.empty()) {
    int v = queue.front();
    queue.pop_front();
    const KGValue &value = graph.values[v];
    if (int p = value.producer; p >= 0 && graph.nodes[p].outputs.front() == v)
      for (auto [i, input] : llvm::enumerate(graph.nodes[p].inputs)) {
        const Need &need = traces[p][dim[v]][i];
        if (!need.isWhole() && need.access.stride > 0)
          assign(input, need.dim);
      }
    for (int u : value.users) {
      if (traces[u].empty())
        continue;
      int i = llvm::find(graph.nodes[u].inputs, v) - graph.nodes[u].inputs.begin();
      for (auto [d, row] : llvm::enumerate(traces[u]))
        if (!row[i].isWhole() && row[i].access.stride > 0 &&
            row[i].dim == dim[v]) {
          assign(graph.nodes[u].outputs.front(), d);
          break;
        }
    }
  }

  for (auto [v, value] : llvm::enumerate(graph.values)) {
    if (dim[v] < 0)
      continue;
    info.rows[v] = dimSize(ir.values[v], dim[v]);
    if (info.rows[v] <= 1) {
      info.rows[v] = 1;
      dim[v] = -1;
    }
  }
  for (int n = 0; n < numNodes; ++n) {
    const KGNode &node = graph.nodes[n];
    if (node.outputs.empty() || dim[node.outputs.front()] < 0)
      continue;
    const SmallVector<Need> &row = traces[n][dim[node.outputs.front()]];
    for (auto [i, input] : llvm::enumerate(node.inputs)) {
      const Need &need = row[i];
      if (need.isWhole() || (info.rows[input] > 1 && need.dim != dim[input]))
        continue;
      info.access[n][i] = need.access;
    }
  }
  return info;
}
