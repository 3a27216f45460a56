#include "mappings/loader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mappings/edifact_groups.h"
#include "mappings/field_loader.h"

namespace edihub::mapping {
namespace {

// A file named by another, relative to the naming file's folder.
std::string beside(const std::string& file, const std::string& name) {
  return (std::filesystem::path(file).parent_path() / name).lexically_normal().string();
}

std::vector<std::string> dotted(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t dot = std::min(text.find('.', start), text.size());
    out.push_back(text.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

// keys: entries, resolved once the fields are final (an override may change them).
struct KeyText {
  std::string name, text, file;
  int line = 0;
};

struct Loaded {
  Program program;
  std::vector<KeyText> keys;
};

class FileLoader {
 public:
  // `reading`: the files being read, to refuse cycles; `state`: shared with included files.
  FileLoader(std::string file, std::vector<std::string>& reading, LoadState& state)
      : yaml_(std::move(file)), reading_(reading), state_(state) {}

  Loaded load(const std::string& text) {
    YAML::Node root = yaml_.parse(text);
    if (!root.IsMap()) yaml_.fail(root, "a mapping file is a YAML mapping with source, target and fields");
    Entries top = yaml_.entries(root, "the mapping file",
                                {"source", "target", "tables", "fields", "keys", "include", "extends", "remove"});
    if (top.has("extends")) return extend(top);
    if (top.has("remove")) yaml_.fail(top.key_node("remove"), "remove takes fields out of a base: use it with extends");
    for (const char* key : {"source", "target", "fields"})
      if (!top.has(key)) yaml_.fail(root, std::string("missing '") + key + "'");
    Loaded out;
    out.program.file = yaml_.name();
    source(out.program, top.key_node("source"), *top.find("source"));
    if (const auto* include = top.find("include")) includes(*include);
    out.program.target = yaml_.scalar(*top.find("target"), "target");
    if (const auto* tables = top.find("tables")) load_tables(out.program, *tables);
    out.program.fields = FieldLoader(yaml_.name(), state_).fields(*top.find("fields"), "the mapping");
    if (const auto* keys = top.find("keys")) key_texts(out.keys, *keys);
    return finish(std::move(out));
  }

  // Keys resolved against the final fields; the tables used.
  Loaded finish(Loaded out) {
    out.program.tables_used.insert(state_.tables_used.begin(), state_.tables_used.end());
    out.program.keys.clear();
    for (const KeyText& key : out.keys) out.program.keys.push_back(resolve(out.program, key));
    return out;
  }

 private:
  void source(Program& program, const YAML::Node& key, const YAML::Node& node) {
    program.source_line = line_of(key);
    Entries e = yaml_.entries(node, "source",
                              {"format", "transaction_set", "message", "versions", "document", "standard", "namespaces"});
    if (!e.has("format")) yaml_.fail(node, "source needs 'format'");
    Source& s = program.source;
    s.format = yaml_.scalar(*e.find("format"), "source format");
    auto refuse = [&](const Keys& keys) {
      for (auto k : keys)
        if (e.has(std::string(k)))
          yaml_.fail(e.key_node(std::string(k)), "source " + std::string(k) + " does not apply to " + s.format);
    };
    if (s.format == "xml") {
      refuse({"transaction_set", "message", "versions"});
      state_.xml = true;
      if (!e.has("document")) yaml_.fail(node, "source needs 'document' (the XML document type, e.g. DespatchAdvice)");
      s.document = yaml_.scalar(*e.find("document"), "source document");
      if (const auto* standard = e.find("standard")) {
        s.standard = yaml_.scalar(*standard, "source standard");
        if (s.standard != "cxml" && s.standard != "ubl" && s.standard != "gs1")
          yaml_.fail(*standard, "source standard must be cxml, ubl or gs1 (or left out for any XML)");
      }
      if (const auto* namespaces = e.find("namespaces"))
        for (const auto& [prefix, kv] : yaml_.entries(*namespaces, "namespaces", {}).by_key) {
          if (!is_name(prefix)) yaml_.fail(kv.first, "namespace prefix '" + prefix + "' must be letters, digits and _");
          s.namespaces.emplace_back(prefix, yaml_.scalar(kv.second, "namespace " + prefix));
        }
      return;
    }
    if (s.format == "edifact") return edifact_source(s, node, e);
    if (s.format != "x12") yaml_.fail(*e.find("format"), "source format must be x12, edifact or xml");
    refuse({"message", "document", "standard", "namespaces"});
    for (const char* k : {"transaction_set", "versions"})
      if (!e.has(k)) yaml_.fail(node, std::string("source needs '") + k + "'");
    s.transaction_set = yaml_.scalar(*e.find("transaction_set"), "source transaction_set");
    const auto& id = s.transaction_set;
    if (id.size() != 3 || !std::all_of(id.begin(), id.end(), ::isdigit))
      yaml_.fail(*e.find("transaction_set"), "transaction_set must be three digits such as \"856\"");
    s.versions = versions(*e.find("versions"), false);
  }

  // source: {format: edifact, message: DESADV, versions: [D96A, D01B]}
  void edifact_source(Source& s, const YAML::Node& node, const Entries& e) {
    for (const char* k : {"transaction_set", "document", "standard", "namespaces"})
      if (e.has(k))
        yaml_.fail(e.key_node(k), std::string("source ") + k + " does not apply to edifact" +
                                      (k == std::string("transaction_set") ? " (name the message type: message: DESADV)" : ""));
    for (const char* k : {"message", "versions"})
      if (!e.has(k)) yaml_.fail(node, std::string("source needs '") + k + "'");
    state_.edifact = true;
    s.transaction_set = yaml_.scalar(*e.find("message"), "source message");
    const auto& id = s.transaction_set;
    if (!is_message_type(id))
      yaml_.fail(*e.find("message"), "message must be an EDIFACT message type, six capitals such as DESADV");
    s.versions = versions(*e.find("versions"), true);
  }

  // X12: GS08 prefixes; EDIFACT: directories, version and release as UNH gives them (D96A).
  std::vector<std::string> versions(const YAML::Node& node, bool edifact) const {
    if (!node.IsSequence() || node.size() == 0)
      yaml_.fail(node, edifact ? "versions must be a list of EDIFACT directories such as [D96A, D01B]"
                               : "versions must be a list of GS08 prefixes such as [\"004010\", \"005010\"]");
    std::vector<std::string> out;
    for (const auto& v : node) {
      out.push_back(yaml_.scalar(v, "a version"));
      const std::string& d = out.back();
      if (edifact && !is_directory(d))
        yaml_.fail(v, "version '" + d + "' is not an EDIFACT directory such as D96A or D01B");
    }
    return out;
  }

  void load_tables(Program& program, const YAML::Node& node) const {
    Entries tables = yaml_.entries(node, "tables", {});
    for (const auto& [name, kv] : tables.by_key) {
      Entries codes = yaml_.entries(kv.second, "table " + name, {});
      auto& table = program.tables[name];
      table.clear();  // an override's table replaces the base's
      for (const auto& [code, cv] : codes.by_key)
        table[code] = yaml_.scalar(cv.second, "code " + code + " of table " + name);
    }
  }

  std::string read(const std::string& path, const YAML::Node& at) {
    if (std::find(reading_.begin(), reading_.end(), path) != reading_.end()) {
      std::string chain;
      for (const auto& f : reading_) chain += f + " -> ";
      yaml_.fail(at, "include/extends cycle: " + chain + path);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) yaml_.fail(at, "cannot read '" + path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // include: [shared/x12-fragments.yaml]: fragment files, relative to this file.
  void includes(const YAML::Node& node) {
    if (!node.IsSequence()) yaml_.fail(node, "include is a list of fragment files");
    for (const auto& item : node) {
      std::string path = beside(yaml_.name(), yaml_.scalar(item, "an included file"));
      std::string text = read(path, item);
      reading_.push_back(path);
      YamlFile file(path);
      YAML::Node root = file.parse(text);
      if (!root.IsMap()) file.fail(root, "a fragment file is a YAML mapping with fragments (and include)");
      Entries top = file.entries(root, "the fragment file", {"fragments", "include"});
      if (!top.has("fragments")) file.fail(root, "missing 'fragments'");
      for (const auto& [name, kv] : file.entries(*top.find("fragments"), "fragments", {}).by_key) {
        if (!is_name(name)) file.fail(kv.first, "fragment name '" + name + "' must be letters, digits and _");
        if (auto [at, added] = state_.fragments.emplace(name, Fragment{path, kv.second}); !added)
          file.fail(kv.first, "fragment '" + name + "' is also defined in " + at->second.file);
      }
      if (const auto* nested = top.find("include")) FileLoader(path, reading_, state_).includes(*nested);
      reading_.pop_back();
    }
  }

  void key_texts(std::vector<KeyText>& keys, const YAML::Node& node) const {
    yaml_.entries(node, "keys", {});  // rejects duplicate names
    for (auto it = node.begin(); it != node.end(); ++it) {
      KeyText key{it->first.Scalar(), yaml_.scalar(it->second, "key " + it->first.Scalar()), yaml_.name(),
                  line_of(it->second)};
      auto same = std::find_if(keys.begin(), keys.end(), [&](const KeyText& k) { return k.name == key.name; });
      if (same != keys.end())
        *same = key;
      else
        keys.push_back(key);
    }
  }

  static KeyRule resolve(const Program& program, const KeyText& key) {
    KeyRule rule{key.name, {}};
    const std::vector<Field>* level = &program.fields;
    auto names = dotted(key.text);
    for (std::size_t i = 0; i < names.size(); ++i) {
      auto f = std::find_if(level->begin(), level->end(), [&](const Field& x) { return x.name == names[i]; });
      if (f == level->end())
        throw MappingFileError(key.file, key.line,
                               "key " + key.name + ": no output field '" + names[i] + "' in '" + key.text + "'");
      rule.field_path.push_back(names[i]);
      bool last = i + 1 == names.size();
      bool nested = f->kind == Field::Kind::Object || f->kind == Field::Kind::List;
      if (last == nested)
        throw MappingFileError(key.file, key.line, "key " + key.name + ": '" + key.text + "' must end at a value field");
      level = &f->fields;
    }
    return rule;
  }

  // extends: a base mapping changed by this file's fields/remove/tables/keys/source.
  Loaded extend(const Entries& top) {
    const YAML::Node& at = *top.find("extends");
    std::string path = beside(yaml_.name(), yaml_.scalar(at, "extends"));
    std::string text = read(path, at);
    reading_.push_back(path);
    LoadState base;  // the base's fragments are its own
    Loaded out = FileLoader(path, reading_, base).load(text);
    reading_.pop_back();
    Program& program = out.program;
    program.file = yaml_.name();
    state_.xml = program.source.format == "xml";
    state_.edifact = program.source.format == "edifact";
    if (const auto* source = top.find("source")) narrow(program, top.key_node("source"), *source);
    if (const auto* include = top.find("include")) includes(*include);
    if (const auto* target = top.find("target")) program.target = yaml_.scalar(*target, "target");
    if (const auto* tables = top.find("tables")) load_tables(program, *tables);
    if (const auto* fields = top.find("fields")) {
      yaml_.entries(*fields, "fields of the override", {});  // rejects duplicate names
      for (auto it = fields->begin(); it != fields->end(); ++it) replace(program, it->first, it->second);
    }
    if (const auto* remove = top.find("remove")) {
      if (!remove->IsSequence()) yaml_.fail(*remove, "remove is a list of field names such as carrier.routing");
      for (const auto& name : *remove) take_out(program, name);
    }
    if (const auto* keys = top.find("keys")) key_texts(out.keys, *keys);
    return finish(std::move(out));
  }

  // source: in an override narrows the base's versions.
  void narrow(Program& program, const YAML::Node& key, const YAML::Node& node) {
    Entries e = yaml_.entries(node, "source of an override", {"versions"});
    if (!e.has("versions")) yaml_.fail(node, "the source of an override gives the versions it narrows to");
    const YAML::Node& list = *e.find("versions");
    auto narrowed = versions(list, program.source.format == "edifact");
    for (std::size_t i = 0; i < narrowed.size(); ++i)
      if (std::find(program.source.versions.begin(), program.source.versions.end(), narrowed[i]) ==
          program.source.versions.end())
        yaml_.fail(list[i], "version " + narrowed[i] + " is not one of the base mapping's");
    program.source.versions = std::move(narrowed);
    program.source_line = line_of(key);
  }

  // The list holding the field a dotted name ends at, and that last name.
  std::vector<Field>& level_of(Program& program, const YAML::Node& at, const std::vector<std::string>& names) const {
    std::vector<Field>* level = &program.fields;
    for (std::size_t i = 0; i + 1 < names.size(); ++i) {
      auto f = std::find_if(level->begin(), level->end(), [&](const Field& x) { return x.name == names[i]; });
      if (f == level->end() || f->fields.empty())
        yaml_.fail(at, "the base mapping has no object or list field '" + names[i] + "' to reach " + at.Scalar());
      level = &f->fields;
    }
    return *level;
  }

  void replace(Program& program, const YAML::Node& key, const YAML::Node& node) {
    auto names = dotted(yaml_.scalar(key, "a field name"));
    std::vector<Field>& level = level_of(program, key, names);
    Field f = FieldLoader(yaml_.name(), state_).field(names.back(), key, node);
    auto same = std::find_if(level.begin(), level.end(), [&](const Field& x) { return x.name == f.name; });
    if (same != level.end())
      *same = std::move(f);
    else
      level.push_back(std::move(f));
  }

  void take_out(Program& program, const YAML::Node& name) {
    auto names = dotted(yaml_.scalar(name, "a field to remove"));
    std::vector<Field>& level = level_of(program, name, names);
    auto f = std::find_if(level.begin(), level.end(), [&](const Field& x) { return x.name == names.back(); });
    if (f == level.end()) yaml_.fail(name, "remove: the base mapping has no field " + name.Scalar());
    level.erase(f);
  }

  YamlFile yaml_;
  std::vector<std::string>& reading_;
  LoadState& state_;
};

}  // namespace

Program load_program(const std::string& yaml_text, const std::string& file_name) {
  std::vector<std::string> reading{std::filesystem::path(file_name).lexically_normal().string()};
  LoadState state;
  return FileLoader(file_name, reading, state).load(yaml_text).program;
}

}  // namespace edihub::mapping
