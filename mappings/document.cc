#include "mappings/document.h"

#include <algorithm>
#include <array>
#include <utility>

#include "formats/edifact.h"

namespace edihub::mapping {
namespace {

std::string_view trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// Segments that may follow a loop's head segment inside the loop (X12 856/850 N1 and CLD loops).
struct LoopMembers {
  std::string_view head;
  std::array<std::string_view, 6> members;
};
constexpr std::array<LoopMembers, 2> kLoops{{
    {"N1", {"N2", "N3", "N4", "REF", "PER", "FOB"}},
    {"CLD", {"REF", "DTM"}},
}};

// Line item loops (850/855 PO1, 810 IT1, and the warehouse, planning and carrier sets' below)
// hold dozens of segment kinds, nested loops (PID, ACK, SAC, SLN, N1, LS/LE, FST, SHP, AT7)
// included, so they are told by where they end instead: the next line item or the first
// segment of the summary area (or SE): 855 CTT (an AMT may sit inside a PO1 loop); 810 TDS,
// and ISS or CTT as well because retailers send ISS before TDS (formats/schemas/810.yaml).
// The same head tag (LX, LIN) ends differently in different sets, so a loop may name the one
// set (ST01) it is for.
struct LineLoop {
  std::string_view set;  // ST01 it applies to; empty: every set
  std::string_view head;
  std::array<std::string_view, 5> ends;  // unused entries are empty and match no tag
};
constexpr std::array<LineLoop, 10> kLineLoops{{
    {"", "PO1", {"PO1", "CTT", "SE"}},
    {"", "IT1", {"IT1", "TDS", "ISS", "CTT", "SE"}},
    // Warehouse reports: 944 W07 with its G69/N9/W20/W13 (an LX starts the next line), 947
    // W19 with its N9/G62/N1/LX, 846 LIN with its PID/REF/N1/QTY.
    {"944", "W07", {"W07", "LX", "W14", "SE"}},
    {"947", "W19", {"W19", "SE"}},
    {"846", "LIN", {"LIN", "HL", "CTT", "SE"}},
    // 945: an LX (a pallet, carton or line) holds W12 loops, so a W12 loop also ends at the
    // next LX; both end at the W03 totals.
    {"945", "LX", {"LX", "W03", "SE"}},
    {"945", "W12", {"W12", "LX", "W03", "SE"}},
    // 830 and 862 LIN with its FST/SDQ/SHP/ATH loops, up to the CTT; a 214 has no summary
    // area, so its LX loop (AT7, MS1, MS2 ...) ends at the next LX or SE.
    {"830", "LIN", {"LIN", "CTT", "SE"}},
    {"862", "LIN", {"LIN", "CTT", "SE"}},
    {"214", "LX", {"LX", "SE"}},
}};

bool in_x12_loop(std::string_view set, std::string_view head, std::string_view tag) {
  for (const auto& loop : kLoops)
    if (loop.head == head) return std::find(loop.members.begin(), loop.members.end(), tag) != loop.members.end();
  for (const auto& loop : kLineLoops)
    if (loop.head == head && (loop.set.empty() || loop.set == set))
      return std::find(loop.ends.begin(), loop.ends.end(), tag) == loop.ends.end();
  return false;
}

}  // namespace

Document::Document(const x12::TransactionSet& set, const Context& context, bool edifact)
    : set_(set),
      context_(context),
      groups_(edifact ? &EdifactGroups::of(set.id, set.message_version) : nullptr),
      tree_(set) {}

bool Document::is_envelope(std::string_view tag) const {
  return groups_ ? tag == "UNB" : tag == "ISA" || tag == "GS";
}

bool Document::in_loop(std::string_view head, std::string_view tag) const {
  return groups_ ? groups_->continues(head, tag) : in_x12_loop(set_.id, head, tag);
}

// One past the last segment of the loop headed by segment `head`, within [head, limit).
std::uint32_t Document::loop_end(std::uint32_t head, std::uint32_t limit) const {
  std::uint32_t end = head + 1;
  while (end < limit && in_loop(set_.segments[head].tag, set_.segments[end].tag)) ++end;
  return end;
}

Scope Document::whole() const {
  return Scope{0, static_cast<std::uint32_t>(set_.segments.size()), -1, kNoSegment, nullptr, nullptr};
}

Scope Document::of_node(int node) const {
  const HlNode& n = tree_.nodes()[node];
  return Scope{n.begin, n.end, node, n.begin, nullptr, nullptr};
}

std::string_view Document::element(const x12::Segment& segment, const ElementRef& ref) const {
  std::string_view value = segment.element(ref.element);
  auto pick = [](std::string_view text, char separator, int n) -> std::string_view {
    if (separator == 0) return n == 1 ? text : std::string_view{};
    auto parts = x12::split(text, separator);
    return static_cast<std::size_t>(n) <= parts.size() ? parts[n - 1] : std::string_view{};
  };
  if (ref.repetition) value = pick(value, set_.delimiters.repetition, ref.repetition);
  if (ref.component) value = pick(value, set_.delimiters.component, ref.component);
  return trim(value);
}

std::string_view Document::envelope(const ElementRef& ref) const {
  if (ref.tag == "ISA" || ref.tag == "UNB") {  // UNB: its elements as sent, composites joined
    const auto* isa = context_.interchange;
    if (!isa || static_cast<std::size_t>(ref.element) > isa->isa.size()) return {};
    std::string_view value = isa->isa[ref.element - 1];
    if (ref.component) {
      auto parts = x12::split(value, edifact::kComponent);
      value = static_cast<std::size_t>(ref.component) <= parts.size() ? parts[ref.component - 1] : std::string_view{};
    }
    return trim(value);
  }
  const x12::GroupHeader* gs = context_.group;
  if (!gs) return {};
  const std::array<const std::string*, 8> elements{&gs->functional_id, &gs->sender, &gs->receiver,
                                                   &gs->date,          &gs->time,   &gs->control_number,
                                                   &gs->agency,        &gs->version};
  return ref.element <= 8 ? trim(*elements[ref.element - 1]) : std::string_view{};
}

bool Document::matches(const x12::Segment& segment, const Selector& selector) const {
  if (segment.tag != selector.tag) return false;
  for (const Condition& c : selector.where) {
    std::string_view v = element(segment, c.element);
    if (std::find(c.values.begin(), c.values.end(), v) == c.values.end()) return false;
  }
  return true;
}

// Calls visit(Scope) for each scope `place` names until visit returns false; returns false then.
template <typename Visit>
bool Document::visit_places(const Place& place, const Scope& scope, Visit&& visit) const {
  switch (place.kind) {
    case Place::Kind::Here:
      return visit(scope);
    case Place::Kind::Set:
      return visit(whole());
    case Place::Kind::Above: {
      int n = scope.node;
      if (n >= 0) {
        n = tree_.nearest(n, place.level);
      } else {
        auto first = tree_.at_level(-1, place.level, false);
        n = first.empty() ? -1 : first.front();
      }
      return n < 0 || visit(of_node(n));
    }
    case Place::Kind::Below: {
      const std::vector<int> self{scope.node};
      for (int root : scope.members ? *scope.members : self)
        for (int n : tree_.at_level(root, place.level, false))
          if (!visit(of_node(n))) return false;
      return true;
    }
    case Place::Kind::Enclosing:  // the nearest group of that trigger holding the scope's start
      for (std::uint32_t i = std::min<std::uint32_t>(scope.begin + 1, set_.segments.size()); i-- > 0;) {
        if (set_.segments[i].tag != place.level) continue;
        std::uint32_t end = loop_end(i, static_cast<std::uint32_t>(set_.segments.size()));
        return end <= scope.begin || visit(Scope{i, end, tree_.owner(i), i, nullptr, nullptr});
      }
      return true;
  }
  return true;
}

// Calls visit(segment index, value) for the path's value in each matching segment (empty
// values included) until visit returns false.
template <typename Visit>
void Document::visit_values(const Path& path, const Scope& scope, Visit&& visit) const {
  if (is_envelope(path.segment.tag)) {
    visit(kNoSegment, envelope(path.element));
    return;
  }
  visit_places(path.segment.place, scope, [&](const Scope& region) {
    for (std::uint32_t i = region.begin; i < region.end; ++i) {
      const x12::Segment& seg = set_.segments[i];
      if (!matches(seg, path.segment)) continue;
      if (path.after.empty()) {
        if (!visit(i, element(seg, path.element))) return false;
        continue;
      }
      if (path.composite_pairs) {  // EDIFACT PIA: value:qualifier composites
        for (std::size_t k = path.pairs_from; k <= seg.elements.size(); ++k) {
          std::string_view qualifier = element(seg, ElementRef{seg.tag, static_cast<int>(k), 0, 2});
          if (std::find(path.after.begin(), path.after.end(), qualifier) != path.after.end() &&
              !visit(i, element(seg, ElementRef{seg.tag, static_cast<int>(k), 0, 1})))
            return false;
        }
        continue;
      }
      for (std::size_t k = path.pairs_from; k + 1 <= seg.elements.size(); k += 2) {
        std::string_view qualifier = trim(seg.element(k));
        if (std::find(path.after.begin(), path.after.end(), qualifier) != path.after.end() &&
            !visit(i, trim(seg.element(k + 1))))
          return false;
      }
    }
    return true;
  });
}

std::optional<Value> Document::first(const Path& path, const Scope& scope, std::uint32_t* seen) const {
  std::optional<Value> found;
  visit_values(path, scope, [&](std::uint32_t index, std::string_view text) {
    if (seen && *seen == kNoSegment) *seen = index;
    if (!text.empty()) found = Value{text, index};
    return !found;
  });
  return found;
}

void Document::all(const Path& path, const Scope& scope, std::vector<Value>& out) const {
  visit_values(path, scope, [&](std::uint32_t index, std::string_view text) {
    if (!text.empty()) out.push_back(Value{text, index});
    return true;
  });
}

std::vector<Scope> Document::loops(const Selector& selector, const Scope& scope, bool all) const {
  std::vector<Scope> out;
  auto search = [&](const Scope& region) {
    for (std::uint32_t i = region.begin; i < region.end; ++i) {
      if (!matches(set_.segments[i], selector)) continue;
      out.push_back(Scope{i, loop_end(i, region.end), tree_.owner(i), i, nullptr, nullptr});
      if (!all) return false;
    }
    return true;
  };
  if (scope.loops && selector.place.kind == Place::Kind::Here) {
    for (const Scope& member : *scope.loops)
      if (!search(member)) break;
    return out;
  }
  visit_places(selector.place, scope, search);
  return out;
}

std::optional<Scope> Document::place(const Place& place, const Scope& scope) const {
  std::optional<Scope> out;
  visit_places(place, scope, [&](const Scope& s) {
    out = s;
    return false;
  });
  return out;
}

std::vector<Scope> Document::levels(std::string_view level, const Scope& scope) const {
  std::vector<Scope> out;
  const std::vector<int> self{scope.node};
  for (int root : scope.members ? *scope.members : self)
    for (int n : tree_.at_level(root, level, true)) out.push_back(of_node(n));
  return out;
}

}  // namespace edihub::mapping
