//===- MemoryReport.cpp - Peak memory report pass -------------------------===//
//
// Implements `strata-memory-report`: the kernel graph and liveness of each
// function (strata/Planning/KernelGraph.h) as remarks, JSON, or a
// Chrome/Perfetto trace of the memory timeline.
//
//===----------------------------------------------------------------------===//

#include "passes/Analysis/Passes.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/Analysis/BuildKernelGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAMEMORYREPORT
#include "passes/Analysis/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {

/// The report of one function.
struct FunctionReport {
  mutable func::FuncOp func;
  IRKernelGraph ir;
  MemoryProfile profile;
};

/// "'matmul_0' #0", "argument #1" or "constant".
std::string describeValue(const IRKernelGraph &ir, int id) {
  const KGValue &value = ir.graph.values[id];
  Value irValue = ir.values[id];
  if (value.producer >= 0) {
    unsigned index = 0;
    if (auto result = dyn_cast<OpResult>(irValue))
      index = result.getResultNumber();
    return "'" + getKernelName(ir.ops[value.producer]) + "' #" +
           std::to_string(index);
  }
  if (value.kind == ValueKind::Argument)
    if (auto arg = dyn_cast<BlockArgument>(irValue))
      return "argument #" + std::to_string(arg.getArgNumber());
  return value.kind == ValueKind::Constant ? "constant" : "argument";
}

struct StrataMemoryReportPass final
    : strata::impl::StrataMemoryReportBase<StrataMemoryReportPass> {
  using Base::Base;

  void runOnOperation() override {
    LivenessOptions options;
    options.countArguments = countArguments;
    options.countConstants = countConstants;

    std::vector<FunctionReport> reports;
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      FailureOr<IRKernelGraph> ir = buildKernelGraph(func.getBody().front());
      if (failed(ir))
        return signalPassFailure();
      MemoryProfile profile = computeMemoryProfile(ir->graph, options);
      reports.push_back({func, std::move(*ir), std::move(profile)});
    }

    for (const FunctionReport &r : reports) {
      if (format == ReportFormat::Json)
        printJSON(r);
      else
        emitRemarks(r);
    }
    if (!trace.empty() && failed(writeTrace(reports)))
      return signalPassFailure();
    markAllAnalysesPreserved();
  }

  void emitRemarks(const FunctionReport &r) {
    const MemoryProfile &p = r.profile;
    StringRef name = r.func.getSymName();
    if (p.peakStep < 0) {
      r.func.emitRemark() << "function '" << name << "': no kernels";
      return;
    }
    Operation *peakOp = r.ir.ops[p.peakStep];
    r.func.emitRemark() << "function '" << name << "': peak " << p.peakBytes
                        << " B at step " << p.peakStep << " of "
                        << r.ir.graph.nodes.size() << " (kernel '"
                        << getKernelName(peakOp) << "')";
    InFlightDiagnostic diag = peakOp->emitRemark();
    diag << "peak of '" << name << "': " << p.liveAtPeak.size()
         << " live value(s): ";
    llvm::interleaveComma(p.liveAtPeak, diag, [&](int id) {
      diag << describeValue(r.ir, id) << " (" << r.ir.graph.values[id].bytes
           << " B)";
    });
  }

  void printJSON(const FunctionReport &r) {
    const MemoryProfile &p = r.profile;
    llvm::json::Array live, atPeak;
    for (int64_t bytes : p.liveBytes)
      live.push_back(bytes);
    for (int id : p.liveAtPeak) {
      atPeak.push_back(
          llvm::json::Object{{"value", describeValue(r.ir, id)},
                             {"bytes", r.ir.graph.values[id].bytes}});
    }
    llvm::json::Object object{
        {"function", r.func.getSymName()},
        {"peak_bytes", p.peakBytes},
        {"peak_step", p.peakStep},
        {"peak_kernel", p.peakStep >= 0 ? llvm::json::Value(getKernelName(
                                              r.ir.ops[p.peakStep]))
                                        : llvm::json::Value(nullptr)},
        {"num_nodes", (int64_t)r.ir.graph.nodes.size()},
        {"num_values", (int64_t)r.ir.graph.values.size()},
        {"live_bytes", std::move(live)},
        {"live_at_peak", std::move(atPeak)}};
    llvm::outs() << llvm::json::Value(std::move(object)) << "\n";
  }

  /// Chrome trace event format: one process per function, a complete
  /// event ("X") per kernel and a counter ("C") of live bytes; one
  /// microsecond per step.
  LogicalResult writeTrace(ArrayRef<FunctionReport> reports) {
    llvm::json::Array events;
    for (auto [pid, r] : llvm::enumerate(reports)) {
      events.push_back(llvm::json::Object{
          {"name", "process_name"},
          {"ph", "M"},
          {"pid", (int64_t)pid},
          {"args", llvm::json::Object{{"name", r.func.getSymName()}}}});
      for (auto [step, op] : llvm::enumerate(r.ir.ops)) {
        events.push_back(llvm::json::Object{{"name", getKernelName(op)},
                                            {"ph", "X"},
                                            {"pid", (int64_t)pid},
                                            {"tid", 0},
                                            {"ts", (int64_t)step},
                                            {"dur", 1}});
        events.push_back(llvm::json::Object{
            {"name", "live bytes"},
            {"ph", "C"},
            {"pid", (int64_t)pid},
            {"ts", (int64_t)step},
            {"args",
             llvm::json::Object{{"bytes", r.profile.liveBytes[step]}}}});
      }
    }
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(trace, &error);
    if (!file)
      return getOperation().emitError()
             << "strata-memory-report: cannot write the trace: " << error;
    file->os() << llvm::json::Value(
                      llvm::json::Object{{"traceEvents", std::move(events)},
                                         {"displayTimeUnit", "ns"}})
               << "\n";
    file->keep();
    return success();
  }
};
} // namespace
