#!/usr/bin/env bash
# Builds Strata with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DSTRATA_SANITIZE=ON) and runs tests under it. Any sanitizer report
# fails the run.
#
#   scripts/sanitize.sh          clang-22 build of everything in ../build-asan
#                                (shared with scripts/fuzz.sh); lit + unit tests
#   scripts/sanitize.sh --unit   g++ -O1 build of the unit tests only, in
#                                build-sanitize; ctest (what .ci/run adds: about
#                                4 min to build from scratch, 1 min to run)
#   STRATA_SANITIZE_BUILD_DIR overrides the build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
UNIT_ONLY=0
[ "${1:-}" = "--unit" ] && UNIT_ONLY=1
# Leaks are errors too; a report aborts the process, failing its test.
# allow_user_poisoning=0: see scripts/fuzz.sh (LLVM allocator poisoning
# split between instrumented Strata and uninstrumented libMLIR.so).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ $UNIT_ONLY -eq 1 ]; then
  BUILD=${STRATA_SANITIZE_BUILD_DIR:-$ROOT/build-sanitize}
  scripts/setup.sh > /dev/null
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
      "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" -DSTRATA_SANITIZE=ON
  fi
  ninja -C "$BUILD" -j "${STRATA_JOBS:-$(nproc)}" StrataUnitTests
  exec ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)"
fi

BUILD=${STRATA_SANITIZE_BUILD_DIR:-$ROOT/../build-asan}
scripts/setup.sh > /dev/null
scripts/configure-asan.sh "$BUILD"
ninja -C "$BUILD" -j "${STRATA_JOBS:-$(nproc)}"
status=0
/usr/lib/llvm-22/bin/lit -sv "$BUILD/test" || status=1
ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)" || status=1
exit $status
