"""The time-averaged grids (bin and coarse_grain with time_average) equal the per-bin mean over
the frames of the per-frame grids, computed by numpy from the per-frame npy files (NaN, e.g. an
empty bin's mean, left out of a bin's average).

usage: check_time_average.py NPY_FOLDER FRAMES GRID_NAME_PAIR [...]
       pairs as per_grid:averaged_grid, e.g. per_count:avg_count
"""
import glob
import sys
import warnings

import numpy as np

d, frames, pairs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for pair in pairs:
    per, avg = pair.split(":")
    files = sorted(glob.glob(f"{d}/{per}_[0-9]*.npy"))
    assert len(files) == frames, (per, len(files))
    stack = np.stack([np.load(f) for f in files])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN bins stay NaN
        ref = np.nanmean(stack, axis=0)
    got = np.load(f"{d}/{avg}_final.npy")
    assert got.shape == ref.shape, (got.shape, ref.shape)
    assert np.array_equal(np.isnan(got), np.isnan(ref)), pair
    ok = ~np.isnan(ref)
    assert np.allclose(got[ok], ref[ok], rtol=1e-12, atol=1e-15), (pair, np.abs(got - ref).max())
    assert not glob.glob(f"{d}/{avg}_[0-9]*.npy"), "averaged grids are written only at the end"
print("ok", len(pairs), "averages over", frames, "frames")
