//===- Profile.h - Per-kernel time of a JIT-compiled entry ------*- C++ -*-===//
//
// strata-run --profile: every call from the entry function to a kernel (an
// outlined strata.group, a function defined in the lowered module) is
// bracketed with calls to two runtime hooks that read a steady clock, so a
// run reports where its time went in the real program (allocation and
// data in the caches as the program leaves them), not in kernels measured
// alone. The hooks cost two clock reads per kernel call.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_PROFILE_H
#define STRATA_RUNTIME_PROFILE_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mlir::strata {

/// The runtime hooks' names (extern "C" functions taking the call's index).
inline constexpr const char *kProfileBeginHook = "strata_profile_begin";
inline constexpr const char *kProfileEndHook = "strata_profile_end";

/// One instrumented kernel call site of the entry, in program order.
struct ProfiledCall {
  /// The kernel function called.
  std::string kernel;
  /// Seconds accumulated since the last reset.
  double seconds = 0;
};

/// Accumulates the hooks' clock readings. One profile is active at a time
/// (the hooks are plain C functions); kernels run on one thread.
class KernelProfile {
public:
  KernelProfile() = default;
  KernelProfile(const KernelProfile &) = delete;
  KernelProfile &operator=(const KernelProfile &) = delete;
  ~KernelProfile();

  /// Brackets every call from `entry` (an llvm.func of `llvmModule`, lowered
  /// by strata-cpu-pipeline) to a function defined in the module with calls
  /// to the hooks, and makes this the active profile. Fails with a located
  /// error if there is no such entry.
  LogicalResult instrument(ModuleOp llvmModule, StringRef entry);

  /// The hooks' names and addresses, to register with the JIT.
  static std::vector<std::pair<std::string, void *>> getHookSymbols();

  void reset();
  const std::vector<ProfiledCall> &getCalls() const { return calls; }

private:
  /// The hooks (void(int64_t), the C calling convention's).
  static void onBegin(int64_t call);
  static void onEnd(int64_t call);

  std::vector<ProfiledCall> calls;
  int64_t openCall = -1;
  double openStart = 0;
};

} // namespace mlir::strata

#endif // STRATA_RUNTIME_PROFILE_H
