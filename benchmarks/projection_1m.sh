#!/usr/bin/env bash
# projection_1m.sh -- issue 8 hot paths on the 1,024,000-atom frame (254.9 Å cube), 1 and 2
# threads: wall time, CPU time and peak RSS of each run, and each run's cost over reading the
# frame (the `read` run), measured in the same invocation.
#
# Usage: benchmarks/projection_1m.sh [RUN ...]   (default: every run below)
#   RUN: read haadf haadf_fine field compare
# Environment (optional): SHARED, MGSCOPE, BIG_DIR (see big_frame.sh), WORK (scratch; default a
# new /tmp/mgscope_projection.XXXXXX), THREADS (default "1 2").
#
# The runs (all project along z through the whole cell):
#   read        bin with one bin (the count): reading, cell list, bookkeeping
#   haadf       HAADF-like Z^1.7 map, 1 Å pixels (255²), 2 Å probe
#   haadf_fine  the same with 0.25 Å pixels (1020²): 16x the pixels, the probe covers ~40x40
#   field       the column mean of a per-atom field (c_zr, 1 for Zr) with a 10 Å probe, 1 Å pixels
#   compare     haadf plus compare_maps against the haadf map of the same frame written as TIFF
#               (made by a first, untimed run): distributions, C(r), power spectra and SSIM
# Output: a Markdown table on stdout and WORK/results.md; raw `time -v` files in WORK.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${WORK:-$(mktemp -d /tmp/mgscope_projection.XXXXXX)}
THREADS=${THREADS:-1 2}
RUNS=("$@")
[ ${#RUNS[@]} -gt 0 ] || RUNS=(read haadf haadf_fine field compare)

. "$HERE/big_frame.sh"
mkdir -p "$WORK"
INPUT=$WORK/rep8_zr.dump
awk '/^ITEM: ATOMS/ {print $0 " c_zr"; atoms = 1; next}
     atoms {print $0 " " ($2 == 2 ? 1 : 0); next} {print}' "$FRAME" > "$INPUT"
TYPES='"types": {"1": {"element": "Cu"}, "2": {"element": "Zr"}}'
HAADF='{"type": "projection", "label": "haadf", "pixel_size": 1.0, "probe_fwhm": 2.0}'

analyzers() {  # $1 run name -> the analyzers' JSON
  case $1 in
    read) echo '{"type": "bin", "bins": 1}' ;;
    haadf) echo "$HAADF" ;;
    haadf_fine) echo '{"type": "projection", "label": "haadf", "pixel_size": 0.25, "probe_fwhm": 2.0}' ;;
    field) echo '{"type": "projection", "field": "c_zr", "pixel_size": 1.0, "probe_fwhm": 10.0}' ;;
    compare) echo "$HAADF, {\"type\": \"compare_maps\", \"map\": \"haadf_map\",
                  \"experimental\": \"$WORK/exp/haadf_map_000000.tiff\", \"registered\": true}" ;;
    *) echo "unknown run $1" >&2; exit 1 ;;
  esac
}

# The "experimental" map for compare: the haadf map of the same frame as TIFF.
cat > "$WORK/exp.json" <<JSON
{"input": {"path": "$INPUT", $TYPES}, "analyzers": [$HAADF],
 "outputs": [{"format": "tiff", "path": "$WORK/exp"}]}
JSON
"$MGSCOPE" run --quiet "$WORK/exp.json"

results=$WORK/results.md
{
  echo "atoms: $(sed -n 4p "$FRAME"); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| run | threads | wall s | CPU s | peak RSS MiB | over read (wall s) | speed-up 1→2 |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
} | tee "$results"
declare -A read_wall
cat "$INPUT" > /dev/null  # warm the page cache
for run in "${RUNS[@]}"; do
  cat > "$WORK/$run.json" <<JSON
{"input": {"path": "$INPUT", $TYPES},
 "analyzers": [$(analyzers "$run")],
 "outputs": [{"format": "json", "path": "$WORK/${run}_summary.json"}]}
JSON
  t1=""
  for t in $THREADS; do
    measure_run "$t" "$WORK/$run.json" "$WORK/time_${run}_t$t.txt"
    wall=$WALL cpu=$CPU rss=$RSS
    [ "$run" = read ] && read_wall[$t]=$wall
    over=""
    [ -n "${read_wall[$t]:-}" ] && over=$(awk -v a="$wall" -v b="${read_wall[$t]}" 'BEGIN {printf "%.2f", a - b}')
    speedup=""
    if [ -z "$t1" ]; then t1=$wall; else speedup=$(awk -v a="$t1" -v b="$wall" 'BEGIN {printf "%.2fx", a / b}'); fi
    echo "| $run | $t | $wall | $cpu | $rss | $over | $speedup |" | tee -a "$results"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results"
echo "work folder: $WORK" >&2
