//===- Passes.td - Memory planning passes ------------------*- tablegen -*-===//

#ifndef STRATA_PASSES_MEMORY_PASSES_TD
#define STRATA_PASSES_MEMORY_PASSES_TD

include "mlir/Pass/PassBase.td"
include "passes/PassOptions.td"

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
      set), pruned by targets that rise from a lower bound (values live
      across a kernel in every order) to the greedy peak. At `time-limit`
      seconds, or after `max-states` search states, it keeps the greedy
      order and reports the proven lower bound and the gap.

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
    Option<"algorithm", "algorithm", "::mlir::strata::ScheduleAlgorithm",
           "::mlir::strata::ScheduleAlgorithm::Greedy", "How to order the kernels",
           [{::llvm::cl::values(STRATA_SCHEDULE_ALGORITHM_VALUES)}]>,
    Option<"objective", "objective", "::mlir::strata::ScheduleObjective",
           "::mlir::strata::ScheduleObjective::PeakMemory", "What to minimize",
           [{::llvm::cl::values(STRATA_SCHEDULE_OBJECTIVE_VALUES)}]>,
    StrataTargetOption,
    StrataCostModelOption,
    StrataTimeLimitOption<"10.0">,
    Option<"maxStates", "max-states", "int64_t", /*default=*/"40000000",
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
      holds; a value is tried alone and as a chain (its inputs that died
      before the peak recomputed too), so whole segments are freed; at each
      step the best `pilot` choices are each followed to the end and the
      one that ends cheapest is taken (never costlier than the plain path,
      `pilot=0`, whose tighter budgets never give a higher peak).
    - `cp` is the Moccasin formulation (retention intervals, at most
      `max-recomputations` per node) solved with Gecode.
    - `milp` is the Checkmate formulation solved with CBC; `highs` the same
      on HiGHS, when installed (`strata-plan solvers`; else an error naming
      the package).
    - `cpsat` is `cp`'s model solved with OR-Tools CP-SAT in a helper
      process, when installed; it also proves bounds. Its `time-limit`
      counts CP-SAT's deterministic time (the same plan on any machine;
      about 2.5-3 s of wall time each here).

    The exact solvers are single-threaded, start from the greedy plan, stop
    after `time-limit` seconds with the best plan found, and report the
    objective, a bound and the gap as a remark. Before searching they solve
    the freeing cover (`cost-bound`, on by default): a lower bound on the
    cost of every plan, from the bytes each step over the budget must free;
    a greedy plan that meets it is optimal and no search runs, and a
    stopped search reports the better of the two bounds. A budget that cannot be met
    (or an exact solver that finds no plan in time) is an error stating
    the lowest peak greedy reaches and a lower bound; the IR is then left
    unchanged.
  }];
  let options = [
    Option<"budget", "budget", "std::string", /*default=*/"\"\"",
           "Peak budget: BYTES or NN% of the current peak">,
    Option<"solver", "solver", "::mlir::strata::RematSolver",
           "::mlir::strata::RematSolver::Greedy", "Who plans recomputation",
           [{::llvm::cl::values(STRATA_REMAT_SOLVER_VALUES)}]>,
    StrataTimeLimitOption<"60.0">,
    Option<"maxRecomputations", "max-recomputations", "int",
           /*default=*/"2", "cp: recomputations allowed per kernel">,
    Option<"costBound", "cost-bound", "bool", /*default=*/"true",
           "exact solvers: prove the cost lower bound first (a greedy "
           "plan that meets it is optimal without a search)">,
    Option<"pilot", "pilot", "int", /*default=*/"3",
           "greedy: choices rolled out to the end at each step (0: none)">,
    StrataSeedOption,
    StrataTargetOption,
    StrataCostModelOption,
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

def StrataMapMemory : Pass<"strata-map-memory", "func::FuncOp"> {
  let summary = "Place tensors in memory tiers with offsets, prefetch and "
                "evict copies";
  let description = [{
    For the current kernel order, decides where every kernel result lives:
    the target's fastest tier (a scratchpad, shared memory) or its backing
    tier (DRAM), at which byte offset of that tier's arena, and when
    tensors move between them. The plan is written into the IR:

    - each kernel gets `strata.placement`, one `#strata.placement<tier,
      offset, alignment>` per tensor result;
    - `strata.prefetch` copies a tensor (a weight, an argument, an evicted
      activation) into the fast tier ahead of its use, `strata.evict`
      copies one out so its space can be reused or because it is a result
      (results live in the backing tier);
    - the function gets `strata.arenas`, the arena size of every tier.

    Arguments and constants stay at home in the backing tier, outside the
    arenas. `algorithm=`:

    - `greedy` (default): activations by traffic saved per byte and step
      they occupy, each at the best-fitting aligned offset among the
      fast-tier tensors live at the same time; one that does not fit is
      split at its longest gap between uses (evicted after the first part,
      prefetched before the next) and a part that still does not fit stays
      in the backing tier. Weights and arguments are then prefetched into
      what is left. A prefetch starts early enough to hide its transfer
      behind the compute of the kernels before its use (cost model), later
      where space forces it. `copies=false` allows no copies at all: a
      value lives in one tier its whole life.
    - `ilp`: a COSMA-style MILP over the same decisions, solved with CBC
      (one thread, `seed`, `time-limit` seconds, started from the greedy
      plan): per value and access, binaries for served from the fast
      tier, kept there since the previous access, prefetched (early enough
      to hide the transfer, or right before the access) and, per
      activation, evicted; the fast tier's live bytes within its capacity
      at every position; minimize non-compulsory off-chip bytes. Offsets
      are packed greedy by size afterwards (if they overflow, it solves
      again with less capacity). A remark gives the status, objective,
      bound and gap; models above 60,000 binaries, runs where CBC finds
      nothing in time, and plans worse than greedy's keep the greedy plan,
      with a remark saying why.
    - `dram`: everything in the backing tier (the baseline).

    `planner=` says what else is planned with the tiers
    (`strata/Planning/JointPlanning.h`):

    - `program` (default): the kernels stay in the function's order.
    - `sequential`: the pipeline's order first (the min-peak order of
      `strata-schedule`, exact with `algorithm=ilp`), then the mapping.
    - `joint`: kernel order, recomputation and tiers together, for the
      non-compulsory off-chip bytes plus the recomputed kernels' compute
      seconds priced at the backing tier's bandwidth. `algorithm=greedy`
      is a local search (an off-chip reader pulled up to the previous
      access, a producer pushed down to its reader, a value recomputed
      right before the readers that would fetch it; each move priced by
      mapping and simulating); `algorithm=ilp` solves a time-indexed MILP
      over slots (which kernel runs, where each value is; up to
      `joint-recomputations` extra kernel runs, default 0: each one widens
      every kernel's window and weakens the relaxation) on HiGHS (CBC where
      HiGHS is not installed), started from the local search's plan, within
      `time-limit`, and reports its bound (the solver's, or a memory-time
      bound where higher) and gap; the solution's order is mapped again
      with the exact tier mapper and the cheaper of that and the start is
      kept. The kernels are
      reordered, recomputed kernels cloned (`strata.recompute_of`), and
      the plan written as above. Functions whose ops have side effects
      are refused.

    A value larger than the fast tier is placed in the backing tier with a
    remark; a target with one tier gets no plan (remark). The plan is
    checked by the same verifier as `strata-verify-memory-plan` before it
    is written. A summary remark gives the arena sizes, the number of
    copies and the simulated off-chip traffic:

    ```mlir
    // remark: strata-map-memory 'main' (greedy, npu-sram): sram arena
    //   983040 B of 1048576 B, dram arena 0 B; 3 prefetches, 1 evict;
    //   0 values in dram; off-chip 1204 B (non-compulsory 0 B), 9632 B
    //   with everything in dram
    ```
  }];
  let options = [
    StrataTargetOption,
    Option<"algorithm", "algorithm", "::mlir::strata::TierAlgorithm",
           "::mlir::strata::TierAlgorithm::Greedy", "How to place tensors in tiers",
           [{::llvm::cl::values(STRATA_TIER_ALGORITHM_VALUES)}]>,
    StrataTimeLimitOption<"10.0">,
    StrataSeedOption,
    Option<"copies", "copies", "bool", /*default=*/"true",
           "Allow prefetch and evict copies between tiers">,
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every offset (a power of two)">,
    Option<"planner", "planner", "::mlir::strata::TierPlanner",
           "::mlir::strata::TierPlanner::Program",
           "What else to plan with the tiers",
           [{::llvm::cl::values(STRATA_TIER_PLANNER_VALUES)}]>,
    Option<"jointRecomputations", "joint-recomputations", "int",
           /*default=*/"0",
           "planner=joint algorithm=ilp: extra kernel runs the model allows">,
    StrataCostModelOption
  ];
  let dependentDialects = ["::mlir::strata::StrataDialect"];
  let statistics = [
    Statistic<"numPrefetches", "prefetches", "strata.prefetch ops inserted">,
    Statistic<"numJointRecomputed", "joint-recomputations",
              "Kernels cloned by planner=joint">,
    Statistic<"numEvictions", "evictions", "strata.evict ops inserted">,
    Statistic<"numInBacking", "values-in-backing",
              "Kernel results that never enter the fast tier">
  ];
}

