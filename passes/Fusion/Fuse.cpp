//===- Fuse.cpp - Cost-gated fusion into strata.group kernels -------------===//
//
// Implements `strata-fuse`. Kernels start as single compute ops and merge
// pairwise, greedily by predicted saving. The kernel graph is kept abstract
// (ops of one block, a union of ops per kernel) while deciding; candidate
// kernels are built as detached strata.group copies for the cost model,
// asked in batches, and only the final partition is written to the IR.
//
//===----------------------------------------------------------------------===//

#include "passes/Fusion/Passes.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "passes/Fusion/Grouping.h"
#include "strata/CostModel/CostModel.h"
#include "strata/CostModel/Features.h"
#include "strata/CostModel/OpCategory.h"

#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Format.h"

#include <functional>
#include <map>

#define DEBUG_TYPE "strata-fuse"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAFUSE
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {
/// What a kernel is, for deciding which merges are candidates.
enum class Kind {
  /// Elementwise ops only.
  Elementwise,
  /// A reduction and the elementwise ops feeding it.
  Reduction,
  /// One matmul or convolution and its elementwise epilogue.
  Contraction,
  /// Anything else (pooling, data movement, ...): never merged.
  Opaque,
};

/// One kernel of the partition being built.
struct Kernel {
  unsigned id;
  Kind kind;
  /// Member ops in block order.
  SmallVector<Operation *> ops;
  /// Predicted seconds of the kernel alone; none when it has no estimate.
  std::optional<double> seconds;
};

/// A candidate merge of kernels `a` and `b` (`a` the producer, or the
/// earlier sibling).
struct Candidate {
  unsigned a, b;
  bool sibling;
  Kind merged;
};
} // namespace

static Kind classifyForFusion(Operation *op) {
  // A slice reads each element once, at an offset: in a kernel it is a
  // view its consumers read (LRN's shifted channel windows).
  if (isa<tosa::SliceOp>(op))
    return Kind::Elementwise;
  // Softmax's reductions and elementwise steps are one op already.
  if (isa<linalg::SoftmaxOp>(op))
    return Kind::Opaque;
  switch (getOpCategory(op)) {
  case OpCategory::Elementwise:
    return Kind::Elementwise;
  case OpCategory::Contraction:
  case OpCategory::Convolution:
    return Kind::Contraction;
  case OpCategory::Reduction:
    return Kind::Reduction;
  default:
    return Kind::Opaque;
  }
}

static std::string formatSeconds(double s) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.3g s", s);
  return text;
}

namespace {
/// The partition of one block's compute ops into kernels.
class Partition {
public:
  Partition(Block &block, CostModel &model, int64_t siblingMinBytes)
      : block(block), model(model), siblingMinBytes(siblingMinBytes) {}

  /// Makes every groupable compute op its own kernel; an op that cannot be
  /// grouped stays as it is (with a remark when `emit`).
  void init(bool emit) {
    for (Operation &op : block) {
      unsigned index = position.size();
      position[&op] = index;
    }
    // Ops that start out in the kernel of another op (getKernelSeed).
    llvm::DenseMap<Operation *, SmallVector<Operation *>> seeds;
    llvm::SmallPtrSet<Operation *, 8> seeded;
    for (Operation &op : block) {
      if (!isKernelOp(&op))
        continue;
      SmallVector<Operation *> seed = getKernelSeed(&op);
      if (seed.size() == 1)
        continue;
      for (Operation *member : seed)
        if (member != &op)
          seeded.insert(member);
      seeds[&op] = std::move(seed);
    }
    for (Operation &op : block) {
      if (!isKernelOp(&op) || seeded.contains(&op))
        continue;
      SmallVector<Operation *> ops = {&op};
      if (auto it = seeds.find(&op); it != seeds.end())
        ops = it->second;
      if (failed(computeGroupBoundary(ops, /*quiet=*/!emit)))
        continue;
      // A tier plan (strata-map-memory) places each kernel's results; a
      // placed op stays its own kernel so that its placement stays valid
      // (the group takes it over).
      Kind kind = classifyForFusion(&op);
      if (op.hasAttr(StrataDialect::getPlacementAttrName())) {
        kind = Kind::Opaque;
        if (emit)
          op.emitRemark("not fused: it carries a tier placement "
                        "(strata.placement), which is planned per kernel; "
                        "fuse before strata-map-memory");
      }
      unsigned id = nextId++;
      kernels[id] = Kernel{id, kind, ops, std::nullopt};
      for (Operation *member : ops)
        kernelOf[member] = id;
    }
  }

