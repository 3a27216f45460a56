#include "mappings/x12_source.h"

namespace edihub::mapping {
namespace {

At at(const Scope& scope) { return At{scope, nullptr, nullptr, {}, nullptr}; }

}  // namespace

std::string describe(const x12::TransactionSet& set) { return set.id + " control " + set.control_number; }

At X12Reader::whole() const { return at(doc_.whole()); }

std::optional<Found> X12Reader::first(const Locator& path, const At& a, Spot* seen) const {
  std::uint32_t segment = kNoSegment;
  auto v = doc_.first(std::get<Path>(path.path), a.scope, &segment);
  if (seen && seen->segment == kNoSegment) seen->segment = segment;
  if (!v) return std::nullopt;
  return Found{std::string(v->text), Spot{v->segment, {}}};
}

void X12Reader::all(const Locator& path, const At& a, std::vector<Found>& out) const {
  std::vector<Value> found;
  doc_.all(std::get<Path>(path.path), a.scope, found);
  for (const Value& v : found) out.push_back(Found{std::string(v.text), Spot{v.segment, {}}});
}

std::optional<At> X12Reader::enter(const Within& in, const At& a) const {
  if (const auto* place = std::get_if<Place>(&in.target)) {
    auto scope = doc_.place(*place, a.scope);
    if (!scope) return std::nullopt;
    return at(*scope);
  }
  auto loops = doc_.loops(std::get<Selector>(in.target), a.scope, false);
  if (loops.empty()) return std::nullopt;
  return at(loops.front());
}

std::vector<At> X12Reader::iterate(const Iteration& each, const At& a) const {
  std::vector<Scope> scopes = std::holds_alternative<Selector>(each.over)
                                  ? doc_.loops(std::get<Selector>(each.over), a.scope, true)
                                  : doc_.levels(std::get<std::string>(each.over), a.scope);
  std::vector<At> out;
  for (const Scope& s : scopes) out.push_back(at(s));
  return out;
}

At X12Reader::group(const std::vector<At>& members) const {
  if (edifact_) {  // segment groups: the first one's segments, each one's loops
    auto loops = std::make_shared<std::vector<Scope>>();
    for (const At& m : members) loops->push_back(m.scope);
    At out = at(loops->front());
    out.scope.loops = loops.get();
    out.loops = std::move(loops);
    return out;
  }
  auto hls = std::make_shared<std::vector<int>>();
  for (const At& m : members) hls->push_back(m.scope.node);
  At out = at(doc_.of_node(hls->front()));
  out.scope.members = hls.get();
  out.hls = std::move(hls);
  return out;
}

Spot X12Reader::anchor(const At& a) const { return Spot{a.scope.anchor, {}}; }

MappingError X12Reader::error(const std::string& file, int line, const Spot& spot, const std::string& message) const {
  const auto& set = doc_.set();
  bool known = spot.segment < set.segments.size();
  return MappingError(file, line, describe(set), known ? set.segments[spot.segment].position : 0, message,
                      known ? set.segments[spot.segment].tag : "");
}

}  // namespace edihub::mapping
