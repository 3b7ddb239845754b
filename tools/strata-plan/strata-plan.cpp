//===- strata-plan.cpp - Memory planning on abstract graphs ---------------===//
//
//   strata-plan schedule --graph G.json [--algorithm=program|greedy|exact]
//                        [--time-limit=S] [--max-states=N] [--format=text|json]
//   strata-plan remat --graph G.json --budget=BYTES|NN%
//                     [--solver=greedy|cp|milp|highs|cpsat] [--time-limit=S]
//                     [--max-recomputations=C] [--seed=N] [--pilot=K]
//                     [--restarts=false] [--early-copies=false]
//                     [--plain-path-too=false]
//                     [--cost-bound=false]
//                     [--format=text|json]
//   strata-plan map --graph G.json [--target=npu-sram:sram=1MiB]
//                   [--algorithm=greedy|ilp|dram] [--copies=true|false]
//                   [--alignment=64] [--format=text|json]
//                   [--planner=program|sequential|joint]
//                   [--max-recomputations=C] [--milp=highs|cbc]
//   strata-plan arena --graph G.json [--alignment=64] [--format=text|json]
//   strata-plan export MODEL.mlir|MODEL.onnx [--function=NAME] [-o G.json]
//   strata-plan solvers
//
// Runs Strata's planning library on a DAG without a model. The graph is
// networkx node-link JSON (strata/Planning/GraphIO.h reads and writes it):
// "nodes" with "id", "out_cost" (bytes of the node's output) and optional
// "duration"; "links" (or "edges"); optional graph.order, the program order
// (else the node list, topologically ordered where it must be). A node's
// output is live from its step to its last consumer; outputs of sinks are
// the graph's results and stay live to the end. `map` maps the program
// order to the target's memory tiers (TierMapping.h), taking `duration` as each
// node's compute seconds, and reports the simulated traffic and time. `arena`
// gives the program order's live values offsets in one arena
// (planArenaOffsets), checks them, and reports the size and the time taken.
// `solvers` lists the exact solvers this build can run. `export`
// writes the kernel graph of a function (after canonicalization for ONNX
// models) in that format: a node per kernel with its output bytes and the
// roofline estimate on host-cpu as `duration`. Exit status 0 on success, 1 on
// any error.
//
//===----------------------------------------------------------------------===//

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/Analysis/BuildKernelGraph.h"
#include "strata/CostModel/CostModel.h"
#include "strata/Import/OnnxImporter.h"
#include "strata/InitAll.h"
#include "strata/Pipelines/Pipelines.h"
#include "strata/Planning/GraphIO.h"
#include "strata/Planning/JointPlanning.h"
#include "strata/Planning/Offsets.h"
#include "strata/Planning/Remat.h"
#include "strata/Planning/Schedule.h"
#include "strata/Planning/TierMapping.h"
#include "strata/Solvers/CPSAT.h"
#include "strata/Support/PassOptions.h"
#include "strata/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include "llvm/ADT/StringMap.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/WithColor.h"
#include <chrono>
#include <ctime>
#include <numeric>
#include <optional>

using namespace mlir;
using namespace mlir::strata;
namespace cl = llvm::cl;

static cl::OptionCategory planCategory("strata-plan options");
static cl::list<std::string>
    positional(cl::Positional,
               cl::desc("schedule | remat | map | arena | export <model> | "
                        "solvers"),
               cl::cat(planCategory));
static cl::opt<std::string> graphFile("graph",
                                      cl::desc("Graph in node-link JSON"),
                                      cl::cat(planCategory));
static cl::opt<std::string>
    functionName("function",
                 cl::desc("export: the function (default: the only one, or "
                          "main)"),
                 cl::init(""), cl::cat(planCategory));
static cl::opt<std::string> exportFusion(
    "fusion",
    cl::desc("export: form kernels first, as strata-run does "
             "(strata-form-kernels): none, roofline, learned, learned:FILE "
             "or measured; default: export the module's ops (an ONNX model "
             "canonicalized)"),
    cl::init(""));
