#include "mappings/hl_tree.h"

#include <unordered_map>

namespace edihub::mapping {
namespace {

std::string trimmed(std::string_view s) {
  std::size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(' ') - b + 1));
}

}  // namespace

HlTree::HlTree(const x12::TransactionSet& set) {
  std::unordered_map<std::string, int> by_id;
  std::unordered_map<std::string, std::string> level_above;  // for blank HL02
  std::unordered_map<std::string, int> last_at_level;
  owner_.assign(set.segments.size(), -1);
  int current = -1;
  auto close = [&](std::uint32_t at) {
    if (current >= 0) nodes_[current].end = at;
  };
  for (std::uint32_t i = 0; i < set.segments.size(); ++i) {
    const x12::Segment& seg = set.segments[i];
    if (seg.tag == "CTT" || seg.tag == "SE") {
      close(i);
      current = -1;
    } else if (seg.tag == "HL") {
      close(i);
      std::string id = trimmed(seg.element(1)), parent_id = trimmed(seg.element(2));
      HlNode node{trimmed(seg.element(3)), -1, i, i + 1};
      if (id.empty()) throw HlError(i, "HL01 is empty");
      if (by_id.count(id)) throw HlError(i, "HL01 " + id + " is used twice");
      if (!parent_id.empty()) {
        auto p = by_id.find(parent_id);
        if (p == by_id.end()) throw HlError(i, "HL02 " + parent_id + " names no earlier HL01");
        node.parent = p->second;
        level_above.try_emplace(node.level, nodes_[node.parent].level);
      } else {
        if (!level_above.count(node.level))
          level_above[node.level] = nodes_.empty() ? std::string() : nodes_.back().level;
        auto last = last_at_level.find(level_above[node.level]);
        if (last != last_at_level.end()) node.parent = last->second;
      }
      current = static_cast<int>(nodes_.size());
      by_id[id] = current;
      last_at_level[node.level] = current;
      nodes_.push_back(std::move(node));
    }
    owner_[i] = current;
  }
  close(static_cast<std::uint32_t>(set.segments.size()));
}

int HlTree::nearest(int node, std::string_view level) const {
  while (node >= 0 && nodes_[node].level != level) node = nodes_[node].parent;
  return node;
}

bool HlTree::within(int node, int root) const {
  if (root < 0) return true;
  while (node >= 0 && node != root) node = nodes_[node].parent;
  return node == root;
}

std::vector<int> HlTree::at_level(int root, std::string_view level, bool with_root) const {
  std::vector<int> out;
  // Descendants always follow their ancestor in the set, so the scan starts at `root`.
  for (int n = root < 0 ? 0 : root; n < static_cast<int>(nodes_.size()); ++n) {
    if (n == root && !with_root) continue;
    if (nodes_[n].level == level && within(n, root)) out.push_back(n);
  }
  return out;
}

}  // namespace edihub::mapping