  /// Merges kernels while a legal merge is predicted to pay. Returns the
  /// candidates left (all priced).
  SmallVector<Candidate> fuse() {
    while (true) {
      SmallVector<Candidate> candidates = enumerateCandidates();
      estimate(candidates);
      // Largest predicted saving first; ties in block order.
      SmallVector<std::pair<double, unsigned>> order;
      for (auto [i, c] : llvm::enumerate(candidates))
        if (std::optional<double> gain = getGain(c); gain && *gain > 0)
          order.push_back({*gain, unsigned(i)});
      llvm::stable_sort(order,
                        [](auto &x, auto &y) { return x.first > y.first; });
      bool merged = false;
      for (auto [gain, i] : order) {
        if (findCycleThrough(candidates[i]))
          continue;
        merge(candidates[i]);
        merged = true;
        break;
      }
      if (!merged)
        return candidates;
    }
  }

  /// Remarks for the candidates `fuse` left; counts them.
  void explainRefusals(ArrayRef<Candidate> candidates, bool emit,
                       StringRef modelName, unsigned &illegal,
                       unsigned &unprofitable) {
    for (const Candidate &c : candidates) {
      Kernel &a = kernels[c.a], &b = kernels[c.b];
      std::string what =
          c.sibling ? "with sibling kernel '" + getGroupName(a.ops) + "'"
                    : "with producer kernel '" + getGroupName(a.ops) + "'";
      Operation *at = b.ops.front();
      if (Operation *via = findCycleThrough(c)) {
        ++illegal;
        if (emit)
          at->emitRemark() << "not fused " << what
                           << ": illegal, the merged kernel would be on a "
                              "cycle through '"
                           << via->getName() << "'";
        continue;
      }
      std::optional<double> fused = getPairSeconds(c);
      if (!fused || !a.seconds || !b.seconds) {
        ++unprofitable;
        if (emit)
          at->emitRemark() << "not fused " << what
                           << ": the cost model has no estimate for it";
        continue;
      }
      ++unprofitable;
      if (emit)
        at->emitRemark() << "not fused " << what
                         << ": not profitable, predicted "
                         << formatSeconds(*fused) << " fused vs "
                         << formatSeconds(*a.seconds + *b.seconds) << " apart ("
                         << modelName << ")";
    }
  }

  /// Writes the partition to the IR: one group per kernel, then a
  /// topological order of the block. Returns the number of groups.
  FailureOr<unsigned> materialize() {
    SmallVector<Kernel *> order;
    for (auto &[id, kernel] : kernels)
      order.push_back(&kernel);
    llvm::sort(order, [&](Kernel *x, Kernel *y) {
      return position[x->ops.back()] < position[y->ops.back()];
    });
    for (Kernel *kernel : order) {
      FailureOr<GroupBoundary> boundary =
          computeGroupBoundary(kernel->ops, /*quiet=*/true);
      if (failed(boundary))
        return failure();
      replaceWithGroup(kernel->ops, *boundary, getGroupName(kernel->ops));
    }
    if (!sortTopologically(&block))
      return failure();
    return order.size();
  }

  unsigned numQueries = 0;
  unsigned numMerges = 0;

private:
  unsigned find(Operation *op) const {
    auto it = kernelOf.find(op);
    return it == kernelOf.end() ? ~0u : it->second;
  }

  /// The kernels (ids) that use results of `id`'s ops, or (~0u, op) for
  /// users that are not kernels.
  template <typename Fn>
  void forEachSuccessor(const Kernel &k, Fn fn) const {
    for (Operation *op : k.ops)
      for (Value result : op->getResults())
        for (Operation *user : result.getUsers())
          if (Operation *top = block.findAncestorOpInBlock(*user))
            fn(find(top), top);
  }

  SmallVector<Candidate> enumerateCandidates() {
    SmallVector<Candidate> out;
    llvm::DenseSet<std::pair<unsigned, unsigned>> seen;
    SmallVector<Kernel *> ordered = orderedKernels();
    for (Kernel *producer : ordered) {
      forEachSuccessor(*producer, [&](unsigned id, Operation *) {
        if (id == ~0u || id == producer->id)
          return;
        Kernel &consumer = kernels[id];
        std::optional<Kind> merged = mergeProducerConsumer(*producer, consumer);
        if (!merged || !seen.insert({producer->id, id}).second)
          return;
        out.push_back({producer->id, id, false, *merged});
      });
    }
    // Siblings: kernels reading one large value, in block order of use.
    llvm::DenseMap<Value, SmallVector<unsigned>> readers;
    SmallVector<Value> values;
    for (Kernel *k : ordered) {
      if (k->kind != Kind::Elementwise && k->kind != Kind::Reduction)
        continue;
      for (Operation *op : k->ops)
        for (Value operand : op->getOperands()) {
          if (find(operand.getDefiningOp()) == k->id)
            continue;
          FailureOr<int64_t> bytes = getStaticByteSize(operand.getType());
          if (failed(bytes) || *bytes < siblingMinBytes)
            continue;
          auto &list = readers[operand];
          if (list.empty())
            values.push_back(operand);
          if (!llvm::is_contained(list, k->id))
            list.push_back(k->id);
        }
    }
    for (Value v : values) {
      auto &list = readers[v];
      for (unsigned i = 0; i < list.size(); ++i)
        for (unsigned j = i + 1; j < list.size(); ++j) {
          unsigned a = list[i], b = list[j];
          if (seen.contains({a, b}) || seen.contains({b, a}) || hasEdge(a, b) ||
              hasEdge(b, a))
            continue;
          seen.insert({a, b});
          Kind merged = kernels[a].kind == Kind::Reduction ||
                                kernels[b].kind == Kind::Reduction
                            ? Kind::Reduction
                            : Kind::Elementwise;
          out.push_back({a, b, true, merged});
        }
    }
    return out;
  }

