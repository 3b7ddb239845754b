//===- StrataDialect.td - The strata dialect ---------------*- tablegen -*-===//
//
// The core Strata dialect: kernel groups and target descriptions.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECT_STRATA_IR_STRATADIALECT_TD
#define STRATA_DIALECT_STRATA_IR_STRATADIALECT_TD

include "mlir/IR/OpBase.td"

def Strata_Dialect : Dialect {
  let name = "strata";
  let cppNamespace = "::mlir::strata";
  let summary = "Kernel groups, memory tiers and targets of the Strata compiler";
  let description = [{
    The `strata` dialect holds the kernel-graph level of Strata. A
    `strata.group` is one future kernel: a region, isolated from above, that
    takes tensors and yields tensors. The order of groups in a block is the
    schedule. Targets (`#strata.target`) describe the compute units and the
    memory tiers (`#strata.tier`) that the planning passes and the cost model
    reason about; a module carries its target in the `strata.target`
    attribute. An op that `strata-remat` cloned to recompute a value carries
    `strata.recompute_of`, a string naming the kernel it recomputes.
    `strata-map-memory` gives every kernel result a tier and an offset
    (`strata.placement`, an array of `#strata.placement`), moves tensors
    between tiers with `strata.prefetch` and `strata.evict`, and records the
    arena size of each tier on the function (`strata.arenas`).
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Adds the attributes (defined in StrataAttrs.cpp).
    void registerAttributes();

    /// Name of the module attribute that holds a `#strata.target`.
    static constexpr ::llvm::StringLiteral getTargetAttrName() {
      return ::llvm::StringLiteral("strata.target");
    }
    /// Name of the module attribute that holds the cost-model spec
    /// ("roofline", "learned", "learned:FILE", "measured") every pass uses
    /// when its own `cost-model=` option is empty.
    static constexpr ::llvm::StringLiteral getCostModelAttrName() {
      return ::llvm::StringLiteral("strata.cost_model");
    }
    /// Name of the unit attribute that marks a function outlined from a
    /// `strata.group`.
    static constexpr ::llvm::StringLiteral getKernelAttrName() {
      return ::llvm::StringLiteral("strata.kernel");
    }
    /// Name of the string attribute that marks an op cloned by strata-remat
    /// to recompute a value; it names the recomputed kernel.
    static constexpr ::llvm::StringLiteral getRecomputeOfAttrName() {
      return ::llvm::StringLiteral("strata.recompute_of");
    }
    /// On a kernel placed by strata-schedule{objective=makespan}: the
    /// compute unit instance it runs on, "<unit name>:<instance>".
    static constexpr ::llvm::StringLiteral getUnitAttrName() {
      return ::llvm::StringLiteral("strata.unit");
    }
    /// On a kernel mapped by strata-map-memory: an array with one
    /// `#strata.placement` per tensor result.
    static constexpr ::llvm::StringLiteral getPlacementAttrName() {
      return ::llvm::StringLiteral("strata.placement");
    }
    /// On a kernel function outlined from a placed group: the placements of
    /// its results, for the arena lowering after bufferization.
    static constexpr ::llvm::StringLiteral getResultPlacementAttrName() {
      return ::llvm::StringLiteral("strata.result_placement");
    }
    /// On a function mapped by strata-map-memory: a dictionary from tier
    /// name to the size in bytes of that tier's arena.
    static constexpr ::llvm::StringLiteral getArenasAttrName() {
      return ::llvm::StringLiteral("strata.arenas");
    }
    /// On a module whose index checks were lowered: the `site` of each
    /// check, by the number the runtime's report hook receives.
    static constexpr ::llvm::StringLiteral getIndexCheckSitesAttrName() {
      return ::llvm::StringLiteral("strata.index_check_sites");
    }
    /// On a linalg structured op in a kernel: its `#strata.lowering` plan.
    static constexpr ::llvm::StringLiteral getLoweringAttrName() {
      return ::llvm::StringLiteral("strata.lowering");
    }
  }];
}

class Strata_Op<string mnemonic, list<Trait> traits = []>
    : Op<Strata_Dialect, mnemonic, traits>;

#endif // STRATA_DIALECT_STRATA_IR_STRATADIALECT_TD
