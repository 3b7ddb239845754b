#!/usr/bin/env python3
"""Strata's CP-SAT helper for exact rematerialization (solver=cpsat).

Strata runs this script in its own process (lib/Solvers/CPSAT.cpp): OR-Tools
bundles a protobuf that must not share a process with the protobuf libonnx
uses. It reads a problem as JSON, solves the Moccasin formulation on the
staged model with CP-SAT, and writes the answer as JSON:

    remat_cpsat.py PROBLEM.json ANSWER.json    solve
    remat_cpsat.py --check                     print the OR-Tools version

The model is the one solver=cp (Gecode, lib/Planning/RematCP.cpp) solves:
node q (a position of the fixed order) has copy 0, its first computation in
stage q, and up to C optional recomputations, copy k in stage s_k in
(q, n), active copies a prefix with increasing stages. Copy k of q runs at
time s_k * n + q, so within a stage recomputations run in position order
before the stage's own node. A use (copy j of node p) reads the latest
active copy of each input q whose stage is at most its own; a copy is live
from its start through the last use it serves (the end of time for
function results). The copies' live intervals fit under the budget
(a cumulative constraint); the objective is the total weight of the active
recomputations. The bound CP-SAT proves is a bound of this model: of plans
that recompute each node at most C times.

Problem keys: n, deps (per node, the nodes it reads), mem (bytes, already
divided by `unit`), capacity (in units), weight (integer cost per
recomputation), recompute (per node: may be recomputed), live_to_end (per
node: a result, or no counted bytes), copies (C), time_limit, seed,
workers, hint (optional: per node, the stages of its recomputations).
Answer keys: status (optimal, feasible, infeasible, timeout, error),
objective and bound (in weight units), seconds, branches, stages (per
node, the stages of its active recomputations), note.
"""

import json
import sys
import time


def check():
    import ortools
    from ortools.sat.python import cp_model  # noqa: F401
    print(f"OR-Tools {ortools.__version__} CP-SAT")


