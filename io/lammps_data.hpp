#pragma once
// Reader for LAMMPS data files (the read_data format, as written by write_data or by hand).
//
// A data file says nothing about boundaries; LAMMPS takes them from the input script. The reader
// assumes periodic boundaries in all three directions (frame.boundary = {"pp", "pp", "pp"}).
#include <optional>
#include <string>
#include <vector>

#include "engine/frame.hpp"

namespace mgs::io {

struct DataFile {
  // Atoms sorted by id, positions wrapped into the cell, image = file image flags + wrap shift
  // (so that unwrapped positions are those of the file). has_image is true when the Atoms lines
  // carried image flags. Style-specific columns are kept as input columns: "q" (charge), "mol"
  // (molecule id), "diameter", "density", "mux", "muy", "muz". type_names is filled from the
  // "# Cu" comments of the Masses section or from an "Atom Type Labels" section, and left empty
  // when the file names no type. timestep and units come from the write_data title line.
  Frame frame;
  std::vector<std::optional<double>> masses;  // index = type (index 0 unused), from Masses
  std::vector<Vec3> velocities;               // same order as frame; empty without Velocities
  std::string atom_style;                     // the style used to read the Atoms section
};

// Reads the data file at `path`; gzip-compressed files are read transparently.
// `atom_style`: "" = the style named by the "Atoms # <style>" comment, else "atomic". Supported:
// atomic, charge, bond, angle, molecular, full, sphere, dipole.
// Throws InputError (file, line, what was expected) for any malformed or inconsistent input.
DataFile read_lammps_data(const std::string& path, const std::string& atom_style = "");

}  // namespace mgs::io
