// Reading mapping files with yaml-cpp so that every mistake is a MappingFileError at
// file:line: the parse itself, mappings with known keys, non-empty scalars, booleans.
// (outbound_loader.cc still carries its own copies of these helpers; it may move here.)
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mappings/mapping.h"

namespace edihub::mapping {

using Keys = std::vector<std::string_view>;

std::string join(const Keys& words);
// Letters, digits and _, not starting with a digit.
bool is_name(const std::string& s);
int line_of(const YAML::Node& node);  // 1-based; 0 when unknown

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

// One YAML file being read: errors name it.
class YamlFile {
 public:
  explicit YamlFile(std::string file) : file_(std::move(file)) {}
  const std::string& name() const { return file_; }

  YAML::Node parse(const std::string& text) const;
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const;
  // A mapping whose keys are all in `allowed` (any key when empty), without duplicates.
  Entries entries(const YAML::Node& node, const std::string& what, const Keys& allowed) const;
  std::string scalar(const YAML::Node& node, const std::string& what) const;
  bool boolean(const YAML::Node& node, const std::string& what) const;
  // A scalar or a list of scalars (`equals: [00, "05"]`).
  std::vector<std::string> scalars(const YAML::Node& node, const std::string& what) const;

 private:
  std::string file_;
};

}  // namespace edihub::mapping
