#pragma once
// Running analyzers on in-memory frames, including against an in-memory reference frame.
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/registry.hpp"

namespace mgs::test {

// An analyzer of the registered `type` with the given run-file parameters (validated as
// analyzers[0] of a run file, defaults filled); the label is the type.
std::unique_ptr<Analyzer> make_analyzer(const std::string& type, const nlohmann::json& params,
                                        const RunContext& run = {});

// Runs `analyzers` on `current` (input frame number `current_index`), serving references from
// `inputs` (input frame k = inputs[k]).
std::vector<AnalyzerResult> compute_with_inputs(
    const Frame& current, std::size_t current_index, const std::vector<Frame>& inputs,
    const std::vector<std::unique_ptr<Analyzer>>& analyzers,
    const std::vector<TypeInfo>& types = {});

// The single analyzer's result for `current` against `reference` (input frames 0 and 1).
FrameResult compute_against(const Frame& current, const Frame& reference, const std::string& type,
                            const nlohmann::json& params);

// `f` deformed by the affine map A: cell A·h, positions A·r (re-wrapped into the new cell),
// i.e. what LAMMPS change_box ... remap does.
Frame deformed(const Frame& f, const Mat3& A);

// The grid field `name` of a result; fails the calling test when there is none.
const GridField& find_grid(const FrameResult& result, const std::string& name);

}  // namespace mgs::test
