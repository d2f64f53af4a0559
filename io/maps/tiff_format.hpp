#pragma once
// The text conventions of TIFF descriptions that carry a pixel size: ImageJ's ("ImageJ=1.54f\n
// unit=nm\n...", with XResolution in pixels per that unit) and mgscope's own, which states the
// exact size because XResolution is stored through a 32-bit float.
#include <optional>
#include <string>

namespace mgs::io::maps {

// Å per unit of an ImageJ description's `unit=` line (nm, micron, µm, Å, ...); nullopt when the
// description is not ImageJ's or its unit is not a length (e.g. "pixel").
std::optional<double> imagej_unit(const std::string& description);

// The description write_tiff_map puts in its files, and the pixel size (Å) read back from one.
std::string mgscope_description(double pixel_size);
std::optional<double> mgscope_pixel_size(const std::string& description);

}  // namespace mgs::io::maps
