#!/usr/bin/env bash
# memory_streaming.sh -- peak RSS of a run over a 1,024,000-atom trajectory with FEW and MANY
# frames (default 5 and 50): the pipeline streams, so the peak must not grow with the frame count.
#
# Usage: benchmarks/memory_streaming.sh [FEW] [MANY]
# Environment (optional): SHARED, MGSCOPE (default: build/mgscope of this checkout), BIG_DIR
# (replicated frames, made with shared/lammps/make_big.sh if missing; default /tmp/mgref/big),
# WORK (scratch folder; default a new /tmp/mgscope_mem.XXXXXX), THREADS (default 2).
#
# The trajectory repeats the 8x8x8 replica of the inherent structure with increasing timesteps
# (45 MB per frame as text). The run: Voronoi + five-fold symmetry (one shared tessellation) and
# D²min against the previous frame (offset -1, exercising the reference cache), JSON summary
# output. Prints frames, wall time and peak RSS per run.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${WORK:-$(mktemp -d /tmp/mgscope_mem.XXXXXX)}
THREADS=${THREADS:-2}
FEW=${1:-5}
MANY=${2:-50}

. "$HERE/big_frame.sh"
mkdir -p "$WORK"

make_trajectory() {  # $1 frames, $2 output
  local k
  for ((k = 0; k < $1; k++)); do
    printf 'ITEM: TIMESTEP\n%d\n' "$k"
    tail -n +3 "$FRAME"
  done > "$2"
}

printf '| frames | atoms/frame | wall time (s) | peak RSS (MB) |\n|---|---|---|---|\n'
for n in "$FEW" "$MANY"; do
  traj=$WORK/traj_$n.dump
  make_trajectory "$n" "$traj"
  cat > "$WORK/run_$n.json" <<JSON
{"input": {"path": "$traj", "frames": {"start": 1},
           "types": {"1": {"element": "Cu", "mass": 63.546}, "2": {"element": "Zr", "mass": 91.224}}},
 "analyzers": [{"type": "voronoi"}, {"type": "five_fold"},
               {"type": "d2min", "cutoff": 3.7, "reference": {"offset": -1}}],
 "outputs": [{"format": "json", "path": "$WORK/summary_$n.json"}]}
JSON
  /usr/bin/time -v "$MGSCOPE" run --quiet --threads "$THREADS" "$WORK/run_$n.json" \
    2> "$WORK/time_$n.txt"
  rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time_$n.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time_$n.txt")
  printf '| %d | %s | %s | %d |\n' "$((n - 1))" "$(sed -n 4p "$FRAME")" "$wall" "$((rss_kb / 1024))"
  rm -f "$traj"
done
