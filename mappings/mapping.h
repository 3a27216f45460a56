// Mapping files: YAML documents that turn one X12 transaction set, one EDIFACT message
// (held as a TransactionSet, formats/edifact.h) or one XML document into
// one ERP transaction (JSON) plus the business keys the archive indexes. Loading checks the
// whole file, and the fragment files and base mapping it names (unknown keys, bad paths or
// XPaths, bad conversions), and reports file:line; evaluation errors name the mapping file
// and line, the transaction set and the segment position (XML: the node's line and column).
// The language is documented in docs/mapping-language.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/x12.h"
#include "formats/xml.h"

namespace edihub::mapping {

// Partner code tables: table name -> (partner code -> our code).
using CodeTables = std::map<std::string, std::map<std::string, std::string>>;

// A mistake in a mapping file, found when loading or checking it.
// what(): "mappings/x.yaml:12: unknown key 'frm' in field shipment_id (expected ...)".
class MappingFileError : public std::runtime_error {
 public:
  MappingFileError(std::string file, int line, const std::string& message);
  std::string file;
  int line;  // 1-based; 0 when unknown
};

// A failure while evaluating a mapping on a document (required field missing, value that
// does not convert, code not in a table).
// what(): "mappings/x.yaml:12: field shipment_id is required but BSN02 is empty
// (856 control 0001, segment 2 BSN)"; on XML documents
// "mappings/u.yaml:7: field id is required but cbc:ID is missing (DespatchAdvice 565899, line 3, column 2)".
class MappingError : public std::runtime_error {
 public:
  MappingError(std::string file, int line, std::string transaction_set, std::uint32_t segment_position,
               const std::string& message, std::string segment_tag = "");
  // XML documents: the line and column of the node at fault instead of a segment.
  MappingError(std::string file, int line, std::string document, int node_line, int node_column,
               const std::string& message);
  std::string file;
  int line;                          // of the field definition; 0 when not tied to one
  std::string transaction_set;       // "856 control 0001"
  std::uint32_t segment_position;    // position in the set (ST = 1); 0 when not tied to a segment
  std::string segment_tag;           // "BSN"; empty when not tied to a segment
  int node_line = 0, node_column = 0;  // XML: 1-based place of the node; 0 when not tied to one
};

struct Source {
  std::string format;                  // "x12", "edifact" or "xml"
  std::string transaction_set;         // x12: "856"; edifact: the message type (UNH 0065), "DESADV"
  std::vector<std::string> versions;   // x12: "004010", "005010" (GS08 prefixes); edifact: "D96A" (UNH 0052+0054)
  std::string document;                // xml: document type (xml::Document::type), e.g. "DespatchAdvice"
  std::string standard;                // xml: "cxml", "ubl", "gs1" or "" (any XML whose type matches)
  std::vector<std::pair<std::string, std::string>> namespaces;  // xml: prefix -> URI used by the XPaths
};

struct Result {
  nlohmann::json transaction;                               // the ERP transaction
  std::vector<std::pair<std::string, std::string>> keys;    // business keys, e.g. {"po_number","4500012345"}
};

// Cross-document lookups (`lookup:`): the ERP transaction (JSON object) of the latest
// archived document of ERP type `target` that carries business key `key` = `value`, for the
// partner being mapped; nullopt when the archive holds none.
using Lookup = std::function<std::optional<nlohmann::json>(const std::string& target, const std::string& key,
                                                           const std::string& value)>;

// Envelope context a mapping may read (e.g. the sender id, the GS version).
struct Context {
  const x12::InterchangeHeader* interchange = nullptr;
  const x12::GroupHeader* group = nullptr;
  std::string partner_id;
  const Lookup* lookup = nullptr;  // nullptr: a `lookup:` field finds nothing
};

class Mapping {
 public:
  // Parses and checks `yaml_text`; `file_name` is used in every error message, and
  // `include:`/`extends:` files are read relative to its folder.
  static std::shared_ptr<const Mapping> load(const std::string& yaml_text, const std::string& file_name);
  static std::shared_ptr<const Mapping> load_file(const std::string& path);

  const Source& source() const;
  const std::string& target() const;     // e.g. "inbound_delivery"
  const std::string& file_name() const;

  // Names of code tables the mapping uses and does not define itself (`tables:`); `check`
  // reports those a partner lacks. A partner table overrides a mapping table of the same name.
  std::vector<std::string> code_tables_used() const;

  Result evaluate(const x12::TransactionSet& set, const Context& context, const CodeTables& tables) const;
  // XML source: binds the mapping's namespace prefixes in `document.tree` (renames nodes)
  // and evaluates the XPaths; errors give the line and column of the node at fault.
  Result evaluate(xml::Document& document, const Context& context, const CodeTables& tables) const;

  ~Mapping();
  struct Impl;
  explicit Mapping(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace edihub::mapping
