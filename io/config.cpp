#include "io/config.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/errors.hpp"
#include "engine/params.hpp"
#include "engine/reference.hpp"
#include "engine/registry.hpp"
#include "io/maps/map_read.hpp"
#include "io/potential_files.hpp"

namespace mgs::io {

namespace {

using json = nlohmann::json;

// A SAX handler that accepts everything and records the first error with its byte offset, which
// json::parse does not give for every error (out_of_range: a number too large for a double).
struct ErrorLocator : nlohmann::json_sax<json> {
  bool found = false;
  std::size_t byte = 0;
  std::string what;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    found = true;
    byte = position;
    what = e.what();
    return false;
  }
};

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
  const std::filesystem::path path(p);
  return path.is_absolute() ? path : base / path;
}

const std::vector<ParamSpec>& top_specs() {
  static const std::vector<ParamSpec> specs{
      ParamSpec("input", ParamKind::Object, nullptr, "", "what to read"),
      ParamSpec("analyzers", ParamKind::Array, nullptr, "", "analyzers to run, in order"),
      ParamSpec("outputs", ParamKind::Array, json::array(), "", "files to write"),
      ParamSpec("threads", ParamKind::Integer, 0, "", "worker threads (0: all cores)").at_least(0),
      ParamSpec("$schema", ParamKind::String, nullptr, "", "JSON schema reference (ignored)")
          .optional(),
      ParamSpec("description", ParamKind::String, nullptr, "", "free text (ignored)").optional(),
  };
  return specs;
}

const std::vector<ParamSpec>& input_specs() {
  static const std::vector<ParamSpec> specs{
      ParamSpec("path", ParamKind::Any, nullptr, "", "a file, a glob pattern, or a list of them"),
      ParamSpec("format", ParamKind::String, "", "",
                "lammps_dump or lammps_data (default: from the name)")
          .one_of({"", "lammps_dump", "lammps_data"}),
      ParamSpec("frames", ParamKind::Object, json::object(), "",
                "frame selection {start, stop, step}"),
      ParamSpec("types", ParamKind::Object, json::object(), "",
                "per type: {element, mass, radius}"),
  };
  return specs;
}

const std::vector<ParamSpec>& frame_specs() {
  static const std::vector<ParamSpec> specs{
      ParamSpec("start", ParamKind::Integer, 0, "", "first frame (0-based)").at_least(0),
      ParamSpec("stop", ParamKind::Integer, nullptr, "", "stop before this frame (default: all)")
          .optional()
          .at_least(0),
      ParamSpec("step", ParamKind::Integer, 1, "", "take every step-th frame").at_least(1),
  };
  return specs;
}

const std::vector<ParamSpec>& type_specs() {
  static const std::vector<ParamSpec> specs{
      ParamSpec("element", ParamKind::String, nullptr, "", "element symbol").optional(),
      ParamSpec("mass", ParamKind::Number, nullptr, "g/mol", "atomic mass").optional().at_least(0),
      ParamSpec("radius", ParamKind::Number, nullptr, "Å", "atomic radius").optional().at_least(0),
  };
  return specs;
}

const std::vector<ParamSpec>& output_specs() {
  static const std::vector<ParamSpec> specs{
      ParamSpec("format", ParamKind::String, nullptr, "",
                "lammps_dump, csv, json, csv_tables, npy, vti, vtu or png"),
      ParamSpec("path", ParamKind::String, nullptr, "",
                "output file (relative to the run file); csv_tables, npy, vti, vtu, png: a folder "
                "that receives <label>_<table>.csv per table (e.g. rdf_g.csv), .npy arrays per "
                "frame, <label>_<frame>.vti grids, atoms_<frame>.vtu per-atom points, .png "
                "maps of grids, curves of tables and histograms of the listed fields"),
      ParamSpec(
          "fields", ParamKind::Array, json::array(), "",
          "per-atom columns to write (default: all; json: none, given ones are added per frame; "
          "png: histograms of the given ones, none by default)"),
      ParamSpec("column_prefix", ParamKind::String, "", "",
                "lammps_dump: prefix for field columns (\"c_\" lets ASE import them)"),
      ParamSpec("atom_arrays", ParamKind::Boolean, true, "",
                "npy: write id_, type_ and position_ arrays per frame (false: only the fields, "
                "which are in increasing id order in every frame)"),
  };
  return specs;
}