static cl::opt<std::string> outputFile("o", cl::desc("export: output file"),
                                       cl::init("-"), cl::cat(planCategory));
static cl::opt<std::string> algorithm("algorithm",
                                      cl::desc("program, greedy or exact"),
                                      cl::init("greedy"),
                                      cl::cat(planCategory));
static cl::opt<double> timeLimit("time-limit",
                                 cl::desc("Seconds for the exact solver"),
                                 cl::init(60), cl::cat(planCategory));
static cl::opt<int64_t>
    maxStates("max-states", cl::desc("Search states for the exact solver"),
              cl::init(40'000'000), cl::cat(planCategory));
static cl::opt<std::string>
    budgetSpec("budget",
               cl::desc("remat: peak budget, BYTES or NN% of the program-order "
                        "peak"),
               cl::init(""), cl::cat(planCategory));
static cl::opt<RematSolver> solver("solver",
                                   cl::desc("remat: who plans recomputation"),
                                   cl::values(STRATA_REMAT_SOLVER_VALUES),
                                   cl::init(RematSolver::Greedy),
                                   cl::cat(planCategory));
static cl::opt<int> maxRecomputations("max-recomputations",
                                      cl::desc("remat --solver=cp: per node"),
                                      cl::init(2), cl::cat(planCategory));
static cl::opt<int> jointRecomputations(
    "joint-recomputations",
    cl::desc("map --planner=joint --algorithm=ilp: extra kernel runs the "
             "exact model allows"),
    cl::init(0), cl::cat(planCategory));
static cl::opt<bool>
    costBound("cost-bound",
              cl::desc("remat, exact solvers: prove the cost lower bound "
                       "first (a greedy plan that meets it needs no search)"),
              cl::init(true), cl::cat(planCategory));
static cl::opt<int> costBoundDepth(
    "cost-bound-depth",
    cl::desc("remat, exact solvers: producers followed back from a "
             "recomputation in the cost bound (0: the plain cover)"),
    cl::init(8), cl::cat(planCategory));
static cl::opt<int> pilot("pilot",
                          cl::desc("remat --solver=greedy: choices rolled out "
                                   "to the end at each step (0: none)"),
                          cl::init(3), cl::cat(planCategory));
static cl::opt<bool>
    restarts("restarts",
             cl::desc("remat --solver=greedy: plan again with a recomputed "
                      "producer banned while that finds cheaper plans"),
             cl::init(true), cl::cat(planCategory));
static cl::opt<bool> earlyCopies(
    "early-copies",
    cl::desc("remat --solver=greedy: also plan with copies right after the "
             "peak (where its operands are live) and keep the better plan"),
    cl::init(true), cl::cat(planCategory));
static cl::opt<bool> plainPathToo(
    "plain-path-too",
    cl::desc("remat --solver=greedy with --pilot > 0: also plan without "
             "rollouts and keep the better plan"),
    cl::init(true), cl::cat(planCategory));
static cl::opt<unsigned> seed("seed", cl::desc("remat: exact solvers' seed"),
                              cl::init(1), cl::cat(planCategory));
static cl::opt<ReportFormat> format("format", cl::desc("Output"),
                                    cl::values(STRATA_REPORT_FORMAT_VALUES),
                                    cl::init(ReportFormat::Text),
                                    cl::cat(planCategory));

static cl::opt<std::string>
    targetSpec("target",
               cl::desc("map: target (built-in, optionally with settings, or "
                        "a JSON file)"),
               cl::init("npu-sram"), cl::cat(planCategory));
static cl::opt<bool> copies("copies",
                            cl::desc("map: allow prefetch and evict copies"),
                            cl::init(true), cl::cat(planCategory));
static cl::opt<int64_t>
    alignment("alignment", cl::desc("map, arena: offset alignment in bytes"),
              cl::init(64), cl::cat(planCategory));
