//===- PassOptions.td - Options several Strata passes share -*- tablegen -*-===//
//
// One definition of each option more than one pass takes. Choice options
// are enumerations (include/strata/Support/PassOptions.h), checked by the
// option parser: an unknown value is an error when the pipeline is parsed,
// and `--help` lists the values.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_PASSOPTIONS_TD
#define STRATA_PASSES_PASSOPTIONS_TD

include "mlir/Pass/PassBase.td"

def StrataTargetOption : Option<"target", "target", "std::string",
    /*default=*/"\"\"",
    "Target: a built-in name, a JSON file, or empty for the module's "
    "strata.target (else host-cpu)">;

def StrataCostModelOption : Option<"costModel", "cost-model", "std::string",
    /*default=*/"\"\"",
    "Cost model: roofline, learned, learned:FILE or measured (empty: the "
    "module's strata.cost_model, else roofline)">;

/// Seconds an exact solver may search, with a pass's default.
class StrataTimeLimitOption<string default>
    : Option<"timeLimit", "time-limit", "double", default,
             "Seconds an exact solver may search">;

/// Seeds an exact solver's random choices.
def StrataSeedOption : Option<"seed", "seed", "unsigned", /*default=*/"1",
    "Seed of the exact solvers' random choices">;

def StrataReportFormatOption : Option<"format", "format",
    "::mlir::strata::ReportFormat", "::mlir::strata::ReportFormat::Text",
    "Output: text (remarks) or json (one object per function on stdout)",
    [{::llvm::cl::values(STRATA_REPORT_FORMAT_VALUES)}]>;

#endif // STRATA_PASSES_PASSOPTIONS_TD
