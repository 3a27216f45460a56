// Compiles the `fields:` of a mapping, a base mapping's override or a fragment into Fields:
// paths (X12 or XPath by the source format), conditions, concatenation, splitting, lookups,
// code tables, conversions, arithmetic and `use:` of fragments. Errors name the file the
// field was written in.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "mappings/program.h"
#include "mappings/yaml_support.h"

namespace edihub::mapping {

// A fragment from a fragment file: its fields, compiled where it is used.
struct Fragment {
  std::string file;
  YAML::Node fields;
};

// What the files of one mapping share while loading.
struct LoadState {
  bool xml = false;                           // paths are XPaths
  bool edifact = false;                       // segment paths over EDIFACT segment groups
  std::set<std::string> tables_used;
  std::map<std::string, Fragment> fragments;  // included by the file being loaded
  std::map<std::string, std::vector<Field>> compiled;
  std::vector<std::string> expanding;         // fragments being compiled, to refuse cycles
};

class FieldLoader {
 public:
  FieldLoader(std::string file, LoadState& state) : yaml_(std::move(file)), state_(state) {}

  std::vector<Field> fields(const YAML::Node& node, const std::string& owner);
  Field field(const std::string& name, const YAML::Node& key, const YAML::Node& node);

 private:
  struct PickDefaults;

  Locator locator(const YAML::Node& node, const std::string& what) const;
  XPath xpath(const YAML::Node& node, const std::string& text, bool nodes) const;
  Within within(const YAML::Node& node, const std::string& what) const;
  Conversion conversion(const YAML::Node& node) const;
  nlohmann::json output_value(const YAML::Node& node, const Conversion& as, const std::string& what) const;
  Test test(const YAML::Node& node) const;
  PickDefaults settings(const Entries& e, PickDefaults d);
  Pick path_pick(const YAML::Node& node, const PickDefaults& d) const;
  // `at`: where to point for a missing source; `node`: the mapping, for calc steps in order.
  Pick pick(const Entries& e, const YAML::Node& at, const YAML::Node& node, const PickDefaults& defaults,
            const std::string& what);
  void value_source(Pick& p, const Entries& e, const YAML::Node& at, const std::string& what);
  void split(Pick& p, const YAML::Node& node, bool every, const std::string& what) const;
  void calc(Pick& p, const Entries& e, const YAML::Node& at, const std::string& what) const;
  Iteration iteration(const Entries& e, const YAML::Node& at, const std::string& what) const;
  std::vector<Field> fragment(const YAML::Node& use);

  YamlFile yaml_;
  LoadState& state_;
};

}  // namespace edihub::mapping