static cl::opt<std::string> planner(
    "planner",
    cl::desc("map: program (map the program order), sequential (min-peak "
             "order, then map) or joint (order, recomputation and tiers "
             "together); --algorithm=greedy|ilp picks heuristic or exact"),
    cl::init("program"), cl::cat(planCategory));
static cl::opt<std::string>
    milpSolver("milp",
               cl::desc("map --planner=joint --algorithm=ilp: highs "
                        "(if installed, else cbc) or cbc"),
               cl::init("highs"), cl::cat(planCategory));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "strata-plan") << message << "\n";
  return 1;
}

/// `strata-plan export`: a function's kernel graph as node-link JSON.
static int exportGraph(StringRef path) {
  DialectRegistry registry;
  registerAllDialectsForStrata(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  llvm::Expected<LoadedModel> loaded = loadModelFile(path, &context, sourceMgr);
  if (!loaded)
    return fail(llvm::toString(loaded.takeError()));
  OwningOpRef<ModuleOp> module = std::move(loaded->module);
  if (!module)
    return fail("cannot read '" + path + "'");
  // --fusion: the kernels strata-run compiles (strata-form-kernels).
  // Without it the graph is the module's ops; an ONNX model is only
  // canonicalized, which cancels most layout transposes (the graphs
  // docs/benchmarks/memory.md was measured on).
  context.printOpOnDiagnostic(false);
  if (!exportFusion.empty()) {
    PassManager pm(&context);
    FormKernelsOptions form;
    form.fusion = exportFusion;
    buildFormKernelsPipeline(pm, form);
    if (failed(pm.run(*module)))
      return 1;
  } else if (loaded->isOnnx) {
    PassManager pm(&context);
    pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
    if (failed(pm.run(*module)))
      return 1;
  }
  SmallVector<func::FuncOp> candidates;
  for (auto func : module->getOps<func::FuncOp>())
    if (!func.isExternal() &&
        (functionName.empty() || func.getSymName() == functionName))
      candidates.push_back(func);
  if (candidates.size() > 1 && functionName.empty())
    llvm::erase_if(candidates,
                   [](func::FuncOp f) { return f.getSymName() != "main"; });
  if (candidates.size() != 1)
    return fail(functionName.empty()
                    ? "cannot choose a function: give --function=NAME"
                    : "no function named '" + functionName + "' with a body");
  func::FuncOp func = candidates.front();
  FailureOr<IRKernelGraph> ir = buildKernelGraph(func.getBody().front());
  if (failed(ir))
    return 1;
  FailureOr<std::unique_ptr<CostModel>> model =
      createCostModel("roofline", "host-cpu", *module);
  if (failed(model))
    return 1;

  SmallVector<std::string> names;
  SmallVector<double> durations;
  for (Operation *op : ir->ops) {
    FailureOr<CostEstimate> est = (*model)->estimate(op);
    names.push_back(getKernelName(op));
    durations.push_back(succeeded(est) ? est->seconds : 0.0);
  }
  llvm::json::Value out =
      writeNodeLinkGraph(ir->graph, func.getSymName(), names, durations);
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFile, &error);
  if (!output)
    return fail(error);
  output->os() << out << "\n";
  output->keep();
  return 0;
}