def StrataTileReport : Pass<"strata-tile-report", "ModuleOp"> {
  let summary = "Plan tier mapping at stripe granularity (cascades) and "
                "report what it moves";
  let description = [{
    The tile-level counterpart of `strata-map-memory algorithm=greedy`, as
    a report: for every function, in its current kernel order, finds which
    rows of its operands each kernel reads per output row (a convolution's
    window over the NHWC height, elementwise ops and transposes row for
    row; `strata/Analysis/StripeAccess.h`), grows *cascades* of consecutive
    kernels that run stripe by stripe while their rolling stripe buffers fit
    the fast tier, and maps the values that cross cascade boundaries with
    the tensor-level greedy mapper, each cascade's buffers reserved while it
    runs. Values made and read inside a cascade never exist whole and never
    leave the chip. It prints, per function, the simulated traffic and time
    of that plan (the keys of `strata-simulate`'s JSON plus `cascades`,
    `cascaded_kernels`, `on_chip_values` and `max_buffer_bytes`), or a
    remark with the same figures. The IR is not changed: the plan is not yet
    written into the IR or lowered.

    ```mlir
    // remark: strata-tile-report 'main' on npu-sram: 3 cascades over 41 of
    //   66 kernels, 35 values only on chip (largest buffers 1011712 B);
    //   off-chip 602112 B non-compulsory, 6.31 ms simulated
    ```
  }];
  let options = [
    StrataTargetOption,
    StrataCostModelOption,
    StrataReportFormatOption,
    Option<"stripeRows", "stripe-rows", "int64_t", /*default=*/"1",
           "Rows every kernel of a cascade computes at once (its stripe)">,
    Option<"bufferFraction", "buffer-fraction", "double", /*default=*/"1.0",
           "Share of the fast tier a cascade's stripe buffers may take">,
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every offset (a power of two)">
  ];
  let dependentDialects = ["::mlir::strata::StrataDialect"];
}

