#include "partners/profile.h"

#include <algorithm>
#include <map>
#include <set>

#include <yaml-cpp/yaml.h>

namespace edihub::partners {

namespace fs = std::filesystem;

namespace {

// Collects problems with file:line instead of stopping at the first one, so `check`
// shows a user everything wrong in one go.
class ProblemList {
 public:
  void add(const fs::path& file, const YAML::Node& at, const std::string& message) {
    int line = at.IsDefined() ? at.Mark().line + 1 : 0;
    add(file, line, message);
  }
  void add(const fs::path& file, int line, const std::string& message) {
    problems.push_back(file.string() + ":" + std::to_string(line) + ": " + message);
  }
  std::vector<std::string> problems;
};

void reject_unknown_keys(const YAML::Node& map, const std::set<std::string>& known, const fs::path& file,
                         const std::string& where, ProblemList& problems) {
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    if (!known.count(key)) {
      std::string expected;
      for (const auto& k : known) expected += (expected.empty() ? "" : ", ") + k;
      problems.add(file, kv.first, "unknown key '" + key + "' in " + where + " (expected one of: " + expected + ")");
    }
  }
}

std::string scalar(const YAML::Node& node, const fs::path& file, const std::string& what, ProblemList& problems,
                   bool required = true) {
  if (!node.IsDefined() || node.IsNull()) {
    if (required) problems.add(file, 0, "missing " + what);
    return {};
  }
  if (!node.IsScalar()) {
    problems.add(file, node, what + " must be a single value");
    return {};
  }
  return node.as<std::string>();
}

// Paths in a profile are relative to the config folder; absolute paths are refused so a
// config folder can be moved or copied as a whole.
fs::path config_path(const YAML::Node& node, const fs::path& config_dir, const fs::path& file,
                     const std::string& what, ProblemList& problems) {
  std::string text = scalar(node, file, what, problems);
  if (text.empty()) return {};
  fs::path p(text);
  if (p.is_absolute()) {
    problems.add(file, node, what + " must be relative to the config folder, not '" + text + "'");
    return {};
  }
  return fs::weakly_canonical(config_dir / p);
}

class Loader {
 public:
  Loader(fs::path config_dir) : config_dir_(fs::absolute(std::move(config_dir))) {}

