#!/usr/bin/env bash
# msd_md_vs_harmonic.sh -- the physical cross-check of issue 6 (SCIENCE.md §6): at low
# temperature the per-atom vibrational MSD from a thermal trajectory (vibrational_msd) must agree
# with the harmonic MSD from the normal modes of the inherent structure (soft_spots).
#
# LAMMPS runs NVT at T from the shared inherent structure (velocities at 2T, so equipartition
# brings the glass to T; EQUIL ps discarded, then PROD ps dumped every EVERY steps, unwrapped),
# mgscope computes both MSDs, and Python prints the Pearson correlation, the ratio of the means
# and the Spearman correlation.
#
# With RUNS > 1 it makes an isoconfigurational ensemble: RUNS trajectories from the same
# inherent structure with different velocity seeds, which vibrational_msd averages per atom
# ("isoconfigurational": true, one run per file). One run samples the slowest (quasi-localised)
# modes only a few dozen periods, so per-atom MD values scatter; the ensemble averages that out.
#
# Usage: benchmarks/msd_md_vs_harmonic.sh
# Environment (optional): PYTHON (with numpy; default /usr/bin/python3), SHARED (default <repo>/../shared), MGSCOPE (default <repo>/build/mgscope),
#   WORK (default a new /tmp/mgscope_msd.XXXXXX), T (10 K), EQUIL (10 ps), PROD (100 ps),
#   EVERY (dump interval in 2 fs steps, 50), RUNS (1), JOBS (LAMMPS runs at a time, 1).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$repo/../shared}
MGSCOPE=${MGSCOPE:-$repo/build/mgscope}
WORK=${WORK:-$(mktemp -d /tmp/mgscope_msd.XXXXXX)}
T=${T:-10}
EQUIL=${EQUIL:-10}
PROD=${PROD:-100}
EVERY=${EVERY:-50}
RUNS=${RUNS:-1}
JOBS=${JOBS:-1}
POT=/usr/share/lammps/potentials/CuZr_mm.eam.fs
mkdir -p "$WORK"
cd "$WORK"
equil_steps=$(python3 -c "print(int($EQUIL / 0.002))")
prod_steps=$(python3 -c "print(int($PROD / 0.002))")
write_input() {  # $1 run number -> in_$1.lmp (velocity seed from the run number)
  cat > "in_$1.lmp" <<LMP
units metal
boundary p p p
atom_style atomic
read_data $SHARED/data/cuzr2k_IS.data
pair_style eam/fs
pair_coeff * * $POT Cu Zr
timestep 0.002
velocity all create $((2 * T)) $((4928459 + 7919 * $1)) mom yes rot yes dist gaussian
fix nvt all nvt temp $T $T 0.2
thermo 5000
run $equil_steps
reset_timestep 0
dump d all custom $EVERY traj_$1.dump id type xu yu zu
dump_modify d sort id format float %.10g
run $prod_steps
LMP
}
echo "msd_md_vs_harmonic: LAMMPS NVT $T K, $EQUIL ps + $PROD ps, dump every $EVERY steps, $RUNS run(s) in $WORK"
start=$(date +%s)
for k in $(seq 1 "$RUNS"); do
  write_input "$k"
  lmp -log "log_$k.lmp" -screen none -in "in_$k.lmp" &
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
done
wait
echo "lammps $(( $(date +%s) - start )) s"
files=$(for k in $(seq 1 "$RUNS"); do printf '"traj_%s.dump",' "$k"; done)
files=${files%,}
iso=false
[ "$RUNS" -gt 1 ] && iso=true
types='"types": {"1": {"element": "Cu", "mass": 63.546}, "2": {"element": "Zr", "mass": 91.224}}'
cat > md.json <<JSON
{"input": {"path": [$files], $types},
 "analyzers": [{"type": "vibrational_msd", "isoconfigurational": $iso}],
 "outputs": [{"format": "csv", "path": "md.csv"}]}
JSON
cat > harmonic.json <<JSON
{"input": {"path": "$SHARED/data/cuzr2k_IS.dump", $types},
 "analyzers": [{"type": "soft_spots", "file": "$POT", "elements": ["Cu", "Zr"], "temperature": $T}],
 "outputs": [{"format": "csv", "path": "harmonic.csv"}]}
JSON
/usr/bin/time -f "mgscope vibrational_msd %e s" "$MGSCOPE" run md.json -q
/usr/bin/time -f "mgscope soft_spots %e s" "$MGSCOPE" run harmonic.json -q
"${PYTHON:-/usr/bin/python3}" - <<'PY'
import csv
import numpy as np
def load(path, col, frame=None):
    rows = list(csv.DictReader(open(path)))
    if frame is not None:
        rows = [r for r in rows if r["frame"] == frame]
    rows.sort(key=lambda r: int(r["id"]))
    return np.array([int(r["id"]) for r in rows]), np.array([float(r[col]) for r in rows]), np.array([int(r["type"]) for r in rows])
ids_h, h, types = load("harmonic.csv", "soft_spots_harmonic_msd")
# The CSV starts a new header block where the columns change: the final frame's block is last.
lines = open("md.csv").read().splitlines()
start = max(i for i, l in enumerate(lines) if l.startswith("frame,"))
open("md_final.csv", "w").write("\n".join(lines[start:]) + "\n")
ids_m, m, _ = load("md_final.csv", "vibrational_msd_value")
assert (ids_h == ids_m).all()
rank = lambda x: np.argsort(np.argsort(x))
print(f"atoms {len(h)}: mean MD {m.mean():.6f} A^2, harmonic {h.mean():.6f} A^2, ratio MD/harmonic {m.mean() / h.mean():.4f}")
print(f"Pearson {np.corrcoef(m, h)[0, 1]:.4f}, Spearman {np.corrcoef(rank(m), rank(h))[0, 1]:.4f}")
for t, name in ((1, "Cu"), (2, "Zr")):
    s = types == t
    print(f"  {name}: MD {m[s].mean():.6f}, harmonic {h[s].mean():.6f}, Pearson {np.corrcoef(m[s], h[s])[0, 1]:.4f}")
PY