def StrataVerifyMemoryPlan : Pass<"strata-verify-memory-plan",
                                  "func::FuncOp"> {
  let summary = "Check a function's memory-tier plan";
  let description = [{
    Checks the plan that `strata-map-memory` wrote (or a user edited)
    against the target: every placement names a tier of the target and
    every kernel of a planned function has one; within each tier no two
    tensors live at the same time share a byte (a tensor is live from the
    kernel or copy that writes it to its last reader, a result to the end);
    every tensor fits its tier's capacity and the arena in `strata.arenas`;
    offsets are multiples of their alignment; a prefetch copies into a
    faster tier and an evict into a slower one; results are in the backing
    tier. In SSA form a kernel reads the copy it names, and a copy stands
    before its readers, so these checks are what keeps the copy a kernel
    reads resident until it runs. Each violation is an error at the op
    that writes the tensor. A function without a plan passes.
  }];
  let options = [
    StrataTargetOption
  ];
  let dependentDialects = ["::mlir::strata::StrataDialect"];
}

def StrataSimulate : Pass<"strata-simulate", "ModuleOp"> {
  let summary = "Simulate the time and off-chip traffic of mapped functions";
  let description = [{
    Runs each function's tier plan through the simulator
    (`strata/Planning/TierMapping.h`): kernels one at a time, each taking
    max(compute time from the cost model, bytes of its tensors over the
    bandwidth of the tier each is in) plus the backing tier's latency if it
    touches it; copies one at a time per tier link, asynchronous with the
    kernels, starting when the kernels before them have finished; a kernel
    waits for the copies it reads and for earlier copies still reading
    memory it overwrites. A function without a plan is simulated with
    everything in the backing tier. It reports the total time, the off-chip
    bytes (to and from the backing tier) and their split into compulsory
    (every argument and weight read once, every result written once) and
    non-compulsory (spills, reloads, repeated reads).

    `format=text` emits a remark per function; `format=json` prints one
    object per function on standard output with `function`, `target`,
    `planned`, `total_seconds`, `kernel_seconds`, `stall_seconds`,
    `offchip_bytes`, `compulsory_bytes`, `non_compulsory_bytes`,
    `unavoidable_bytes` (the non-compulsory bytes no mapping avoids without
    splitting tensors: results larger than the fast tier written to and
    read from the backing tier), `copy_bytes`, `num_kernels`, `num_copies`
    and `arena_bytes` (per tier).
    `trace=FILE` writes a Chrome/Perfetto trace: a process per function
    with a compute track and a track per tier link. The IR is not changed.
  }];
  let options = [
    StrataTargetOption,
    StrataCostModelOption,
    StrataReportFormatOption,
    Option<"trace", "trace", "std::string", /*default=*/"\"\"",
           "Write a Chrome/Perfetto trace of the simulation here">
  ];
  let dependentDialects = ["::mlir::strata::StrataDialect"];
}

#endif // STRATA_PASSES_MEMORY_PASSES_TD
