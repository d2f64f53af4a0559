#!/usr/bin/env bash
# msd_streaming.sh -- vibrational_msd (with hops and MSD(t) over 10 lags) streaming a
# 1,024,000-atom trajectory of FEW and MANY frames (default 20 and 100) with 1 and 2 threads:
# throughput in atom-frames per second and peak RSS. The MSD is a running (Welford) accumulation
# and MSD(t) keeps the last 10 frames, so the peak must not grow with the frame count.
#
# Usage: benchmarks/msd_streaming.sh [FEW] [MANY]
# Environment (optional): SHARED, MGSCOPE (default: build/mgscope of this checkout), BIG_DIR
# (the replicated frame, made with shared/lammps/make_big.sh if missing; default /tmp/mgref/big),
# WORK (scratch; default a new /tmp/mgscope_msd.XXXXXX), CORES (default "1 2"), LAGS (10).
#
# The trajectory is the 8x8x8 replica of the inherent structure with every atom displaced by a
# different pseudo-random vector (|u| < 0.1 Å per component) in each frame, written once per
# frame count (45 MB of text per frame), read with unwrap "stepping".
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${WORK:-$(mktemp -d /tmp/mgscope_msd.XXXXXX)}
CORES=${CORES:-1 2}
LAGS=${LAGS:-10}
FEW=${1:-20}
MANY=${2:-100}

. "$HERE/big_frame.sh"
mkdir -p "$WORK"

make_trajectory() {  # $1 frames, $2 output: jittered copies of the replica
  awk -v frames="$1" '
    NR == FNR { line[NR] = $0; n = NR; next }
    END {
      srand(12345)
      for (k = 0; k < frames; k++) {
        print "ITEM: TIMESTEP"; print 1000 * k
        for (i = 3; i <= n; i++) {
          if (atoms) {
            split(line[i], f, " ")
            printf "%s %s %.6f %.6f %.6f\n", f[1], f[2], f[3] + 0.2 * (rand() - 0.5),
                   f[4] + 0.2 * (rand() - 0.5), f[5] + 0.2 * (rand() - 0.5)
          } else {
            print line[i]
            if (line[i] ~ /^ITEM: ATOMS/) atoms = 1
          }
        }
        atoms = 0
      }
    }' "$FRAME" /dev/null > "$2"
}

head -n 9 "$FRAME" | grep -q '^ITEM: ATOMS id type x y z$' ||
  { echo "expected columns 'id type x y z' in $FRAME" >&2; exit 1; }
atoms=$(sed -n 4p "$FRAME")
echo "# msd_streaming: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $atoms atoms per frame"
printf '| frames | threads | wall s | atom-frames/s | peak RSS MB |\n|---:|---:|---:|---:|---:|\n'
for n in "$FEW" "$MANY"; do
  traj=$WORK/traj_$n.dump
  make_trajectory "$n" "$traj"
  cat > "$WORK/run_$n.json" <<JSON
{"input": {"path": "$traj",
           "types": {"1": {"element": "Cu", "mass": 63.546}, "2": {"element": "Zr", "mass": 91.224}}},
 "analyzers": [{"type": "vibrational_msd", "unwrap": "stepping", "msd_lags": $LAGS}],
 "outputs": [{"format": "json", "path": "$WORK/summary_$n.json"}]}
JSON
  for t in $CORES; do
    /usr/bin/time -v "$MGSCOPE" run --quiet --threads "$t" "$WORK/run_$n.json" 2> "$WORK/time_${n}_$t.txt"
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time_${n}_$t.txt")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time_${n}_$t.txt" |
      awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = 60 * s + $i; print s }')
    printf '| %d | %d | %.2f | %.3g | %d |\n' "$n" "$t" "$wall" \
      "$(echo "$atoms * $n / $wall" | bc -l)" "$((rss_kb / 1024))"
  done
  rm -f "$traj"
done
echo "# load at end $(cut -d' ' -f1-3 /proc/loadavg)"