  /// Whether kernel `to` reads a result of kernel `from`.
  bool hasEdge(unsigned from, unsigned to) const {
    bool found = false;
    forEachSuccessor(kernels.at(from),
                     [&](unsigned id, Operation *) { found |= id == to; });
    return found;
  }

  /// The kind of producer + consumer merged, when that is a candidate.
  std::optional<Kind> mergeProducerConsumer(const Kernel &producer,
                                            const Kernel &consumer) const {
    switch (producer.kind) {
    case Kind::Elementwise:
      if (consumer.kind == Kind::Elementwise ||
          consumer.kind == Kind::Reduction)
        return consumer.kind;
      if (consumer.kind == Kind::Contraction) {
        // Into the epilogue only: a prologue would be recomputed for every
        // tile of the contraction.
        for (Operation *op : consumer.ops)
          if (classifyForFusion(op) == Kind::Contraction &&
              llvm::any_of(op->getOperands(), [&](Value v) {
                return find(v.getDefiningOp()) == producer.id;
              }))
            return std::nullopt;
        return Kind::Contraction;
      }
      return std::nullopt;
    case Kind::Contraction:
      if (consumer.kind == Kind::Elementwise)
        return Kind::Contraction;
      return std::nullopt;
    default:
      return std::nullopt;
    }
  }

  SmallVector<Kernel *> orderedKernels() {
    SmallVector<Kernel *> order;
    for (auto &[id, kernel] : kernels)
      order.push_back(&kernel);
    llvm::sort(order, [&](Kernel *x, Kernel *y) {
      return position[x->ops.front()] < position[y->ops.front()];
    });
    return order;
  }

  std::optional<double> getPairSeconds(const Candidate &c) const {
    auto it = pairSeconds.find({c.a, c.b});
    return it == pairSeconds.end() ? std::nullopt : it->second;
  }

  std::optional<double> getGain(const Candidate &c) {
    std::optional<double> fused = getPairSeconds(c);
    const Kernel &a = kernels[c.a], &b = kernels[c.b];
    if (!fused || !a.seconds || !b.seconds)
      return std::nullopt;
    return *a.seconds + *b.seconds - *fused;
  }

  SmallVector<Operation *> mergedOps(const Kernel &a, const Kernel &b) {
    SmallVector<Operation *> ops(a.ops);
    llvm::append_range(ops, b.ops);
    llvm::sort(ops, [&](Operation *x, Operation *y) {
      return position[x] < position[y];
    });
    return ops;
  }

  /// Asks the model, in one batch, for every kernel and merged pair not
  /// yet estimated.
  void estimate(ArrayRef<Candidate> candidates) {
    SmallVector<SmallVector<Operation *>> sets;
    SmallVector<std::function<void(std::optional<double>)>> sinks;
    llvm::DenseSet<unsigned> pendingKernels;
    auto needKernel = [&](unsigned id) {
      Kernel &k = kernels[id];
      if (estimatedKernels.contains(id) || !pendingKernels.insert(id).second)
        return;
      sets.push_back(k.ops);
      sinks.push_back([this, id](std::optional<double> s) {
        kernels[id].seconds = s;
        estimatedKernels.insert(id);
      });
    };
    for (const Candidate &c : candidates) {
      needKernel(c.a);
      needKernel(c.b);
      std::pair<unsigned, unsigned> key{c.a, c.b};
      if (pairSeconds.count(key))
        continue;
      pairSeconds[key] = std::nullopt;
      sets.push_back(mergedOps(kernels[c.a], kernels[c.b]));
      sinks.push_back(
          [this, key](std::optional<double> s) { pairSeconds[key] = s; });
    }
    if (sets.empty())
      return;

    // Detached copies of the would-be groups.
    OpBuilder builder(block.getParentOp()->getContext());
    SmallVector<Operation *> groups;
    SmallVector<int> groupOf(sets.size(), -1);
    for (auto [i, ops] : llvm::enumerate(sets)) {
      FailureOr<GroupBoundary> boundary =
          computeGroupBoundary(ops, /*quiet=*/true);
      if (failed(boundary))
        continue;
      groupOf[i] = groups.size();
      groups.push_back(cloneIntoGroup(builder, ops, *boundary, "candidate"));
    }
    SmallVector<FailureOr<CostEstimate>> estimates;
    model.estimateBatch(groups, estimates);
    numQueries += groups.size();
    for (auto [i, sink] : llvm::enumerate(sinks)) {
      std::optional<double> seconds;
      if (groupOf[i] >= 0 && succeeded(estimates[groupOf[i]]))
        seconds = estimates[groupOf[i]]->seconds;
      sink(seconds);
    }
    for (Operation *group : groups)
      group->erase();
  }

