// Reads an outbound mapping file (YAML) into an outbound::Program, checking everything that
// can be checked before a document is seen; every mistake is a MappingFileError file:line.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "mappings/outbound_program.h"

namespace edihub::mapping::outbound {
namespace {

using Keys = std::vector<std::string_view>;

std::string join(const Keys& words) {
  std::string out;
  for (auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

bool digits(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool contains(const Keys& keys, const std::string& key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); }

bool is_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// X12 segment ids: two or three uppercase letters and digits, starting with a letter.
bool is_tag(const std::string& s) {
  return (s.size() == 2 || s.size() == 3) && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); });
}

// GS01 of the sets an ERP commonly sends, so most files need not name it.
std::string known_functional_id(const std::string& set) {
  static const std::map<std::string, std::string> kIds = {
      {"810", "IN"}, {"812", "CD"}, {"820", "RA"}, {"830", "PS"}, {"846", "IB"}, {"850", "PO"}, {"852", "PD"},
      {"855", "PR"}, {"856", "SH"}, {"860", "PC"}, {"862", "SS"}, {"865", "CA"}, {"940", "OW"}, {"945", "SW"}};
  auto it = kIds.find(set);
  return it == kIds.end() ? "" : it->second;
}

const Keys kValueKeys = {"from", "count", "sum", "qualifier", "required", "default", "table", "on_missing",
                         "date", "time", "decimal", "implied", "integer", "max", "truncate"};

class Loader {
 public:
  explicit Loader(std::string file) { program_.file = std::move(file); }

  Program load(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      throw MappingFileError(program_.file, e.mark.is_null() ? 0 : e.mark.line + 1, e.msg);
    }
    if (!root.IsMap()) fail(root, "an outbound mapping file is a YAML mapping with source, target and segments");
    auto top = entries(root, "the mapping file", {"source", "target", "tables", "segments", "keys"});
    for (const char* key : {"source", "target", "segments"})
      if (!top.count(key)) fail(root, std::string("missing '") + key + "'");
    source(top.at("source"));
    target(top.at("target"));
    if (top.count("tables")) load_tables(top.at("tables"));
    program_.entries = segments(top.at("segments"), "segments");
    if (top.count("keys")) load_keys(top.at("keys"));
    return std::move(program_);
  }

