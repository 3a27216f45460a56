#include "partners/profile_reader.h"

#include <cstdlib>

#include "partners/profile.h"

namespace edihub::partners::detail {

namespace fs = std::filesystem;

std::string problem_text(const fs::path& file, int line, const std::string& message) {
  return file.string() + ":" + std::to_string(line) + ": " + message;
}

std::string from_environment(const YAML::Node& name, const Problem& problem) {
  const auto variable = name.as<std::string>();
  const char* value = std::getenv(variable.c_str());
  if (!value) problem(name, "environment variable " + variable + " is not set");
  return value ? value : "";
}

void ProfileReader::problem(const YAML::Node& at, const std::string& message) {
  problem(at.IsDefined() ? at.Mark().line + 1 : 0, message);
}

void ProfileReader::problem(int line, const std::string& message) {
  problems_.push_back(problem_text(file_, line, message));
}

void ProfileReader::reject_unknown_keys(const YAML::Node& map, const std::set<std::string>& known,
                                        const std::string& where) {
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    if (!known.count(key)) {
      std::string expected;
      for (const auto& k : known) expected += (expected.empty() ? "" : ", ") + k;
      problem(kv.first, "unknown key '" + key + "' in " + where + " (expected one of: " + expected + ")");
    }
  }
}

std::string ProfileReader::scalar(const YAML::Node& node, const std::string& what, bool required) {
  if (!node.IsDefined() || node.IsNull()) {
    if (required) problem(0, "missing " + what);
    return {};
  }
  if (!node.IsScalar()) {
    problem(node, what + " must be a single value");
    return {};
  }
  return node.as<std::string>();
}

fs::path ProfileReader::config_path(const YAML::Node& node, const std::string& what) {
  std::string text = scalar(node, what);
  if (text.empty()) return {};
  fs::path p(text);
  if (p.is_absolute()) {
    problem(node, what + " must be relative to the config folder, not '" + text + "'");
    return {};
  }
  return fs::weakly_canonical(config_dir_ / p);
}

int ProfileReader::bounded_int(const YAML::Node& node, int low, int high, const std::string& what) {
  try {
    int v = node.as<int>();
    if (v >= low && v <= high) return v;
  } catch (const YAML::Exception&) {
  }
  problem(node, what + " must be a number from " + std::to_string(low) + " to " + std::to_string(high));
  return low;
}

bool ProfileReader::boolean(const YAML::Node& node, const std::string& what) {
  try {
    return node.as<bool>();
  } catch (const YAML::Exception&) {
    problem(node, what + " must be true or false");
    return false;
  }
}

void ProfileReader::one_of(const YAML::Node& node, const char* key, const std::string& what, std::string& into,
                           const std::set<std::string>& allowed) {
  if (!node[key]) return;
  into = scalar(node[key], what);
  if (!allowed.count(into)) {
    std::string list;
    for (const auto& v : allowed) list += (list.empty() ? "" : ", ") + v;
    problem(node[key], what + " '" + into + "' is not one of: " + list);
  }
}

std::optional<std::chrono::seconds> ProfileReader::duration(const YAML::Node& node, const std::string& what,
                                                            const std::string& examples, std::chrono::seconds min) {
  const auto text = scalar(node, what);
  auto d = parse_duration(text);
  if (d && *d >= min) return d;
  problem(node, what + " '" + text + "' is not a duration such as " + examples);
  return std::nullopt;
}

std::string ProfileReader::value_or_env(const YAML::Node& node) {
  if (node.IsMap() && node["env"]) return environment(node["env"]);
  return scalar(node, "value");
}

}  // namespace edihub::partners::detail

namespace edihub::partners {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9' || value > 100000000) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  switch (text.back()) {
    case 's': return std::chrono::seconds(value);
    case 'm': return std::chrono::seconds(value * 60);
    case 'h': return std::chrono::seconds(value * 3600);
    case 'd': return std::chrono::seconds(value * 86400);
    default: return std::nullopt;
  }
}

}  // namespace edihub::partners
