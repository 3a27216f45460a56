// Outbound mapping files: YAML documents that turn one ERP transaction (JSON) into the body
// of one X12 transaction set (the segments between ST and SE) or of one EDIFACT message
// (between UNH and UNT), or into one XML document (cXML, UBL, ...), plus its business keys.
// Loading checks the whole file (unknown keys, segment tags, JSON paths, conversions, code
// tables) and reports MappingFileError file:line; nothing is parsed again per document.
// Evaluation is pure: X12 elements are written in the target delimiters (data that contains
// one is refused); EDIFACT segments are held unescaped as formats/edifact.h says (the
// envelope writer escapes them), composites' components joined by edifact::kComponent; XML is written by pugixml, which escapes the data. Errors are MappingError
// with the mapping line and the JSON path. The language is documented in
// docs/mapping-language.md ("Outbound direction", "Outbound to XML").
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
  const std::string& target_format() const;           // "x12", "edifact" or "xml"
  const std::string& transaction_set() const;         // x12: ST01, e.g. "850"; edifact: the message type, "ORDERS"
  const std::string& functional_id() const;           // x12: GS01, e.g. "PO" (from the file, or known from ST01); edifact: the message type
  const std::vector<std::string>& versions() const;   // x12: GS08 it produces, e.g. "004010"; edifact: "D96A"; first = default
  const std::string& association() const;             // edifact: UNH S009/0057 (e.g. "EAN008"); may be empty
  const std::string& standard() const;                // xml: "cxml", "ubl", ... as the file says (may be empty)
  const std::string& document_type() const;           // xml: e.g. "OrderRequest"
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
  // std::logic_error on an XML mapping. EDIFACT: pass edifact::unescaped_delimiters();
  // only kComponent and kRepetition are refused in data (the writer escapes the others).
  Output evaluate(const nlohmann::json& transaction, const CodeTables& tables, const x12::Delimiters& target) const;

  struct XmlOutput {
    std::string document;  // UTF-8, with the XML declaration and the DOCTYPE if any, indented 2 spaces
    std::vector<std::pair<std::string, std::string>> keys;
  };

  // XML mapping: the document. Throws MappingError as evaluate(); std::logic_error on an X12 mapping.
  XmlOutput evaluate_xml(const nlohmann::json& transaction, const CodeTables& tables) const;

  ~OutboundMapping();
  struct Impl;
  explicit OutboundMapping(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace edihub::mapping
