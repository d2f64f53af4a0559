#!/usr/bin/env bash
# d2min_phases.sh -- where mgscope's D2min time goes, from whole-command timings only (no
# profiler, no source changes): the same pair run as a ladder of run files, each adding one
# phase, at 1 and 2 threads.
#
# Usage: benchmarks/d2min_phases.sh REF.dump CURRENT.dump [REPS]
#   (CURRENT.dump from make_d2min_pair.py; REPS default 2, best of REPS reported)
#
#   info     mgscope info CURRENT.dump (frame index / header scan)
#   read1    run with no analyzer: read + parse the current frame, json summary
#   read2    the same with the reference frame as input (its parse alone)
#   d2min    d2min with the reference by path, json summary only (reads both, reference
#            cell list, reduced displacements, search + fits, strain, statistics)
#   d2min+dump  the benchmark's run: d2min plus a per-atom text dump of 3 fields
#
# Differences between rungs estimate the phases: d2min - read1 - read2 = neighbor list + fit +
# strain + summary; d2min+dump - d2min = writing the dump.
# Environment: MGSCOPE (default /tmp/b_bench/mgscope), WORK (default a new /tmp dir),
# CORES (default "1 2"), CUTOFF (default 5.0).
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 1; }
REF=$(realpath "$1"); CUR=$(realpath "$2"); REPS=${3:-2}
MGSCOPE=${MGSCOPE:-/tmp/b_bench/mgscope}
CORES=${CORES:-1 2}
CUTOFF=${CUTOFF:-5.0}
WORK=${WORK:-$(mktemp -d /tmp/d2min_phases.XXXXXX)}
mkdir -p "$WORK"
TIME=/usr/bin/time
cat "$REF" "$CUR" > /dev/null

mk() {  # name input analyzers outputs
  cat > "$WORK/$1.json" <<EOF
{"input": {"path": "$2"}, "analyzers": [$3], "outputs": [$4]}
EOF
}
D2="{\"type\": \"d2min\", \"cutoff\": $CUTOFF, \"reference\": {\"path\": \"$REF\", \"frame\": 0}}"
JS="{\"format\": \"json\", \"path\": \"$WORK/out.json\"}"
DUMP="{\"format\": \"lammps_dump\", \"path\": \"$WORK/out.dump\", \"fields\": [\"d2min_value\", \"d2min_shear_strain\", \"d2min_volumetric_strain\"]}"
mk read1 "$CUR" "" "$JS"
mk read2 "$REF" "" "$JS"
mk d2min "$CUR" "$D2" "$JS"
mk d2min+dump "$CUR" "$D2" "$JS, $DUMP"

best() {  # command... -> "wall cpu" best of REPS
  local out b=""
  for _ in $(seq 1 "$REPS"); do
    "$TIME" -f "%e %U %S" -o "$WORK/t" "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    out=$(awk '{printf "%.2f %.2f", $1, $2 + $3}' "$WORK/t")
    if [ -z "$b" ] || awk -v a="${out%% *}" -v c="${b%% *}" 'BEGIN {exit !(a < c)}'; then b=$out; fi
  done
  echo "$b"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(sed -n 4p "$CUR") atoms; best of $REPS"
printf "| rung | threads | wall s | CPU s |\n|---|---:|---:|---:|\n"
read -r w c < <(best "$MGSCOPE" info "$CUR")
printf "| info | 1 | %s | %s |\n" "$w" "$c"
for rung in read1 read2 d2min d2min+dump; do
  for t in $CORES; do
    read -r w c < <(best "$MGSCOPE" run -q -t "$t" "$WORK/$rung.json")
    printf "| %s | %s | %s | %s |\n" "$rung" "$t" "$w" "$c"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$WORK/out.dump"
