#!/usr/bin/env python3
"""Compare per-atom Voronoi volumes (and face counts) of two LAMMPS-style dumps.

Used by voronoi_vs_lammps.sh to check that mgscope and LAMMPS agree; plain Python (no NumPy),
so it runs wherever the benchmark runs.

    compare_voronoi_dumps.py REFERENCE CANDIDATE [--tol 1e-6] [--label TEXT]

Each file is read up to the end of its first frame. Atoms are matched by id (LAMMPS with 2
ranks writes them in rank order). Volume columns recognised: voronoi_volume, c_vor[1];
face-count columns: voronoi_coordination, c_vor[2] (or pass --vol-col / --cnt-col as
"REFCOL,CANDCOL").

Prints one line:
    LABEL: atoms N, max rel |dV| X (id I), mean rel |dV| Y, > tol: K, face-count mismatches M,
    sum V / box V - 1: ref R, cand C
and exits 0 when every atom matches within --tol (relative) and both volume sums equal the box
volume within 1e-6, 1 when the volumes disagree, 2 on unreadable input. Face-count mismatches are
reported but do not fail the check (degenerate, near-zero-area faces may be counted differently).
"""
import argparse
import sys

VOL_COLS = ("voronoi_volume", "c_vor[1]")
CNT_COLS = ("voronoi_coordination", "c_vor[2]")


class DumpError(Exception):
    pass


def box_volume(bounds_line, lines):
    """Volume of a LAMMPS dump box from its three BOX BOUNDS lines (orthogonal or triclinic)."""
    lo, hi, tilt = [], [], []
    for ln in lines:
        parts = ln.split()
        lo.append(float(parts[0]))
        hi.append(float(parts[1]))
        tilt.append(float(parts[2]) if len(parts) > 2 else 0.0)
    if "xy" in bounds_line.split():
        xy, xz, yz = tilt
        # bounding box -> restricted triclinic box (as read_dump.cpp does)
        lo[0] -= min(0.0, xy, xz, xy + xz)
        hi[0] -= max(0.0, xy, xz, xy + xz)
        lo[1] -= min(0.0, yz)
        hi[1] -= max(0.0, yz)
    return (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2])


def read_dump(path, vol_col=None, cnt_col=None):
    """Return (volumes by id, counts by id or None, box volume) of the first frame of a dump."""
    with open(path, "r") as f:
        natoms = None
        vbox = None
        while True:
            line = f.readline()
            if not line:
                raise DumpError(f"{path}: no 'ITEM: ATOMS' section")
            if line.startswith("ITEM: NUMBER OF ATOMS"):
                natoms = int(f.readline())
            elif line.startswith("ITEM: BOX BOUNDS"):
                vbox = box_volume(line, [f.readline() for _ in range(3)])
            elif line.startswith("ITEM: ATOMS"):
                cols = line.split()[2:]
                break
        if natoms is None or vbox is None:
            raise DumpError(f"{path}: header lacks NUMBER OF ATOMS or BOX BOUNDS")
        if "id" not in cols:
            raise DumpError(f"{path}: no id column in {' '.join(cols)}")
        vc = vol_col or next((c for c in VOL_COLS if c in cols), None)
        cc = cnt_col or next((c for c in CNT_COLS if c in cols), None)
        if vc is None or vc not in cols:
            raise DumpError(f"{path}: no volume column ({' or '.join(VOL_COLS)}) in {' '.join(cols)}")
        i_id, i_v = cols.index("id"), cols.index(vc)
        i_c = cols.index(cc) if cc in cols else None
        vols, cnts = {}, ({} if i_c is not None else None)
        for _ in range(natoms):
            parts = f.readline().split()
            if not parts:
                raise DumpError(f"{path}: frame ends before {natoms} atoms")
            aid = int(parts[i_id])
            vols[aid] = float(parts[i_v])
            if i_c is not None:
                cnts[aid] = int(float(parts[i_c]))
        if len(vols) != natoms:
            raise DumpError(f"{path}: {natoms - len(vols)} duplicate atom ids")
    return vols, cnts, vbox


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("reference")
    ap.add_argument("candidate")
    ap.add_argument("--tol", type=float, default=1e-6, help="max relative volume difference")
    ap.add_argument("--label", default=None)
    ap.add_argument("--vol-col", default=None, help="REFCOL,CANDCOL")
    ap.add_argument("--cnt-col", default=None, help="REFCOL,CANDCOL")
    a = ap.parse_args()
    label = a.label or f"{a.reference} vs {a.candidate}"
    vcols = a.vol_col.split(",") if a.vol_col else [None, None]
    ccols = a.cnt_col.split(",") if a.cnt_col else [None, None]
    try:
        rv, rc, rbox = read_dump(a.reference, vcols[0], ccols[0])
        cv, cc, cbox = read_dump(a.candidate, vcols[1], ccols[1])
    except (OSError, ValueError, IndexError, DumpError) as e:
        print(f"{label}: ERROR {e}")
        return 2
    if rv.keys() != cv.keys():
        missing = len(rv.keys() - cv.keys())
        extra = len(cv.keys() - rv.keys())
        print(f"{label}: ERROR atom ids differ ({missing} missing from candidate, {extra} extra)")
        return 1
    worst, worst_id, total, over = 0.0, None, 0.0, 0
    for aid, v in rv.items():
        d = abs(cv[aid] - v) / abs(v) if v != 0.0 else abs(cv[aid])
        total += d
        if d > a.tol:
            over += 1
        if d > worst or worst_id is None:
            worst, worst_id = d, aid
    nface = "n/a"
    if rc is not None and cc is not None:
        nface = sum(1 for aid, n in rc.items() if cc[aid] != n)
    rsum = sum(rv.values()) / rbox - 1.0
    csum = sum(cv.values()) / cbox - 1.0
    ok = over == 0 and abs(rsum) < 1e-6 and abs(csum) < 1e-6
    print(f"{label}: atoms {len(rv)}, max rel |dV| {worst:.3e} (id {worst_id}), "
          f"mean rel |dV| {total / len(rv):.3e}, > {a.tol:g}: {over}, "
          f"face-count mismatches {nface}, sum V / box V - 1: ref {rsum:.2e}, cand {csum:.2e}"
          f"{'' if ok else '  <-- DISAGREE'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
