"""numpy and VTK (python3-vtk9) read mgscope's npy, vti and vtu outputs back with the values of the
run, and an independent numpy binning of the atoms (fractional coordinates from the cell stored
in the vtu's FieldData) gives the same grids.

usage: check_grids.py FOLDER   (FOLDER holds atoms.csv and the npy/, vti/, vtu/ outputs of a run
       with a voronoi analyzer, a 3-D "bin" of voronoi_volume (mean, sum) and a 2-D "map"
       through the slab c in [0, 0.5))
"""
import csv
import sys

import numpy as np
import vtk
from vtk.util.numpy_support import vtk_to_numpy

d = sys.argv[1]


def read(reader_class, path):
    r = reader_class()
    r.SetFileName(path)
    r.Update()
    return r.GetOutput()


def array(data, name):
    a = data.GetArray(name)
    assert a is not None, f"no array {name}"
    return vtk_to_numpy(a)


# Per-atom: vtu == npy == csv (csv is an independent text writer; shortest round-trip digits).
ug = read(vtk.vtkXMLUnstructuredGridReader, d + "/vtu/atoms_000000.vtu")
pts = vtk_to_numpy(ug.GetPoints().GetData())
ids = array(ug.GetPointData(), "id")
vol = array(ug.GetPointData(), "voronoi_volume")
assert ug.GetNumberOfCells() == len(pts)
assert np.array_equal(np.load(d + "/npy/id_000000.npy"), ids)
assert np.array_equal(np.load(d + "/npy/position_000000.npy"), pts)
assert np.array_equal(np.load(d + "/npy/voronoi_volume_000000.npy"), vol)
assert np.array_equal(np.load(d + "/npy/voronoi_n5_000000.npy"), array(ug.GetPointData(), "voronoi_n5"))
assert np.load(d + "/npy/voronoi_n5_000000.npy").dtype == np.int64
rows = list(csv.DictReader(open(d + "/atoms.csv")))
assert [int(r["id"]) for r in rows] == ids.tolist()
assert np.array_equal(np.array([float(r["voronoi_volume"]) for r in rows]), vol)
assert np.array_equal(np.array([[float(r[c]) for c in "xyz"] for r in rows]), pts)
assert array(ug.GetFieldData(), "timestep")[0] == int(rows[0]["timestep"])

cell = array(ug.GetFieldData(), "cell")  # rows: a, b, c
origin = array(ug.GetFieldData(), "origin")[0]
assert abs(vol.sum() - abs(np.linalg.det(cell))) < 1e-9 * vol.sum()
s = np.linalg.solve(cell.T, (pts - origin).T).T
s -= np.floor(s)

# 3-D grid: vti == npy == numpy binning.
im = read(vtk.vtkXMLImageDataReader, d + "/vti/bin_000000.vti")
dims = im.GetDimensions()
count = np.load(d + "/npy/bin_count_000000.npy")
mean = np.load(d + "/npy/bin_voronoi_volume_mean_000000.npy")
total = np.load(d + "/npy/bin_voronoi_volume_sum_000000.npy")
assert count.shape == dims, (count.shape, dims)
for name, a in [("bin_count", count), ("bin_voronoi_volume_mean", mean), ("bin_voronoi_volume_sum", total)]:
    assert np.array_equal(array(im.GetPointData(), name).reshape(dims, order="F"), a), name
idx = np.minimum((s * dims).astype(int), np.array(dims) - 1)
ref_count = np.zeros(dims)
np.add.at(ref_count, tuple(idx.T), 1)
ref_sum = np.zeros(dims)
np.add.at(ref_sum, tuple(idx.T), vol)
assert np.array_equal(ref_count, count)
assert np.allclose(ref_sum, total, rtol=1e-12, atol=0)
assert np.allclose(ref_sum / ref_count, mean, rtol=1e-12, atol=0)
# VTK places grid point (i, j, k) at the centre of bin (i, j, k), tilt included (Direction).
for ijk in [(0, 0, 0), (dims[0] - 1, 1, dims[2] - 1)]:
    p = [0.0, 0.0, 0.0]
    im.TransformIndexToPhysicalPoint(ijk, p)
    centre = origin + cell.T @ ((np.array(ijk) + 0.5) / np.array(dims))
    assert np.allclose(p, centre, atol=1e-9), (ijk, p, centre)

# 2-D map through the slab c in [0, 0.5): shape (na, nb).
im2 = read(vtk.vtkXMLImageDataReader, d + "/vti/map_000000.vti")
dims2 = im2.GetDimensions()
assert dims2[2] == 1
m = np.load(d + "/npy/map_voronoi_volume_mean_000000.npy")
assert m.shape == dims2[:2], (m.shape, dims2)
assert np.array_equal(array(im2.GetPointData(), "map_voronoi_volume_mean").reshape(dims2[:2], order="F"), m)
inside = s[:, 2] < 0.5
idx2 = np.minimum((s[inside, :2] * dims2[:2]).astype(int), np.array(dims2[:2]) - 1)
ref2 = np.zeros(dims2[:2])
n2 = np.zeros(dims2[:2])
np.add.at(ref2, tuple(idx2.T), vol[inside])
np.add.at(n2, tuple(idx2.T), 1)
assert np.allclose(ref2 / n2, m, rtol=1e-12, atol=0)
print("ok", len(pts), "atoms, grids", dims, dims2)
