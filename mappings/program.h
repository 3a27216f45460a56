// A mapping file compiled for evaluation: the loader builds it once, the evaluator walks
// it for every transaction set. Every node keeps its mapping-file line for messages.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "mappings/conversions.h"
#include "mappings/mapping.h"
#include "mappings/path.h"

namespace edihub::mapping {

// `in:` — the context a field is evaluated in: a place (order, pack below, set) or the
// first loop a selector finds (N1 where N101=ST).
struct Within {
  std::variant<Place, Selector> target;
  std::string text;
};

// One way to obtain a value: `from` (one path, or [date, time] for datetime), or a constant.
struct Pick {
  std::optional<Within> in;
  std::vector<Path> from;
  std::optional<nlohmann::json> constant;
  Conversion as;
  std::string table;          // code table to translate through, if any
  bool keep_unknown = false;  // on_missing: keep
  std::string text;           // for messages: "DTM02 (in DTM where DTM01=011)"
};

// `each:` — the HLs of a level (HL03 code) or the loops of a selector, optionally grouped.
struct Iteration {
  std::variant<std::string, Selector> over;
  std::optional<Path> group_by;  // items of a group share its value; the group is one element
  std::string text;
};

struct Field {
  enum class Kind { Value, Values, Object, List };
  Kind kind = Kind::Value;
  std::string name;
  int line = 0;
  std::optional<Within> in;
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

}  // namespace edihub::mapping
