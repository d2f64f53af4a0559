#!/usr/bin/env python3
"""d2min_numpy.py -- vectorised NumPy/SciPy baseline for Falk-Langer D2min and local strain.

The same definition as mgscope's d2min analyzer with its defaults (shared/SCIENCE.md section 4):

  * atoms matched by id between the reference and the current frame;
  * reduced (fractional) displacements with the minimum image, ds = s_cur - s_ref - round(...);
  * neighbors j of atom i within the cutoff in the REFERENCE configuration (periodic
    scipy.spatial.cKDTree on the orthogonal reference box, query_pairs);
  * d0_ij = H_ref s0_ij (minimum-image reference separation), d_ij = H_cur (s0_ij + ds_j - ds_i);
  * X = sum_j d dT0, Y = sum_j d0 d0T, F = X Y^-1 (batched), D2min = sum_j |d - F d0|^2 (the
    residual summed pair by pair; mgscope forms it from pair moments and sums it pair by pair
    only where those cancel), plain sum;
  * Green-Lagrange E = (FT F - I)/2, von Mises shear strain, volumetric strain tr(E)/3;
  * degenerate atoms (fewer than 3 neighbors or |det Y| <= 1e-12 (sum |d0|^2)^3): 0, counted.

Everything is array code: no Python loop over atoms. The pair loop runs over chunks of pairs
(a few million at a time) only to bound memory; per-atom sums are np.bincount with weights.
A pair (i, j) listed once by query_pairs contributes the same outer products to atom i and to
atom j (the separation only changes sign), so X and Y need one product per unordered pair.

Reference box: orthogonal (cKDTree's periodic boxsize needs it). Current box: orthogonal or
triclinic (LAMMPS bounding-box convention). Input: plain LAMMPS text dumps with id type x y z
(x y z wrapped), first frame of each file.

Output: D2min per atom in increasing id order as .npy (float64); with --strain-out also an .npy
with columns von Mises shear strain, volumetric strain. Phase timings go to stderr
(--timings FILE also writes them as JSON).

Usage: d2min_numpy.py REF.dump CUR.dump OUT.npy [--cutoff 5.0] [--strain-out S.npy]
"""
import argparse
import json
import sys
import time

import numpy as np
from scipy.spatial import cKDTree


