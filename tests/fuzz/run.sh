#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan) in their own build folder, makes seed
# corpora from the shared data and the repository's run files and bad inputs, and runs each
# harness for the given time. See tests/fuzz/README.md.
#
# usage: tests/fuzz/run.sh [seconds] [harness...]      harness: dump data run_file potential map (default: all)
# env:   MGS_FUZZ_BUILD    build folder            (default: <repo>/build-fuzz)
#        MGS_SHARED_DATA   shared data folder      (default: <repo>/../shared/data)
#        MGS_FUZZ_PARALLEL harnesses run at a time (default: 2)
#        MGS_FUZZ_JOBS     compile jobs            (default: 1)
#        MGS_FUZZ_ARGS     extra libFuzzer flags
# Everything runs under `nice -n 19`. Exit status 1 if any harness reported a finding.
set -euo pipefail

seconds=${1:-60}
[[ $# -gt 0 ]] && shift
harnesses=("$@")
[[ ${#harnesses[@]} -eq 0 ]] && harnesses=(dump data run_file potential map)
for h in "${harnesses[@]}"; do
  case $h in dump|data|run_file|potential|map) ;; *) echo "run.sh: unknown harness '$h' (dump, data, run_file, potential, map)" >&2; exit 2 ;; esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${MGS_FUZZ_BUILD:-$repo/build-fuzz}
shared=${MGS_SHARED_DATA:-$repo/../shared/data}
parallel=${MGS_FUZZ_PARALLEL:-2}
jobs=${MGS_FUZZ_JOBS:-1}

# --- configure and build (a separate clang build; the normal build is not touched) ------------
if [[ ! -f $build/CMakeCache.txt ]]; then
  CC=clang CXX=clang++ nice -n 19 cmake -S "$repo" -B "$build" -G Ninja -DMGS_FUZZ=ON \
    -DMGS_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
fi
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
nice -n 19 cmake --build "$build" -j"$jobs" --target "${targets[@]}"

# --- seed corpora (under the build folder, never in the repository) ----------------------------
fuzz=$build/fuzz
if [[ ! -d $fuzz/seeds ]]; then
  python3 "$here/make_seeds.py" "$fuzz/seeds" "$shared" "$repo"
fi

# --- run ---------------------------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
run_one() {
  local h=$1
  mkdir -p "$fuzz/corpus/$h" "$fuzz/artifacts/$h" "$fuzz/logs"
  local log=$fuzz/logs/$h.log
  echo "run.sh: fuzz_$h for ${seconds}s, log $log"
  # shellcheck disable=SC2086  # MGS_FUZZ_ARGS is a list of flags
  nice -n 19 "$build/fuzz_$h" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -max_len=8192 -dict="$here/$h.dict" -artifact_prefix="$fuzz/artifacts/$h/" \
    -print_final_stats=1 ${MGS_FUZZ_ARGS:-} "$fuzz/corpus/$h" "$fuzz/seeds/$h" >"$log" 2>&1 || true
}
pids=()
for h in "${harnesses[@]}"; do
  run_one "$h" &
  pids+=($!)
  while [[ $(jobs -rp | wc -l) -ge $parallel ]]; do wait -n || true; done
done
wait "${pids[@]}" 2>/dev/null || true

# --- report ------------------------------------------------------------------------------------
status=0
printf '\n%-9s %12s %8s %8s  %s\n' harness executions seconds corpus findings
for h in "${harnesses[@]}"; do
  log=$fuzz/logs/$h.log
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  [[ -z $execs ]] && execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  secs=$(grep -o 'stat::slowest_unit_time_sec\|Done [0-9]* runs in [0-9]* second' "$log" | grep -o '[0-9]* second' | grep -o '[0-9]*' || true)
  corpus=$(find "$fuzz/corpus/$h" -type f | wc -l)
  found=$(find "$fuzz/artifacts/$h" -type f | wc -l)
  printf '%-9s %12s %8s %8s  %s\n' "$h" "${execs:-?}" "${secs:-$seconds (limit)}" "$corpus" "$found"
  if [[ $found -gt 0 ]] || grep -qE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:' "$log"; then
    status=1
    grep -E 'ERROR: |runtime error:|SUMMARY:|Test unit written to' "$log" | sed "s/^/  $h: /" | head -8
    find "$fuzz/artifacts/$h" -type f | sed "s/^/  $h: artifact /"
  fi
done
exit $status
