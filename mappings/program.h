// A mapping file compiled for evaluation: the loader builds it once, the evaluator walks
// it for every document. Every node keeps its mapping file and line for messages (fields
// of a base mapping or a fragment keep the file they were written in). Paths are X12 paths
// or compiled XPath 1.0 expressions, by the mapping's source format.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <pugixml.hpp>

#include "mappings/conversions.h"
#include "mappings/mapping.h"
#include "mappings/path.h"

namespace edihub::mapping {

// An XPath of an XML mapping, compiled when loading; shared because Programs are copied
// (fragments, `extends:`) and pugi::xpath_query is not copyable.
struct XPath {
  std::shared_ptr<const pugi::xpath_query> query;
};

// A path naming a value: X12 path or XPath, as written in `text`.
struct Locator {
  std::variant<Path, XPath> path;
  std::string text;
};

// `in:` — the context a field is evaluated in: a place (order, pack below, set), the
// first loop a selector finds (N1 where N101=ST), or the first node an XPath selects.
struct Within {
  std::variant<Place, Selector, XPath> target;
  std::string text;
};

// `when:` — equals/not/present on one path, or all/any of nested tests.
struct Test {
  enum class Kind { Equals, Not, Present, All, Any };
  Kind kind = Kind::Present;
  std::optional<Locator> from;
  std::vector<std::string> values;
  std::vector<Test> parts;
};

// One step of `calc:`: an operand that is a number or the value of a path.
struct Step {
  Operation op = Operation::Multiply;
  std::string number;  // as written, when not `from`
  std::optional<Locator> from;
};

// One part of `concat:`: a path or a constant.
struct Part {
  std::optional<Locator> from;
  std::string constant;
};

struct Pick;

// `lookup:` — a value of another archived document, found by business key.
struct LookupRule {
  std::string target, key;
  std::vector<std::string> take;  // dotted path in the returned transaction
  std::shared_ptr<const Pick> value;
};

enum class OnMissing { Error, Keep, Default };

// One way to obtain a value: `from` (one path, or [date, time] for datetime), `concat`,
// `lookup` or a constant; then split, code table, conversion, arithmetic.
struct Pick {
  std::optional<Within> in;
  std::optional<Test> when;
  std::vector<Locator> from;
  std::optional<nlohmann::json> constant;
  std::vector<Part> concat;
  std::string separator;  // between present concat parts
  std::optional<LookupRule> lookup;
  std::string split;      // separator; with split_part for one value, alone for `all:`
  int split_part = 0;     // 1-based, negative from the end; 0: every part (`all:`)
  Conversion as;
  std::string table;      // code table to translate through, if any
  OnMissing on_missing = OnMissing::Error;
  std::vector<Step> calc;
  std::optional<int> round;
  std::string text;       // for messages: "DTM02 (in DTM where DTM01=011)"
};

// `each:` — the HLs of a level (HL03 code), the loops of a selector or the nodes of an
// XPath, optionally grouped.
struct Iteration {
  std::variant<std::string, Selector, XPath> over;
  std::optional<Locator> group_by;  // items of a group share its value; the group is one element
  std::string text;
};

struct Field {
  enum class Kind { Value, Values, Object, List };
  Kind kind = Kind::Value;
  std::string name;
  std::string file;  // the mapping, base mapping or fragment file it was written in
  int line = 0;
  std::optional<Within> in;
  std::optional<Test> when;
  std::vector<Pick> picks;                 // Value: the first that yields; Values: all of them
  std::optional<nlohmann::json> fallback;  // `default:`
  bool required = false;
  std::vector<Field> fields;  // Object and List
  std::optional<Iteration> each, otherwise;
};

// keys: name -> output field path (orders.po_number walks every order).
struct KeyRule {
  std::string name;
  std::vector<std::string> field_path;
};

struct Program {
  std::string file;
  Source source;
  int source_line = 0;
  std::string target;
  CodeTables tables;                  // the mapping's own tables; a partner table of the same name wins
  std::set<std::string> tables_used;  // every `table:` named
  std::vector<Field> fields;
  std::vector<KeyRule> keys;
};

struct Mapping::Impl {
  Program program;
};

}  // namespace edihub::mapping