InputSpec parse_input(const json& in, const std::filesystem::path& base,
                      std::vector<TypeInfo>& types) {
  const json v = validate_params(in, input_specs(), "input");
  InputSpec spec;
  const json& p = v["path"];
  if (p.is_string()) {
    spec.paths.push_back(resolve(base, p.get<std::string>()).string());
  } else if (p.is_array() && !p.empty()) {
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!p[i].is_string())
        throw ConfigError(fmt::format("input.path[{}]", i), "expected a string");
      spec.paths.push_back(resolve(base, p[i].get<std::string>()).string());
    }
  } else {
    throw ConfigError("input.path", "expected a file name, a glob pattern or a non-empty list");
  }
  spec.format = v["format"].get<std::string>();
  const json f = validate_params(v["frames"], frame_specs(), "input.frames");
  spec.frames.start = f["start"].get<std::size_t>();
  spec.frames.step = f["step"].get<std::size_t>();
  if (f.contains("stop")) spec.frames.stop = f["stop"].get<std::size_t>();
  for (const auto& [key, value] : v["types"].items()) {
    const std::string path = "input.types." + key;
    const std::size_t t = type_number(key);
    if (t == 0) throw ConfigError(path, "expected an atom type number >= 1 as key");
    const json tv = validate_params(value, type_specs(), path);
    if (types.size() <= t) types.resize(t + 1);
    if (tv.contains("element")) types[t].element = tv["element"].get<std::string>();
    if (tv.contains("mass")) types[t].mass = tv["mass"].get<double>();
    if (tv.contains("radius")) types[t].radius = tv["radius"].get<double>();
  }
  spec.type_elements.resize(types.size());
  for (std::size_t t = 0; t < types.size(); ++t) spec.type_elements[t] = types[t].element;
  return spec;
}

// A potential file as LAMMPS finds it: the path as given (relative to the run file here), else
// the bare name in the folder $LAMMPS_POTENTIALS names.
std::filesystem::path potential_file(const std::filesystem::path& base, const std::string& given) {
  const std::filesystem::path p = resolve(base, given).lexically_normal();
  std::error_code ec;
  if (std::filesystem::exists(p, ec)) return p;
  const char* dir = std::getenv("LAMMPS_POTENTIALS");
  if (dir && *dir) {
    const std::filesystem::path alt =
        std::filesystem::path(dir) / std::filesystem::path(given).filename();
    if (std::filesystem::exists(alt, ec)) return alt;
  }
  return p;
}

}  // namespace

RunContext run_context(const std::vector<TypeInfo>& types) {
  return RunContext{types, potential_loader(), map_loader()};
}

