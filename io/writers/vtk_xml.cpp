#include "io/writers/vtk_xml.hpp"

#include <fmt/format.h>

namespace mgs::io {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string VtkXml::add(const std::string& name, const char* type, int components,
                        const std::string& bytes) {
  const std::size_t offset = appended_.size();
  const std::uint64_t size = bytes.size();
  append_bytes(appended_, &size, 1);
  appended_ += bytes;
  return fmt::format(
      "<DataArray type=\"{}\" Name=\"{}\" NumberOfComponents=\"{}\" format=\"appended\" "
      "offset=\"{}\"/>\n",
      type, xml_escape(name), components, offset);
}

std::string VtkXml::file(const std::string& dataset_type, const std::string& body) const {
  std::string out = fmt::format(
      "<?xml version=\"1.0\"?>\n<VTKFile type=\"{}\" version=\"1.0\" byte_order=\"LittleEndian\" "
      "header_type=\"UInt64\">\n",
      dataset_type);
  out += body;
  out += "<AppendedData encoding=\"raw\">\n_";
  out += appended_;
  out += "\n</AppendedData>\n</VTKFile>\n";
  return out;
}

std::string pvd_file(const std::vector<std::pair<double, std::string>>& files) {
  std::string out =
      "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"1.0\">\n<Collection>\n";
  for (const auto& [time, name] : files) {
    out +=
        fmt::format("<DataSet timestep=\"{}\" part=\"0\" file=\"{}\"/>\n", time, xml_escape(name));
  }
  out += "</Collection>\n</VTKFile>\n";
  return out;
}

}  // namespace mgs::io