def read_dump(path):
    """First frame: (ids, positions (N,3), H (3x3, cell vectors as columns), origin, triclinic)."""
    with open(path) as f:
        head = [f.readline() for _ in range(9)]
    if not head[0].startswith("ITEM: TIMESTEP") or not head[4].startswith("ITEM: BOX BOUNDS"):
        sys.exit(f"d2min_numpy: {path}: not a LAMMPS text dump")
    n = int(head[3])
    tri = "xy" in head[4].split()
    b = np.array([[float(v) for v in head[5 + k].split()] for k in range(3)])
    if tri:
        xy, xz, yz = b[0, 2], b[1, 2], b[2, 2]
        xlo = b[0, 0] - min(0.0, xy, xz, xy + xz)
        xhi = b[0, 1] - max(0.0, xy, xz, xy + xz)
        ylo = b[1, 0] - min(0.0, yz)
        yhi = b[1, 1] - max(0.0, yz)
        zlo, zhi = b[2, 0], b[2, 1]
    else:
        xy = xz = yz = 0.0
        (xlo, xhi), (ylo, yhi), (zlo, zhi) = b[0, :2], b[1, :2], b[2, :2]
    H = np.array([[xhi - xlo, xy, xz], [0.0, yhi - ylo, yz], [0.0, 0.0, zhi - zlo]])
    origin = np.array([xlo, ylo, zlo])
    cols = head[8].split()[2:]
    try:
        use = [cols.index(c) for c in ("id", "x", "y", "z")]
    except ValueError:
        sys.exit(f"d2min_numpy: {path}: needs columns id x y z, found {cols}")
    data = np.loadtxt(path, skiprows=9, max_rows=n, usecols=use)
    if data.shape != (n, 4):
        sys.exit(f"d2min_numpy: {path}: expected {n} atom rows, read {data.shape[0]}")
    ids = data[:, 0].astype(np.int64)
    order = np.argsort(ids, kind="stable")
    return ids[order], data[order, 1:4], H, origin, tri


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reference")
    ap.add_argument("current")
    ap.add_argument("out", help="D2min per atom (id order), .npy")
    ap.add_argument("--cutoff", type=float, default=5.0)
    ap.add_argument("--strain-out", help=".npy with columns shear (von Mises), volumetric strain")
    ap.add_argument("--chunk", type=int, default=4_000_000, help="pairs per chunk (memory bound)")
    ap.add_argument("--timings", help="write the phase timings as JSON to this file")
    a = ap.parse_args()

    t = {}
    t_start = time.perf_counter()
    tic = t_start

    def lap(name):
        nonlocal tic
        now = time.perf_counter()
        t[name] = now - tic
        tic = now

    # ---------------------------------------------------------------- read
    ids_r, x_r, H_r, o_r, tri_r = read_dump(a.reference)
    ids_c, x_c, H_c, o_c, _ = read_dump(a.current)
    if tri_r or H_r[0, 1] or H_r[0, 2] or H_r[1, 2]:
        sys.exit("d2min_numpy: the reference box must be orthogonal (cKDTree boxsize)")
    if len(ids_r) != len(ids_c) or not np.array_equal(ids_r, ids_c):
        sys.exit("d2min_numpy: the two frames do not hold the same atom ids")
    n = len(ids_r)
    lap("read")

    # ---------------------------------------------------------------- displacements
    L = np.diag(H_r).copy()
    s_r = (x_r - o_r) / L
    s_r -= np.floor(s_r)                         # wrapped reduced reference coordinates
    s_c = (x_c - o_c) @ np.linalg.inv(H_c).T
    ds = s_c - s_r
    ds -= np.round(ds)                           # minimum image on reduced coordinates
    del s_c, x_c
    lap("displacements")

    # ---------------------------------------------------------------- neighbors (reference)
    p_r = s_r * L
    p_r[p_r >= L] = 0.0                          # cKDTree needs 0 <= x < boxsize
    tree = cKDTree(p_r, boxsize=L)
    pairs = tree.query_pairs(a.cutoff, output_type="ndarray")   # i < j, each pair once
    del tree
    npairs = len(pairs)
    lap("neighbors")

    # ---------------------------------------------------------------- X, Y, counts
    # Per pair: s0 = s_j - s_i (min image), d0 = H_r s0, d = H_c (s0 + ds_j - ds_i). The outer
    # products d d0T and d0 d0T are the same for (i,j) and (j,i), so one bincount over both ends.
    count = (np.bincount(pairs[:, 0], minlength=n) + np.bincount(pairs[:, 1], minlength=n))
    X = np.zeros((n, 9))
    Y = np.zeros((n, 6))                         # xx yy zz xy xz yz (symmetric)
    S0 = np.zeros(n)
    sym = ((0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2))

    def pair_vectors(pi, pj):
        s0 = s_r[pj] - s_r[pi]
        s0 -= np.round(s0)
        d0 = s0 * L
        d = (s0 + ds[pj] - ds[pi]) @ H_c.T
        return d0, d

    for b in range(0, npairs, a.chunk):
        pi, pj = pairs[b:b + a.chunk, 0], pairs[b:b + a.chunk, 1]
        both = np.concatenate([pi, pj])
        d0, d = pair_vectors(pi, pj)
        for r in range(3):
            for c in range(3):
                w = d[:, r] * d0[:, c]
                X[:, 3 * r + c] += np.bincount(both, np.concatenate([w, w]), minlength=n)
        for k, (r, c) in enumerate(sym):
            w = d0[:, r] * d0[:, c]
            Y[:, k] += np.bincount(both, np.concatenate([w, w]), minlength=n)
        w = np.einsum("ij,ij->i", d0, d0)
        S0 += np.bincount(both, np.concatenate([w, w]), minlength=n)
    lap("sums X Y")

    # ---------------------------------------------------------------- F = X Y^-1
    Ym = np.empty((n, 3, 3))
    for k, (r, c) in enumerate(sym):
        Ym[:, r, c] = Y[:, k]
        Ym[:, c, r] = Y[:, k]
    Xm = X.reshape(n, 3, 3)
    det = np.linalg.det(Ym)
    ok = (count >= 3) & (np.abs(det) > 1e-12 * S0 ** 3)
    F = np.zeros((n, 3, 3))
    # F Y = X  <=>  Y F^T = X^T (Y symmetric)
    F[ok] = np.transpose(np.linalg.solve(Ym[ok], np.transpose(Xm[ok], (0, 2, 1))), (0, 2, 1))
    del Xm, X, Y, Ym
    lap("solve F")

    # ---------------------------------------------------------------- residuals
    Fflat = F.reshape(n, 9)
    d2 = np.zeros(n)
    for b in range(0, npairs, a.chunk):
        pi, pj = pairs[b:b + a.chunk, 0], pairs[b:b + a.chunk, 1]
        d0, d = pair_vectors(pi, pj)
        # atom i: |d - F_i d0|^2 ; atom j: |(-d) - F_j (-d0)|^2 = |d - F_j d0|^2
        for end, F_end in ((pi, Fflat[pi]), (pj, Fflat[pj])):
            res = d - np.einsum("pab,pb->pa", F_end.reshape(-1, 3, 3), d0)
            d2 += np.bincount(end, np.einsum("ij,ij->i", res, res), minlength=n)
    d2[~ok] = 0.0
    lap("residuals")

    # ---------------------------------------------------------------- strain
    E = 0.5 * (np.einsum("pki,pkj->pij", F, F) - np.eye(3))
    E[~ok] = 0.0
    exx, eyy, ezz = E[:, 0, 0], E[:, 1, 1], E[:, 2, 2]
    shear = np.sqrt(E[:, 0, 1] ** 2 + E[:, 0, 2] ** 2 + E[:, 1, 2] ** 2 +
                    ((exx - eyy) ** 2 + (exx - ezz) ** 2 + (eyy - ezz) ** 2) / 6.0)
    volumetric = (exx + eyy + ezz) / 3.0
    lap("strain")

    np.save(a.out, d2)
    if a.strain_out:
        np.save(a.strain_out, np.column_stack([shear, volumetric]))
    lap("write")
    t["total"] = time.perf_counter() - t_start
    t["compute"] = t["total"] - t["read"] - t["write"]

    flagged = int(np.count_nonzero(~ok))
    print(f"d2min_numpy: {n} atoms, {npairs} pairs ({2 * npairs / n:.2f} neighbors/atom), "
          f"cutoff {a.cutoff} Å; D2min mean {d2.mean():.6g} Å^2, max {d2.max():.6g}; mean shear "
          f"strain {shear.mean():.6g}, mean volumetric {volumetric.mean():.6g}; degenerate {flagged}",
          file=sys.stderr)
    print("d2min_numpy: seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in t.items()), file=sys.stderr)
    if a.timings:
        with open(a.timings, "w") as f:
            json.dump({"atoms": n, "pairs": int(npairs), **t}, f)


if __name__ == "__main__":
    main()
