#include "mappings/edifact_groups.h"

#include <mutex>
#include <utility>

#include "formats/schema.h"

namespace edihub::mapping {
namespace {

// Every tag inside `group` (its nested groups' included), under its trigger.
void collect(const x12::StructureNode& group, std::set<std::string, std::less<>>& into) {
  for (std::size_t i = 1; i < group.children.size(); ++i) {
    const x12::StructureNode& child = group.children[i];
    if (child.is_loop) {
      into.insert(child.children.front().tag);
      collect(child, into);
    } else {
      into.insert(child.tag);
    }
  }
}

template <typename Add>
void each_group(const std::vector<x12::StructureNode>& nodes, Add&& add) {
  for (const x12::StructureNode& node : nodes)
    if (node.is_loop && !node.children.empty()) {
      add(node);
      each_group(node.children, add);
    }
}

const x12::TransactionSetSchema* schema_of(std::string_view message, std::string_view directory) {
  const auto& library = x12::SchemaLibrary::builtin();
  if (const auto* exact = library.find(message, directory)) return exact;
  for (const auto* schema : library.all())
    if (schema->id == message && is_directory(schema->version)) return schema;
  return nullptr;
}

bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

const EdifactGroups& EdifactGroups::of(std::string_view message, std::string_view directory) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::string>, EdifactGroups> built;
  std::lock_guard lock(mutex);
  auto [it, added] = built.try_emplace({std::string(message), std::string(directory)});
  if (added)
    if (const auto* schema = schema_of(message, directory))
      each_group(schema->structure,
                 [&](const x12::StructureNode& group) { collect(group, it->second.members_[group.children.front().tag]); });
  return it->second;
}

bool EdifactGroups::continues(std::string_view trigger, std::string_view tag) const {
  auto group = members_.find(trigger);
  return group != members_.end() && group->second.count(tag) > 0;
}

bool is_message_type(std::string_view text) {
  if (text.size() != 6) return false;
  for (char c : text)
    if (!upper(c)) return false;
  return true;
}

bool is_directory(std::string_view text) {
  return text.size() == 4 && upper(text[0]) && digit(text[1]) && digit(text[2]) && upper(text[3]);
}

}  // namespace edihub::mapping