RunConfig parse_run_config(const json& doc, const std::filesystem::path& base_dir,
                           const std::filesystem::path& file) {
  const json top = validate_params(doc, top_specs(), "");
  RunConfig cfg;
  cfg.file = file;
  cfg.input = parse_input(top["input"], base_dir, cfg.types);
  cfg.threads = top["threads"].get<int>();
  const RunContext run = run_context(cfg.types);

  std::set<std::string> labels;
  const json& analyzers = top["analyzers"];
  for (std::size_t i = 0; i < analyzers.size(); ++i) {
    const std::string path = fmt::format("analyzers[{}]", i);
    const json& a = analyzers[i];
    if (!a.is_object()) throw ConfigError(path, "expected an object with a \"type\"");
    if (!a.contains("type") || !a["type"].is_string()) {
      throw ConfigError(path + ".type", "missing analyzer type (see `mgscope analyzers`)");
    }
    const std::string type = a["type"].get<std::string>();
    const AnalyzerSpec* spec = Registry::instance().find(type);
    if (!spec) {
      std::vector<std::string> names;
      for (const auto* s : Registry::instance().all()) names.push_back(s->name);
      const std::string near = closest_key(type, names);
      throw ConfigError(
          path + ".type",
          fmt::format("unknown analyzer \"{}\"{}", type,
                      near.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", near)));
    }
    AnalyzerConfig ac;
    ac.type = type;
    ac.json_path = path;
    ac.params = validate_params(a, spec->params, path, {"type", "label"});
    ac.params.erase("type");
    if (ac.params.contains("label")) {
      if (!ac.params["label"].is_string() || ac.params["label"].get<std::string>().empty()) {
        throw ConfigError(path + ".label", "expected a non-empty string");
      }
      ac.label = ac.params["label"].get<std::string>();
      ac.params.erase("label");
    } else {
      ac.label = type;
    }
    if (ac.label.find_first_of(" \t\n,") != std::string::npos) {
      throw ConfigError(path + ".label", "labels name output columns: no spaces or commas");
    }
    if (!labels.insert(ac.label).second) {
      throw ConfigError(
          path + ".label",
          fmt::format("label \"{}\" is used twice; give each instance its own label", ac.label));
    }
    if (ac.params.contains("reference")) {
      // Checked here for errors that name the JSON path; files relative to the run file.
      const ReferenceSpec ref = reference_spec_from(ac.params, path);
      if (!ref.path.empty()) ac.params["reference"]["path"] = resolve(base_dir, ref.path).string();
    }
    if (ac.params.contains("file") && ac.params.contains("style") &&
        ac.params["file"].is_string()) {
      ac.params["file"] = potential_file(base_dir, ac.params["file"].get<std::string>()).string();
    }
    if (ac.params.contains("experimental") && ac.params["experimental"].is_string()) {
      // A map file (compare_maps), relative to the run file.
      ac.params["experimental"] =
          resolve(base_dir, ac.params["experimental"].get<std::string>()).string();
    }
    // Construct once now so that parameter errors surface before any file is read.
    spec->make(ac.params, ac.label, run);
    cfg.analyzers.push_back(std::move(ac));
  }

  const json& outputs = top["outputs"];
  std::set<std::filesystem::path> out_paths;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string path = fmt::format("outputs[{}]", i);
    const json o = validate_params(outputs[i], output_specs(), path);
    OutputSpec spec;
    spec.format = o["format"].get<std::string>();
    const auto& formats = output_formats();
    if (std::find(formats.begin(), formats.end(), spec.format) == formats.end()) {
      const std::string near = closest_key(spec.format, formats);
      throw ConfigError(
          path + ".format",
          fmt::format("unknown output format \"{}\"{}; known: {}", spec.format,
                      near.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", near),
                      fmt::join(formats, ", ")));
    }
    spec.path = std::filesystem::absolute(resolve(base_dir, o["path"].get<std::string>()))
                    .lexically_normal();
    spec.column_prefix = o["column_prefix"].get<std::string>();
    spec.atom_arrays = o["atom_arrays"].get<bool>();
    for (const auto& f : o["fields"]) {
      if (!f.is_string()) throw ConfigError(path + ".fields", "expected a list of column names");
      spec.fields.push_back(f.get<std::string>());
    }
    if (!out_paths.insert(spec.path).second) {
      throw ConfigError(path + ".path", "two outputs write the same file");
    }
    for (const auto& in : cfg.input.paths) {
      std::error_code ec;
      if (std::filesystem::equivalent(in, spec.path, ec) ||
          std::filesystem::absolute(in).lexically_normal() == spec.path) {
        throw ConfigError(path + ".path",
                          fmt::format("refusing to overwrite the input file {}", in));
      }
    }
    cfg.outputs.push_back(std::move(spec));
  }
  return cfg;
}

namespace {

json schema_of(const ParamSpec& p) {
  json s;
  switch (p.kind) {
    case ParamKind::Number:
      s["type"] = "number";
      break;
    case ParamKind::Integer:
      s["type"] = "integer";
      break;
    case ParamKind::Boolean:
      s["type"] = "boolean";
      break;
    case ParamKind::String:
      s["type"] = "string";
      break;
    case ParamKind::Object:
      s["type"] = "object";
      break;
    case ParamKind::Array:
      s["type"] = "array";
      break;
    case ParamKind::Any:
      break;
  }
  s["description"] = p.unit.empty() ? p.doc : p.doc + " [" + p.unit + "]";
  if (!p.default_value.is_null()) s["default"] = p.default_value;
  if (p.minimum) s["minimum"] = *p.minimum;
  if (p.maximum) s["maximum"] = *p.maximum;
  if (!p.choices.empty()) s["enum"] = p.choices;
  return s;
}

json object_schema(const std::vector<ParamSpec>& specs,
                   const json& extra_properties = json::object()) {
  json s = {{"type", "object"}, {"additionalProperties", false}};
  json props = extra_properties;
  json required = json::array();
  for (const auto& p : specs) {
    props[p.key] = schema_of(p);
    if (p.default_value.is_null() && !p.is_optional) required.push_back(p.key);
  }
  s["properties"] = props;
  if (!required.empty()) s["required"] = required;
  return s;
}

}  // namespace

json run_schema() {
  json top = object_schema(top_specs());
  top["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  top["title"] = "mgscope run file";
  json input = object_schema(input_specs());
  input["properties"]["path"] = {
      {"description", "a file, a glob pattern, or a list of them"},
      {"oneOf",
       json::array({{{"type", "string"}},
                    {{"type", "array"}, {"items", {{"type", "string"}}}, {"minItems", 1}}})}};
  input["properties"]["frames"] = object_schema(frame_specs());
  input["properties"]["types"] = {
      {"type", "object"},
      {"patternProperties", {{"^[1-9][0-9]*$", object_schema(type_specs())}}},
      {"additionalProperties", false}};
  top["properties"]["input"] = input;
  json variants = json::array();
  for (const auto* spec : Registry::instance().all()) {
    json a = object_schema(
        spec->params,
        {{"type", {{"const", spec->name}}},
         {"label",
          {{"type", "string"}, {"description", "names the output columns (default: the type)"}}}});
    a["required"].push_back("type");
    a["description"] = spec->doc;
    variants.push_back(a);
  }
  top["properties"]["analyzers"] = {{"type", "array"}, {"items", {{"oneOf", variants}}}};
  json output = object_schema(output_specs());
  output["properties"]["format"]["enum"] = output_formats();
  top["properties"]["outputs"] = {{"type", "array"}, {"items", output}};
  return top;
}

RunConfig load_run_config(const std::filesystem::path& path) {
  // An ifstream opens a directory without complaint and then reads nothing.
  if (std::filesystem::is_directory(path)) {
    throw InputError(path.string(), 0, "expected a run file (JSON), got a directory");
  }
  std::ifstream in(path);
  if (!in) {
    throw InputError(path.string(), 0,
                     fmt::format("cannot open the run file: {}", std::strerror(errno)));
  }
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& e) {
    // Not only parse_error: a number beyond the range of a double ("2e308") is an out_of_range
    // exception without a position. Parse the text again with a SAX handler that only records
    // where it fails, and turn nlohmann's byte offset into a line number for the user.
    std::ifstream again(path);
    std::stringstream ss;
    ss << again.rdbuf();
    const std::string text = ss.str();
    ErrorLocator where;
    json::sax_parse(text, &where);
    const std::size_t upto = std::min<std::size_t>(where.found ? where.byte : 0, text.size());
    const auto line =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(upto), '\n');
    const std::size_t line_start = text.rfind('\n', upto == 0 ? 0 : upto - 1);
    const std::size_t column =
        line_start == std::string::npos || upto == 0 ? upto : upto - line_start - 1;
    // nlohmann's text is "[json.exception.parse_error.101] parse error at line L, column C:
    // <what>" (keep the column and <what>, which say what was expected) or
    // "[json.exception.out_of_range.406] number overflow parsing '2e308'" (keep the part after
    // the tag).
    const std::string full = where.found ? where.what : e.what();
    const auto at = full.find(", column ");
    const auto colon = full.find(": ", at == std::string::npos ? 0 : at);
    const auto tag_end = full.find("] ");
    const std::string what =
        at != std::string::npos && colon != std::string::npos
            ? fmt::format("invalid JSON at column {}: {}", full.substr(at + 9, colon - at - 9),
                          full.substr(colon + 2))
        : tag_end != std::string::npos
            ? fmt::format("invalid JSON at column {}: {}", column, full.substr(tag_end + 2))
            : "invalid JSON: " + full;
    throw InputError(path.string(), line, what);
  }
  auto base = std::filesystem::absolute(path).parent_path();
  return parse_run_config(doc, base, path);
}

}  // namespace mgs::io
