"""ASE reads mgscope's LAMMPS dump like the LAMMPS-written original, with the extra columns.

usage: check_ase.py ORIGINAL_LAMMPS_DUMP MGSCOPE_DUMP COLUMN [COLUMN ...]
"""
import sys

import numpy as np
from ase.io import read

original, ours, columns = sys.argv[1], sys.argv[2], sys.argv[3:]
ref = read(original, format="lammps-dump-text", index=0)
got = read(ours, format="lammps-dump-text", index=0)
assert len(ref) == len(got), (len(ref), len(got))
assert np.allclose(ref.cell.array, got.cell.array, atol=1e-9), (ref.cell, got.cell)
# Positions may differ by a lattice vector where LAMMPS left an atom a hair outside the box.
d = got.get_positions() - ref.get_positions()
frac = np.linalg.solve(ref.cell.array.T, d.T).T
frac -= np.round(frac)
assert np.abs(frac @ ref.cell.array).max() < 1e-6
for c in columns:
    assert c in got.arrays, f"column {c} not in {list(got.arrays)}"
    assert np.all(np.isfinite(got.arrays[c]))
print("ok", len(got), "atoms,", ", ".join(columns))
