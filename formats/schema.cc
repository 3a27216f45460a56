#include "formats/schema.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <optional>
#include <initializer_list>
#include <set>

namespace edihub::x12 {

namespace detail {
// Generated at build time from formats/schemas/*.yaml (see CMakeLists.txt).
std::vector<std::pair<std::string, std::string>> builtin_schema_files();
}  // namespace detail

SchemaError::SchemaError(std::string file_name, int line_number, const std::string& message)
    : std::runtime_error(file_name + ":" + std::to_string(line_number) + ": " + message),
      file(std::move(file_name)),
      line(line_number) {}

const SegmentDef* Dictionary::segment(std::string_view tag) const {
  auto found = segments.find(tag);
  return found == segments.end() ? nullptr : &found->second;
}

struct SchemaLibrary::Impl {
  std::map<std::string, std::shared_ptr<Dictionary>, std::less<>> dictionaries;  // by version
  std::map<std::string, std::unique_ptr<TransactionSetSchema>, std::less<>> sets;  // "856/004010", "DESADV/D96A"
  // per standard: element number -> code -> meaning (code-names.yaml, edifact-code-names.yaml)
  using CodeNames = std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;
  CodeNames code_names, edifact_code_names;
};

namespace {

int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& message) {
  throw SchemaError(file, line_of(node), message);
}

std::string scalar(const std::string& file, const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar()) fail(file, node, what + " must be a single value");
  return node.Scalar();
}

void reject_unknown_keys(const std::string& file, const YAML::Node& map, std::initializer_list<std::string_view> known,
                         const std::string& what) {
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    fail(file, entry.first, "unknown key '" + key + "' in " + what + " (expected: " + list + ")");
  }
}

YAML::Node required(const std::string& file, const YAML::Node& map, const char* key, const std::string& what) {
  YAML::Node node = map[key];
  if (!node) fail(file, map, what + " lacks '" + key + "'");
  return node;
}

std::optional<std::uint32_t> to_number(std::string_view text) {
  std::uint32_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::uint32_t number(const std::string& file, const YAML::Node& node, const std::string& what) {
  auto value = to_number(scalar(file, node, what));
  if (!value) fail(file, node, what + " must be a whole number, not '" + node.Scalar() + "'");
  return *value;
}

// X12 writes M, O (and X for relational elements); EDIFACT M and C (conditional, which
// without a relation is optional).
Usage usage_of(const std::string& file, const YAML::Node& node, std::string_view text, bool relational_allowed,
               Standard standard) {
  if (text == "M") return Usage::Mandatory;
  if (standard == Standard::Edifact) {
    if (text == "C") return Usage::Optional;
    fail(file, node, "usage '" + std::string(text) + "' must be M or C");
  }
  if (text == "O") return Usage::Optional;
  if (text == "X" && relational_allowed) return Usage::Conditional;
  fail(file, node, "usage '" + std::string(text) + "' must be M or O" + (relational_allowed ? " or X" : ""));
}

bool is_version(std::string_view text) {
  return text.size() == 6 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// An EDIFACT directory ("D96A", "D01B") or service syntax version ("D3", "41"): UNH S009
// 0052 (at most 3) and 0054 (at most 3) run together.
bool is_edifact_version(std::string_view text) {
  return text.size() >= 2 && text.size() <= 6 &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); });
}

void check_version(const std::string& file, const YAML::Node& node, const std::string& version, Standard standard) {
  if (standard == Standard::X12 && !is_version(version)) {
    fail(file, node, "version '" + version + "' is not six digits such as \"004010\"");
  }
  if (standard == Standard::Edifact && !is_edifact_version(version)) {
    fail(file, node, "version '" + version + "' is not an EDIFACT directory such as \"D96A\" (UNH 0052 and 0054)");
  }
}

// `standard: edifact` in a dictionary or code names file; X12 when absent.
Standard standard_of(const std::string& file, const YAML::Node& root) {
  const YAML::Node node = root["standard"];
  if (!node) return Standard::X12;
  const std::string text = scalar(file, node, "standard");
  if (text == "edifact") return Standard::Edifact;
  if (text == "x12") return Standard::X12;
  fail(file, node, "standard '" + text + "' must be x12 or edifact");
}

