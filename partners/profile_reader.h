// Reading one partner profile file (internal to partners/): the YAML helpers every profile
// section uses. Each mistake becomes "file:line: message" naming what was expected, and
// all of them are collected instead of stopping at the first, so `edihub check` shows a
// user everything wrong in one go. Paths are relative to the config folder.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace edihub::partners::detail {

// "file:line: message", the form of every configuration problem.
std::string problem_text(const std::filesystem::path& file, int line, const std::string& message);

using Problem = std::function<void(const YAML::Node&, const std::string&)>;

// The value of the environment variable the scalar `name` names; "" and a problem when unset.
std::string from_environment(const YAML::Node& name, const Problem& problem);

class ProfileReader {
 public:
  // `config_dir` must be absolute; problems are appended to `problems`.
  ProfileReader(std::filesystem::path file, std::filesystem::path config_dir, std::vector<std::string>& problems)
      : file_(std::move(file)), config_dir_(std::move(config_dir)), problems_(problems) {}

  const std::filesystem::path& file() const { return file_; }
  const std::filesystem::path& config_dir() const { return config_dir_; }

  // A problem at the line of `at` (0 when the node is not in the file).
  void problem(const YAML::Node& at, const std::string& message);
  void problem(int line, const std::string& message);
  // A message that already names its file and line (from the formats or mappings modules).
  void problem(const std::string& located_message) { problems_.push_back(located_message); }
  // As a callback, for helpers shared with other modules (key_passphrase).
  Problem reporter() {
    return [this](const YAML::Node& at, const std::string& message) { problem(at, message); };
  }

  // Each key of `map` not in `known` is a problem naming `where` and the keys expected.
  void reject_unknown_keys(const YAML::Node& map, const std::set<std::string>& known, const std::string& where);
  // A single value; a missing one is a problem when `required`.
  std::string scalar(const YAML::Node& node, const std::string& what, bool required = true);
  // A config-relative path made absolute; absolute paths are refused so a config folder
  // can be moved or copied as a whole.
  std::filesystem::path config_path(const YAML::Node& node, const std::string& what);
  // A whole number from `low` to `high` (`low` after reporting one that is not).
  int bounded_int(const YAML::Node& node, int low, int high, const std::string& what);
  bool boolean(const YAML::Node& node, const std::string& what);
  // node[key], when present, into `into`; it must be one of `allowed`, `what` names it.
  void one_of(const YAML::Node& node, const char* key, const std::string& what, std::string& into,
              const std::set<std::string>& allowed);
  // A duration ("90s", "30m", "4h", "2d") of at least `min`; nullopt after reporting one
  // that is not, with `examples` ("90m, 4h or 2d") of what is expected.
  std::optional<std::chrono::seconds> duration(const YAML::Node& node, const std::string& what,
                                               const std::string& examples,
                                               std::chrono::seconds min = std::chrono::seconds(0));
  // A literal, or {env: NAME} read from the environment (secrets stay out of profiles).
  std::string value_or_env(const YAML::Node& node);
  std::string environment(const YAML::Node& name) { return from_environment(name, reporter()); }

 private:
  std::filesystem::path file_;
  std::filesystem::path config_dir_;
  std::vector<std::string>& problems_;
};

}  // namespace edihub::partners::detail
