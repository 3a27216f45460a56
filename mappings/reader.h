// What the evaluator asks of a document, whatever its format: values of a path, contexts
// (`in:`), iterations (`each:`), groups (`group_by:`) and where to point in a message.
// One evaluator runs every mapping over this interface; x12_source.h and xml_source.h
// implement it for X12 transaction sets and XML documents.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "mappings/document.h"
#include "mappings/mapping.h"
#include "mappings/program.h"

namespace edihub::mapping {

// Where a value came from, for messages: a segment (X12) or a node (XML).
struct Spot {
  std::uint32_t segment = kNoSegment;
  pugi::xml_node node;
};

struct Found {
  std::string text;  // trimmed, never empty
  Spot at;
};

// A context: an X12 scope or an XML node; a group keeps its members.
struct At {
  Scope scope;
  std::shared_ptr<const std::vector<int>> hls;  // X12 group: the HLs scope.members points to
  std::shared_ptr<const std::vector<Scope>> loops;  // EDIFACT group: the segment groups scope.loops points to
  pugi::xml_node node;
  std::shared_ptr<const std::vector<pugi::xml_node>> nodes;  // XML group members
};

class Reader {
 public:
  virtual ~Reader() = default;
  virtual At whole() const = 0;
  // The first non-empty value of `path` in `at`; `seen` receives the first place the path
  // matched, even where it was empty.
  virtual std::optional<Found> first(const Locator& path, const At& at, Spot* seen = nullptr) const = 0;
  virtual void all(const Locator& path, const At& at, std::vector<Found>& out) const = 0;
  virtual std::optional<At> enter(const Within& in, const At& at) const = 0;
  virtual std::vector<At> iterate(const Iteration& each, const At& at) const = 0;
  // One element made of several (grouped) ones; its fields read the first.
  virtual At group(const std::vector<At>& members) const = 0;
  virtual Spot anchor(const At& at) const = 0;
  // "field qty: ..." placed at `spot` (segment, or node line and column).
  virtual MappingError error(const std::string& file, int line, const Spot& spot, const std::string& message) const = 0;
};

}  // namespace edihub::mapping