 private:
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    YAML::Mark mark = at.Mark();
    throw MappingFileError(program_.file, mark.is_null() ? 0 : mark.line + 1, message);
  }
  static int line(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }

  // The values of a YAML mapping by key; unknown (when `allowed` is given) and duplicate keys fail.
  std::map<std::string, YAML::Node> entries(const YAML::Node& node, const std::string& what, const Keys& allowed) const {
    if (!node.IsMap()) fail(node, what + " must be a mapping" + (allowed.empty() ? "" : " of " + join(allowed)));
    std::map<std::string, YAML::Node> out;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = scalar(it->first, "a key in " + what);
      if (!allowed.empty() && !contains(allowed, key))
        fail(it->first, "unknown key '" + key + "' in " + what + " (expected " + join(allowed) + ")");
      if (!out.emplace(key, it->second).second) fail(it->first, "duplicate key '" + key + "' in " + what);
    }
    return out;
  }

  std::string scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar() || node.Scalar().empty()) fail(node, what + " must be a non-empty text value");
    return node.Scalar();
  }

  bool boolean(const YAML::Node& node, const std::string& what) const {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) fail(node, what + " must be true or false");
    return value;
  }

  int number(const YAML::Node& node, const std::string& what, int low, int high) const {
    std::string text = node.IsScalar() ? node.Scalar() : "";
    int n = !text.empty() && text.size() <= 4 && digits(text) ? std::stoi(text) : -1;
    if (n < low || n > high) fail(node, what + " must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
    return n;
  }

  void source(const YAML::Node& node) {
    auto e = entries(node, "source", {"format", "transaction"});
    if (!e.count("format") || !e.count("transaction")) fail(node, "source needs format: erp and transaction");
    if (scalar(e.at("format"), "source format") != "erp")
      fail(e.at("format"), "source format of an outbound mapping must be erp (ERP transactions in JSON)");
    program_.source_type = scalar(e.at("transaction"), "source transaction");
    if (!is_name(program_.source_type))
      fail(e.at("transaction"), "source transaction must be an ERP transaction type such as purchase_order");
  }

  void target(const YAML::Node& node) {
    auto e = entries(node, "target", {"format", "transaction_set", "versions", "functional_id"});
    for (const char* k : {"format", "transaction_set", "versions"})
      if (!e.count(k)) fail(node, std::string("target needs '") + k + "'");
    if (scalar(e.at("format"), "target format") != "x12") fail(e.at("format"), "target format must be x12");
    const std::string& id = program_.transaction_set = scalar(e.at("transaction_set"), "target transaction_set");
    if (id.size() != 3 || !digits(id))
      fail(e.at("transaction_set"), "transaction_set must be three digits such as \"850\"");
    const YAML::Node& versions = e.at("versions");
    if (!versions.IsSequence() || versions.size() == 0)
      fail(versions, "versions must be a list of GS08 versions such as [\"004010\"], the default first");
    for (const auto& v : versions) {
      std::string version = scalar(v, "a version");
      if (version.size() < 6 || !digits(version.substr(0, 6)))
        fail(v, "version '" + version + "' is not a GS08 version such as 004010 or 005010");
      program_.versions.push_back(version);
    }
    if (e.count("functional_id")) {
      program_.functional_id = scalar(e.at("functional_id"), "functional_id");
      if (program_.functional_id.size() != 2 || !is_tag(program_.functional_id + "X"))
        fail(e.at("functional_id"), "functional_id (GS01) must be two uppercase letters such as PO");
    } else if ((program_.functional_id = known_functional_id(id)).empty()) {
      fail(node, "target needs functional_id (GS01): no default is known for transaction set " + id);
    }
  }

  // Same shape as inbound and partner tables (X12 code -> ERP value); outbound reads them
  // backwards, so a value must belong to one code only.
  void load_tables(const YAML::Node& node) {
    for (const auto& [name, codes_node] : entries(node, "tables", {})) {
      auto& table = program_.tables[name];
      std::map<std::string, std::string> code_of;
      for (const auto& [code, value_node] : entries(codes_node, "table " + name, {})) {
        std::string value = scalar(value_node, "code " + code + " of table " + name);
        if (auto [it, fresh] = code_of.emplace(value, code); !fresh)
          fail(value_node, "table " + name + ": '" + value + "' is the ERP value of both " + it->second + " and " + code +
                               "; outbound needs one code per value");
        table[code] = value;
      }
    }
  }

  JsonPath json_path(const YAML::Node& node, const std::string& what, bool may_collect = true) const {
    JsonPath p;
    p.text = scalar(node, what);
    std::string_view rest = p.text;
    if (rest.front() == '/') {
      p.from_root = true;
      rest.remove_prefix(1);
    }
    while (true) {
      std::string step(rest.substr(0, rest.find('.')));
      bool each = step.size() > 2 && step.ends_with("[]");
      if (each) step.resize(step.size() - 2);
      if (!is_name(step))
        fail(node, "bad JSON path '" + p.text + "': '" + std::string(rest.substr(0, rest.find('.'))) +
                       "' is not a name or name[] (letters, digits, _ and -)");
      p.steps.push_back({step, each});
      if (rest.find('.') == std::string_view::npos) break;
      rest.remove_prefix(rest.find('.') + 1);
    }
    if (!may_collect && p.collects())
      fail(node, "bad JSON path '" + p.text + "': " + what + " takes a path without [] ([] collects values for count, sum, when and keys)");
    return p;
  }

  Condition condition(const YAML::Node& node) const {
    if (node.IsScalar()) return {json_path(node, "when"), {}};
    auto e = entries(node, "when", {"path", "equals"});
    if (!e.count("path") || !e.count("equals")) fail(node, "when is a path, or {path: ..., equals: ...}");
    Condition c{json_path(e.at("path"), "when path"), {}};
    const YAML::Node& equals = e.at("equals");
    if (equals.IsSequence() && equals.size() == 0) fail(equals, "equals needs at least one value");
    if (equals.IsSequence())
      for (const auto& v : equals) c.equals.push_back(scalar(v, "a value of equals"));
    else
      c.equals.push_back(scalar(equals, "equals"));
    return c;
  }

  std::vector<Entry> segments(const YAML::Node& node, const std::string& what) {
    if (!node.IsSequence() || node.size() == 0)
      fail(node, what + " must be a list of segments such as - BEG: [\"00\", SA, {from: po_number}]");
    std::vector<Entry> out;
    for (const auto& item : node) out.push_back(entry(item));
    return out;
  }

  Entry entry(const YAML::Node& node) {
    Entry out;
    out.line = line(node);
    if (!node.IsMap()) fail(node, "an entry of segments is a segment (TAG: [elements]) or a block with segments");
    auto e = entries(node, "a segment entry", {});
    if (e.count("when")) out.when = condition(e.at("when"));
    if (e.count("segments")) {
      for (const auto& [key, value] : e)
        if (!contains({"segments", "each", "in", "when"}, key))
          fail(value, "unknown key '" + key + "' in a block (expected segments, each, in, when)");
      if (e.count("each") && e.count("in")) fail(node, "a block takes each or in, not both");
      if (!e.count("each") && !e.count("in") && !e.count("when")) fail(node, "a block needs each, in or when");
      if (e.count("each")) out.each = json_path(e.at("each"), "each", false);
      if (e.count("in")) out.in = json_path(e.at("in"), "in", false);
      out.entries = segments(e.at("segments"), "segments of the block");
      return out;
    }
    for (const auto& [key, value] : e) {
      if (key == "when") continue;
      if (key == "each" || key == "in") fail(node, key + " needs segments (the block it repeats or enters)");
      if (std::any_of(key.begin(), key.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
        fail(node, "unknown key '" + key + "' in a segment entry (expected a segment tag and when; or segments with each, in, when)");
      if (!is_tag(key)) fail(node, "'" + key + "' is not a segment tag (two or three uppercase letters and digits, a letter first)");
      if (!out.tag.empty()) fail(node, "a segment entry holds one segment, not " + out.tag + " and " + key + " (make two entries)");
      if (contains({"ISA", "IEA", "GS", "GE", "ST", "SE"}, key))
        fail(node, key + " is written by the envelope; segments lists the body between ST and SE");
      out.tag = key;
    }
    if (out.tag.empty()) fail(node, "a segment entry needs a segment tag such as BEG");
    elements(e.at(out.tag), out);
    return out;
  }

  void elements(const YAML::Node& node, Entry& out) {
    if (!node.IsSequence() || node.size() == 0)
      fail(node, out.tag + " needs a list of elements: literal codes, {from: ...} values, [[composite]]");
    auto named = [&](Element element) {
      if (out.elements.size() == 99) fail(node, out.tag + " has more than 99 elements");
      std::size_t n = out.elements.size() + 1;
      element.name = out.tag + (n < 10 ? "0" : "") + std::to_string(n);
      out.elements.push_back(std::move(element));
    };
    for (const auto& item : node) {
      if (item.IsSequence()) {
        // [[a, b]]: the double brackets keep a composite apart from a list of elements.
        if (item.size() != 1 || !item[0].IsSequence() || item[0].size() == 0)
          fail(item, "a composite is written [[component, component, ...]] (a list holding its list of components)");
        Element composite{{}, true, false, ""};
        for (const auto& component : item[0]) {
          if (component.IsSequence()) fail(component, "a component cannot be a list (composites do not nest)");
          composite.pieces.push_back(piece(component, out.tag, false));
        }
        named(std::move(composite));
      } else if (item.IsMap() && item["qualifier"]) {
        named(Element{{Piece{scalar(item["qualifier"], "qualifier"), std::nullopt}}, false, true, ""});
        named(Element{{piece(item, out.tag, true)}, false, false, ""});
      } else {
        named(Element{{piece(item, out.tag, true)}, false, false, ""});
      }
    }
  }

  Piece piece(const YAML::Node& node, const std::string& tag, bool simple) {
    if (node.IsNull()) return {};
    if (node.IsScalar()) return {node.Scalar(), std::nullopt};
    return {"", value(node, tag, simple)};
  }

  ValueSpec value(const YAML::Node& node, const std::string& tag, bool simple) {
    const std::string what = "an element of " + tag;
    auto e = entries(node, what, kValueKeys);
    ValueSpec v;
    v.line = line(node);
    int kinds = e.count("from") + e.count("count") + e.count("sum");
    if (kinds != 1) fail(node, what + " needs exactly one of from, count, sum");
    Keys allowed;
    if (e.count("from")) {
      allowed = {"from", "qualifier", "required", "default", "table", "on_missing", "date", "time", "decimal",
                 "implied", "integer", "max", "truncate"};
      v.path = json_path(e.at("from"), "from", false);
    } else if (e.count("count")) {
      v.kind = ValueSpec::Kind::Count;
      allowed = {"count", "qualifier", "max"};
      v.path = json_path(e.at("count"), "count");
      v.format.kind = Format::Kind::Integer;
    } else {
      v.kind = ValueSpec::Kind::Sum;
      allowed = {"sum", "qualifier", "decimal", "implied", "integer", "max"};
      v.path = json_path(e.at("sum"), "sum");
      v.format = {Format::Kind::Decimal, 9};  // exact: a hash total keeps every place it adds up
    }
    const std::string kind = e.count("from") ? "from" : e.count("count") ? "count" : "sum";
    for (const auto& [key, value] : e)
      if (!contains(allowed, key))
        fail(value, "key '" + key + "' does not apply to a " + kind + " element (it takes " + join(allowed) + ")");
    if (e.count("qualifier") && !simple) fail(e.at("qualifier"), "qualifier does not apply inside a composite");

    int formats = 0;
    for (const char* k : {"date", "time", "decimal", "implied", "integer"}) formats += e.count(k);
    if (formats > 1) fail(node, what + " takes one of date, time, decimal, implied, integer");
    if (e.count("date")) {
      std::string f = scalar(e.at("date"), "date");
      if (f != "CCYYMMDD" && f != "YYMMDD") fail(e.at("date"), "date must be CCYYMMDD or YYMMDD");
      v.format = {Format::Kind::Date, static_cast<int>(f.size())};
    }
    if (e.count("time")) {
      std::string f = scalar(e.at("time"), "time");
      if (f != "HHMM" && f != "HHMMSS") fail(e.at("time"), "time must be HHMM or HHMMSS");
      v.format = {Format::Kind::Time, static_cast<int>(f.size())};
    }
    if (e.count("decimal")) v.format = {Format::Kind::Decimal, number(e.at("decimal"), "decimal (most places after the point)", 0, 9)};
    if (e.count("implied")) v.format = {Format::Kind::Implied, number(e.at("implied"), "implied (decimal places)", 1, 9)};
    if (e.count("integer")) {
      if (!boolean(e.at("integer"), "integer")) fail(e.at("integer"), "integer takes true (leave it out otherwise)");
      v.format = {Format::Kind::Integer, 0};
    }
    if (e.count("table")) {
      if (formats) fail(e.at("table"), "table gives X12 codes as they are; it takes no date, time, decimal, implied or integer");
      v.table = scalar(e.at("table"), "table");
      program_.tables_used.insert(v.table);
    }
    if (e.count("on_missing")) {
      std::string m = scalar(e.at("on_missing"), "on_missing");
      if (m != "keep" && m != "error") fail(e.at("on_missing"), "on_missing must be keep or error");
      if (v.table.empty()) fail(e.at("on_missing"), "on_missing applies to an element with a table");
      v.keep_unknown = m == "keep";
    }
    if (e.count("required")) v.required = boolean(e.at("required"), "required");
    if (e.count("default")) {
      if (v.required) fail(e.at("default"), "required and default exclude each other");
      v.fallback = scalar(e.at("default"), "default");
    }
    if (e.count("max")) v.max = number(e.at("max"), "max (length)", 1, 9999);
    if (e.count("truncate")) {
      v.truncate = boolean(e.at("truncate"), "truncate");
      if (v.truncate && (!v.max || v.format.kind != Format::Kind::Text || !v.table.empty()))
        fail(e.at("truncate"), "truncate applies to a text element with max (numbers, dates and codes are never cut)");
    }
    return v;
  }

  void load_keys(const YAML::Node& node) {
    for (const auto& [name, path] : entries(node, "keys", {})) {
      if (!is_name(name)) fail(path, "key name '" + name + "' must be letters, digits and _");
      program_.keys.push_back({name, line(path), json_path(path, "key " + name)});
    }
  }

  Program program_;
};

}  // namespace

Program load_program(const std::string& yaml_text, const std::string& file_name) {
  return Loader(file_name).load(yaml_text);
}

}  // namespace edihub::mapping::outbound
