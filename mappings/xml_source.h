// The Reader of an XML document: every path is a compiled XPath 1.0 evaluated relative to
// the context node. A value is the trimmed text of the first node found (element text,
// attribute value) or the string result of an expression that is not a node set.
// The tree's names must already carry the mapping's prefixes (xml::bind_prefixes).
#pragma once

#include <functional>
#include <utility>

#include "mappings/reader.h"

namespace edihub::mapping {

// Line and column of a node, for messages ({0, 0}: unknown).
using NodePosition = std::function<std::pair<int, int>(pugi::xml_node)>;

class XmlReader : public Reader {
 public:
  // `root`: the document element; `document`: "DespatchAdvice 565899" for messages.
  XmlReader(pugi::xml_node root, std::string document, NodePosition position)
      : root_(root), document_(std::move(document)), position_(std::move(position)) {}

  At whole() const override;
  std::optional<Found> first(const Locator& path, const At& at, Spot* seen) const override;
  void all(const Locator& path, const At& at, std::vector<Found>& out) const override;
  std::optional<At> enter(const Within& in, const At& at) const override;
  std::vector<At> iterate(const Iteration& each, const At& at) const override;
  At group(const std::vector<At>& members) const override;
  Spot anchor(const At& at) const override;
  MappingError error(const std::string& file, int line, const Spot& spot, const std::string& message) const override;

 private:
  pugi::xml_node root_;
  std::string document_;
  NodePosition position_;
};

}  // namespace edihub::mapping
