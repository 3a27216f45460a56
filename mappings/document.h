// One transaction set prepared for evaluation, and the queries mapping fields run on it:
// the values of a path, the loops of a selector, the HLs of a level, each within a Scope
// (the segments a field sees). Read-only; values are views into the set and the envelope.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/x12.h"
#include "mappings/edifact_groups.h"
#include "mappings/hl_tree.h"
#include "mappings/mapping.h"
#include "mappings/path.h"

namespace edihub::mapping {

inline constexpr std::uint32_t kNoSegment = UINT32_MAX;

// What a field sees: its own segments [begin, end), the HL they lie in (-1: set level), the
// segment to blame in messages, and for grouped items (`group_by`) the HLs of the group
// (X12) or its segment groups (EDIFACT); [begin, end) is then the first member's.
struct Scope {
  std::uint32_t begin = 0, end = 0;
  int node = -1;
  std::uint32_t anchor = kNoSegment;
  const std::vector<int>* members = nullptr;
  const std::vector<Scope>* loops = nullptr;
};

struct Value {
  std::string_view text;               // trimmed of spaces, never empty
  std::uint32_t segment = kNoSegment;  // index of the segment it came from (kNoSegment: envelope)
};

class Document {
 public:
  // Throws HlError when the HL hierarchy is broken. `edifact`: the set is an EDIFACT
  // message: loops are its segment groups (edifact_groups.h, by the message type and
  // directory), UNB paths read the envelope.
  Document(const x12::TransactionSet& set, const Context& context, bool edifact = false);

  const x12::TransactionSet& set() const { return set_; }
  Scope whole() const;
  Scope of_node(int node) const;

  // The first value of `path` in `scope`, document order. `seen` receives the first
  // segment the path's selector matched, even when the element was empty there.
  std::optional<Value> first(const Path& path, const Scope& scope, std::uint32_t* seen = nullptr) const;
  void all(const Path& path, const Scope& scope, std::vector<Value>& out) const;
  // Loops headed by segments matching `selector`: N1 with its N2/N3/N4/REF/PER/FOB, CLD
  // with its REF/DTM, PO1 and IT1 with everything up to the next line item or the summary
  // (CTT, AMT; TDS, ISS, CTT), any other segment alone; in EDIFACT the segment groups the
  // selector's tag triggers. In a grouped scope, the loops of each member.
  std::vector<Scope> loops(const Selector& selector, const Scope& scope, bool all) const;
  // The first scope a Place names from `scope`: `scope` itself, the whole set, the nearest
  // HL of a level above (from the set level: the first of that level), the first below.
  std::optional<Scope> place(const Place& place, const Scope& scope) const;
  // HLs at `level` (HL03) in the subtree of `scope` (itself included; each member for a group).
  std::vector<Scope> levels(std::string_view level, const Scope& scope) const;

 private:
  template <typename Visit>
  bool visit_places(const Place& place, const Scope& scope, Visit&& visit) const;
  template <typename Visit>
  void visit_values(const Path& path, const Scope& scope, Visit&& visit) const;
  bool matches(const x12::Segment& segment, const Selector& selector) const;
  std::string_view element(const x12::Segment& segment, const ElementRef& ref) const;
  std::string_view envelope(const ElementRef& ref) const;
  bool in_loop(std::string_view head, std::string_view tag) const;
  std::uint32_t loop_end(std::uint32_t head, std::uint32_t limit) const;
  bool is_envelope(std::string_view tag) const;

  const x12::TransactionSet& set_;
  const Context& context_;
  const EdifactGroups* groups_;  // EDIFACT: the message's segment groups; X12: nullptr
  HlTree tree_;
};

}  // namespace edihub::mapping