/// `strata-plan remat`: rematerialize the program order down to a budget.
static int remat() {
  if (positional.size() != 1)
    return fail("remat takes no positional arguments; give --graph");
  if (graphFile.empty())
    return fail("remat needs --graph FILE.json");
  if (budgetSpec.empty())
    return fail("remat needs --budget=BYTES or --budget=NN%");
  if (pilot < 0)
    return fail("--pilot must not be negative");
  if (costBoundDepth < 0)
    return fail("--cost-bound-depth must not be negative");
  if (timeLimit <= 0 || maxRecomputations < 1)
    return fail("--time-limit must be positive and --max-recomputations at "
                "least 1");
  llvm::Expected<NodeLinkGraph> g = readNodeLinkGraph(graphFile);
  if (!g)
    return fail(llvm::toString(g.takeError()));
  SmallVector<int> newToOld;
  SmallVector<double> durations;
  KernelGraph graph = renumberInProgramOrder(*g, newToOld, &durations);
  SmallVector<int> order(graph.nodes.size());
  std::iota(order.begin(), order.end(), 0);
  int64_t peak = computeMemoryProfile(graph, order).peakBytes;

  std::optional<int64_t> budget = parseRematBudget(budgetSpec, peak);
  if (!budget)
    return fail("--budget: expected BYTES or NN%, got '" + budgetSpec + "'");

  std::string whyNot;
  if (solver == RematSolver::HiGHS && !isHighsAvailable(&whyNot))
    return fail("--solver=highs: " + whyNot);
  if (solver == RematSolver::CPSAT && !isCPSATAvailable(&whyNot))
    return fail("--solver=cpsat: " + whyNot);

  ExactRematOptions exact;
  exact.timeLimitSeconds = timeLimit;
  exact.maxRecomputations = maxRecomputations;
  exact.seed = seed;
  exact.greedy.pilotWidth = pilot;
  if (!restarts)
    exact.greedy.restartWork = 0;
  exact.greedy.earlyCopies = earlyCopies;
  exact.greedy.plainPathToo = plainPathToo;
  exact.costBound = costBound;
  exact.costBoundDepth = costBoundDepth;
  bool isExact = solver != RematSolver::Greedy;
  StringRef solverName = stringifyRematSolver(solver);
  RematResult r =
      rematerialize(solver, graph, order, durations, *budget, {}, exact);
  auto idOf = [&](int node) {
    // Copies are named after the node they recompute.
    while (node >= (int)newToOld.size())
      for (const Recomputation &rec : r.recomputations)
        if (rec.copy == node) {
          node = rec.original;
          break;
        }
    return g->ids[newToOld[node]];
  };
  bool feasible = r.hasSolution();
  StringRef status = stringifySolverStatus(r.status);
  if (format == ReportFormat::Json) {
    llvm::json::Array orderJson, recomputed;
    for (int v : r.order)
      orderJson.push_back(idOf(v));
    for (const Recomputation &rec : r.recomputations)
      recomputed.push_back(idOf(rec.original));
    llvm::json::Object out{{"solver", solverName},
                           {"num_nodes", (int64_t)graph.nodes.size()},
                           {"program_peak_bytes", r.initialPeakBytes},
                           {"budget_bytes", r.budgetBytes},
                           {"peak_bytes", r.peakBytes},
                           {"peak_lower_bound", r.lowerBound},
                           {"added_cost", r.addedCost},
                           {"status", status},
                           {"solve_seconds", r.seconds},
                           {"recomputed", std::move(recomputed)},
                           {"order", std::move(orderJson)}};
    if (isExact) {
      // The solver's bound on the added cost, and the search's size.
      out["objective"] = r.objective;
      out["bound"] = r.bound;
      out["gap"] = r.gap;
      out["variables"] = r.variables;
      if (costBound) {
        out["cost_bound"] = r.costBound;
        out["cost_bound_seconds"] = r.costBoundSeconds;
      }
      out["search_nodes"] = r.nodes;
      if (!r.note.empty())
        out["note"] = r.note;
    }
    llvm::outs() << llvm::json::Value(std::move(out)) << "\n";
    return 0;
  }
  if (!feasible)
    return fail(explainRematFailure(r, solver, "", graph, order, durations));
  llvm::outs() << "nodes:         " << graph.nodes.size() << "\n"
               << "program order: peak " << r.initialPeakBytes << " B\n"
               << solverName
               << " remat:" << std::string(8 - solverName.size(), ' ')
               << "peak " << r.peakBytes << " B within " << r.budgetBytes
               << " B, " << r.recomputations.size()
               << " recomputation(s), added cost "
               << llvm::formatv("{0}", r.addedCost) << "\n";
  if (isExact)
    llvm::outs() << "status:        " << status << ", objective "
                 << llvm::formatv("{0}", r.objective) << ", bound "
                 << llvm::formatv("{0}", r.bound) << ", gap "
                 << llvm::format("%.1f", 100 * r.gap) << "%\n";
  llvm::outs() << "order:";
  for (int v : r.order)
    llvm::outs() << " " << idOf(v);
  llvm::outs() << "\n";
  return 0;
}

