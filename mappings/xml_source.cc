#include "mappings/xml_source.h"

#include <string_view>

namespace edihub::mapping {
namespace {

std::string trimmed(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  std::size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(kSpace) - b + 1));
}

const pugi::xpath_query& query(const Locator& path) { return *std::get<XPath>(path.path).query; }

// The value of one node found: attribute value or element text; the element to blame.
Found value_of(const pugi::xpath_node& n) {
  if (n.attribute()) return Found{trimmed(n.attribute().value()), Spot{kNoSegment, n.parent()}};
  return Found{trimmed(n.node().text().get()), Spot{kNoSegment, n.node()}};
}

At at(pugi::xml_node node) { return At{Scope{}, nullptr, nullptr, node, nullptr}; }

}  // namespace

At XmlReader::whole() const { return at(root_); }

std::optional<Found> XmlReader::first(const Locator& path, const At& a, Spot* seen) const {
  const auto& q = query(path);
  if (q.return_type() != pugi::xpath_type_node_set) {
    std::string text = trimmed(q.evaluate_string(a.node));
    if (text.empty()) return std::nullopt;
    return Found{std::move(text), Spot{kNoSegment, a.node}};
  }
  pugi::xpath_node_set nodes = q.evaluate_node_set(a.node);
  nodes.sort();
  for (const auto& n : nodes) {
    Found v = value_of(n);
    if (seen && !seen->node) seen->node = v.at.node;
    if (!v.text.empty()) return v;
  }
  return std::nullopt;
}

void XmlReader::all(const Locator& path, const At& a, std::vector<Found>& out) const {
  const auto& q = query(path);
  if (q.return_type() != pugi::xpath_type_node_set) {
    if (auto v = first(path, a, nullptr)) out.push_back(std::move(*v));
    return;
  }
  pugi::xpath_node_set nodes = q.evaluate_node_set(a.node);
  nodes.sort();
  for (const auto& n : nodes)
    if (Found v = value_of(n); !v.text.empty()) out.push_back(std::move(v));
}

std::optional<At> XmlReader::enter(const Within& in, const At& a) const {
  pugi::xpath_node_set nodes = std::get<XPath>(in.target).query->evaluate_node_set(a.node);
  nodes.sort();
  if (nodes.empty() || !nodes.first().node()) return std::nullopt;
  return at(nodes.first().node());
}

std::vector<At> XmlReader::iterate(const Iteration& each, const At& a) const {
  std::vector<At> out;
  const std::vector<pugi::xml_node> self{a.node};
  for (pugi::xml_node context : a.nodes ? *a.nodes : self) {
    pugi::xpath_node_set nodes = std::get<XPath>(each.over).query->evaluate_node_set(context);
    nodes.sort();
    for (const auto& n : nodes)
      if (n.node()) out.push_back(at(n.node()));
  }
  return out;
}

At XmlReader::group(const std::vector<At>& members) const {
  auto nodes = std::make_shared<std::vector<pugi::xml_node>>();
  for (const At& m : members) nodes->push_back(m.node);
  At out = at(nodes->front());
  out.nodes = std::move(nodes);
  return out;
}

Spot XmlReader::anchor(const At& a) const { return Spot{kNoSegment, a.node}; }

MappingError XmlReader::error(const std::string& file, int line, const Spot& spot, const std::string& message) const {
  auto [node_line, column] = spot.node ? position_(spot.node) : std::pair<int, int>{0, 0};
  return MappingError(file, line, document_, node_line, column, message);
}

}  // namespace edihub::mapping
