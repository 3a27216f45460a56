// The segment path grammar of X12 and EDIFACT mapping files, compiled once when a mapping
// is loaded. EDIFACT segments are read like X12 ones: DTM01-2 is element 1, component 2.
//
//   path     := head [where COND {and COND}] [in PLACE]
//   head     := ELEMENT                      BSN02, SLN05-2 (component), PER04^2 (repetition)
//             | TAG after QUAL{|QUAL}        LIN after BP|VP: the value after the qualifier
//                                            (EDIFACT PIA after SA: the item number whose
//                                            composite carries type SA)
//   selector := TAG [where ...] [in PLACE]   a segment (or loop) rather than a value: N1 where N101=ST
//             | QUALIFIED [where ...] [in PLACE]
//   COND     := ELEMENT=VALUE{|VALUE}        REF01=BM, N101=ST|SF
//             | QUALIFIED                    RFF+ON: the segment's qualifiers, as EDIFACT reads
//   QUALIFIED:= TAG+Q{|Q}{+[Q{|Q}]}          NAD+SU|SE, QTY+12, PIA++X: the first component of
//                                            element 1 (2, ...) is Q; an empty part tests nothing
//   PLACE    := set | LEVEL [below]          whole set; nearest LEVEL HL above (or self); LEVEL HLs below
//             | TAG                          EDIFACT: the TAG segment group the context lies in
//
// Syntax only: tags and element numbers are not checked against a dictionary, so
// XY02 and BSN99 load (and find nothing) while BSN2 or "REF02 where" do not.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace edihub::mapping {

// A malformed path; the loader adds the mapping file and line.
class PathError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ElementRef {
  std::string tag;
  int element = 0;     // 1-based (BSN02 -> 2)
  int repetition = 0;  // 1-based; 0: the element as a whole, repetitions unsplit
  int component = 0;   // 1-based; 0: the element as a whole, components unsplit
};

struct Condition {
  ElementRef element;
  std::vector<std::string> values;  // matches when the element equals any of them
};

// Where a path or selector looks, relative to the context it is evaluated in.
struct Place {
  enum class Kind { Here, Set, Above, Below, Enclosing };
  Kind kind = Kind::Here;
  std::string level;  // HL03 code for Above and Below; the group's trigger tag for Enclosing
};

struct Selector {
  std::string tag;
  std::vector<Condition> where;
  Place place;
  std::string text;  // as written, for messages
};

struct Path {
  Selector segment;
  ElementRef element;              // unless `after` is given
  std::vector<std::string> after;  // qualifiers whose following element is the value
  int pairs_from = 0;              // first qualifier element of the segment's pair list
  bool composite_pairs = false;    // EDIFACT: each element from pairs_from is value:qualifier
  std::string text;
};

Path parse_path(std::string_view text);
Selector parse_selector(std::string_view text);
Place parse_place(std::string_view text);

// The HL03 code for a level name ("order" -> "O"); empty when the name is unknown.
std::string_view level_code(std::string_view name);
// The level names, for messages: "shipment, order, ...".
std::string level_names();
// True when `text` starts with a level name or "set" (a Place rather than a Selector).
bool names_place(std::string_view text);

}  // namespace edihub::mapping