/// `strata-plan map`: the program order mapped to memory tiers.
static int mapTiers() {
  if (positional.size() != 1)
    return fail("map takes no positional arguments; give --graph");
  if (graphFile.empty())
    return fail("map needs --graph FILE.json");
  std::optional<TierAlgorithm> tierAlgorithm = parseTierAlgorithm(algorithm);
  if (!tierAlgorithm)
    return fail("unknown --algorithm '" + algorithm +
                "' for map; expected greedy, ilp or dram");
  if (timeLimit <= 0)
    return fail("--time-limit must be positive");
  if (alignment < 1 || !llvm::isPowerOf2_64(alignment))
    return fail("--alignment must be a power of two");
  std::optional<TierPlanner> tierPlanner = parseTierPlanner(planner);
  if (!tierPlanner)
    return fail("unknown --planner '" + planner +
                "'; expected program, sequential or joint");
  if (planner != "program" && *tierAlgorithm == TierAlgorithm::DRAM)
    return fail("--planner=" + planner + " needs --algorithm=greedy or ilp");
  if (planner != "program" && !copies)
    return fail("--planner=" + planner +
                " plans with copies; drop "
                "--copies=false");
  if (milpSolver != "highs" && milpSolver != "cbc")
    return fail("unknown --milp '" + milpSolver + "'; expected highs or cbc");
  if (jointRecomputations < 0)
    return fail("--joint-recomputations must be at least 0");
  DialectRegistry registry;
  registerAllDialectsForStrata(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  std::string diagnostics;
  llvm::raw_string_ostream diagStream(diagnostics);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    diagStream << diag.str();
    return success();
  });
  // The same target resolution as the passes' `target=` option.
  OwningOpRef<ModuleOp> scope = ModuleOp::create(UnknownLoc::get(&context));
  FailureOr<TargetDescription> target = resolveTarget(targetSpec, *scope);
  if (failed(target))
    return fail("--target: " + diagnostics);
  llvm::Expected<NodeLinkGraph> g = readNodeLinkGraph(graphFile);
  if (!g)
    return fail(llvm::toString(g.takeError()));
  SmallVector<int> newToOld;
  SmallVector<double> durations;
  KernelGraph graph = renumberInProgramOrder(*g, newToOld, &durations);
  SmallVector<int> order(graph.nodes.size());
  std::iota(order.begin(), order.end(), 0);
  ArrayRef<MappingTier> tiers = target->tiers;

  TierMappingOptions options;
  options.copies = copies;
  options.alignment = alignment;
  auto start = std::chrono::steady_clock::now();
  MappedProgram program;
  std::optional<TierILPResult> exact;
  std::optional<JointPlan> joint;
  if (planner != "program") {
    JointOptions jo;
    jo.mapping = options;
    jo.timeLimitSeconds = timeLimit;
    jo.seed = seed;
    jo.maxRecomputations = jointRecomputations;
    jo.solver = milpSolver == "highs" && isHighsAvailable() ? MILPSolver::HiGHS
                                                            : MILPSolver::CBC;
    bool ilp = *tierAlgorithm == TierAlgorithm::ILP;
    if (*tierPlanner == TierPlanner::Sequential)
      joint = planSequential(graph, durations, tiers, jo, ilp);
    else if (ilp)
      joint = planJointExact(graph, durations, tiers, jo);
    else
      joint = planJointHeuristic(graph, durations, tiers, jo);
    program = joint->program;
  } else if (*tierAlgorithm == TierAlgorithm::DRAM) {
    program = mapTiersToBacking(graph, order, durations, tiers, alignment);
  } else if (*tierAlgorithm == TierAlgorithm::Greedy) {
    program = mapTiersGreedy(graph, order, durations, tiers, options);
  } else {
    TierILPOptions limits;
    limits.timeLimitSeconds = timeLimit;
    limits.seed = seed;
    exact = mapTiersILP(graph, order, durations, tiers, options, limits);
    program = exact->program;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  SmallVector<PlanViolation> violations = verifyMappedProgram(program);
  if (!violations.empty())
    return fail("internal error: the plan is invalid: " +
                violations.front().message);
  SimulationResult sim = simulateMappedProgram(program);
  int prefetches = 0, evictions = 0;
  for (const MappedOp &op : program.ops) {
    prefetches += op.kind == MappedOpKind::Prefetch;
    evictions += op.kind == MappedOpKind::Evict;
  }
  if (format == ReportFormat::Json) {
    llvm::json::Object arenas;
    for (auto [i, tier] : llvm::enumerate(program.tiers))
      arenas[tier.name] = program.arenaBytes[i];
    llvm::json::Object out{
        {"target", target->name},
        {"algorithm", stringifyTierAlgorithm(*tierAlgorithm)},
        {"copies", copies.getValue()},
        {"num_nodes", (int64_t)graph.nodes.size()},
        {"arena_bytes", std::move(arenas)},
        {"prefetches", prefetches},
        {"evictions", evictions},
        {"values_in_backing", countResultsOnlyInBacking(program)},
        {"offchip_bytes", sim.offchipBytes},
        {"compulsory_bytes", sim.compulsoryBytes},
        {"non_compulsory_bytes", sim.nonCompulsoryBytes},
        {"unavoidable_bytes", getUnavoidableTraffic(program)},
        {"total_seconds", sim.totalSeconds},
        {"stall_seconds", sim.stallSeconds},
        {"solve_seconds", seconds}};
    if (joint) {
      out["planner"] = planner.getValue();
      out["joint"] = getJointPlanJSON(*joint);
    }
    if (exact) {
      out["status"] = describeTierILPOutcome(*exact);
      out["objective"] = exact->objective;
      out["bound"] = exact->bound;
      out["gap"] = exact->gap;
      out["variables"] = exact->variables;
      if (!exact->note.empty())
        out["note"] = exact->note;
    }
    llvm::outs() << llvm::json::Value(std::move(out)) << "\n";
    return 0;
  }
  llvm::outs() << "nodes:          " << graph.nodes.size() << "\n"
               << "target:         " << target->name << "\n"
               << "arenas:        ";
  for (auto [i, tier] : llvm::enumerate(program.tiers))
    llvm::outs() << " " << tier.name << " " << program.arenaBytes[i] << " B";
  llvm::outs() << "\n"
               << "copies:         " << prefetches << " prefetches, "
               << evictions << " evictions\n"
               << "off-chip:       " << sim.offchipBytes << " B ("
               << sim.compulsoryBytes << " B compulsory, "
               << sim.nonCompulsoryBytes << " B non-compulsory, of which "
               << getUnavoidableTraffic(program) << " B unavoidable)\n"
               << "simulated time: "
               << llvm::format("%.3f", sim.totalSeconds * 1e6) << " us\n";
  if (joint) {
    llvm::outs() << "planner:        " << joint->method << ", "
                 << joint->order.size() << " kernel runs, "
                 << joint->recomputations.size() << " recomputations ("
                 << llvm::format("%.3f", joint->recomputeSeconds * 1e6)
                 << " us), cost " << llvm::format("%.0f", joint->cost) << " B";
    if (joint->exact && joint->status != SolverStatus::Error)
      llvm::outs() << ", " << stringifySolverStatus(joint->status) << ", bound "
                   << llvm::format("%.0f", joint->bound) << " B, gap "
                   << llvm::format("%.1f", 100 * joint->gap) << "%";
    llvm::outs() << (joint->note.empty() ? "" : " (" + joint->note + ")")
                 << "\n";
  }
  if (exact)
    llvm::outs() << "ilp:            " << describeTierILPOutcome(*exact)
                 << ", objective " << llvm::format("%.0f", exact->objective)
                 << " B, bound " << llvm::format("%.0f", exact->bound)
                 << " B, gap " << llvm::format("%.1f", 100 * exact->gap) << "%"
                 << (exact->note.empty() ? "" : " (" + exact->note + ")")
                 << "\n";
  return 0;
}