// EDIFACT format "an..35" (variable, 1 to 35), "n3" (exactly 3), "a..3".
bool parse_edifact_format(std::string_view text, ElementDef& def) {
  std::size_t letters = 0;
  while (letters < text.size() && (text[letters] == 'a' || text[letters] == 'n')) ++letters;
  const std::string_view kind = text.substr(0, letters);
  if (kind == "a") def.type = ElementType::EdifactA;
  else if (kind == "an") def.type = ElementType::EdifactAN;
  else if (kind == "n") def.type = ElementType::EdifactN;
  else return false;
  std::string_view length = text.substr(letters);
  const bool variable = length.substr(0, 2) == "..";
  if (variable) length.remove_prefix(2);
  const auto max = to_number(length);
  if (!max || *max == 0) return false;
  def.max_length = *max;
  def.min_length = variable ? 1 : *max;
  return true;
}

// ---- dictionaries ----

// One entry as written: the file it is in and its YAML node (which knows its line).
struct Entry {
  const std::string* file = nullptr;
  YAML::Node node;
};
using Entries = std::map<std::string, Entry>;

struct RawDictionary {
  const std::string* file = nullptr;
  YAML::Node root;
  Standard standard = Standard::X12;
  std::string version, base;
  Entries elements, composites, segments;
};

void collect(const std::string& file, const YAML::Node& root, const char* key, Entries& into) {
  const YAML::Node map = root[key];
  if (!map) return;
  if (!map.IsMap()) fail(file, map, std::string("'") + key + "' must be a mapping by id");
  for (const auto& entry : map) into[entry.first.Scalar()] = Entry{&file, entry.second};
}

ElementDef parse_element(const std::string& file, const std::string& id, const YAML::Node& node, Standard standard) {
  const std::string what = "element " + id;
  if (!node.IsMap()) fail(file, node, what + " must be a mapping {name, type, min, max, codes}");
  reject_unknown_keys(file, node, {"name", "type", "min", "max", "codes"}, what);
  ElementDef def;
  def.reference = id;
  if (node["name"]) def.name = scalar(file, node["name"], what + " name");
  const YAML::Node type_node = required(file, node, "type", what);
  const std::string type = scalar(file, type_node, what + " type");
  if (standard == Standard::Edifact) {
    if (node["min"] || node["max"]) fail(file, node, what + ": an EDIFACT element's lengths are in its type (an..35, n3)");
    if (!parse_edifact_format(type, def)) fail(file, type_node, what + " type '" + type + "' is not an EDIFACT format such as a3, an..35, n..15");
  } else if (type == "ID") def.type = ElementType::ID;
  else if (type == "AN") def.type = ElementType::AN;
  else if (type == "R") def.type = ElementType::Decimal;
  else if (type == "DT") def.type = ElementType::Date;
  else if (type == "TM") def.type = ElementType::Time;
  else if (type == "N" || (type.size() == 2 && type[0] == 'N' && type[1] >= '0' && type[1] <= '9')) {
    def.type = ElementType::Numeric;
    def.decimals = type.size() == 2 ? type[1] - '0' : 0;
  } else {
    fail(file, type_node, what + " type '" + type + "' is not one of ID, AN, N, N0..N9, R, DT, TM");
  }
  if (standard == Standard::X12) {
    def.min_length = number(file, required(file, node, "min", what), what + " min");
    def.max_length = number(file, required(file, node, "max", what), what + " max");
    if (def.max_length == 0 || def.min_length > def.max_length) {
      fail(file, node["max"], what + " lengths " + std::to_string(def.min_length) + ".." + std::to_string(def.max_length) +
                                  " are not a range");
    }
  }
  if (const YAML::Node codes = node["codes"]) {
    if (!codes.IsSequence()) fail(file, codes, what + " codes must be a list");
    for (const auto& code : codes) def.codes.push_back(scalar(file, code, what + " code"));
    std::sort(def.codes.begin(), def.codes.end());
    def.codes.erase(std::unique(def.codes.begin(), def.codes.end()), def.codes.end());
  }
  return def;
}

struct CompositeDef {
  std::string name;
  std::vector<std::pair<Usage, ElementDef>> components;
};

// [ref, usage] or [ref, usage, repeat]; returns the node for each part.
std::vector<YAML::Node> reference_parts(const std::string& file, const YAML::Node& node, const std::string& what,
                                        std::size_t max_parts) {
  if (!node.IsSequence() || node.size() < 2 || node.size() > max_parts) {
    fail(file, node, what + " must be [reference, usage" + (max_parts > 2 ? ", repeat]" : "]"));
  }
  std::vector<YAML::Node> parts;
  for (const auto& part : node) parts.push_back(part);
  return parts;
}

