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