/// Arena offsets for the program order's live values (what a lowering
/// allocates in one arena), checked for overlaps.
static int packArena() {
  if (positional.size() != 1)
    return fail("arena takes no positional arguments; give --graph");
  if (graphFile.empty())
    return fail("arena needs --graph FILE.json");
  if (alignment < 1 || !llvm::isPowerOf2_64(alignment))
    return fail("--alignment must be a power of two");
  llvm::Expected<NodeLinkGraph> g = readNodeLinkGraph(graphFile);
  if (!g)
    return fail(llvm::toString(g.takeError()));
  SmallVector<int> newToOld;
  KernelGraph graph = renumberInProgramOrder(*g, newToOld);
  SmallVector<int> order(graph.nodes.size());
  std::iota(order.begin(), order.end(), 0);
  SmallVector<ArenaBlock> buffers;
  for (auto [id, interval] :
       llvm::enumerate(computeLiveIntervals(graph, order)))
    if (interval.first >= 0)
      buffers.push_back(
          {interval.first, interval.second, 0, graph.values[id].bytes});
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpuStart = std::clock();
  ArenaPlan plan = planArenaOffsets(buffers, alignment);
  double packCPU = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
  auto packed = std::chrono::steady_clock::now();
  std::optional<std::pair<int, int>> overlap =
      findArenaOverlap(buffers, plan.offsets);
  auto checked = std::chrono::steady_clock::now();
  auto seconds = [](auto from, auto to) {
    return std::chrono::duration<double>(to - from).count();
  };
  if (overlap)
    return fail(llvm::formatv("internal error: buffers {0} and {1} overlap",
                              overlap->first, overlap->second)
                    .str());
  int64_t bound = getArenaLowerBound(buffers);
  if (format == ReportFormat::Json) {
    llvm::json::Object out{{"num_values", (int64_t)buffers.size()},
                           {"arena_bytes", plan.arenaBytes},
                           {"lower_bound_bytes", bound},
                           {"pack_seconds", seconds(start, packed)},
                           {"pack_cpu_seconds", packCPU},
                           {"check_seconds", seconds(packed, checked)}};
    llvm::outs() << llvm::json::Value(std::move(out)) << "\n";
    return 0;
  }
  llvm::outs() << llvm::formatv(
      "arena: {0} values in {1} B (lower bound {2} B, +{3:f1}%), packed in "
      "{4:f1} ms, checked in {5:f1} ms\n",
      buffers.size(), plan.arenaBytes, bound,
      bound ? 100.0 * (plan.arenaBytes - bound) / bound : 0.0,
      1e3 * seconds(start, packed), 1e3 * seconds(packed, checked));
  return 0;
}

