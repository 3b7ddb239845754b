//===- MappedIR.cpp - Tier plans in the IR --------------------------------===//

#include "strata/Analysis/MappedIR.h"

#include "dialects/Strata/IR/StrataAttrs.h"
#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseMap.h"

#include <numeric>

using namespace mlir;
using namespace mlir::strata;

SmallVector<double> mlir::strata::getComputeSeconds(ArrayRef<Operation *> ops,
                                                    CostModel &model) {
  SmallVector<double> seconds;
  for (Operation *op : ops) {
    FailureOr<CostEstimate> est = model.estimate(op);
    seconds.push_back(succeeded(est) ? est->computeSeconds : 0.0);
  }
  return seconds;
}

bool mlir::strata::hasTierPlan(func::FuncOp func) {
  if (func.isExternal())
    return false;
  for (Operation &op : func.getBody().front())
    if (isa<PrefetchOp, EvictOp>(op) ||
        op.hasAttr(StrataDialect::getPlacementAttrName()))
      return true;
  return false;
}

FailureOr<MappedFunction> mlir::strata::readMappedFunction(
    func::FuncOp func, const TargetDescription &target, CostModel &model) {
  MappedFunction out;
  MappedProgram &program = out.program;
  program.tiers = target.tiers;
  Block &block = func.getBody().front();

  if (!hasTierPlan(func)) {
    FailureOr<IRKernelGraph> ir = buildKernelGraph(block);
    if (failed(ir))
      return failure();
    SmallVector<int> order(ir->graph.nodes.size());
    std::iota(order.begin(), order.end(), 0);
    program = mapTiersToBacking(
        ir->graph, order, getComputeSeconds(ir->ops, model), program.tiers);
    for (const MappedOp &op : program.ops)
      out.ops.push_back(ir->ops[op.node]);
    for (const MappedTensor &t : program.tensors)
      out.values.push_back(ir->values[t.value]);
    return out;
  }

  out.planned = true;
  int backing = program.getBackingTier();
  llvm::DenseMap<Value, int> tensorOf;
  int numValues = 0;
  auto addTensor = [&](Value v, int tier, int64_t offset, int64_t alignment,
                       int value, Operation *where) -> FailureOr<int> {
    FailureOr<int64_t> bytes = getStaticByteSize(v.getType());
    if (failed(bytes))
      return where->emitError("a tier plan needs static shapes, but value "
                              "has type ")
             << v.getType();
    program.tensors.push_back(
        {*bytes, tier, offset, alignment, value < 0 ? numValues++ : value});
    out.values.push_back(v);
    return tensorOf[v] = (int)program.tensors.size() - 1;
  };
  auto tierOf = [&](PlacementAttr placement, Operation *op) -> FailureOr<int> {
    for (auto [i, tier] : llvm::enumerate(program.tiers))
      if (tier.name == placement.getTier())
        return (int)i;
    InFlightDiagnostic diag = op->emitError();
    diag << "placement tier '" << placement.getTier()
         << "' is not a tier of target '" << target.name << "' (";
    llvm::interleaveComma(program.tiers, diag,
                          [&](const MappingTier &t) { diag << t.name; });
    return diag << ")";
  };

  for (BlockArgument arg : block.getArguments())
    if (isa<ShapedType>(arg.getType()))
      if (failed(addTensor(arg, backing, -1, 1, -1, func)))
        return failure();

  int kernels = 0;
  for (Operation &op : block) {
    if (op.hasTrait<OpTrait::IsTerminator>()) {
      for (Value v : op.getOperands())
        if (auto it = tensorOf.find(v); it != tensorOf.end())
          program.results.push_back(it->second);
      continue;
    }
    if (op.hasTrait<OpTrait::ConstantLike>()) {
      for (Value v : op.getResults())
        if (isa<ShapedType>(v.getType()))
          if (failed(addTensor(v, backing, -1, 1, -1, &op)))
            return failure();
      continue;
    }
    if (isa<PrefetchOp, EvictOp>(op)) {
      auto placement = op.getAttrOfType<PlacementAttr>("placement");
      auto found = tensorOf.find(op.getOperand(0));
      if (found == tensorOf.end())
        return op.emitError("copies a tensor that is not part of the plan");
      // addTensor grows tensorOf: keep the id, not the iterator.
      int source = found->second;
      FailureOr<int> tier = tierOf(placement, &op);
      if (failed(tier))
        return failure();
      int value = program.tensors[source].value;
      FailureOr<int> id =
          addTensor(op.getResult(0), *tier, placement.getOffset(),
                    placement.getAlignment(), value, &op);
      if (failed(id))
        return failure();
      MappedOp copy;
      copy.kind =
          isa<PrefetchOp>(op) ? MappedOpKind::Prefetch : MappedOpKind::Evict;
      copy.position = 2 * kernels;
      copy.reads = {source};
      copy.writes = {*id};
      program.ops.push_back(copy);
      out.ops.push_back(&op);
      continue;
    }
    if (isKernelGraphView(&op)) {
      if (auto it = tensorOf.find(op.getOperand(0)); it != tensorOf.end()) {
        int id = it->second;
        tensorOf[op.getResult(0)] = id;
        continue;
      }
    }
    if (!isKernelGraphNode(&op))
      continue;
    auto placements =
        op.getAttrOfType<ArrayAttr>(StrataDialect::getPlacementAttrName());
    if (!placements)
      return op.emitError()
             << "kernel has no '" << StrataDialect::getPlacementAttrName()
             << "' in a function with a tier plan";
    MappedOp kernel;
    kernel.position = 2 * kernels + 1;
    kernel.node = kernels++;
    for (Value v : op.getOperands())
      if (auto it = tensorOf.find(v); it != tensorOf.end())
        if (!llvm::is_contained(kernel.reads, it->second))
          kernel.reads.push_back(it->second);
    unsigned k = 0;
    for (Value v : op.getResults()) {
      if (!isa<ShapedType>(v.getType()))
        continue;
      auto placement = cast<PlacementAttr>(placements[k++]);
      FailureOr<int> tier = tierOf(placement, &op);
      if (failed(tier))
        return failure();
      FailureOr<int> id = addTensor(v, *tier, placement.getOffset(),
                                    placement.getAlignment(), -1, &op);
      if (failed(id))
        return failure();
      kernel.writes.push_back(*id);
    }
    FailureOr<CostEstimate> est = model.estimate(&op);
    kernel.computeSeconds = succeeded(est) ? est->computeSeconds : 0.0;
    program.ops.push_back(kernel);
    out.ops.push_back(&op);
  }
  program.numKernels = kernels;
  computeMappedLiveRanges(program);
  computeArenaBytes(program);
  if (auto arenas = func->getAttrOfType<DictionaryAttr>(
          StrataDialect::getArenasAttrName()))
    for (auto [i, tier] : llvm::enumerate(program.tiers)) {
      auto size = arenas.getAs<IntegerAttr>(tier.name);
      program.arenaBytes[i] = size ? size.getInt() : 0;
    }
  return out;
}

