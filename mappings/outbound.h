// Outbound mapping files: YAML documents that turn one ERP transaction (JSON) into the body
// of one X12 transaction set (the segments between ST and SE) plus its business keys.
// Loading checks the whole file (unknown keys, segment tags, JSON paths, conversions, code
// tables) and reports MappingFileError file:line; nothing is parsed again per document.
// Evaluation is pure: it writes elements in the target delimiters, refuses data that
// contains one of them, and reports MappingError with the mapping line and the JSON path.
// The language is documented in docs/mapping-language.md ("Outbound direction").
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/x12.h"
#include "mappings/mapping.h"

namespace edihub::mapping {

class OutboundMapping {
 public:
  // Parses and checks `yaml_text`; `file_name` is used in every error message.
  static std::shared_ptr<const OutboundMapping> load(const std::string& yaml_text, const std::string& file_name);
  static std::shared_ptr<const OutboundMapping> load_file(const std::string& path);

  const std::string& source_type() const;             // ERP transaction type it takes, e.g. "purchase_order"
  const std::string& transaction_set() const;         // ST01, e.g. "850"
  const std::string& functional_id() const;           // GS01, e.g. "PO" (from the file, or known from ST01)
  const std::vector<std::string>& versions() const;   // GS08 it produces, e.g. "004010"; first = default
  const std::string& file_name() const;

  // Code tables the mapping uses and does not define itself; a partner table of the same
  // name overrides a mapping table. Tables are written X12 code -> ERP value, as inbound;
  // outbound looks them up by value.
  std::vector<std::string> code_tables_used() const;

  struct Output {
    std::vector<x12::Segment> segments;  // body between ST and SE, elements in `target` delimiters;
                                         // position counts from ST = 1 (the first body segment is 2)
    std::vector<std::pair<std::string, std::string>> keys;  // business keys, e.g. {"po_number", "4500012345"}
  };

  // Throws MappingError (mapping file:line + JSON path) on missing required values, values
  // that do not convert, codes not in a table, or values containing a target delimiter.
  Output evaluate(const nlohmann::json& transaction, const CodeTables& tables, const x12::Delimiters& target) const;

  ~OutboundMapping();
  struct Impl;
  explicit OutboundMapping(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace edihub::mapping
