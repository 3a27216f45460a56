// edihub explain: every segment of an X12 file with its segment and element names, code
// meanings and the loop it belongs to (formats/explain.h), as an EDI platform's inspector
// shows them. Text: one line per segment, its non-empty elements indented below it.
// --json: one array, written one segment per line as the file streams (so a file of any
// size is explained in bounded memory and the output is still one JSON document).
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "formats/explain.h"
#include "hub/cli/commands.h"
#include "hub/config.h"
#include "hub/text_escape.h"

namespace edihub::hub {

namespace {

using nlohmann::ordered_json;

ordered_json value_json(const x12::ExplainedValue& v) {
  return {{"reference", v.reference}, {"number", v.number}, {"name", v.name}, {"value", v.value}, {"meaning", v.meaning}};
}

ordered_json segment_json(const x12::ExplainedSegment& s) {
  ordered_json elements = ordered_json::array();
  for (const auto& e : s.elements) {
    ordered_json j = value_json(e);
    if (e.repetition) j["repetition"] = e.repetition;
    if (!e.composite.empty()) j["composite"] = e.composite;
    if (!e.components.empty()) {
      ordered_json components = ordered_json::array();
      for (const auto& c : e.components) components.push_back(value_json(c));
      j["components"] = components;
    }
    elements.push_back(j);
  }
  return {{"segment", s.number}, {"position", s.position}, {"set", s.set_id}, {"tag", s.tag},   {"name", s.name},
          {"loop", s.loop},      {"raw", s.raw},           {"elements", elements}};
}

// "ST = Ship To", or the value alone; an ISA field without its padding.
std::string value_text(const x12::ExplainedValue& v) {
  const std::string value = escape_controls(v.value.substr(0, v.value.find_last_not_of(' ') + 1));
  return v.meaning.empty() ? value : fmt::format("{} = {}", value, v.meaning);
}

void print_segment(const x12::ExplainedSegment& s, std::ostream& out) {
  std::string line = fmt::format("{:>6}  {:<4} {}", s.number, s.tag, s.name.empty() ? "(unknown segment)" : s.name);
  if (s.position) line += fmt::format(" · {} #{}", s.set_id, s.position);
  if (!s.loop.empty()) line += (s.loop.find("envelope") == std::string::npos ? " · loop " : " · ") + s.loop;
  out << escape_controls(line) << '\n';
  // Blank values (empty, or an ISA field of padding) carry nothing to read.
  auto blank = [](const std::string& value) { return value.find_first_not_of(' ') == std::string::npos; };
  for (const auto& e : s.elements) {
    if (blank(e.value)) continue;
    std::string reference = e.repetition ? fmt::format("{}[{}]", e.reference, e.repetition) : e.reference;
    const std::string& id = e.composite.empty() ? e.number : e.composite;
    out << fmt::format("          {:<9} {:<5} {:<44} {}\n", reference, id, e.name, value_text(e));
    for (const auto& c : e.components) {
      if (blank(c.value)) continue;
      out << fmt::format("            {:<9} {:<5} {:<42} {}\n", c.reference, c.number, c.name, value_text(c));
    }
  }
}

}  // namespace

int command_explain(const ExplainOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<Config> config;
  if (!options.config_dir.empty()) config = Config::load(options.config_dir);
  std::ifstream in(options.file, std::ios::binary);
  if (!in) {
    err << options.file << ": cannot open: " << std::strerror(errno) << "\n";
    return 2;
  }
  const x12::SchemaResolver schemas = config ? config->partners.schema_resolver() : x12::SchemaResolver{};
  std::size_t count = 0;
  if (options.json) out << "[";
  try {
    x12::explain_x12(
        in,
        [&](const x12::ExplainedSegment& segment) {
          if (options.json) out << (count ? ",\n" : "\n") << dump_json(segment_json(segment));
          else print_segment(segment, out);
          ++count;
        },
        schemas);
  } catch (const x12::UnusableInput& e) {
    if (options.json) out << "\n]\n";
    err << options.file << ": unusable input at segment " << e.segment << ", byte " << e.byte_offset << ": "
        << escape_controls(e.what()) << "\n";
    return 2;
  }
  if (options.json) out << "\n]\n";
  return 0;
}

}  // namespace edihub::hub
