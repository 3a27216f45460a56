#include "mappings/path.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace edihub::mapping {
namespace {

// HL03 codes (X12 element 735) under names an analyst reads.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kLevels{{
    {"shipment", "S"},
    {"order", "O"},
    {"tare", "T"},
    {"pack", "P"},
    {"subpack", "Q"},
    {"item", "I"},
    {"component", "F"},
}};

// Segments made of qualifier/value pairs, and the element the first qualifier sits in.
// EDIFACT PIA holds its pairs inside composites (C212: item number, then its type) from
// element 2 on.
struct PairList {
  std::string_view tag;
  int from;
  bool composite;
};
constexpr std::array<PairList, 5> kPairLists{{
    {"LIN", 2, false},
    {"PO1", 6, false},
    {"IT1", 6, false},
    {"SLN", 9, false},
    {"PIA", 2, true},
}};

std::vector<std::string_view> tokens(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

bool is_tag(std::string_view s) {
  if (s.size() < 2 || s.size() > 3 || !std::isupper(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s.substr(1))
    if (!std::isupper(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// Reads a run of 1-2 digits as a positive number; 0 when absent or zero.
int small_number(std::string_view s) {
  if (s.empty() || s.size() > 2) return 0;
  int n = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

// TAG + two-digit element, then optional ^repetition and -component: SLN05-2, PER04^2.
ElementRef parse_element(std::string_view s, std::string_view path) {
  auto bad = [&](const std::string& why) {
    return PathError("bad path '" + std::string(path) + "': '" + std::string(s) + "' " + why);
  };
  std::size_t end = s.find_first_of("^-");
  std::string_view head = s.substr(0, end);
  if (head.size() < 4) throw bad("is not an element such as BSN02 (segment tag, then two digits)");
  ElementRef ref;
  ref.tag = std::string(head.substr(0, head.size() - 2));
  ref.element = small_number(head.substr(head.size() - 2));
  if (!is_tag(ref.tag) || ref.element == 0) throw bad("is not an element such as BSN02 (segment tag, then two digits)");
  std::string_view rest = end == std::string_view::npos ? std::string_view{} : s.substr(end);
  if (!rest.empty() && rest[0] == '^') {
    std::size_t stop = rest.find('-', 1);
    ref.repetition = small_number(rest.substr(1, stop == std::string_view::npos ? rest.npos : stop - 1));
    if (ref.repetition == 0) throw bad("needs a repetition number after ^ (e.g. PER04^2)");
    rest = stop == std::string_view::npos ? std::string_view{} : rest.substr(stop);
  }
  if (!rest.empty()) {
    ref.component = small_number(rest.substr(1));
    if (ref.component == 0) throw bad("needs a component number after - (e.g. SLN05-2)");
  }
  return ref;
}

std::vector<std::string> alternatives(std::string_view s, std::string_view what, std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t bar = s.find('|', start);
    std::string_view v = s.substr(start, bar == std::string_view::npos ? s.npos : bar - start);
    if (v.empty()) throw PathError("bad path '" + std::string(path) + "': empty " + std::string(what));
    out.emplace_back(v);
    if (bar == std::string_view::npos) return out;
    start = bar + 1;
  }
}

// TAG+Q{|Q}{+[Q{|Q}]}: RFF+ON, NAD+SU|BY, PIA++X. Returns the tag; appends one condition
// per non-empty part on the first component of its element.
std::string qualified(std::string_view token, std::vector<Condition>& out, std::string_view path) {
  std::size_t plus = token.find('+');
  std::string tag(token.substr(0, plus));
  if (!is_tag(tag))
    throw PathError("bad path '" + std::string(path) + "': '" + std::string(token) +
                    "' needs a segment tag before '+' (e.g. RFF+ON)");
  int element = 0;
  bool tested = false;
  for (std::size_t start = plus + 1; start <= token.size(); ++element) {
    std::size_t next = std::min(token.find('+', start), token.size());
    std::string_view part = token.substr(start, next - start);
    if (!part.empty()) {
      out.push_back(Condition{ElementRef{tag, element + 1, 0, 1}, alternatives(part, "qualifier", path)});
      tested = true;
    }
    start = next + 1;
  }
  if (!tested)
    throw PathError("bad path '" + std::string(path) + "': '" + std::string(token) +
                    "' names no qualifier (write e.g. RFF+ON)");
  return tag;
}

Place place_from(const std::vector<std::string_view>& t, std::size_t i, std::string_view text) {
  auto bad = [&](const std::string& why) { return PathError("bad place '" + std::string(text) + "': " + why); };
  if (i >= t.size()) throw bad("'in' needs 'set', a level (" + level_names() + ") or a segment group such as CPS");
  Place place;
  if (t[i] == "set") {
    place.kind = Place::Kind::Set;
  } else if (is_tag(t[i])) {
    place.kind = Place::Kind::Enclosing;
    place.level = std::string(t[i]);
  } else {
    std::string_view code = level_code(t[i]);
    if (code.empty())
      throw bad("unknown level '" + std::string(t[i]) + "' (use set, a segment group tag or " + level_names() + ")");
    place.level = std::string(code);
    place.kind = Place::Kind::Above;
    if (i + 1 < t.size() && t[i + 1] == "below") {
      place.kind = Place::Kind::Below;
      ++i;
    }
  }
  if (i + 1 < t.size()) throw bad("unexpected '" + std::string(t[i + 1]) + "' at the end");
  return place;
}

// Reads "[where COND {and COND}] [in PLACE]" from token i on into `selector`.
void parse_tail(const std::vector<std::string_view>& t, std::size_t i, Selector& selector, std::string_view text) {
  auto bad = [&](const std::string& why) { return PathError("bad path '" + std::string(text) + "': " + why); };
  if (i < t.size() && t[i] == "where") {
    do {
      ++i;
      if (i >= t.size() || t[i] == "in" || t[i] == "and")
        throw bad("'where' and 'and' need a condition such as " + selector.tag + "01=XX");
      std::size_t eq = t[i].find('=');
      if (eq == std::string_view::npos && t[i].find('+') != std::string_view::npos) {
        std::vector<Condition> parts;
        if (qualified(t[i], parts, text) != selector.tag)
          throw bad("condition '" + std::string(t[i]) + "' must test " + selector.tag);
        for (auto& c : parts) selector.where.push_back(std::move(c));
        ++i;
        continue;
      }
      if (eq == std::string_view::npos)
        throw bad("condition '" + std::string(t[i]) + "' has no '=' (write " + selector.tag + "01=XX, without spaces)");
      Condition c{parse_element(t[i].substr(0, eq), text), alternatives(t[i].substr(eq + 1), "condition value", text)};
      if (c.element.tag != selector.tag)
        throw bad("condition '" + std::string(t[i]) + "' must test an element of " + selector.tag);
      selector.where.push_back(std::move(c));
      ++i;
    } while (i < t.size() && t[i] == "and");
  }
  if (i < t.size() && t[i] == "in") {
    selector.place = place_from(t, i + 1, text);
    return;
  }
  if (i < t.size()) throw bad("unexpected '" + std::string(t[i]) + "' (expected 'where' or 'in')");
}

}  // namespace

std::string_view level_code(std::string_view name) {
  for (const auto& [n, code] : kLevels)
    if (n == name) return code;
  return {};
}

std::string level_names() {
  std::string out;
  for (const auto& [n, code] : kLevels) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

bool names_place(std::string_view text) {
  auto t = tokens(text);
  return !t.empty() && (t[0] == "set" || !level_code(t[0]).empty());
}

Place parse_place(std::string_view text) { return place_from(tokens(text), 0, text); }

Selector parse_selector(std::string_view text) {
  auto t = tokens(text);
  bool with_qualifiers = !t.empty() && t[0].find('+') != std::string_view::npos;
  if (t.empty() || (!with_qualifiers && !is_tag(t[0])))
    throw PathError("bad segment '" + std::string(text) + "': expected a segment tag such as N1, REF or RFF+ON");
  Selector s;
  s.tag = with_qualifiers ? qualified(t[0], s.where, text) : std::string(t[0]);
  s.text = std::string(text);
  parse_tail(t, 1, s, text);
  return s;
}

Path parse_path(std::string_view text) {
  auto t = tokens(text);
  if (t.empty()) throw PathError("empty path");
  Path p;
  p.text = std::string(text);
  std::size_t next = 1;
  if (t.size() > 1 && t[1] == "after") {
    if (!is_tag(t[0])) throw PathError("bad path '" + p.text + "': '" + std::string(t[0]) + "' is not a segment tag");
    p.segment.tag = std::string(t[0]);
    for (const PairList& list : kPairLists)
      if (list.tag == t[0]) {
        p.pairs_from = list.from;
        p.composite_pairs = list.composite;
      }
    if (p.pairs_from == 0)
      throw PathError("bad path '" + p.text +
                      "': 'after' works on segments of qualifier/value pairs (LIN, PO1, IT1, SLN, PIA), not " +
                      p.segment.tag);
    if (t.size() < 3 || t[2] == "where" || t[2] == "in")
      throw PathError("bad path '" + p.text + "': 'after' needs a qualifier such as BP");
    p.after = alternatives(t[2], "qualifier", text);
    next = 3;
  } else {
    p.element = parse_element(t[0], text);
    p.segment.tag = p.element.tag;
  }
  p.segment.text = p.text;
  parse_tail(t, next, p.segment, text);
  return p;
}

}  // namespace edihub::mapping
