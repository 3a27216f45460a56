#include "mappings/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace edihub::mapping {
namespace {

bool is_name(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

using Keys = std::vector<std::string_view>;

std::string join(const Keys& words) {
  std::string out;
  for (auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

// The entries of a YAML mapping by key, each with its key node for line numbers.
struct Entries {
  std::map<std::string, std::pair<YAML::Node, YAML::Node>> by_key;
  const YAML::Node* find(const std::string& key) const {
    auto it = by_key.find(key);
    return it == by_key.end() ? nullptr : &it->second.second;
  }
  bool has(const std::string& key) const { return by_key.count(key) != 0; }
  const YAML::Node& key_node(const std::string& key) const { return by_key.at(key).first; }
};

// Defaults a `first:` alternative or an `all:` path takes from its field.
struct PickDefaults {
  Conversion as;
  std::string table;
  bool keep_unknown = false;
};

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
    if (!root.IsMap()) fail(root, "a mapping file is a YAML mapping with source, target and fields");
    Entries top = entries(root, "the mapping file", {"source", "target", "tables", "fields", "keys"});
    for (const char* key : {"source", "target", "fields"})
      if (!top.has(key)) fail(root, std::string("missing '") + key + "'");
    source(top.key_node("source"), *top.find("source"));
    program_.target = scalar(*top.find("target"), "target");
    if (const auto* tables = top.find("tables")) load_tables(*tables);
    program_.fields = fields(*top.find("fields"), "the mapping");
    if (const auto* keys = top.find("keys")) load_keys(*keys);
    return std::move(program_);
  }

 private:
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    YAML::Mark mark = at.Mark();
    throw MappingFileError(program_.file, mark.is_null() ? 0 : mark.line + 1, message);
  }

  Entries entries(const YAML::Node& node, const std::string& what, const Keys& allowed) const {
    if (!node.IsMap()) fail(node, what + " must be a mapping of " + join(allowed));
    Entries out;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = scalar(it->first, "a key in " + what);
      if (allowed.size() && std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        fail(it->first, "unknown key '" + key + "' in " + what + " (expected " + join(allowed) + ")");
      if (!out.by_key.emplace(key, std::make_pair(it->first, it->second)).second)
        fail(it->first, "duplicate key '" + key + "' in " + what);
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

  void source(const YAML::Node& key, const YAML::Node& node) {
    program_.source_line = key.Mark().line + 1;
    Entries e = entries(node, "source", {"format", "transaction_set", "versions"});
    for (const char* k : {"format", "transaction_set", "versions"})
      if (!e.has(k)) fail(node, std::string("source needs '") + k + "'");
    program_.source.format = scalar(*e.find("format"), "source format");
    if (program_.source.format != "x12")
      fail(*e.find("format"), "source format must be x12 (the only format of language v1)");
    program_.source.transaction_set = scalar(*e.find("transaction_set"), "source transaction_set");
    const auto& id = program_.source.transaction_set;
    if (id.size() != 3 || !std::all_of(id.begin(), id.end(), ::isdigit))
      fail(*e.find("transaction_set"), "transaction_set must be three digits such as \"856\"");
    const YAML::Node& versions = *e.find("versions");
    if (!versions.IsSequence() || versions.size() == 0)
      fail(versions, "versions must be a list of GS08 prefixes such as [\"004010\", \"005010\"]");
    for (const auto& v : versions) program_.source.versions.push_back(scalar(v, "a version"));
  }

  void load_tables(const YAML::Node& node) {
    Entries tables = entries(node, "tables", {});
    for (const auto& [name, kv] : tables.by_key) {
      Entries codes = entries(kv.second, "table " + name, {});
      auto& table = program_.tables[name];
      for (const auto& [code, cv] : codes.by_key) table[code] = scalar(cv.second, "code " + code + " of table " + name);
    }
  }

  Path path(const YAML::Node& node, const std::string& what) const {
    try {
      Path p = parse_path(scalar(node, what));
      bool envelope = p.segment.tag == "ISA" || p.segment.tag == "GS";
      if (envelope && (!p.segment.where.empty() || p.segment.place.kind != Place::Kind::Here))
        fail(node, "bad path '" + p.text + "': ISA and GS paths read the envelope and take no 'where' or 'in'");
      return p;
    } catch (const PathError& e) {
      fail(node, e.what());
    }
  }

  Within within(const YAML::Node& node, const std::string& what) const {
    std::string text = scalar(node, what);
    try {
      if (names_place(text)) return Within{parse_place(text), text};
      return Within{parse_selector(text), text};
    } catch (const PathError& e) {
      fail(node, e.what());
    }
  }

  Conversion conversion(const YAML::Node& node) const {
    try {
      return parse_conversion(scalar(node, "as"));
    } catch (const ConversionError& e) {
      fail(node, e.what());
    }
  }

  // `value:` and `default:` are output values: numbers for numeric fields, else text.
  nlohmann::json output_value(const YAML::Node& node, const Conversion& as, const std::string& what) const {
    std::string text = scalar(node, what);
    if (!as.numeric()) return text;
    try {
      return convert(Conversion{Conversion::Kind::Decimal, 0}, text);
    } catch (const ConversionError& e) {
      fail(node, what + ": " + e.what());
    }
  }

  Pick path_pick(const YAML::Node& node, const PickDefaults& d, const std::string& what) const {
    Pick p{std::nullopt, {path(node, what)}, std::nullopt, d.as, d.table, d.keep_unknown, ""};
    p.text = p.from.front().text;
    return p;
  }

  // as/table/on_missing of `e` over the defaults `d`.
  PickDefaults settings(const Entries& e, PickDefaults d) {
    if (const auto* as = e.find("as")) d.as = conversion(*as);
    if (const auto* table = e.find("table")) {
      d.table = scalar(*table, "table");
      program_.tables_used.insert(d.table);
    }
    if (const auto* on_missing = e.find("on_missing")) {
      std::string v = scalar(*on_missing, "on_missing");
      if (v != "keep" && v != "error") fail(*on_missing, "on_missing must be keep or error");
      if (d.table.empty()) fail(*on_missing, "on_missing applies to a field with a table");
      d.keep_unknown = v == "keep";
    }
    return d;
  }

  // The in/from/value/as/table/on_missing of a field or of a `first:` alternative.
  Pick pick(const Entries& e, const YAML::Node& at, const PickDefaults& defaults, const std::string& what) {
    PickDefaults d = settings(e, defaults);
    Pick p{std::nullopt, {}, std::nullopt, d.as, d.table, d.keep_unknown, ""};
    if (const auto* in = e.find("in")) p.in = within(*in, "in");
    if (const auto* value = e.find("value")) {
      p.constant = output_value(*value, p.as, what + " value");
      p.text = "value " + value->Scalar();
      return p;
    }
    const auto* from = e.find("from");
    if (!from) fail(at, what + " needs 'from' or 'value'");
    if (from->IsSequence()) {
      if (p.as.kind != Conversion::Kind::DateTime || from->size() != 2)
        fail(*from, what + ": a list in 'from' is [date, time] and needs 'as: datetime'");
      p.from = {path((*from)[0], "from"), path((*from)[1], "from")};
      p.text = "[" + p.from[0].text + ", " + p.from[1].text + "]";
    } else {
      p.from = {path(*from, "from")};
      p.text = p.from[0].text;
    }
    if (p.in) p.text += " in " + p.in->text;
    return p;
  }

  Iteration iteration(const Entries& e, const YAML::Node& at, const std::string& what) const {
    if (!e.has("each")) fail(at, what + " needs 'each'");
    Iteration it;
    const YAML::Node& each = *e.find("each");
    std::string text = scalar(each, "each");
    it.text = text;
    std::string_view code = level_code(text);
    if (!code.empty()) {
      it.over = std::string(code);
    } else if (names_place(text)) {
      fail(each, what + ": each takes a level (" + level_names() + ") or a segment such as N1, not '" + text + "'");
    } else {
      try {
        it.over = parse_selector(text);
      } catch (const PathError& err) {
        fail(each, err.what());
      }
    }
    if (const auto* group_by = e.find("group_by")) {
      if (!std::holds_alternative<std::string>(it.over))
        fail(*group_by, what + ": group_by groups HLs; use it with each: <level>");
      it.group_by = path(*group_by, "group_by");
    }
    return it;
  }

  std::vector<Field> fields(const YAML::Node& node, const std::string& owner) {
    if (!node.IsMap() || node.size() == 0)
      fail(node, "fields of " + owner + " must be a mapping of field names to definitions");
    std::vector<Field> out;
    entries(node, "fields of " + owner, {});  // rejects duplicate names
    for (auto it = node.begin(); it != node.end(); ++it)
      out.push_back(field(it->first.Scalar(), it->first, it->second));
    return out;
  }

  Field field(const std::string& name, const YAML::Node& key, const YAML::Node& node) {
    Field f;
    f.name = name;
    f.line = key.Mark().line + 1;
    const std::string what = "field " + name;
    if (!is_name(name)) fail(key, "field name '" + name + "' must be letters, digits and _");
    if (node.IsScalar()) {
      f.picks.push_back(path_pick(node, {}, what));
      return f;
    }
    Entries e = entries(node, what,
                        {"from", "first", "all", "value", "fields", "each", "otherwise", "group_by", "in", "as",
                         "table", "on_missing", "default", "required"});
    if (e.has("each") && !e.has("fields")) fail(key, what + ": each needs fields");
    int sources = 0;
    for (const char* k : {"from", "first", "all", "value", "fields"}) sources += e.has(k);
    if (sources != 1) fail(key, what + " needs exactly one of from, first, all, value, fields");

    Keys allowed;
    if (e.has("each")) {
      f.kind = Field::Kind::List;
      allowed = {"each", "fields", "otherwise", "group_by", "in", "required"};
    } else if (e.has("fields")) {
      f.kind = Field::Kind::Object;
      allowed = {"fields", "in", "required"};
    } else if (e.has("all")) {
      f.kind = Field::Kind::Values;
      allowed = {"all", "in", "as", "table", "on_missing", "required"};
    } else if (e.has("value")) {
      allowed = {"value", "as"};
    } else {
      allowed = {"from", "first", "in", "as", "table", "on_missing", "default", "required"};
    }
    for (const auto& [k, kv] : e.by_key)
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
        fail(kv.first, "key '" + k + "' does not apply to " + what + " (it takes " + join(allowed) + ")");

    if (const auto* required = e.find("required")) f.required = boolean(*required, "required");
    bool own_in = f.kind == Field::Kind::Value && e.has("from");  // a `from` field's `in` is its pick's
    if (const auto* in = e.find("in"); in && !own_in) f.in = within(*in, "in");

    switch (f.kind) {
      case Field::Kind::List:
        f.each = iteration(e, node, what);
        if (const auto* otherwise = e.find("otherwise"))
          f.otherwise = iteration(entries(*otherwise, what + " otherwise", {"each", "group_by"}), *otherwise,
                                  what + " otherwise");
        f.fields = fields(*e.find("fields"), what);
        break;
      case Field::Kind::Object:
        f.fields = fields(*e.find("fields"), what);
        break;
      case Field::Kind::Values: {
        PickDefaults d = settings(e, {});
        const YAML::Node& all = *e.find("all");
        if (all.IsSequence() && all.size() == 0) fail(all, what + ": all needs at least one path");
        if (all.IsSequence())
          for (const auto& p : all) f.picks.push_back(path_pick(p, d, "all"));
        else
          f.picks.push_back(path_pick(all, d, "all"));
        break;
      }
      case Field::Kind::Value: {
        PickDefaults d = settings(e, {});
        if (const auto* first = e.find("first")) {
          if (!first->IsSequence() || first->size() == 0) fail(*first, what + ": first needs a list of alternatives");
          for (const auto& alt : *first)
            f.picks.push_back(alt.IsScalar() ? path_pick(alt, d, "first")
                                             : pick(entries(alt, what + " alternative",
                                                            {"in", "from", "value", "as", "table", "on_missing"}),
                                                    alt, d, what + " alternative"));
        } else {
          f.picks.push_back(pick(e, key, {}, what));
        }
        if (const auto* fallback = e.find("default")) f.fallback = output_value(*fallback, d.as, what + " default");
        break;
      }
    }
    return f;
  }

  void load_keys(const YAML::Node& node) {
    entries(node, "keys", {});  // rejects duplicate names
    for (auto it = node.begin(); it != node.end(); ++it) {
      KeyRule rule{it->first.Scalar(), {}};
      std::string text = scalar(it->second, "key " + rule.name);
      const std::vector<Field>* level = &program_.fields;
      for (std::size_t start = 0; start <= text.size();) {
        std::size_t dot = std::min(text.find('.', start), text.size());
        std::string name = text.substr(start, dot - start);
        auto f = std::find_if(level->begin(), level->end(), [&](const Field& x) { return x.name == name; });
        if (f == level->end())
          fail(it->second, "key " + rule.name + ": no output field '" + name + "' in '" + text + "'");
        rule.field_path.push_back(name);
        bool last = dot == text.size();
        bool nested = f->kind == Field::Kind::Object || f->kind == Field::Kind::List;
        if (last == nested) fail(it->second, "key " + rule.name + ": '" + text + "' must end at a value field");
        level = &f->fields;
        start = dot + 1;
      }
      program_.keys.push_back(std::move(rule));
    }
  }

  Program program_;
};

}  // namespace

Program load_program(const std::string& yaml_text, const std::string& file_name) {
  return Loader(file_name).load(yaml_text);
}

}  // namespace edihub::mapping