// Syntax note "C0706": a relation letter and two-digit positions.
SyntaxNote parse_note(const std::string& file, const YAML::Node& node, const std::string& segment,
                      std::size_t element_count) {
  const std::string text = scalar(file, node, "syntax note of " + segment);
  SyntaxNote note;
  const bool shape_ok = text.size() >= 5 && text.size() % 2 == 1 && std::string_view("PRECL").find(text[0]) != std::string_view::npos;
  if (shape_ok) {
    note.kind = text[0];
    for (std::size_t i = 1; i < text.size(); i += 2) {
      auto position = to_number(std::string_view(text).substr(i, 2));
      if (!position || *position == 0 || *position > element_count) {
        fail(file, node, "syntax note " + text + " of " + segment + " names position " + text.substr(i, 2) + " but " +
                             segment + " has " + std::to_string(element_count) + " elements");
      }
      note.positions.push_back(*position);
    }
    return note;
  }
  fail(file, node, "syntax note '" + text + "' of " + segment + " is not P, R, E, C or L followed by two or more 2-digit positions");
}

std::shared_ptr<Dictionary> build_dictionary(Standard standard, const std::string& version, const Entries& elements,
                                             const Entries& composites, const Entries& segments) {
  auto dictionary = std::make_shared<Dictionary>();
  dictionary->standard = standard;
  dictionary->version = version;
  std::map<std::string, ElementDef, std::less<>> element_defs;
  for (const auto& [id, entry] : elements) element_defs.emplace(id, parse_element(*entry.file, id, entry.node, standard));

  auto element = [&](const std::string& file, const YAML::Node& node, const std::string& what) -> const ElementDef& {
    const std::string id = scalar(file, node, what);
    auto found = element_defs.find(id);
    if (found == element_defs.end()) fail(file, node, what + ": unknown data element '" + id + "' in dictionary " + version);
    return found->second;
  };

  std::map<std::string, CompositeDef, std::less<>> composite_defs;
  for (const auto& [id, entry] : composites) {
    const std::string& file = *entry.file;
    const std::string what = "composite " + id;
    if (!entry.node.IsMap()) fail(file, entry.node, what + " must be a mapping {name, components}");
    reject_unknown_keys(file, entry.node, {"name", "components"}, what);
    const YAML::Node list = required(file, entry.node, "components", what);
    if (!list.IsSequence() || list.size() == 0) fail(file, list, what + " components must be a non-empty list");
    CompositeDef def;
    if (entry.node["name"]) def.name = scalar(file, entry.node["name"], what + " name");
    for (const auto& component : list) {
      auto parts = reference_parts(file, component, what + " component", 2);
      const ElementDef& e = element(file, parts[0], what + " component");
      def.components.emplace_back(usage_of(file, parts[1], scalar(file, parts[1], "usage"), true, standard), e);
    }
    composite_defs.emplace(id, std::move(def));
  }

  for (const auto& [tag, entry] : segments) {
    const std::string& file = *entry.file;
    const std::string what = "segment " + tag;
    if (!entry.node.IsMap()) fail(file, entry.node, what + " must be a mapping {name, elements, syntax}");
    reject_unknown_keys(file, entry.node, {"name", "elements", "syntax"}, what);
    SegmentDef def;
    def.tag = tag;
    if (entry.node["name"]) def.name = scalar(file, entry.node["name"], what + " name");
    if (const YAML::Node list = entry.node["elements"]) {
      if (!list.IsSequence()) fail(file, list, what + " elements must be a list");
      for (const auto& item : list) {
        auto parts = reference_parts(file, item, what + " element", 3);
        SegmentElement use;
        const std::string ref = scalar(file, parts[0], what + " element");
        use.usage = usage_of(file, parts[1], scalar(file, parts[1], "usage"), true, standard);
        if (parts.size() == 3) {
          use.max_repeat = number(file, parts[2], what + " element " + ref + " repeat");
          if (use.max_repeat == 0) fail(file, parts[2], what + " element " + ref + " repeat must be 1 or more");
        }
        if (auto composite = composite_defs.find(ref); composite != composite_defs.end()) {
          use.composite = ref;
          use.composite_name = composite->second.name;
          use.components = composite->second.components;
        } else if (auto simple = element_defs.find(ref); simple != element_defs.end()) {
          use.element = simple->second;
        } else {
          fail(file, parts[0], what + ": unknown data element or composite '" + ref + "' in dictionary " + version);
        }
        def.elements.push_back(std::move(use));
      }
    }
    if (const YAML::Node notes = entry.node["syntax"]) {
      if (!notes.IsSequence()) fail(file, notes, what + " syntax must be a list");
      for (const auto& note : notes) def.syntax.push_back(parse_note(file, note, tag, def.elements.size()));
    }
    dictionary->segments.emplace(tag, std::move(def));
  }
  return dictionary;
}