def solve(problem):
    from ortools.sat.python import cp_model

    start_clock = time.monotonic()
    n = problem["n"]
    deps = problem["deps"]
    mem = problem["mem"]
    weight = problem["weight"]
    capacity = problem["capacity"]
    copies = problem["copies"]
    live_to_end = problem["live_to_end"]
    recompute = problem["recompute"]
    horizon = n * n  # times 0 .. n*n - 1

    m = cp_model.CpModel()
    num = [copies + 1 if recompute[q] else 1 for q in range(n)]
    active = [[None] * num[q] for q in range(n)]
    stage = [[None] * num[q] for q in range(n)]
    start = [[None] * num[q] for q in range(n)]
    end = [[None] * num[q] for q in range(n)]
    for q in range(n):
        active[q][0] = 1
        stage[q][0] = q
        start[q][0] = q * n + q
        for k in range(1, num[q]):
            a = m.new_bool_var(f"a{q}_{k}")
            s = m.new_int_var(q + 1, n - 1, f"s{q}_{k}")
            active[q][k] = a
            stage[q][k] = s
            start[q][k] = s * n + q
            if k > 1:
                # Active copies form a prefix and run in increasing stages.
                m.add_implication(a, active[q][k - 1])
                m.add(s > stage[q][k - 1]).only_enforce_if(a)
            # An inactive copy is pinned, so search never branches on it.
            m.add(s == q + 1).only_enforce_if(~a)
        for k in range(num[q]):
            lo = q * n + q if k == 0 else (q + 1) * n + q
            e = m.new_int_var(lo, horizon - 1, f"e{q}_{k}")
            end[q][k] = e
            m.add(e >= start[q][k])
        if live_to_end[q]:
            m.add(end[q][0] == horizon - 1)
        for k in range(1, num[q]):
            # A recomputation that serves no use only adds cost.
            m.add(end[q][k] > start[q][k]).only_enforce_if(active[q][k])

    # Uses: copy j of p reads the latest active copy of q whose stage is at
    # most its own, and that copy lives at least until then.
    for p in range(n):
        for j in range(num[p]):
            use_active = active[p][j]
            for q in deps[p]:
                if live_to_end[q]:
                    continue
                reads = []
                for k in range(num[q]):
                    r = m.new_bool_var(f"r{p}_{j}_{q}_{k}")
                    reads.append(r)
                    if k > 0:
                        m.add_implication(r, active[q][k])
                        m.add(stage[q][k] <= stage[p][j]).only_enforce_if(r)
                    if k + 1 < num[q]:
                        # The next copy is inactive or comes later.
                        later = m.new_bool_var(f"l{p}_{j}_{q}_{k}")
                        m.add(stage[q][k + 1] > stage[p][j]).only_enforce_if(later)
                        m.add_bool_or([~active[q][k + 1], later]).only_enforce_if(r)
                    m.add(end[q][k] >= start[p][j]).only_enforce_if(r)
                if j == 0:
                    m.add_exactly_one(reads)
                else:
                    m.add(sum(reads) == use_active)

    # Live bytes: one (optional) interval per copy over [start, end].
    intervals, demands = [], []
    for q in range(n):
        if mem[q] == 0:
            continue
        for k in range(num[q]):
            size = m.new_int_var(1, horizon, f"d{q}_{k}")
            m.add(size == end[q][k] + 1 - start[q][k])
            if k == 0:
                iv = m.new_interval_var(start[q][k], size, end[q][k] + 1, f"i{q}_{k}")
            else:
                iv = m.new_optional_interval_var(start[q][k], size, end[q][k] + 1,
                                                 active[q][k], f"i{q}_{k}")
            intervals.append(iv)
            demands.append(mem[q])
    m.add_cumulative(intervals, demands, capacity)

    # Redundant covering cuts for the linear relaxation (the cumulative
    # constraint alone proves almost nothing): when node p runs, every
    # earlier node still read at or after p is live unless it is
    # recomputed later, so where those bytes exceed the capacity, enough of
    # the recomputable ones must have a recomputation (copy 1 is active).
    # p's own inputs are live when it runs whatever the plan (counting them
    # as freeable left CP-SAT's bound on training 200 nodes at 50% at 9.83
    # instead of 10.24).
    last_use = [-1] * n
    for p in range(n):
        for q in deps[p]:
            last_use[q] = max(last_use[q], p)
    for p in range(n):
        fixed = mem[p]
        cover = []
        for q in range(p):
            if live_to_end[q]:
                fixed += mem[q]
            elif last_use[q] == p or (last_use[q] > p and
                                      (num[q] == 1 or q in deps[p])):
                fixed += mem[q]
            elif last_use[q] > p:
                cover.append(q)
        excess = fixed + sum(mem[q] for q in cover) - capacity
        if excess > 0 and cover:
            m.add(sum(mem[q] * active[q][1] for q in cover) >= excess)

    terms = [weight[q] * active[q][k] for q in range(n) for k in range(1, num[q])]
    m.minimize(sum(terms) if terms else 0)

    hint = problem.get("hint")
    if hint:
        for q in range(n):
            stages = sorted(hint[q])[: num[q] - 1]
            for k in range(1, num[q]):
                if k <= len(stages):
                    m.add_hint(active[q][k], 1)
                    m.add_hint(stage[q][k], stages[k - 1])
                else:
                    m.add_hint(active[q][k], 0)
                    m.add_hint(stage[q][k], q + 1)

    solver = cp_model.CpSolver()
    params = solver.parameters
    # The limit is CP-SAT's deterministic time (a count of its work, not of
    # seconds), so the same problem gives the same plan on any machine and
    # under any load; a wall-clock cap only stops a search that runs far
    # slower than usual (then the plan depends on where it stopped).
    limit = max(0.0, problem["time_limit"])
    params.max_deterministic_time = limit
    params.max_time_in_seconds = 4 * limit + 10
    params.num_workers = max(1, problem.get("workers", 1))
    params.random_seed = problem.get("seed", 1)
    status = solver.solve(m)
    answer = {"seconds": time.monotonic() - start_clock,
              "branches": solver.num_branches, "note": ""}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        answer["status"] = "optimal" if status == cp_model.OPTIMAL else "feasible"
        answer["objective"] = solver.objective_value
        answer["bound"] = solver.best_objective_bound
        answer["stages"] = [[solver.value(stage[q][k]) for k in range(1, num[q])
                             if solver.value(active[q][k])] for q in range(n)]
    elif status == cp_model.INFEASIBLE:
        answer["status"] = "infeasible"
    elif status == cp_model.UNKNOWN:
        answer["status"] = "timeout"
        answer["note"] = "no plan found within the time limit"
    else:
        answer["status"] = "error"
        answer["note"] = "CP-SAT: " + solver.status_name(status)
    return answer


def main():
    if sys.argv[1:] == ["--check"]:
        check()
        return 0
    if len(sys.argv) != 3:
        print("usage: remat_cpsat.py PROBLEM.json ANSWER.json | --check", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        problem = json.load(f)
    answer = solve(problem)
    with open(sys.argv[2], "w") as f:
        json.dump(answer, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
