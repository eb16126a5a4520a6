#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang into build-fuzz and
# runs each one, starting from its seed corpus, for FUZZ_SECONDS seconds
# (default 30) or FUZZ_RUNS executions when set (both set: whichever comes
# first). A crash, leak, sanitizer report, timeout (FUZZ_TIMEOUT, default 10 s
# of wall time per input) or out-of-memory (2 GiB) fails the run;
# the input that caused it is left in build-fuzz/fuzz-artifacts/.
# Usage: scripts/fuzz.sh [TARGET...]   (default: every target)
# env: FUZZ_SECONDS, FUZZ_SHORT_SECONDS (cap for the slow video_fuzz, default 10), FUZZ_RUNS, FUZZ_JOBS (targets run at once, default 1;
#      each still gets FUZZ_SECONDS of wall time), FUZZ_BUILD (default
#      build-fuzz), FUZZ_LOG (a file: one line per target), FUZZ_NO_BUILD=1
#      (run what is built; for long runs outside the build lock),
#      FUZZ_TIMEOUT (seconds per input, default 10; a long niced run on a busy
#      machine may need more: the timeout counts wall time, not CPU time),
#      FUZZ_FLAGS (more libFuzzer flags for every target),
#      FUZZ_ASAN_OPTIONS (more AddressSanitizer options, e.g.
#      malloc_context_size=0 for a long run: allocation stacks are then left
#      out of a report, every check stays; docs/RELIABILITY.md),
#      FUZZ_LOG_DIR (a directory: each target's whole libFuzzer log is kept
#      there as TARGET.log; otherwise it is printed only on failure).
# The seeds are copied: the checked-in corpora are never changed.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${FUZZ_BUILD:-build-fuzz}"
seconds="${FUZZ_SECONDS:-30}"
jobs="${FUZZ_JOBS:-1}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(jsonl_item_fuzz policy_fuzz regime_fuzz case_json_fuzz http_request_fuzz
  image_fuzz bank_fuzz model_file_fuzz video_fuzz signal_list_fuzz)
# Targets whose inputs are slow to run (a video decode each) get at most
# FUZZ_SHORT_SECONDS (default 10) of a run, so CI stays short.
short_targets=" video_fuzz "
short_seconds="${FUZZ_SHORT_SECONDS:-10}"
# Largest input a target is given (-max_len): 64 KiB, but 16 KiB for the YAML
# files (policies and regimes), whose real inputs are at most 9.5 KiB
# (policies/regimes/br-marco-civil-stf-2025.yaml) and whose cost per input
# grows with its size (yaml-cpp): bigger inputs would only slow the run.
max_len_of() {
  case "$1" in
    policy_fuzz|regime_fuzz) echo 16384 ;;
    *) echo 65536 ;;
  esac
}
# Extra libFuzzer flags of a target. http_request_fuzz links the whole server,
# so libFuzzer's entropic schedule (its bookkeeping per coverage feature, 30 %
# of the run in a profile) costs more than the target: -entropic=0 (the plain
# schedule) runs it 2.4x as many inputs a second (docs/RELIABILITY.md).
flags_of() {
  case "$1" in
    http_request_fuzz) echo -entropic=0 ;;
  esac
}
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVENHAND_FUZZ=ON \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang >/dev/null
  cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}"
fi
mkdir -p "$dir/fuzz-artifacts"
results="$(mktemp -d "${TMPDIR:-/tmp}/evenhand-fuzz-results.XXXXXX")"

# run_target T: one libFuzzer run; writes its summary line to $results/T.line
# and its exit status to $results/T.rc, and prints its log's tail on failure.
run_target() {
  local t="$1" work rc runs start line
  work="$(mktemp -d "${TMPDIR:-/tmp}/evenhand-fuzz-$t.XXXXXX")"
  cp -r "tests/fuzz/corpus/$t/." "$work/"
  # FUZZ_RUNS alone: that many executions; with FUZZ_SECONDS too: whichever comes first.
  local secs="$seconds"
  if [[ "$short_targets" == *" $t "* ]] && [ "$secs" -gt "$short_seconds" ]; then secs="$short_seconds"; fi
  local limit=(-max_total_time="$secs")
  if [ -n "${FUZZ_RUNS:-}" ]; then
    limit=(-runs="$FUZZ_RUNS")
    [ -n "${FUZZ_SECONDS:-}" ] && limit+=(-max_total_time="$secs")
  fi
  start=$(date +%s)
  set +e
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1${FUZZ_ASAN_OPTIONS:+:$FUZZ_ASAN_OPTIONS}" UBSAN_OPTIONS="print_stacktrace=1" \
    "$dir/fuzz/$t" "$work" -rss_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-10}" -max_len="$(max_len_of "$t")" -print_final_stats=1 \
    -artifact_prefix="$dir/fuzz-artifacts/$t-" "${limit[@]}" $(flags_of "$t") ${FUZZ_FLAGS:-} >"$work.log" 2>&1
  rc=$?
  set -e
  runs="$(awk '/stat::number_of_executed_units/ {print $NF}' "$work.log")"
  line="$t: exit $rc, ${runs:-?} executions in $(( $(date +%s) - start )) s, corpus $(ls "$work" | wc -l) inputs"
  echo "fuzz: $line"
  echo "$line" >"$results/$t.line"
  echo "$rc" >"$results/$t.rc"
  [ $rc -ne 0 ] && tail -60 "$work.log"
  [ -n "${FUZZ_LOG_DIR:-}" ] && mkdir -p "$FUZZ_LOG_DIR" && cp "$work.log" "$FUZZ_LOG_DIR/$t.log"
  rm -rf "$work" "$work.log"
  return 0
}

running=0
for t in "${targets[@]}"; do
  if [ "$jobs" -le 1 ]; then
    run_target "$t"
    continue
  fi
  if [ $running -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
wait

status=0
for t in "${targets[@]}"; do
  [ -n "${FUZZ_LOG:-}" ] && cat "$results/$t.line" >>"$FUZZ_LOG"
  [ "$(cat "$results/$t.rc" 2>/dev/null || echo 1)" = 0 ] || status=1
done
rm -rf "$results"
exit $status
