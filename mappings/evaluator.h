// Runs a compiled mapping on one document: checks the document is one the mapping accepts,
// evaluates the fields (contexts from `in:` and `each:`, conditions, concatenation,
// splitting, lookups, code tables, conversions, arithmetic, defaults, required checks) and
// collects the business keys from the output. One evaluator for both formats: it reads the
// document through a Reader (reader.h).
#pragma once

#include "formats/x12.h"
#include "mappings/mapping.h"
#include "mappings/program.h"
#include "mappings/reader.h"
#include "mappings/xml_source.h"

namespace edihub::mapping {

Result evaluate(const Program& program, const x12::TransactionSet& set, const Context& context,
                const CodeTables& tables);

// An XML document whose names carry the mapping's prefixes (xml::bind_prefixes):
// checks its standard and type against the mapping's source first.
struct XmlInput {
  pugi::xml_node root;     // the document element
  std::string standard;    // xml::Document::standard
  std::string type;        // xml::Document::type
  std::string document_id; // for messages
  NodePosition position;
};
Result evaluate(const Program& program, const XmlInput& input, const Context& context, const CodeTables& tables);

// Any document, through its reader (the source checks are the caller's).
Result evaluate(const Program& program, const Reader& reader, const Context& context, const CodeTables& tables);

}  // namespace edihub::mapping
