// An outbound mapping file compiled for evaluation: outbound_loader.cc builds it once,
// outbound.cc (X12 and EDIFACT segments) or outbound_xml.cc (XML) walks it for every ERP transaction, both
// reading values through outbound_values.h. Every node keeps its mapping-file line.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
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

// `when:` — the path has a value (not null, "", [], {} or false), or equals one of `equals`;
// `not:`, `all:` and `any:` combine conditions.
struct Condition {
  enum class Kind { Path, Not, All, Any };
  Kind kind = Kind::Path;
  JsonPath path;
  std::vector<std::string> equals;
  std::vector<Condition> parts;  // Not: one; All, Any: at least one
};

// How a value is written: X12 text, DT, TM, R, Nn or N0; ISO dates for XML.
struct Format {
  enum class Kind { Text, Date, Time, Decimal, Implied, Integer, IsoDate, IsoDateTime };
  Kind kind = Kind::Text;
  int digits = 0;  // Date: 8 (CCYYMMDD) or 6 (YYMMDD); Time: 4 or 6; Decimal: most places; Implied: places

  bool numeric() const { return kind == Kind::Decimal || kind == Kind::Implied || kind == Kind::Integer; }
};

struct ValueSpec;

// One step of `calc:` on a number: the operand is a number written in the file or a value.
struct CalcStep {
  enum class Op { Add, Subtract, Multiply, Divide };
  Op op = Op::Add;
  std::string number;                       // when not empty
  std::shared_ptr<const ValueSpec> operand;  // otherwise
};

// A value: `from` one JSON value, `count` values, the `sum` of numbers, a `value` written in
// the file, the `concat` of values, or the `segment_count` of a tag written so far (X12).
struct ValueSpec {
  enum class Kind { From, Count, Sum, Literal, Concat, SegmentCount };
  Kind kind = Kind::From;
  int line = 0;
  JsonPath path;
  std::string literal;                 // Literal; SegmentCount: the tag counted
  std::vector<ValueSpec> parts;        // Concat
  std::string separator;               // Concat: between the parts that have a value
  std::optional<std::string> split_separator;  // split: the `part`-th piece (from 1) of the text
  int split_part = 0;
  std::vector<CalcStep> calc;          // on the number read
  std::optional<int> round;            // places, half away from zero, after calc
  Format format;
  std::string table;                   // code table, looked up by ERP value
  enum class OnMissing { Error, Keep, Default };
  OnMissing on_missing = OnMissing::Error;  // a value with no code in the table
  std::optional<std::string> fallback; // default: text written when there is no value (or no code)
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
// into an object (`in`) and/or conditional (`when`). A block with `hl` is a level of an HL
// hierarchy: each time its segments are written they are preceded by an HL segment.
struct Entry {
  int line = 0;
  std::optional<Condition> when;
  std::string tag;  // a segment when not empty
  std::vector<Element> elements;
  std::optional<JsonPath> each, in;
  std::vector<Entry> entries;
  std::string hl_level;   // HL03 (S, O, P, I, ...) when the block is an HL level
  bool hl_child = false;  // write HL04: 1 when an HL level was written below this one, else 0
};

// An entry of `document:` (XML): an element with its attributes, text and children, or,
// without a name, a block of children; repeated (`each`), entered (`in`), conditional (`when`).
struct XmlNode {
  int line = 0;
  std::string name;  // empty: a block
  std::vector<std::pair<std::string, ValueSpec>> attributes;
  std::optional<ValueSpec> text;
  std::vector<XmlNode> children;
  std::optional<Condition> when;
  std::optional<JsonPath> each, in;
  bool keep_empty = false;
};

struct KeyRule {
  std::string name;
  int line = 0;
  JsonPath path;
};

struct Program {
  std::string file;
  std::string source_type;
  std::string format;                 // "x12", "edifact" or "xml"
  std::string transaction_set;
  std::string functional_id;
  std::vector<std::string> versions;
  std::string association;            // edifact: UNH S009/0057, e.g. EAN008 (may be empty)
  CodeTables tables;                  // the mapping's own, X12 code -> ERP value
  std::set<std::string> tables_used;  // every `table:` named
  std::vector<Entry> entries;          // x12
  std::string standard, document_type, doctype;  // xml
  std::vector<std::pair<std::string, std::string>> namespaces;  // xml: prefix ("" default) -> URI
  std::optional<XmlNode> document;    // xml
  std::vector<KeyRule> keys;
};

Program load_program(const std::string& yaml_text, const std::string& file_name);

}  // namespace edihub::mapping::outbound