// ---- transaction set structures ----

// An entry of a structure file before version filtering.
struct RawNode {
  bool is_loop = false;
  bool is_group = false;  // EDIFACT: `tag` is the group id ("SG2"), the trigger is the first child
  std::string tag;
  Usage usage = Usage::Optional;
  std::uint32_t max_use = 1;
  std::vector<std::string> only_versions;  // from @version; empty: every version
  int line = 0;
  std::vector<RawNode> children;
};

RawNode parse_entry_text(const std::string& file, const YAML::Node& node, const std::string& text, bool loop,
                         const std::vector<std::string>& versions, Standard standard) {
  const bool edifact = standard == Standard::Edifact;
  const std::string keyword = edifact ? "group" : "loop";
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = text.find_first_not_of(" \t", i);
    if (start == std::string::npos) break;
    const std::size_t end = std::min(text.find_first_of(" \t", start), text.size());
    tokens.push_back(text.substr(start, end - start));
    i = end;
  }
  RawNode raw;
  raw.is_loop = loop;
  raw.line = line_of(node);
  std::size_t first = 0;
  if (loop) {
    if (tokens.empty() || tokens[0] != keyword) fail(file, node, "'" + text + "' is not '" + keyword + " ID USAGE MAX:'");
    first = 1;
    raw.is_group = edifact;
  }
  std::size_t count = tokens.size();
  while (count > first && tokens[count - 1][0] == '@') {
    const std::string version = tokens[count - 1].substr(1);
    if (std::find(versions.begin(), versions.end(), version) == versions.end()) {
      fail(file, node, "'" + tokens[count - 1] + "' is not one of the versions this file lists");
    }
    raw.only_versions.push_back(version);
    --count;
  }
  if (count - first != 3) {
    fail(file, node, "'" + text + "' is not " + (loop ? "'" + keyword + " ID USAGE MAX'" : "'TAG USAGE MAX'") +
                         " (optionally followed by @version)");
  }
  raw.tag = tokens[first];
  raw.usage = usage_of(file, node, tokens[first + 1], false, standard);
  const std::string& max = tokens[first + 2];
  if (max == ">1") {
    raw.max_use = 0;
  } else {
    auto value = to_number(max);
    if (!value || *value == 0) fail(file, node, "maximum '" + max + "' of " + raw.tag + " must be a number of 1 or more, or >1");
    raw.max_use = *value;
  }
  return raw;
}

std::vector<RawNode> parse_entries(const std::string& file, const YAML::Node& list,
                                   const std::vector<std::string>& versions, Standard standard) {
  if (!list.IsSequence()) fail(file, list, "a structure must be a list of entries");
  std::vector<RawNode> nodes;
  for (const auto& item : list) {
    if (item.IsScalar()) {
      nodes.push_back(parse_entry_text(file, item, item.Scalar(), false, versions, standard));
    } else if (item.IsMap() && item.size() == 1) {
      const auto entry = *item.begin();
      RawNode loop = parse_entry_text(file, entry.first, entry.first.Scalar(), true, versions, standard);
      loop.children = parse_entries(file, entry.second, versions, standard);
      nodes.push_back(std::move(loop));
    } else {
      fail(file, item, "a structure entry is 'TAG USAGE MAX' or '" + std::string(standard == Standard::Edifact ? "group" : "loop") +
                           " ID USAGE MAX:' with a list of entries");
    }
  }
  return nodes;
}

bool applies(const RawNode& raw, const std::string& version) {
  return raw.only_versions.empty() ||
         std::find(raw.only_versions.begin(), raw.only_versions.end(), version) != raw.only_versions.end();
}