  Profile load(const fs::path& file, ProblemList& problems) {
    Profile profile;
    profile.file = file;
    YAML::Node root;
    try {
      root = YAML::LoadFile(file.string());
    } catch (const YAML::Exception& e) {
      problems.add(file, e.mark.line + 1, "YAML error: " + e.msg);
      return profile;
    }
    if (!root.IsMap()) {
      problems.add(file, 1, "a partner profile must be a mapping with id, name, identities, ...");
      return profile;
    }
    reject_unknown_keys(root, {"id", "name", "identities", "inbound", "erp", "mappings", "code_tables"}, file,
                        "the profile", problems);
    profile.id = scalar(root["id"], file, "'id' (the partner id)", problems);
    if (!profile.id.empty() && profile.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
      problems.add(file, root["id"], "id '" + profile.id + "' may hold only lowercase letters, digits, '_' and '-'");
    profile.name = scalar(root["name"], file, "'name'", problems);
    load_identities(root["identities"], file, profile, problems);
    load_inbound(root["inbound"], file, profile, problems);
    load_erp(root["erp"], file, profile, problems);
    load_code_tables(root["code_tables"], file, profile, problems);
    load_mappings(root["mappings"], file, profile, problems);
    if (!profile.mappings.empty() && !profile.erp)
      problems.add(file, root["mappings"], "mappings are listed but there is no 'erp' sink to deliver their output to");
    if (profile.inbound && !profile.inbound->path.empty() && !fs::is_directory(profile.inbound->path))
      problems.add(file, root["inbound"], "inbound folder " + profile.inbound->path.string() + " does not exist");
    return profile;
  }

 private:
  void load_identities(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    if (!node.IsDefined() || !node.IsSequence() || node.size() == 0) {
      problems.add(file, node, "'identities' must list at least one {isa_qualifier, isa_id, group_id}");
      return;
    }
    for (const auto& entry : node) {
      if (!entry.IsMap()) {
        problems.add(file, entry, "each identity must be a mapping {isa_qualifier, isa_id, group_id}");
        continue;
      }
      reject_unknown_keys(entry, {"isa_qualifier", "isa_id", "group_id"}, file, "an identity", problems);
      Identity id;
      id.isa_qualifier = scalar(entry["isa_qualifier"], file, "isa_qualifier", problems, false);
      id.isa_id = scalar(entry["isa_id"], file, "'isa_id' (ISA06) of an identity", problems);
      id.group_id = scalar(entry["group_id"], file, "group_id", problems, false);
      if (id.isa_id.size() > 15) problems.add(file, entry["isa_id"], "isa_id is longer than ISA06's 15 characters");
      profile.identities.push_back(id);
    }
  }

  void load_inbound(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    if (!node.IsDefined()) return;
    if (!node.IsMap()) return problems.add(file, node, "'inbound' must be a mapping like {folder: {path: ...}}");
    reject_unknown_keys(node, {"folder"}, file, "'inbound'", problems);
    const auto folder = node["folder"];
    if (!folder.IsMap()) return problems.add(file, node, "'inbound' needs a 'folder' channel with a 'path'");
    reject_unknown_keys(folder, {"path", "pattern", "settle_seconds"}, file, "'inbound.folder'", problems);
    FolderChannel channel;
    channel.path = config_path(folder["path"], config_dir_, file, "inbound.folder.path", problems);
    if (folder["pattern"]) channel.pattern = scalar(folder["pattern"], file, "pattern", problems);
    if (folder["settle_seconds"]) {
      try {
        double s = folder["settle_seconds"].as<double>();
        if (s < 0 || s > 3600) throw YAML::Exception(folder["settle_seconds"].Mark(), "out of range");
        channel.settle = std::chrono::milliseconds(static_cast<long>(s * 1000));
      } catch (const YAML::Exception&) {
        problems.add(file, folder["settle_seconds"], "settle_seconds must be a number of seconds from 0 to 3600");
      }
    }
    profile.inbound = channel;
  }

  void load_erp(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    if (!node.IsDefined()) return;
    if (!node.IsMap()) return problems.add(file, node, "'erp' must be a mapping like {folder: {path: ...}}");
    reject_unknown_keys(node, {"folder"}, file, "'erp'", problems);
    const auto folder = node["folder"];
    if (!folder.IsMap()) return problems.add(file, node, "'erp' needs a 'folder' sink with a 'path'");
    reject_unknown_keys(folder, {"path"}, file, "'erp.folder'", problems);
    profile.erp = FolderSink{config_path(folder["path"], config_dir_, file, "erp.folder.path", problems)};
  }

  void load_code_tables(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    if (!node.IsDefined()) return;
    if (!node.IsMap()) return problems.add(file, node, "'code_tables' must map table names to {partner code: our code}");
    for (const auto& table : node) {
      auto name = table.first.as<std::string>();
      if (!table.second.IsMap()) {
        problems.add(file, table.first, "code table '" + name + "' must map partner codes to our codes");
        continue;
      }
      auto& codes = profile.code_tables[name];
      for (const auto& code : table.second) {
        if (!code.second.IsScalar()) {
          problems.add(file, code.first, "code '" + code.first.as<std::string>() + "' in table '" + name + "' must map to one value");
          continue;
        }
        codes[code.first.as<std::string>()] = code.second.as<std::string>();
      }
    }
  }

  void load_mappings(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    if (!node.IsDefined()) return;
    if (!node.IsSequence()) return problems.add(file, node, "'mappings' must list {transaction_set, versions, file}");
    for (const auto& entry : node) {
      if (!entry.IsMap()) {
        problems.add(file, entry, "each mapping rule must be a mapping {transaction_set, versions, file}");
        continue;
      }
      reject_unknown_keys(entry, {"transaction_set", "versions", "file"}, file, "a mapping rule", problems);
      MappingRule rule;
      rule.transaction_set = scalar(entry["transaction_set"], file, "'transaction_set' of a mapping rule", problems);
      if (entry["versions"]) {
        if (!entry["versions"].IsSequence())
          problems.add(file, entry["versions"], "versions must be a list such as [\"004010\", \"005010\"]");
        else
          for (const auto& v : entry["versions"]) rule.versions.push_back(v.as<std::string>());
      }
      rule.file = config_path(entry["file"], config_dir_, file, "mapping file", problems);
      if (!rule.file.empty()) {
        rule.mapping = mapping_file(rule.file, file, entry["file"], problems);
        if (rule.mapping) check_rule(rule, profile, file, entry, problems);
      }
      profile.mappings.push_back(std::move(rule));
    }
  }

  void check_rule(const MappingRule& rule, const Profile& profile, const fs::path& file, const YAML::Node& entry,
                  ProblemList& problems) {
    const auto& source = rule.mapping->source();
    if (source.transaction_set != rule.transaction_set)
      problems.add(file, entry, "mapping " + rule.file.filename().string() + " is for transaction set " +
                                    source.transaction_set + ", not " + rule.transaction_set);
    for (const auto& table : rule.mapping->code_tables_used())
      if (!profile.code_tables.count(table))
        problems.add(file, entry, "mapping " + rule.file.filename().string() + " uses code table '" + table +
                                      "', which this profile does not define under code_tables");
  }

  // Shared mapping files are loaded once, however many partners use them.
  std::shared_ptr<const mapping::Mapping> mapping_file(const fs::path& path, const fs::path& file,
                                                       const YAML::Node& at, ProblemList& problems) {
    auto found = mappings_.find(path);
    if (found != mappings_.end()) return found->second;
    std::shared_ptr<const mapping::Mapping> loaded;
    if (!fs::exists(path)) {
      problems.add(file, at, "mapping file " + path.lexically_relative(config_dir_).string() + " does not exist");
    } else {
      try {
        loaded = mapping::Mapping::load_file(path.string());
      } catch (const mapping::MappingFileError& e) {
        problems.problems.push_back(e.what());
      }
    }
    mappings_[path] = loaded;
    return loaded;
  }

  fs::path config_dir_;
  std::map<fs::path, std::shared_ptr<const mapping::Mapping>> mappings_;
};

// Two identities overlap when some interchange could match both.
bool overlaps(const Identity& a, const Identity& b) {
  auto compatible = [](const std::string& x, const std::string& y) { return x.empty() || y.empty() || x == y; };
  return a.isa_id == b.isa_id && compatible(a.isa_qualifier, b.isa_qualifier) && compatible(a.group_id, b.group_id);
}

bool identity_matches(const Identity& id, std::string_view qualifier, std::string_view isa_id, std::string_view gs) {
  return id.isa_id == isa_id && (id.isa_qualifier.empty() || id.isa_qualifier == qualifier) &&
         (id.group_id.empty() || gs.empty() || id.group_id == gs);
}

}  // namespace

const MappingRule* Profile::mapping_for(std::string_view transaction_set, std::string_view version) const {
  for (const auto& rule : mappings) {
    if (rule.transaction_set != transaction_set || !rule.mapping) continue;
    if (rule.versions.empty()) return &rule;
    for (const auto& v : rule.versions)
      if (version.substr(0, v.size()) == v) return &rule;
  }
  return nullptr;
}

ConfigError::ConfigError(std::vector<std::string> list)
    : std::runtime_error(list.empty() ? "configuration error" : list.front()), problems(std::move(list)) {}

Directory Directory::load(const fs::path& config_dir) {
  ProblemList problems;
  Directory dir;
  fs::path partners_dir = config_dir / "partners";
  if (!fs::is_directory(partners_dir)) throw ConfigError({partners_dir.string() + ": no partners folder"});
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(partners_dir))
    if (entry.is_regular_file() && (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml"))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  Loader loader(config_dir);
  for (const auto& file : files) dir.profiles_.push_back(loader.load(file, problems));

  // Routing must be unambiguous: one id and one identity per partner.
  for (size_t i = 0; i < dir.profiles_.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const auto& a = dir.profiles_[i];
      const auto& b = dir.profiles_[j];
      if (!a.id.empty() && a.id == b.id)
        problems.add(a.file, 1, "partner id '" + a.id + "' is also used by " + b.file.string());
      for (const auto& ia : a.identities)
        for (const auto& ib : b.identities)
          if (overlaps(ia, ib))
            problems.add(a.file, 1, "identity " + ia.isa_qualifier + ":" + ia.isa_id + " is also claimed by partner '" +
                                        b.id + "' (" + b.file.string() + "), so routing would be ambiguous");
    }
  if (!problems.problems.empty()) throw ConfigError(problems.problems);
  return dir;
}

const Profile* Directory::find(std::string_view id) const {
  for (const auto& p : profiles_)
    if (p.id == id) return &p;
  return nullptr;
}

const Profile* Directory::resolve(std::string_view qualifier, std::string_view isa_id, std::string_view gs) const {
  for (const auto& p : profiles_)
    for (const auto& id : p.identities)
      if (identity_matches(id, qualifier, isa_id, gs)) return &p;
  return nullptr;
}

}  // namespace edihub::partners
