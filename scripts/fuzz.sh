#!/usr/bin/env bash
# Builds Strata's libFuzzer targets with ASan+UBSan (clang-22, -DSTRATA_FUZZ=ON)
# and runs each on a seed corpus made from the test data, for a number of
# executions or seconds. Prints executions, coverage and crashes per target;
# crashing inputs are kept under $BUILD/fuzz/<target>/artifacts.
#
#   scripts/fuzz.sh [--runs=N] [--time=SECONDS] [TARGET...]
#   TARGET: FuzzOnnxImport FuzzTensorFiles FuzzStrataOpt (default: all)
#   STRATA_FUZZ_BUILD_DIR (default ../build-asan beside the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${STRATA_FUZZ_BUILD_DIR:-$ROOT/../build-asan}
RUNS=-1
TIME=0
TARGETS=()
for arg in "$@"; do
  case "$arg" in
    --runs=*) RUNS=${arg#--runs=} ;;
    --time=*) TIME=${arg#--time=} ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) TARGETS+=("$arg") ;;
  esac
done
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(FuzzOnnxImport FuzzTensorFiles FuzzStrataOpt)

scripts/configure-asan.sh "$BUILD"
ninja -C "$BUILD" -j "${STRATA_JOBS:-$(nproc)}" "${TARGETS[@]}"

# Seeds: the project's own test inputs, and the ONNX backend test data.
seed() {
  local target=$1 dir=$2
  mkdir -p "$dir"
  # Inputs that once crashed a target stay in its seeds.
  if [ -d "$ROOT/test/Fuzz/regressions/$target" ]; then
    cp "$ROOT/test/Fuzz/regressions/$target"/* "$dir/"
  fi
  case "$target" in
    FuzzOnnxImport)
      find "$ROOT/test" -name '*.onnx' -size -1M -exec cp -t "$dir" {} +
      local i=0
      for m in /usr/share/libonnx-testdata/data/node/*/model.onnx; do
        if [ -f "$m" ]; then cp "$m" "$dir/node_$((i++)).onnx"; fi
      done ;;
    FuzzTensorFiles)
      find "$ROOT/test" \( -name '*.npy' -o -name '*.pb' \) -size -1M -exec cp -t "$dir" {} +
      local i=0
      for t in /usr/share/libonnx-testdata/data/node/*/test_data_set_0/*.pb; do
        if [ -f "$t" ] && [ "$(stat -c %s "$t")" -lt 65536 ]; then
          cp "$t" "$dir/pb_$((i++)).pb"
        fi
      done ;;
    FuzzStrataOpt)
      local i=0
      for f in $(find "$ROOT/test" "$ROOT/examples" -name '*.mlir' -size -64k | sort); do
        cp "$f" "$dir/$((i++))_$(basename "$f")"
      done ;;
  esac
}

# allow_user_poisoning=0: LLVM's allocators poison memory in the inline code
# compiled into Strata (which sees ASan) but not in libMLIR.so (which does
# not), so poisoning from one side and use from the other is reported as
# use-after-poison. Strata's own code has no manual poisoning.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
printf '%-16s %12s %8s %8s %8s %s\n' target executions cov ft corpus crashes
for target in "${TARGETS[@]}"; do
  work="$BUILD/fuzz/$target"
  rm -rf "$work/artifacts"
  mkdir -p "$work/corpus" "$work/artifacts"
  [ -d "$work/seeds" ] || seed "$target" "$work/seeds"
  args=(-rss_limit_mb=2560 -malloc_limit_mb=1024 -timeout=30 -max_len=65536
        -print_final_stats=1 -artifact_prefix="$work/artifacts/")
  [ "$RUNS" != -1 ] && args+=(-runs="$RUNS")
  [ "$TIME" != 0 ] && args+=(-max_total_time="$TIME")
  set +e
  "$BUILD/bin/$target" "${args[@]}" "$work/corpus" "$work/seeds" > "$work/log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$work/log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  crashes=$(find "$work/artifacts" -type f | wc -l)
  printf '%-16s %12s %8s %8s %8s %s\n' "$target" "${execs:-?}" "${cov:-?}" \
    "${ft:-?}" "${corp:-?}" "$crashes"
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    status=1
    echo "  $target failed (exit $rc); see $work/log and $work/artifacts" >&2
  fi
done
exit $status
