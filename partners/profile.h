// Partner profiles: one YAML file per trading partner (identity, channels, ERP sink,
// which mapping applies to which transaction set and version, code tables), and the
// directory that routes an interchange to its partner by ISA sender (and GS02).
// Loading checks every file and reports each mistake as file:line.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/mapping.h"

namespace edihub::partners {

// One X12 identity a partner sends under. Empty qualifier or group id match any.
struct Identity {
  std::string isa_qualifier;  // ISA05
  std::string isa_id;         // ISA06, trimmed
  std::string group_id;       // GS02
};

// Inbound folder channel: files are taken once they are settled (unchanged size and
// modification time for `settle`), never while still being written.
struct FolderChannel {
  std::filesystem::path path;           // absolute after loading (config-relative in YAML)
  std::string pattern = "*";            // glob over file names
  std::chrono::milliseconds settle{1000};
};

struct FolderSink {
  std::filesystem::path path;
};

struct MappingRule {
  std::string transaction_set;          // ST01, e.g. "856"
  std::vector<std::string> versions;    // GS08 prefixes; empty = any
  std::filesystem::path file;
  std::shared_ptr<const mapping::Mapping> mapping;
};

struct Profile {
  std::string id;
  std::string name;
  std::filesystem::path file;
  std::vector<Identity> identities;
  std::optional<FolderChannel> inbound;
  std::optional<FolderSink> erp;
  std::vector<MappingRule> mappings;
  mapping::CodeTables code_tables;

  // The rule for a transaction set and GS08 version, or nullptr.
  const MappingRule* mapping_for(std::string_view transaction_set, std::string_view version) const;
};

// Every mistake found in the configuration, one line each: "file:line: message".
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  std::vector<std::string> problems;
};

class Directory {
 public:
  // Loads every partners/*.yaml under `config_dir` and the mapping files they name
  // (shared mappings are loaded once). Throws ConfigError listing all problems.
  static Directory load(const std::filesystem::path& config_dir);

  const std::vector<Profile>& profiles() const { return profiles_; }
  const Profile* find(std::string_view id) const;
  // The partner an interchange belongs to, by ISA05/ISA06 and GS02; nullptr if none.
  const Profile* resolve(std::string_view isa_qualifier, std::string_view isa_id,
                         std::string_view group_id = {}) const;

 private:
  std::vector<Profile> profiles_;
};

}  // namespace edihub::partners
