// Transaction-set schemas as data: a segment and element dictionary per X12 version and
// one structure per transaction set (segments in order, loops and their nesting, usage,
// maximum use and loop repeats), written in the YAML format of formats/schemas/README.md.
// UN/EDIFACT messages are held the same way: a dictionary per directory ("D96A") or
// service syntax ("D3", "41" for CONTRL), one structure per message and directory, its
// segment groups as loops named SGn.
// The files in formats/schemas/ are compiled into the binary (SchemaLibrary::builtin()),
// with the meanings of common code values (code-names.yaml) for the people who read them;
// a partner's implementation guide tightens a schema with tighten(). Errors in schema
// text name the file and line. Pure: parses text it is given, reads no files.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/x12.h"

namespace edihub::x12 {

class SchemaError : public std::runtime_error {
 public:
  SchemaError(std::string file, int line, const std::string& message);  // what(): "file:line: message"
  std::string file;
  int line;
};

enum class Usage { Mandatory, Optional, Conditional };  // M, O, X (relational: see syntax notes)
// X12: ID, AN, Nn, R, DT, TM. EDIFACT: a (no digits), an, n (digits with an optional leading
// '-' and one decimal mark, '.' or ','; lengths count the digits only).
enum class ElementType { ID, AN, Numeric, Decimal, Date, Time, EdifactA, EdifactAN, EdifactN };

struct ElementDef {
  std::string reference;     // data element number, e.g. "353" (EDIFACT "1001")
  std::string name;
  ElementType type = ElementType::AN;
  int decimals = 0;          // Nn: implied decimals
  std::uint32_t min_length = 1, max_length = 1;
  std::vector<std::string> codes;  // allowed values, sorted; empty: any value of the type
  // A partner's narrower list (tighten()), sorted; empty: not narrowed. A value in `codes`
  // but not here is an implementation error (999 IK403 I6), not a base standard one.
  std::vector<std::string> implementation_codes;
};

// An element position in a segment: a simple element or a composite of components.
struct SegmentElement {
  Usage usage = Usage::Optional;
  std::uint32_t max_repeat = 1;           // > 1: repeating element (5010)
  ElementDef element;                     // simple element (when components is empty)
  std::string composite;                  // composite id, e.g. "C001" (when components is not empty)
  std::string composite_name;             // e.g. "Composite Unit of Measure"
  std::vector<std::pair<Usage, ElementDef>> components;
  bool implementation_mandatory = false;  // optional in the standard, mandatory for the partner (tighten())
  bool is_composite() const { return !components.empty(); }
};

// X12 syntax note on element positions of one segment.
struct SyntaxNote {
  char kind = 'P';                    // P paired, R required (at least one), E exclusion, C conditional, L list conditional
  std::vector<std::uint32_t> positions;  // 1-based element positions
};

struct SegmentDef {
  std::string tag;
  std::string name;
  std::vector<SegmentElement> elements;  // elements[0] is XX01
  std::vector<SyntaxNote> syntax;
};

// A node of a transaction set's structure: a segment use or a loop of nodes.
struct StructureNode {
  bool is_loop = false;
  std::string tag;                  // segment tag; for a loop its trigger segment's tag (its id in X12)
  Usage usage = Usage::Optional;    // Mandatory or Optional
  std::uint32_t max_use = 1;        // segment: maximum use; loop: maximum repeats (0 = unbounded)
  const SegmentDef* segment = nullptr;  // for a segment use
  std::vector<StructureNode> children;  // for a loop; children[0] is its trigger segment
  bool implementation_mandatory = false;  // optional in the standard, mandatory for the partner (tighten())
  std::string group;                // EDIFACT segment group id ("SG2"); empty in X12
  // The loop's id as acknowledgments and messages name it: "SG2" in EDIFACT, the trigger tag in X12.
  const std::string& loop_id() const { return group.empty() ? tag : group; }
};

// The segments (with their elements and composites resolved) of one X12 version.
struct Dictionary {
  Standard standard = Standard::X12;
  std::string version;  // "004010"; EDIFACT: the directory "D96A" or CONTRL's syntax "D3", "41"
  std::map<std::string, SegmentDef, std::less<>> segments;
  const SegmentDef* segment(std::string_view tag) const;
};

struct TransactionSetSchema {
  Standard standard = Standard::X12;
  std::string id;                   // "856"; EDIFACT message type "DESADV"
  std::string name;                 // "Ship Notice/Manifest"
  std::string functional_id;        // GS01, "SH"; EDIFACT: the message type (UNG 0038 names it)
  std::string version;              // "004010"; EDIFACT: UNH S009 0052+0054, "D96A"
  std::vector<StructureNode> structure;  // ST ... SE; EDIFACT UNH ... UNT
  const Dictionary* dictionary = nullptr;  // the version's segments: tells unknown tags (AK304 1) from foreign ones (6)
  // Definitions this schema points into (shared with the library, or owned when tightened).
  std::shared_ptr<const void> keep_alive;
};

// What a partner's implementation guide changes in a schema (from its profile).
struct Tightening {
  std::string source;    // where it was written, e.g. "partners/acme.yaml:31", used in errors
  // "TD5" (every use of the tag) or "HL/TD5" (uses inside loop HL; a path of loop ids,
  // outermost first, matched against the innermost loops). A loop's trigger segment
  // stands for its loop: "N1" makes the N1 loop mandatory. EDIFACT loop ids are group ids:
  // "SG2/NAD" (or "SG2") is segment group 2, whose trigger is NAD; "SG2/LOC" a LOC in it.
  std::vector<std::string> mandatory_segments;
  std::vector<std::string> mandatory_elements;   // "BSN05", "TD503" (simple elements or whole composites)
  // "TD504" -> allowed codes (must be a subset when the base has a list); a component of a
  // composite as "BGM01-1" (EDIFACT C002 component 1, data element 1001).
  std::map<std::string, std::vector<std::string>> codes;
};

class SchemaLibrary {
 public:
  // The schemas compiled from formats/schemas/.
  static const SchemaLibrary& builtin();
  // Parses (file name, YAML text) pairs: dictionaries and structures. Throws SchemaError.
  static std::unique_ptr<SchemaLibrary> load(const std::vector<std::pair<std::string, std::string>>& files);

  // The schema for ST01 `id` in the functional group version `gs08` (e.g. "004010VICS",
  // "005010X231A1": matched by the six-digit version prefix); nullptr when none. For an
  // EDIFACT message: its type and TransactionSet::message_version ("DESADV", "D96A"),
  // matched whole.
  const TransactionSetSchema* find(std::string_view id, std::string_view gs08) const;
  std::vector<const TransactionSetSchema*> all() const;
  const SegmentDef* segment(std::string_view version, std::string_view tag) const;
  // The dictionary of a six-digit version ("004010"); nullptr when none is loaded.
  const Dictionary* dictionary(std::string_view version) const;
  // What code value `code` of data element `element` ("98", "I05") means, e.g. "Ship To"
  // for 98 "ST"; "" when the meaning is not recorded. Meanings do not depend on the version.
  // EDIFACT element numbers overlap X12's: their names are kept apart by `standard`.
  std::string_view code_name(std::string_view element, std::string_view code, Standard standard = Standard::X12) const;

  ~SchemaLibrary();
  struct Impl;
  explicit SchemaLibrary(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// A copy of `base` with the partner's changes applied. Throws SchemaError (file and line
// from Tightening::source) when it names a segment, element or code the schema lacks.
std::shared_ptr<const TransactionSetSchema> tighten(const TransactionSetSchema& base, const Tightening& changes);

}  // namespace edihub::x12
