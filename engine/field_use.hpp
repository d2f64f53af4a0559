#pragma once
// Which per-atom output columns a run uses: the ones its outputs write and the ones later
// analyzers may read. An analyzer may skip computing a field nobody uses (d2min's 9 components
// of F cost more than D²min itself when only D²min is written).
#include <set>
#include <string>
#include <utility>

namespace mgs {

class FieldUse {
 public:
  // Every column is used (the default: what an analyzer built outside a run file assumes).
  FieldUse() = default;
  // Only these columns ("<label>_<field>", e.g. d2min_value).
  static FieldUse only(std::set<std::string> columns) {
    FieldUse u;
    u.all_ = false;
    u.columns_ = std::move(columns);
    return u;
  }
  bool uses(const std::string& column) const { return all_ || columns_.count(column) > 0; }
  bool all() const { return all_; }

 private:
  bool all_ = true;
  std::set<std::string> columns_;
};

}  // namespace mgs
