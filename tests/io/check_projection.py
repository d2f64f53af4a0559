"""An independent numpy projection of a LAMMPS dump frame to a HAADF-like map, compared with
mgscope's projection output as numpy reads it (npy) and as a CSV matrix (csv_grids).

The reference sums, for every atom image r + i*a + j*b + k*c (|i|, |j|, |k| <= 2) whose z lies
in the slab, a Gaussian probe integrated over each pixel of the rectangle [0, lx) x [0, ly)
(erf differences, no cut-off, no wrapping: the images do it), weighted by Z^n. mgscope cuts the
probe at 4 sigma and renormalises, so the maps agree to ~1e-4 of the mean intensity.

usage: check_projection.py DUMP FOLDER LABEL THICKNESS FWHM PIXEL EXPONENT
prints "ok <max relative difference>" or fails with an assertion.
"""
import math
import sys

import numpy as np

dump, folder, label = sys.argv[1:4]
thickness, fwhm, pixel, exponent = (float(x) for x in sys.argv[4:8])

with open(dump) as f:
    lines = f.read().splitlines()
n = int(lines[3])
bounds = [list(map(float, lines[5 + k].split())) for k in range(3)]
tilt = [b[2] if len(b) > 2 else 0.0 for b in bounds]
xy, xz, yz = tilt
# LAMMPS: the BOX BOUNDS of a tilted cell are the bounding box; undo it.
xlo = bounds[0][0] - min(0.0, xy, xz, xy + xz)
xhi = bounds[0][1] - max(0.0, xy, xz, xy + xz)
ylo = bounds[1][0] - min(0.0, yz)
yhi = bounds[1][1] - max(0.0, yz)
zlo, zhi = bounds[2][0], bounds[2][1]
cols = lines[8].split()[2:]
atoms = np.array([list(map(float, l.split())) for l in lines[9:9 + n]])
types = atoms[:, cols.index("type")].astype(int)
pos = atoms[:, [cols.index("x"), cols.index("y"), cols.index("z")]] - [xlo, ylo, zlo]
a = np.array([xhi - xlo, 0, 0])
b = np.array([xy, yhi - ylo, 0])
c = np.array([xz, yz, zhi - zlo])
lx, ly, lz = a[0], b[1], c[2]
weight = np.where(types == 1, 29.0, 40.0) ** exponent

nu, nv = max(1, round(lx / pixel)), max(1, round(ly / pixel))
pu, pv = lx / nu, ly / nv
sigma = fwhm / (2 * math.sqrt(2 * math.log(2)))
lo, hi = 0.5 * lz - 0.5 * thickness, 0.5 * lz + 0.5 * thickness
erf = np.vectorize(math.erf)
edges_u = np.arange(nu + 1) * pu
edges_v = np.arange(nv + 1) * pv
ref = np.zeros((nv, nu))
shifts = range(-2, 3)
for k in shifts:
    for j in shifts:
        for i in shifts:
            p = pos + i * a + j * b + k * c
            keep = (p[:, 2] >= lo) & (p[:, 2] < hi)
            # Images farther than 5 sigma from the rectangle contribute nothing.
            keep &= (p[:, 0] > -5 * sigma) & (p[:, 0] < lx + 5 * sigma)
            keep &= (p[:, 1] > -5 * sigma) & (p[:, 1] < ly + 5 * sigma)
            if not keep.any():
                continue
            q, w = p[keep], weight[keep]
            s = math.sqrt(2) * sigma
            wu = np.diff(0.5 * erf((edges_u[None, :] - q[:, :1]) / s), axis=1)
            wv = np.diff(0.5 * erf((edges_v[None, :] - q[:, 1:2]) / s), axis=1)
            ref += np.einsum("a,av,au->vu", w, wv, wu)

npy = np.load(f"{folder}/npy/{label}_map_000000.npy")  # arr[i, j]: i along x (u), j along y (v)
assert npy.shape == (nu, nv), (npy.shape, nu, nv)
csv = np.loadtxt(f"{folder}/csv/{label}_map_000000.csv", delimiter=",")
assert csv.shape == (nv, nu), csv.shape
assert np.array_equal(csv, npy.T), "csv and npy differ"
scale = ref.mean()
diff = np.abs(npy.T - ref).max() / scale
assert diff < 1e-3, f"max |mgscope - reference| = {diff:.3g} of the mean"
contrast = np.load(f"{folder}/npy/{label}_contrast_000000.npy")
assert np.allclose(contrast.T, ref / ref.mean() - 1.0, atol=1e-3), "contrast differs"
print(f"ok {diff:.3g}")
