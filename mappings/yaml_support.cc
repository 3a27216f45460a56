#include "mappings/yaml_support.h"

#include <algorithm>
#include <cctype>

namespace edihub::mapping {

std::string join(const Keys& words) {
  std::string out;
  for (auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

bool is_name(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

int line_of(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }

YAML::Node YamlFile::parse(const std::string& text) const {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw MappingFileError(file_, e.mark.is_null() ? 0 : e.mark.line + 1, e.msg);
  }
}

void YamlFile::fail(const YAML::Node& at, const std::string& message) const {
  throw MappingFileError(file_, line_of(at), message);
}

Entries YamlFile::entries(const YAML::Node& node, const std::string& what, const Keys& allowed) const {
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

std::string YamlFile::scalar(const YAML::Node& node, const std::string& what) const {
  if (!node.IsScalar() || node.Scalar().empty()) fail(node, what + " must be a non-empty text value");
  return node.Scalar();
}

bool YamlFile::boolean(const YAML::Node& node, const std::string& what) const {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) fail(node, what + " must be true or false");
  return value;
}

std::vector<std::string> YamlFile::scalars(const YAML::Node& node, const std::string& what) const {
  if (node.IsScalar()) return {scalar(node, what)};
  if (!node.IsSequence() || node.size() == 0) fail(node, what + " must be a value or a list of values");
  std::vector<std::string> out;
  for (const auto& v : node) out.push_back(scalar(v, what));
  return out;
}

}  // namespace edihub::mapping