  /// An op on a path from one kernel of `c` to the other that leaves both
  /// (the merged kernel would be on a cycle), or null when the merge is
  /// legal.
  Operation *findCycleThrough(const Candidate &c) {
    if (Operation *via = findPathAround(c.a, c.b))
      return via;
    return findPathAround(c.b, c.a);
  }

  /// The first op outside `from` and `to` on a path from `from` to `to`.
  Operation *findPathAround(unsigned from, unsigned to) {
    // Nodes: kernels by id, other ops by themselves.
    SmallVector<std::pair<unsigned, Operation *>> stack;
    llvm::DenseSet<Operation *> visitedOps;
    llvm::DenseSet<unsigned> visitedKernels;
    // Remember which op outside started each path, to name it.
    forEachSuccessor(kernels[from], [&](unsigned id, Operation *user) {
      if (id == to || id == from)
        return;
      stack.push_back({id, user});
    });
    while (!stack.empty()) {
      auto [id, op] = stack.pop_back_val();
      SmallVector<Operation *> ops;
      if (id == ~0u) {
        if (!visitedOps.insert(op).second)
          continue;
        ops.push_back(op);
      } else {
        if (!visitedKernels.insert(id).second)
          continue;
        ops = kernels[id].ops;
      }
      for (Operation *member : ops)
        for (Value result : member->getResults())
          for (Operation *user : result.getUsers()) {
            Operation *top = block.findAncestorOpInBlock(*user);
            if (!top)
              continue;
            unsigned next = find(top);
            if (next == to)
              return op;
            if (next != from)
              stack.push_back({next, top});
          }
    }
    return nullptr;
  }

  void merge(const Candidate &c) {
    Kernel merged{nextId++, c.merged, mergedOps(kernels[c.a], kernels[c.b]),
                  std::nullopt};
    if (std::optional<double> s = getPairSeconds(c)) {
      merged.seconds = s;
      estimatedKernels.insert(merged.id);
    }
    kernels.erase(c.a);
    kernels.erase(c.b);
    for (Operation *op : merged.ops)
      kernelOf[op] = merged.id;
    kernels[merged.id] = std::move(merged);
    ++numMerges;
  }

  Block &block;
  CostModel &model;
  int64_t siblingMinBytes;
  unsigned nextId = 0;
  /// Kernels by id; std::map keeps iteration deterministic.
  std::map<unsigned, Kernel> kernels;
  llvm::DenseMap<Operation *, unsigned> kernelOf;
  llvm::DenseMap<Operation *, unsigned> position;
  llvm::DenseSet<unsigned> estimatedKernels;
  std::map<std::pair<unsigned, unsigned>, std::optional<double>> pairSeconds;
};
} // namespace

namespace {
struct StrataFusePass final : strata::impl::StrataFuseBase<StrataFusePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (siblingMinBytes < 0) {
      func.emitError("strata-fuse: sibling-min-bytes must not be negative");
      return signalPassFailure();
    }
    FailureOr<std::unique_ptr<CostModel>> model =
        createCostModel(costModel, target, func);
    if (failed(model))
      return signalPassFailure();

    for (Block &block : func.getBody()) {
      Partition partition(block, **model, siblingMinBytes);
      partition.init(remarks);
      SmallVector<Candidate> refused = partition.fuse();
      unsigned illegal = 0, unprofitable = 0;
      partition.explainRefusals(refused, remarks, (*model)->getName(), illegal,
                                unprofitable);
      FailureOr<unsigned> groups = partition.materialize();
      if (failed(groups)) {
        func.emitError("strata-fuse: the fused kernels could not be ordered "
                       "(internal error: a merge created a cycle)");
        return signalPassFailure();
      }
      numGroups += *groups;
      numFused += partition.numMerges;
      numIllegal += illegal;
      numUnprofitable += unprofitable;
      numQueries += partition.numQueries;
    }
  }
};
} // namespace
