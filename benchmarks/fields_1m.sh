#!/usr/bin/env bash
# fields_1m.sh -- issue 7 acceptance: binning, Gaussian coarse-graining (σ = 5 Å, 1 Å grid) and
# the spatial autocorrelation C(r) to 20 Å (per-atom pair sum and FFT of the grid) of a
# 1,024,000-atom frame, with 1 and 2 threads: wall time, CPU time and peak RSS of each run.
#
# Usage: benchmarks/fields_1m.sh [RUN ...]    (default: every run below)
#   RUN: read bin bin_fft coarse_grain coarse_grain_fft correlate
# Environment (optional): SHARED, MGSCOPE (default: build/mgscope of this checkout), BIG_DIR
# (replicated frames, made with shared/lammps/make_big.sh if missing; default /tmp/mgref/big),
# WORK (scratch; default a new /tmp/mgscope_fields.XXXXXX), THREADS (default "1 2"), SIGMA (5),
# GRID (coarse-graining grid, Å; 1), BIN (binning grid, Å; 2), RMAX (20).
#
# Input: the 8x8x8 replica of the shared inherent structure (254.9 Å cube) with one extra
# column c_zr = 1 for Zr and 0 for Cu (the local Zr concentration is the field), added by awk to
# a copy in WORK. Every run reads that dump and writes a JSON summary (and csv_tables for the
# C(r) runs); no grid is written. The runs:
#   read              bin with one bin (the count): reading, cell list, bookkeeping
#   bin               mean of c_zr on a BIN Å grid (and the count per bin)
#   bin_fft           the same plus the FFT autocorrelation and S(q) of both grids (empty bins
#                     left out by the mask correlation)
#   coarse_grain      field average Σ p w / Σ w of c_zr, σ = SIGMA, on a GRID Å grid
#   coarse_grain_fft  the same plus the FFT autocorrelation (RMAX, dr 0.5 Å) and S(q)
#   correlate         per-atom C(r) of c_zr to RMAX by the direct pair sum (40 shells)
# Differences between runs give each step's cost (e.g. C(r) by FFT = coarse_grain_fft −
# coarse_grain). Output: a Markdown table on stdout and WORK/results.md; raw `time -v` files in
# WORK.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${WORK:-$(mktemp -d /tmp/mgscope_fields.XXXXXX)}
THREADS=${THREADS:-1 2}
SIGMA=${SIGMA:-5}
GRID=${GRID:-1}
BIN=${BIN:-2}
RMAX=${RMAX:-20}
RUNS=("$@")
[ ${#RUNS[@]} -gt 0 ] || RUNS=(read bin bin_fft coarse_grain coarse_grain_fft correlate)

. "$HERE/big_frame.sh"
mkdir -p "$WORK"
INPUT=$WORK/rep8_zr.dump
awk '/^ITEM: ATOMS/ {print $0 " c_zr"; atoms = 1; next}
     atoms {print $0 " " ($2 == 2 ? 1 : 0); next} {print}' "$FRAME" > "$INPUT"

analyzer() {  # $1 run name -> the analyzers' JSON
  local fft="\"autocorrelation\": {\"r_max\": $RMAX, \"dr\": 0.5}"
  case $1 in
    read) echo "{\"type\": \"bin\", \"bins\": 1}" ;;
    bin) echo "{\"type\": \"bin\", \"bin_size\": $BIN, \"fields\": [\"c_zr\"]}" ;;
    bin_fft) echo "{\"type\": \"bin\", \"bin_size\": $BIN, \"fields\": [\"c_zr\"], $fft}" ;;
    coarse_grain)
      echo "{\"type\": \"coarse_grain\", \"bin_size\": $GRID, \"sigma\": $SIGMA, \"fields\": [\"c_zr\"]}" ;;
    coarse_grain_fft)
      echo "{\"type\": \"coarse_grain\", \"bin_size\": $GRID, \"sigma\": $SIGMA, \"fields\": [\"c_zr\"], $fft}" ;;
    correlate) echo "{\"type\": \"correlate\", \"fields\": [\"c_zr\"], \"r_max\": $RMAX, \"bins\": 40}" ;;
    *) echo "unknown run $1" >&2; exit 1 ;;
  esac
}

results=$WORK/results.md
{
  echo "atoms: $(sed -n 4p "$FRAME"), σ = $SIGMA Å, coarse-graining grid $GRID Å, bins $BIN Å, r_max $RMAX Å"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| run | threads | wall s | CPU s | peak RSS MiB | speed-up 1→2 |"
  echo "|---|---:|---:|---:|---:|---:|"
} | tee "$results"
cat "$INPUT" > /dev/null  # warm the page cache
for run in "${RUNS[@]}"; do
  cat > "$WORK/$run.json" <<JSON
{"input": {"path": "$INPUT"},
 "analyzers": [$(analyzer "$run")],
 "outputs": [{"format": "json", "path": "$WORK/${run}_summary.json"},
             {"format": "csv_tables", "path": "$WORK/${run}_tables"}]}
JSON
  t1=""
  for t in $THREADS; do
    measure_run "$t" "$WORK/$run.json" "$WORK/time_${run}_t$t.txt"
    wall=$WALL cpu=$CPU rss=$RSS
    speedup=""
    if [ -z "$t1" ]; then t1=$wall; else speedup=$(awk -v a="$t1" -v b="$wall" 'BEGIN {printf "%.2fx", a / b}'); fi
    echo "| $run | $t | $wall | $cpu | $rss | $speedup |" | tee -a "$results"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results"
echo "work folder: $WORK" >&2
