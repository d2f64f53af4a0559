#!/usr/bin/env python3
"""compare_d2min.py -- per-atom D2min (and strain) of an mgscope dump against d2min_numpy.py.

  compare_d2min.py MGSCOPE_OUTPUT NUMPY_D2MIN.npy [--strain NUMPY_STRAIN.npy] [--tol 1e-8]
                   [--label TEXT]

MGSCOPE_OUTPUT is an mgscope lammps_dump file or npy output folder (frame 0; an npy folder
without id_000000.npy holds the arrays in increasing id order). It must have the
columns id and d2min_value (and d2min_shear_strain, d2min_volumetric_strain for the strain
check). Atoms are matched by id: the NumPy arrays are in
increasing id order. Prints one line: max and mean relative difference of D2min
(|a - b| / |b|, b = NumPy), the atoms over TOL, and the max absolute difference of the von Mises
and volumetric strain. Exit status 3 when the D2min max relative difference exceeds TOL.
"""
import argparse
import os
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mgscope_dump")
    ap.add_argument("numpy_d2min")
    ap.add_argument("--strain")
    ap.add_argument("--tol", type=float, default=1e-8)
    ap.add_argument("--label", default="")
    a = ap.parse_args()

    want = ["id", "d2min_value"]
    if a.strain:
        want += ["d2min_shear_strain", "d2min_volumetric_strain"]
    if os.path.isdir(a.mgscope_dump):
        # Without id_000000.npy ("atom_arrays": false) the arrays are in increasing id order.
        files = [os.path.join(a.mgscope_dump, f"{c}_000000.npy") for c in want[1:]]
        missing = [f for f in files if not os.path.exists(f)]
        if missing:
            sys.exit(f"compare_d2min: missing {missing}")
        columns = [np.load(f).astype(float) for f in files]
        id_file = os.path.join(a.mgscope_dump, "id_000000.npy")
        ids = (np.load(id_file).astype(float) if os.path.exists(id_file)
               else np.arange(1, len(columns[0]) + 1, dtype=float))
        data = np.column_stack([ids] + columns)
        n = len(data)
    else:
        with open(a.mgscope_dump) as f:
            head = [f.readline() for _ in range(9)]
        n = int(head[3])
        cols = head[8].split()[2:]
        missing = [c for c in want if c not in cols]
        if missing:
            sys.exit(f"compare_d2min: {a.mgscope_dump} lacks columns {missing} (has {cols})")
        data = np.loadtxt(a.mgscope_dump, skiprows=9, max_rows=n,
                          usecols=[cols.index(c) for c in want])
    data = data[np.argsort(data[:, 0], kind="stable")]
    ref = np.load(a.numpy_d2min)
    if len(ref) != n:
        sys.exit(f"compare_d2min: {n} atoms in the mgscope dump, {len(ref)} in {a.numpy_d2min}")
    got = data[:, 1]
    rel = np.abs(got - ref) / np.maximum(np.abs(ref), np.finfo(float).tiny)
    over = int(np.count_nonzero(rel > a.tol))
    msg = (f"{a.label}: {n} atoms; D2min max rel. diff {rel.max():.2e}, mean {rel.mean():.2e}, "
           f"{over} atoms over {a.tol:g}")
    if a.strain:
        st = np.load(a.strain)
        msg += (f"; shear strain max abs. diff {np.abs(data[:, 2] - st[:, 0]).max():.2e}, "
                f"volumetric {np.abs(data[:, 3] - st[:, 1]).max():.2e}")
    msg += "; OK" if over == 0 else "; FAILED"
    print(msg)
    sys.exit(0 if over == 0 else 3)


if __name__ == "__main__":
    main()