/// One line per exact solver: whether it can run here.
static int listSolvers() {
  if (positional.size() != 1)
    return fail("solvers takes no arguments");
  llvm::outs() << "gecode: linked (solver=cp)\n";
  llvm::outs() << "cbc: linked (solver=milp)\n";
  std::string whyNot;
  if (std::optional<std::string> highs = describeHighs())
    llvm::outs() << "highs: " << *highs << " (solver=highs)\n";
  else if (!isHighsAvailable(&whyNot))
    llvm::outs() << "highs: unavailable: " << whyNot << "\n";
  if (std::optional<std::string> cpsat = describeCPSAT())
    llvm::outs() << "cpsat: " << *cpsat << " (solver=cpsat)\n";
  else if (!isCPSATAvailable(&whyNot))
    llvm::outs() << "cpsat: unavailable: " << whyNot << "\n";
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(planCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "strata-plan: Strata's memory planning on abstract DAGs "
      "(networkx node-link JSON)\n");
  if (positional.empty())
    return fail(
        "expected a command: schedule, remat, map, arena, export or solvers");
  StringRef command = positional.front();
  if (command == "export") {
    if (positional.size() != 2)
      return fail("export expects one model file (.mlir or .onnx)");
    return exportGraph(positional[1]);
  }
  if (command == "remat")
    return remat();
  if (command == "map")
    return mapTiers();
  if (command == "solvers")
    return listSolvers();
  if (command == "arena")
    return packArena();
  if (command != "schedule")
    return fail("unknown command '" + command +
                "'; expected schedule, remat, map, arena, export or solvers");
  if (positional.size() != 1)
    return fail("schedule takes no positional arguments; give --graph");
  if (graphFile.empty())
    return fail("schedule needs --graph FILE.json");
  std::optional<ScheduleAlgorithm> scheduleAlgorithm =
      parseScheduleAlgorithm(algorithm);
  if (!scheduleAlgorithm)
    return fail("unknown --algorithm '" + algorithm +
                "'; expected program, greedy or exact");
  if (timeLimit < 0 || maxStates < 1)
    return fail("--time-limit must not be negative and --max-states must be "
                "positive");

  llvm::Expected<NodeLinkGraph> g = readNodeLinkGraph(graphFile);
  if (!g)
    return fail(llvm::toString(g.takeError()));
  SmallVector<int> newToOld;
  KernelGraph graph = renumberInProgramOrder(*g, newToOld);

  ScheduleResult program = scheduleProgramOrder(graph);
  ScheduleResult result;
  switch (*scheduleAlgorithm) {
  case ScheduleAlgorithm::Program:
    result = program;
    break;
  case ScheduleAlgorithm::Greedy:
    result = scheduleGreedy(graph);
    break;
  case ScheduleAlgorithm::Exact: {
    ExactScheduleOptions limits;
    limits.timeLimitSeconds = timeLimit;
    limits.maxStates = maxStates;
    result = scheduleExact(graph, {}, limits);
    break;
  }
  }
  StringRef status = stringifySolverStatus(result.status);

  if (format == ReportFormat::Json) {
    llvm::json::Array order;
    for (int v : result.order)
      order.push_back(g->ids[newToOld[v]]);
    llvm::json::Object out{{"algorithm", algorithm.getValue()},
                           {"method", result.method},
                           {"num_nodes", (int64_t)graph.nodes.size()},
                           {"program_peak_bytes", program.peakBytes},
                           {"peak_bytes", result.peakBytes},
                           {"bound", result.lowerBound},
                           {"status", status},
                           {"states", result.nodes},
                           {"solve_seconds", result.seconds},
                           {"order", std::move(order)}};
    llvm::outs() << llvm::json::Value(std::move(out)) << "\n";
    return 0;
  }
  llvm::outs() << "nodes:         " << graph.nodes.size() << "\n"
               << "program order: peak " << program.peakBytes << " B\n"
               << algorithm << " (" << result.method << "): peak "
               << result.peakBytes << " B, " << status << ", bound "
               << result.lowerBound << " B, "
               << llvm::format("%.3f", result.seconds) << " s\n"
               << "order:";
  for (int v : result.order)
    llvm::outs() << " " << g->ids[newToOld[v]];
  llvm::outs() << "\n";
  return 0;
}
