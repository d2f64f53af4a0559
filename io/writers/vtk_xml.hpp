#pragma once
// VTK XML files (ParaView, VTK readers) with every array in one raw appended block
// (byte_order LittleEndian, header_type UInt64: each array is its byte count, then its bytes).
#include <string>

#include "io/writers/binary.hpp"

namespace mgs::io {

class VtkXml {
 public:
  // `type`: the VTK type name ("Float64", "Int64", "Int32", "UInt8").
  // Returns the <DataArray .../> element and queues the bytes in the appended block.
  template <class T>
  std::string array(const std::string& name, const char* type, int components, const T* data,
                    std::size_t n) {
    std::string bytes;
    append_bytes(bytes, data, n);
    return add(name, type, components, bytes);
  }
  // The whole file around `body` (the dataset element and its content).
  std::string file(const std::string& dataset_type, const std::string& body) const;

 private:
  std::string add(const std::string& name, const char* type, int components,
                  const std::string& bytes);
  std::string appended_;
};

// Text safe inside an XML attribute.
std::string xml_escape(const std::string& s);

// A ParaView collection (.pvd) of `files` (relative names) at the given times.
std::string pvd_file(const std::vector<std::pair<double, std::string>>& files);

}  // namespace mgs::io
