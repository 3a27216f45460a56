// An outbound mapping file compiled for evaluation: outbound_loader.cc builds it once,
// outbound.cc walks it for every ERP transaction. Every node keeps its mapping-file line.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mappings/mapping.h"

namespace edihub::mapping::outbound {

// A path into the ERP JSON: dot-separated names from the current context, or from the
// document root with a leading '/'; `name[]` goes through every element of a list.
struct JsonPath {
  struct Step {
    std::string name;
    bool each = false;  // name[]
  };
  bool from_root = false;
  std::vector<Step> steps;
  std::string text;  // as written, for messages

  bool collects() const {
    for (const Step& s : steps)
      if (s.each) return true;
    return false;
  }
};

// `when:` — the path has a value (not null, "", [], {} or false), or equals one of `equals`.
struct Condition {
  JsonPath path;
  std::vector<std::string> equals;
};

// How a value is written: X12 text, DT, TM, R, Nn or N0.
struct Format {
  enum class Kind { Text, Date, Time, Decimal, Implied, Integer };
  Kind kind = Kind::Text;
  int digits = 0;  // Date: 8 (CCYYMMDD) or 6 (YYMMDD); Time: 4 or 6; Decimal: most places; Implied: places

  bool numeric() const { return kind == Kind::Decimal || kind == Kind::Implied || kind == Kind::Integer; }
};

// A value element: `from` one JSON value, `count` values, or the `sum` of numbers.
struct ValueSpec {
  enum class Kind { From, Count, Sum };
  Kind kind = Kind::From;
  int line = 0;
  JsonPath path;
  Format format;
  std::string table;                   // code table, looked up by ERP value
  bool keep_unknown = false;           // on_missing: keep
  std::optional<std::string> fallback; // default: X12 text written when there is no value
  bool required = false;
  std::size_t max = 0;                 // 0: no limit; characters, or digits for numbers
  bool truncate = false;
};

// A literal text or a value: one component of an element.
struct Piece {
  std::string literal;
  std::optional<ValueSpec> value;
};

// One element position: a simple element (one piece) or a composite.
struct Element {
  std::vector<Piece> pieces;
  bool composite = false;
  bool qualifier = false;  // written only when the next element has a value ({qualifier: X})
  std::string name;        // "PO107", for messages
};

// An entry of `segments:`: one segment, or a block of entries repeated (`each`), entered
// into an object (`in`) and/or conditional (`when`).
struct Entry {
  int line = 0;
  std::optional<Condition> when;
  std::string tag;  // a segment when not empty
  std::vector<Element> elements;
  std::optional<JsonPath> each, in;
  std::vector<Entry> entries;
};

struct KeyRule {
  std::string name;
  int line = 0;
  JsonPath path;
};

struct Program {
  std::string file;
  std::string source_type;
  std::string transaction_set;
  std::string functional_id;
  std::vector<std::string> versions;
  CodeTables tables;                  // the mapping's own, X12 code -> ERP value
  std::set<std::string> tables_used;  // every `table:` named
  std::vector<Entry> entries;
  std::vector<KeyRule> keys;
};

Program load_program(const std::string& yaml_text, const std::string& file_name);

}  // namespace edihub::mapping::outbound
