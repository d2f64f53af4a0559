#!/usr/bin/env python3
"""make_d2min_pair.py -- the "current" frame of a D2min benchmark pair.

Reads one orthogonal LAMMPS dump frame (the reference, e.g. a replicated inherent structure
/tmp/mgref/big/cuzr2k_IS_rep8.dump, columns id type x y z) and writes the same atoms after

  * a homogeneous simple shear gamma in the xy plane: the box becomes triclinic with
    xy = gamma * Ly, each atom keeps its reduced (fractional) coordinates, so
    x' = x + gamma * (y - ylo);
  * plus small random nonaffine displacements: Gaussian, sigma per Cartesian component, fixed
    seed;
  * wrapped back into the triclinic box (on the reduced coordinates);

as a one-frame LAMMPS text dump with the same ids and types (rows in the reference's order),
`ITEM: BOX BOUNDS xy xz yz pp pp pp` in LAMMPS's bounding-box convention
(xlo_bound = xlo + min(0, xy, xz, xy + xz), xhi_bound = xhi + max(0, xy, xz, xy + xz), ...),
floats written with %.10g like the shared data.

The reference is the input file itself: a D2min run compares the output with it
(mgscope: "reference": {"path": <input>, "frame": 0}). With --two-frame the script writes the
reference frame first and the current frame second into one file instead (for
"reference": {"frame": 0} with "input.frames.start": 1).

Needs numpy. Usage:
  make_d2min_pair.py REF.dump CURRENT.dump [--gamma 0.01] [--sigma 0.05] [--seed 12345]
"""
import argparse
import sys
import time

import numpy as np


def read_orthogonal_frame(path):
    """First frame of a plain LAMMPS text dump with an orthogonal box and columns incl. id type x y z."""
    with open(path) as f:
        head = [f.readline() for _ in range(9)]
    if not head[0].startswith("ITEM: TIMESTEP") or not head[2].startswith("ITEM: NUMBER OF ATOMS"):
        sys.exit(f"make_d2min_pair: {path}: not a LAMMPS text dump")
    timestep = int(head[1])
    n = int(head[3])
    bounds_item = head[4].split()
    if not head[4].startswith("ITEM: BOX BOUNDS") or "xy" in bounds_item:
        sys.exit(f"make_d2min_pair: {path}: expected an orthogonal box, found '{head[4].strip()}'")
    lo_hi = np.array([[float(v) for v in head[5 + k].split()[:2]] for k in range(3)])
    cols = head[8].split()[2:]
    try:
        use = [cols.index(c) for c in ("id", "type", "x", "y", "z")]
    except ValueError:
        sys.exit(f"make_d2min_pair: {path}: needs columns id type x y z, found {cols}")
    data = np.loadtxt(path, skiprows=9, max_rows=n, usecols=use)
    if data.shape != (n, 5):
        sys.exit(f"make_d2min_pair: {path}: expected {n} atom rows, read {data.shape[0]}")
    return timestep, lo_hi, data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2:5]


def write_frame(f, timestep, bounds_item, bounds_lines, ids, types, pos):
    n = len(ids)
    f.write(f"ITEM: TIMESTEP\n{timestep}\nITEM: NUMBER OF ATOMS\n{n}\n")
    f.write(f"ITEM: BOX BOUNDS {bounds_item}\n")
    for line in bounds_lines:
        f.write(line + "\n")
    f.write("ITEM: ATOMS id type x y z\n")
    # Chunked savetxt keeps memory flat on 1M atoms.
    step = 200_000
    for b in range(0, n, step):
        block = np.column_stack([ids[b:b + step], types[b:b + step], pos[b:b + step]])
        np.savetxt(f, block, fmt=["%d", "%d", "%.10g", "%.10g", "%.10g"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reference", help="orthogonal one-frame LAMMPS dump (id type x y z)")
    ap.add_argument("current", help="output: the sheared + perturbed frame")
    ap.add_argument("--gamma", type=float, default=0.01, help="simple shear strain xy (default 0.01)")
    ap.add_argument("--sigma", type=float, default=0.05,
                    help="nonaffine Gaussian displacement per component, Å (default 0.05)")
    ap.add_argument("--seed", type=int, default=12345, help="random seed (default 12345)")
    ap.add_argument("--two-frame", action="store_true",
                    help="write reference then current frame into the output file")
    a = ap.parse_args()

    t0 = time.perf_counter()
    timestep, lo_hi, ids, types, x = read_orthogonal_frame(a.reference)
    lo = lo_hi[:, 0]
    L = lo_hi[:, 1] - lo_hi[:, 0]
    xy, xz, yz = a.gamma * L[1], 0.0, 0.0
    if abs(xy) > 0.5 * L[0]:
        sys.exit("make_d2min_pair: |xy| > Lx/2, LAMMPS would reject the box")
    # Cell vectors as columns: a = (Lx,0,0), b = (xy,Ly,0), c = (xz,yz,Lz).
    H = np.array([[L[0], xy, xz], [0.0, L[1], yz], [0.0, 0.0, L[2]]])
    s = (x - lo) / L                        # reduced coordinates in the reference box
    s -= np.floor(s)
    rng = np.random.default_rng(a.seed)
    xc = lo + s @ H.T + rng.normal(0.0, a.sigma, size=x.shape)
    sc = (xc - lo) @ np.linalg.inv(H).T   # wrap on the reduced coordinates of the sheared box
    sc -= np.floor(sc)
    sc[sc >= 1.0] = 0.0
    xc = lo + sc @ H.T

    xlo_b = lo[0] + min(0.0, xy, xz, xy + xz)
    xhi_b = lo_hi[0, 1] + max(0.0, xy, xz, xy + xz)
    ylo_b = lo[1] + min(0.0, yz)
    yhi_b = lo_hi[1, 1] + max(0.0, yz)
    tri_lines = [f"{xlo_b:.16e} {xhi_b:.16e} {xy:.16e}",
                 f"{ylo_b:.16e} {yhi_b:.16e} {xz:.16e}",
                 f"{lo[2]:.16e} {lo_hi[2, 1]:.16e} {yz:.16e}"]
    with open(a.current, "w") as f:
        if a.two_frame:
            write_frame(f, timestep, "pp pp pp",
                        [f"{lo_hi[k, 0]:.16e} {lo_hi[k, 1]:.16e}" for k in range(3)], ids, types, x)
        write_frame(f, timestep + 1, "xy xz yz pp pp pp", tri_lines, ids, types, xc)
    print(f"make_d2min_pair: {a.current}: {len(ids)} atoms, simple shear gamma = {a.gamma} "
          f"(xy = {xy:.6f} Å), nonaffine sigma = {a.sigma} Å, seed {a.seed}"
          f"{', two frames' if a.two_frame else ''} ({time.perf_counter() - t0:.1f} s)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
