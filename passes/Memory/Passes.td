//===- Passes.td - Memory planning passes ------------------*- tablegen -*-===//

#ifndef STRATA_PASSES_MEMORY_PASSES_TD
#define STRATA_PASSES_MEMORY_PASSES_TD

include "mlir/Pass/PassBase.td"

def StrataSchedule : Pass<"strata-schedule", "func::FuncOp"> {
  let summary = "Reorder kernels to lower the peak of live memory, or place "
                "them on compute units for makespan";
  let description = [{
    Reorders the kernels of the function body (each `strata.group`, and each
    compute op outside a group) in a dependency-respecting order chosen to
    lower the peak of live bytes, counted as `strata-memory-report` counts
    it (activations only by default). Constants and views move with their
    first user; the computation is unchanged.

    `algorithm=`:
    - `program`: keep the current order (reports its peak);
    - `greedy` (default): the best of memory-aware list scheduling (the
      ready kernel that frees the most bytes net of what it allocates), a
      depth-first order from the outputs, the current order, and (up to
      1000 kernels) a beam search that runs the exact search below keeping
      the 32 best states per step;
    - `exact`: the minimal peak by dynamic programming over the sets of
      scheduled kernels (the live bytes between steps depend only on the
      set), pruned by the greedy bound. At `time-limit` seconds, or after
      `max-states` search states, it keeps the greedy order and reports
      the proven lower bound and the gap.

    `objective=makespan` instead places the kernels on the compute units of
    the target (`target=`; every instance of a unit with `count` N is a
    processor with 1/N of its peak) by HEFT list scheduling: kernels in
    decreasing upward rank, each on the unit where it finishes first, given
    the cost model's time on that unit and, between kernels on different
    units, the transfer of the value through the backing tier. Each kernel
    gets `strata.unit = "<unit>:<instance>"`; the block is ordered by start
    time. The remark gives the makespan and the time on one unit.

    Every peak-memory run emits a remark with the method, the peak before
    and after, and for `exact` the status, bound and gap:

    ```mlir
    // remark: strata-schedule 'main' (exact, dp): peak 4096 B -> 3072 B;
    //         optimal, bound 3072 B, gap 0.0%, 57 states
    ```
  }];
  let options = [
    Option<"algorithm", "algorithm", "std::string", /*default=*/"\"greedy\"",
           "program, greedy or exact">,
    Option<"objective", "objective", "std::string",
           /*default=*/"\"peak-memory\"", "peak-memory or makespan">,
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "makespan: target whose compute units run the kernels (built-in "
           "name, JSON file, or empty for the module's)">,
    Option<"costModel", "cost-model", "std::string",
           /*default=*/"\"roofline\"", "makespan: cost model for kernel times">,
    Option<"timeLimit", "time-limit", "double", /*default=*/"10.0",
           "Seconds the exact solver may search">,
    Option<"maxStates", "max-states", "int64_t", /*default=*/"4000000",
           "Search states the exact solver may visit">,
    Option<"countArguments", "count-arguments", "bool", /*default=*/"false",
           "Count function arguments (as strata-memory-report does)">,
    Option<"countConstants", "count-constants", "bool", /*default=*/"false",
           "Count constants (as strata-memory-report does)">
  ];
  // Cost estimates come from target descriptions built as attributes.
  let dependentDialects = ["::mlir::strata::StrataDialect"];
  let statistics = [
    Statistic<"numMoved", "kernels-moved",
              "Kernels placed differently than before">
  ];
}

def StrataRemat : Pass<"strata-remat", "func::FuncOp"> {
  let summary = "Recompute values to fit the peak of live memory in a budget";
  let description = [{
    Keeps the current kernel order and lowers its peak of live bytes
    (counted as `strata-memory-report` counts it) to at most `budget` by
    recomputing values: the kernel that produced a value is cloned right
    before a later user, which reads the clone, so the value is not live
    across the gap. A clone carries `strata.recompute_of = "<kernel>"`.

    `budget=` is bytes (`budget=65536`) or a share of the current peak
    (`budget=80%`). Recompute costs come from the cost model service
    (`cost-model=`, `target=`). Solvers (see `docs/memory.md`):

    - `greedy` follows HloRematerialization: at the peak, recompute the
      value that lowers it the most per unit of cost, until the budget
      holds. Tighter budgets never give a higher peak.
    - `cp` is the Moccasin formulation (retention intervals, at most
      `max-recomputations` per node) solved with Gecode.
    - `milp` is the Checkmate formulation solved with CBC.

    The exact solvers are single-threaded, start from the greedy plan, stop
    after `time-limit` seconds with the best plan found, and report the
    objective, a bound and the gap as a remark. A budget that cannot be met
    (or an exact solver that finds no plan in time) is an error stating
    the lowest peak greedy reaches and a lower bound; the IR is then left
    unchanged.
  }];
  let options = [
    Option<"budget", "budget", "std::string", /*default=*/"\"\"",
           "Peak budget: BYTES or NN% of the current peak">,
    Option<"solver", "solver", "std::string", /*default=*/"\"greedy\"",
           "greedy, cp (Gecode) or milp (CBC)">,
    Option<"timeLimit", "time-limit", "double", /*default=*/"60.0",
           "Seconds an exact solver may search">,
    Option<"maxRecomputations", "max-recomputations", "int",
           /*default=*/"2", "cp: recomputations allowed per kernel">,
    Option<"seed", "seed", "unsigned", /*default=*/"1",
           "Seed of the exact solvers' random choices">,
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Target for recompute costs: built-in name, JSON file, or empty "
           "for the module's">,
    Option<"costModel", "cost-model", "std::string",
           /*default=*/"\"roofline\"", "Cost model for recompute costs">,
    Option<"countArguments", "count-arguments", "bool", /*default=*/"false",
           "Count function arguments (as strata-memory-report does)">,
    Option<"countConstants", "count-constants", "bool", /*default=*/"false",
           "Count constants (as strata-memory-report does)">
  ];
  // Costs come from target descriptions built as attributes.
  let dependentDialects = ["::mlir::strata::StrataDialect"];
  let statistics = [
    Statistic<"numRecomputed", "recomputations", "Kernels cloned to recompute">
  ];
}

#endif // STRATA_PASSES_MEMORY_PASSES_TD
