# Sourced by the 1M-atom benchmarks: the repository, the mgscope binary and the 1,024,000-atom
# frame (the 8x8x8 replica of the shared inherent structure, made by shared/lammps/make_big.sh
# when missing). Honours SHARED, MGSCOPE and BIG_DIR from the environment; sets REPO, SHARED,
# MGSCOPE, BIG_DIR and FRAME, and checks for GNU time.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$REPO/../shared}
MGSCOPE=${MGSCOPE:-$REPO/build/mgscope}
BIG_DIR=${BIG_DIR:-/tmp/mgref/big}
[ -x "$MGSCOPE" ] || { echo "no mgscope binary at $MGSCOPE (build first or set MGSCOPE)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 1; }
FRAME=$BIG_DIR/cuzr2k_IS_rep8.dump
if [ ! -f "$FRAME" ]; then
  IN=$SHARED/data OUT=$BIG_DIR bash "$SHARED/lammps/make_big.sh" >&2
fi

# Runs `mgscope run --quiet --threads $1 $2` under GNU time, its report in $3; sets WALL (s),
# CPU (s, user + system) and RSS (peak, MiB).
measure_run() {
  /usr/bin/time -v "$MGSCOPE" run --quiet --threads "$1" "$2" 2> "$3"
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
           for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$3")
  CPU=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$3")
  RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%d", $2 / 1024}' "$3")
}