std::vector<StructureNode> resolve_structure(const std::string& file, const std::vector<RawNode>& raws,
                                             const Dictionary& dictionary) {
  std::vector<StructureNode> nodes;
  for (const auto& raw : raws) {
    if (!applies(raw, dictionary.version)) continue;
    StructureNode node;
    node.is_loop = raw.is_loop;
    node.tag = raw.tag;
    node.usage = raw.usage;
    node.max_use = raw.max_use;
    if (raw.is_loop) {
      node.children = resolve_structure(file, raw.children, dictionary);
      if (raw.is_group) {
        // An EDIFACT group is named SGn and starts with a mandatory trigger segment.
        if (node.children.empty() || node.children[0].is_loop || node.children[0].usage != Usage::Mandatory) {
          throw SchemaError(file, raw.line, "group " + raw.tag + " must start with a mandatory trigger segment (version " +
                                                dictionary.version + ")");
        }
        node.group = raw.tag;
        node.tag = node.children[0].tag;
      } else if (node.children.empty() || node.children[0].is_loop || node.children[0].tag != raw.tag) {
        throw SchemaError(file, raw.line, "loop " + raw.tag + " must start with its trigger segment " + raw.tag +
                                              " (version " + dictionary.version + ")");
      }
      if (node.children[0].max_use != 1) {
        throw SchemaError(file, raw.line, "trigger segment " + node.tag + " of loop " + raw.tag + " must have maximum 1");
      }
    } else {
      node.segment = dictionary.segment(raw.tag);
      if (!node.segment) {
        throw SchemaError(file, raw.line, "unknown segment '" + raw.tag + "' (not in dictionary " + dictionary.version + ")");
      }
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

// An X12 transaction set (`transaction_set:`) or an EDIFACT message (`message:`).
void load_structure(const std::string& file, const YAML::Node& root, SchemaLibrary::Impl& impl) {
  const Standard standard = root["message"] ? Standard::Edifact : Standard::X12;
  const bool edifact = standard == Standard::Edifact;
  if (edifact) reject_unknown_keys(file, root, {"message", "name", "versions", "structure"}, "a message file");
  else reject_unknown_keys(file, root, {"transaction_set", "name", "functional_group", "versions", "structure"}, "a transaction set file");
  const std::string id = scalar(file, root[edifact ? "message" : "transaction_set"], edifact ? "message" : "transaction_set");
  const std::string what = (edifact ? "message " : "transaction set ") + id;
  const std::string name = root["name"] ? scalar(file, root["name"], what + " name") : std::string();
  const std::string functional_id = edifact ? id : scalar(file, required(file, root, "functional_group", what), "functional_group");
  const YAML::Node versions_node = required(file, root, "versions", what);
  if (!versions_node.IsSequence() || versions_node.size() == 0) fail(file, versions_node, "versions must be a non-empty list");
  std::vector<std::string> versions;
  for (const auto& v : versions_node) {
    versions.push_back(scalar(file, v, "version"));
    check_version(file, v, versions.back(), standard);
  }
  const YAML::Node structure = required(file, root, "structure", what);
  const std::vector<RawNode> raws = parse_entries(file, structure, versions, standard);
  const char* header = edifact ? "UNH" : "ST";
  const char* trailer = edifact ? "UNT" : "SE";

  for (std::size_t i = 0; i < versions.size(); ++i) {
    const std::string& version = versions[i];
    auto dictionary = impl.dictionaries.find(version);
    if (dictionary == impl.dictionaries.end() || dictionary->second->standard != standard) {
      fail(file, versions_node[i], std::string(edifact ? "no EDIFACT dictionary" : "no dictionary") + " for version " + version);
    }
    auto schema = std::make_unique<TransactionSetSchema>();
    schema->standard = standard;
    schema->id = id;
    schema->name = name;
    schema->functional_id = functional_id;
    schema->version = version;
    schema->structure = resolve_structure(file, raws, *dictionary->second);
    schema->dictionary = dictionary->second.get();
    schema->keep_alive = dictionary->second;
    const auto& top = schema->structure;
    if (top.size() < 2 || top.front().tag != header || top.front().is_loop || top.back().tag != trailer || top.back().is_loop) {
      fail(file, structure, what + " structure must start with " + header + " and end with " + trailer);
    }
    if (!impl.sets.emplace(id + "/" + version, std::move(schema)).second) {
      fail(file, versions_node[i], what + " version " + version + " is defined twice");
    }
  }
}

// Entries of `version`: its base's (recursively) replaced by its own.
void merged_entries(const std::string& version, const std::map<std::string, RawDictionary>& raws,
                    std::set<std::string>& visiting, Entries& elements, Entries& composites, Entries& segments) {
  const RawDictionary& raw = raws.at(version);
  if (!raw.base.empty()) {
    if (!raws.count(raw.base)) fail(*raw.file, raw.root["base"], "base dictionary " + raw.base + " is not loaded");
    if (!visiting.insert(raw.base).second) fail(*raw.file, raw.root["base"], "base dictionaries form a cycle at " + raw.base);
    merged_entries(raw.base, raws, visiting, elements, composites, segments);
  }
  for (const auto& [id, entry] : raw.elements) elements[id] = entry;
  for (const auto& [id, entry] : raw.composites) composites[id] = entry;
  for (const auto& [id, entry] : raw.segments) segments[id] = entry;
}

// A code-names file: `code_names:` element number -> {code: meaning}. An element must be
// in some dictionary, and a code must be one of its values where every dictionary that
// defines the element lists them (a meaning for a typo would otherwise never show).
struct VersionElements {
  Standard standard;
  Entries elements;
};

void load_code_names(const std::string& file, const YAML::Node& root, const std::vector<VersionElements>& versions,
                     SchemaLibrary::Impl& impl) {
  reject_unknown_keys(file, root, {"code_names", "standard"}, "a code names file");
  const Standard standard = standard_of(file, root);
  const YAML::Node map = root["code_names"];
  if (!map.IsMap()) fail(file, map, "'code_names' must be a mapping by data element number");
  for (const auto& entry : map) {
    const std::string element = entry.first.Scalar();
    const std::string what = "code names of element " + element;
    bool defined = false, listed_everywhere = true;
    std::set<std::string> listed;
    for (const auto& [version_standard, elements] : versions) {
      if (version_standard != standard) continue;
      auto found = elements.find(element);
      if (found == elements.end()) continue;
      defined = true;
      const ElementDef def = parse_element(*found->second.file, element, found->second.node, standard);
      if (def.codes.empty()) listed_everywhere = false;
      listed.insert(def.codes.begin(), def.codes.end());
    }
    if (!defined) fail(file, entry.first, what + ": no dictionary defines element " + element);
    if (!entry.second.IsMap()) fail(file, entry.second, what + " must be a mapping {code: meaning}");
    auto& names = (standard == Standard::Edifact ? impl.edifact_code_names : impl.code_names)[element];
    for (const auto& code : entry.second) {
      const std::string value = scalar(file, code.first, what + " code");
      if (listed_everywhere && !listed.count(value))
        fail(file, code.first, what + ": '" + value + "' is not one of the element's codes");
      const std::string meaning = scalar(file, code.second, what + " meaning of " + value);
      if (meaning.empty()) fail(file, code.second, what + ": the meaning of '" + value + "' is empty");
      if (!names.emplace(value, meaning).second) fail(file, code.first, what + ": '" + value + "' is named twice");
    }
  }
}

}  // namespace

std::unique_ptr<SchemaLibrary> SchemaLibrary::load(const std::vector<std::pair<std::string, std::string>>& files) {
  auto impl = std::make_unique<Impl>();
  std::map<std::string, RawDictionary> dictionaries;
  std::vector<std::pair<const std::string*, YAML::Node>> structures, code_names;
  for (const auto& [file, text] : files) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      throw SchemaError(file, e.mark.line + 1, e.msg);
    }
    if (!root.IsMap()) throw SchemaError(file, 1, "a schema file must be a mapping (a dictionary or a transaction set)");
    if (root["transaction_set"] || root["message"]) {
      structures.emplace_back(&file, root);
      continue;
    }
    if (root["code_names"]) {
      code_names.emplace_back(&file, root);
      continue;
    }
    if (!root["version"])
      throw SchemaError(file, 1, "neither a dictionary (version:), a transaction set (transaction_set:), a message (message:) nor code names (code_names:)");
    reject_unknown_keys(file, root, {"standard", "version", "base", "elements", "composites", "segments"}, "a dictionary");
    RawDictionary raw;
    raw.file = &file;
    raw.root = root;
    raw.standard = standard_of(file, root);
    raw.version = scalar(file, root["version"], "version");
    check_version(file, root["version"], raw.version, raw.standard);
    if (root["base"]) raw.base = scalar(file, root["base"], "base");
    collect(file, root, "elements", raw.elements);
    collect(file, root, "composites", raw.composites);
    collect(file, root, "segments", raw.segments);
    const std::string version = raw.version;
    if (dictionaries.count(version)) fail(file, root["version"], "dictionary " + version + " is defined twice");
    dictionaries.emplace(version, std::move(raw));
  }
  std::vector<VersionElements> element_entries;  // per version: what code names are checked against
  for (const auto& [version, raw] : dictionaries) {
    Entries elements, composites, segments;
    std::set<std::string> visiting{version};
    merged_entries(version, dictionaries, visiting, elements, composites, segments);
    if (!raw.base.empty() && dictionaries.at(raw.base).standard != raw.standard) {
      fail(*raw.file, raw.root["base"], "base dictionary " + raw.base + " is of the other standard");
    }
    impl->dictionaries.emplace(version, build_dictionary(raw.standard, version, elements, composites, segments));
    element_entries.push_back({raw.standard, std::move(elements)});
  }
  for (const auto& [file, root] : structures) load_structure(*file, root, *impl);
  for (const auto& [file, root] : code_names) load_code_names(*file, root, element_entries, *impl);
  return std::make_unique<SchemaLibrary>(std::move(impl));
}

