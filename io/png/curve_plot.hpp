#pragma once
// Line plots of tables (g(r), C(r), VDOS, ...) and histograms of per-atom fields.
#include <string>
#include <vector>

#include "engine/field.hpp"
#include "io/png/font.hpp"
#include "io/png/image.hpp"

namespace mgs::io {

struct Series {
  std::string name;
  std::vector<double> y;
};

// Curves against one x: panels stacked top to bottom sharing the x axis, each with its lines
// and a legend when it has more than one.
struct CurvePlot {
  std::string title, subtitle;
  std::string x_label;
  std::vector<double> x;
  std::vector<std::vector<Series>> panels;
  std::vector<std::string> y_labels;  // one per panel
};

// A table as curves: x = the first column, every other column a line. Columns share a panel
// when they share a name prefix ("g_CuCu", "g_total"; "cn_...") or their magnitudes are within
// a factor 3 of each other (and their names end in the same unit, "_THz"); otherwise (g and g/ν² of
// a VDOS, g and cn of an RDF) each group gets its own panel, so no curve is flattened by another's
// scale.
CurvePlot table_plot(const Table& t, const std::string& title, const std::string& subtitle);

Image draw_curves(const CurvePlot& plot, const Font& font);

// A histogram of the finite values: one bar per integer for integer fields spanning at most 60
// values, else about 2 n^(1/3) equal bins (10 to 80). `label` names the x axis.
// The subtitle is `when` followed by the count, mean, std, min and max.
Image draw_histogram(const std::vector<double>& values, bool integer, const std::string& label,
                     const std::string& title, const std::string& when, const Font& font);

}  // namespace mgs::io