namespace {

/// Follows views (reshapes) back to the buffer they alias.
Value getRootValue(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isKernelGraphView(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

/// `x` (`root` or a chain of views of it) rebuilt over `newRoot` at the
/// builder's insertion point.
Value rebase(OpBuilder &builder, Value x, Value root, Value newRoot) {
  if (x == root)
    return newRoot;
  Operation *view = x.getDefiningOp();
  Value source = rebase(builder, view->getOperand(0), root, newRoot);
  IRMapping mapping;
  mapping.map(view->getOperand(0), source);
  return builder.clone(*view, mapping)->getResult(0);
}

/// Points the operands of `user` that alias `root` at `newRoot`.
void rewire(Operation *user, Value root, Value newRoot) {
  if (root == newRoot)
    return;
  OpBuilder builder(user);
  for (OpOperand &operand : user->getOpOperands())
    if (getRootValue(operand.get()) == root)
      operand.set(rebase(builder, operand.get(), root, newRoot));
}

} // namespace

void mlir::strata::writeMappedProgram(func::FuncOp func,
                                      const IRKernelGraph &ir,
                                      const MappedProgram &program) {
  MLIRContext *context = func.getContext();
  Block &block = func.getBody().front();
  Operation *terminator = block.getTerminator();
  auto placementOf = [&](const MappedTensor &t) {
    return PlacementAttr::get(context, program.tiers[t.tier].name,
                              std::max<int64_t>(t.offset, 0), t.alignment);
  };
  // Home and kernel-written tensors are the graph's own values.
  SmallVector<Value> valueOf(program.tensors.size());
  for (auto [i, t] : llvm::enumerate(program.tensors))
    valueOf[i] = ir.values[t.value];

  SmallVector<Operation *> kernelAt(program.numKernels);
  for (const MappedOp &op : program.ops)
    if (op.kind == MappedOpKind::Kernel)
      kernelAt[op.position / 2] = ir.ops[op.node];

  for (const MappedOp &op : program.ops) {
    if (op.kind == MappedOpKind::Kernel) {
      Operation *kernel = ir.ops[op.node];
      SmallVector<Attribute> placements;
      for (int w : op.writes)
        placements.push_back(placementOf(program.tensors[w]));
      kernel->setAttr(StrataDialect::getPlacementAttrName(),
                      ArrayAttr::get(context, placements));
      for (int r : op.reads)
        rewire(kernel, ir.values[program.tensors[r].value], valueOf[r]);
      continue;
    }
    // Copies go before the kernel they precede, or before the return.
    int step = op.position / 2;
    Operation *before = step < program.numKernels ? kernelAt[step] : terminator;
    Value source = valueOf[op.reads[0]];
    if (Operation *def = source.getDefiningOp())
      if (def->getBlock() == &block && before->isBeforeInBlock(def))
        def->moveBefore(before);
    OpBuilder builder(before);
    const MappedTensor &dst = program.tensors[op.writes[0]];
    Operation *copy =
        op.kind == MappedOpKind::Prefetch
            ? PrefetchOp::create(builder, source.getLoc(), source.getType(),
                                 source, placementOf(dst))
                  .getOperation()
            : EvictOp::create(builder, source.getLoc(), source.getType(),
                              source, placementOf(dst))
                  .getOperation();
    valueOf[op.writes[0]] = copy->getResult(0);
  }
  for (int r : program.results)
    rewire(terminator, ir.values[program.tensors[r].value], valueOf[r]);

  // Views that only fed rewired operands are dead now.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
    if (isKernelGraphView(&op) && !isa<PrefetchOp, EvictOp>(op) &&
        op.use_empty() && isMemoryEffectFree(&op))
      op.erase();

  SmallVector<NamedAttribute> arenas;
  for (auto [i, tier] : llvm::enumerate(program.tiers))
    arenas.push_back(
        NamedAttribute(StringAttr::get(context, tier.name),
                       IntegerAttr::get(IntegerType::get(context, 64),
                                        program.arenaBytes[i])));
  func->setAttr(StrataDialect::getArenasAttrName(),
                DictionaryAttr::get(context, arenas));
}
