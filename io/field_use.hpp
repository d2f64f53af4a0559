#pragma once
// The per-atom columns a run file uses (see engine/field_use.hpp).
#include "engine/field_use.hpp"
#include "io/config.hpp"

namespace mgs::io {

// The columns the outputs write (every one when an output writes all by default) and every
// string in any analyzer's parameters, defaults included: a column a later analyzer reads is
// named there (stz's "field", bin's "fields", ...). Over-counting only costs time; a column
// missed would be missing from the run, so anything that may name one counts.
FieldUse used_fields(const RunConfig& cfg);

}  // namespace mgs::io