const Dictionary* SchemaLibrary::dictionary(std::string_view version) const {
  auto found = impl_->dictionaries.find(version);
  return found == impl_->dictionaries.end() ? nullptr : found->second.get();
}

std::string_view SchemaLibrary::code_name(std::string_view element, std::string_view code, Standard standard) const {
  const auto& by_element = standard == Standard::Edifact ? impl_->edifact_code_names : impl_->code_names;
  auto names = by_element.find(element);
  if (names == by_element.end()) return {};
  auto found = names->second.find(code);
  return found == names->second.end() ? std::string_view{} : std::string_view(found->second);
}

const SchemaLibrary& SchemaLibrary::builtin() {
  static const std::unique_ptr<SchemaLibrary> library = load(detail::builtin_schema_files());
  return *library;
}

SchemaLibrary::SchemaLibrary(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SchemaLibrary::~SchemaLibrary() = default;

const TransactionSetSchema* SchemaLibrary::find(std::string_view id, std::string_view gs08) const {
  if (is_edifact_version(gs08) && !is_version(gs08.substr(0, 6))) {  // "D96A": an EDIFACT message, matched whole
    auto found = impl_->sets.find(std::string(id) + "/" + std::string(gs08));
    return found == impl_->sets.end() || found->second->standard != Standard::Edifact ? nullptr : found->second.get();
  }
  if (gs08.size() < 6) return nullptr;
  std::string key;
  key.reserve(id.size() + 7);
  key.append(id).append("/").append(gs08.substr(0, 6));
  auto found = impl_->sets.find(key);
  return found == impl_->sets.end() ? nullptr : found->second.get();
}

std::vector<const TransactionSetSchema*> SchemaLibrary::all() const {
  std::vector<const TransactionSetSchema*> schemas;
  for (const auto& [key, schema] : impl_->sets) schemas.push_back(schema.get());
  return schemas;
}

const SegmentDef* SchemaLibrary::segment(std::string_view version, std::string_view tag) const {
  const Dictionary* found = dictionary(version);
  return found ? found->segment(tag) : nullptr;
}

// ---- tightening ----

namespace {

// The segment definitions a tightened schema changed, plus what its base needs alive.
struct TightenedSegments {
  std::shared_ptr<const void> base;
  std::map<std::string, SegmentDef, std::less<>> segments;
};

// "partners/acme.yaml:31" -> ("partners/acme.yaml", 31); no line: 0.
std::pair<std::string, int> split_source(const std::string& source) {
  const auto colon = source.rfind(':');
  if (colon != std::string::npos) {
    if (auto line = to_number(std::string_view(source).substr(colon + 1))) {
      return {source.substr(0, colon), static_cast<int>(*line)};
    }
  }
  return {source, 0};
}

bool ends_with(const std::vector<std::string_view>& context, const std::vector<std::string_view>& path) {
  return context.size() >= path.size() && std::equal(path.begin(), path.end(), context.end() - path.size());
}

// Applies `apply` to every segment use matching "LOOP/.../TAG" among nodes[first..]; a
// loop's trigger segment stands for its loop. An EDIFACT group is also matched by its id
// ("SG2") and by its trigger named inside it ("SG2/NAD"). Returns the number of matches.
int for_each_use(std::vector<StructureNode>& nodes, std::size_t first, std::vector<std::string_view>& context,
                 const std::vector<std::string_view>& path, std::string_view tag,
                 const std::function<void(StructureNode&)>& apply) {
  const bool context_matches = ends_with(context, path);
  int matches = 0;
  for (std::size_t i = first; i < nodes.size(); ++i) {
    StructureNode& node = nodes[i];
    bool match = node.tag == tag && context_matches;
    if (!match && !node.group.empty()) {
      context.push_back(node.group);
      match = (node.group == tag && context_matches) || (node.tag == tag && ends_with(context, path));
      context.pop_back();
    }
    if (match) {
      apply(node);
      ++matches;
    }
    if (node.is_loop) {
      context.push_back(node.loop_id());
      matches += for_each_use(node.children, 1, context, path, tag, apply);
      context.pop_back();
    }
  }
  return matches;
}

void redirect(std::vector<StructureNode>& nodes, const std::map<std::string, SegmentDef, std::less<>>& segments) {
  for (auto& node : nodes) {
    if (node.is_loop) redirect(node.children, segments);
    else if (auto found = segments.find(node.tag); found != segments.end()) node.segment = &found->second;
  }
}

const SegmentDef* used_segment(const std::vector<StructureNode>& nodes, std::string_view tag) {
  for (const auto& node : nodes) {
    if (node.is_loop) {
      if (auto found = used_segment(node.children, tag)) return found;
    } else if (node.tag == tag) {
      return node.segment;
    }
  }
  return nullptr;
}

}  // namespace

std::shared_ptr<const TransactionSetSchema> tighten(const TransactionSetSchema& base, const Tightening& changes) {
  const auto [file, line] = split_source(changes.source);
  auto error = [&, &file = file, line = line](const std::string& message) {
    return SchemaError(file, line, "transaction set " + base.id + " (" + base.version + "): " + message);
  };
  auto owned = std::make_shared<TightenedSegments>();
  owned->base = base.keep_alive;
  auto schema = std::make_shared<TransactionSetSchema>(base);
  schema->keep_alive = owned;

  for (const auto& text : changes.mandatory_segments) {
    std::vector<std::string_view> path;
    std::string_view rest = text;
    for (auto slash = rest.find('/'); slash != std::string_view::npos; slash = rest.find('/')) {
      path.push_back(rest.substr(0, slash));
      rest.remove_prefix(slash + 1);
    }
    std::vector<std::string_view> context;
    const int matches = for_each_use(schema->structure, 0, context, path, rest, [](StructureNode& node) {
      if (node.usage != Usage::Mandatory) node.implementation_mandatory = true;
    });
    if (matches == 0) throw error("mandatory segment '" + text + "' is not a segment use of this transaction set");
  }

  // Element position "TD504" -> the partner's copy of TD5 and the element use at 04.
  auto element_use = [&](const std::string& id, const char* what) -> SegmentElement& {
    const bool shape_ok = id.size() >= 4 && id.size() <= 5 && std::isdigit(static_cast<unsigned char>(id[id.size() - 1])) &&
                          std::isdigit(static_cast<unsigned char>(id[id.size() - 2]));
    if (!shape_ok) {
      throw error(std::string(what) + " '" + id + "' is not a segment tag and 2-digit position such as BSN05" +
                  (id.find('-') != std::string::npos ? " (a component only in a code list)" : ""));
    }
    const std::string tag = id.substr(0, id.size() - 2);
    const std::uint32_t position = static_cast<std::uint32_t>(std::stoul(id.substr(id.size() - 2)));
    auto copy = owned->segments.find(tag);
    if (copy == owned->segments.end()) {
      const SegmentDef* def = used_segment(schema->structure, tag);
      if (!def) throw error(std::string(what) + " '" + id + "': segment " + tag + " is not used in this transaction set");
      copy = owned->segments.emplace(tag, *def).first;
    }
    if (position == 0 || position > copy->second.elements.size()) {
      throw error(std::string(what) + " '" + id + "': " + tag + " has " + std::to_string(copy->second.elements.size()) +
                  " elements");
    }
    return copy->second.elements[position - 1];
  };

  for (const auto& id : changes.mandatory_elements) {
    SegmentElement& use = element_use(id, "mandatory element");
    if (use.usage != Usage::Mandatory) use.implementation_mandatory = true;
  }
  for (const auto& [id, codes] : changes.codes) {
    // "BGM01-1": component 1 of the composite at BGM01.
    const auto dash = id.find('-');
    SegmentElement& use = element_use(id.substr(0, dash), "code list of");
    ElementDef* def = &use.element;
    if (dash != std::string::npos) {
      const auto component = to_number(std::string_view(id).substr(dash + 1));
      if (!use.is_composite()) throw error("code list of '" + id + "': " + id.substr(0, dash) + " is a simple element, not a composite");
      if (!component || *component == 0 || *component > use.components.size()) {
        throw error("code list of '" + id + "': composite " + use.composite + " has " + std::to_string(use.components.size()) +
                    " components");
      }
      def = &use.components[*component - 1].second;
    } else if (use.is_composite()) {
      throw error("code list of '" + id + "': " + id + " is composite " + use.composite + ", not a simple element (name a component: " +
                  id + "-1)");
    }
    if (codes.empty()) throw error("code list of '" + id + "' is empty");
    std::vector<std::string> sorted = codes;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    const auto& base_codes = def->codes;
    for (const auto& code : sorted) {
      if (!base_codes.empty() && !std::binary_search(base_codes.begin(), base_codes.end(), code)) {
        throw error("code '" + code + "' of " + id + " is not in the standard's code list for element " + def->reference);
      }
    }
    def->implementation_codes = std::move(sorted);
  }
  redirect(schema->structure, owned->segments);
  return schema;
}

}  // namespace edihub::x12
