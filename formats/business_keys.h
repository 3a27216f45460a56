// The business keys a planner searches by (PO number, shipment id, bill of lading,
// invoice number, tracking numbers), read straight from a transaction set's segments by
// its type, or from an XML ship notice by its standard, whatever became of the document:
// rejected by validation, failed or missing mapping, duplicate, unknown partner. A
// partner's mapping may declare more keys of a mapped document; these are the floor every
// archived document gets. Names match the standard mappings' `keys:`; the table is in
// docs/mapping-language.md ("Built-in business keys"). Pure: no I/O.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "formats/x12.h"
#include "formats/xml.h"

namespace edihub {

// (name, value) pairs in document order, each pair once; values trimmed, empty ones left out.
using BusinessKeys = std::vector<std::pair<std::string, std::string>>;

namespace x12 {
// 997, 999 and CONTRL get none: the control numbers they acknowledge are not business keys.
// EDIFACT messages: BGM's document number by message type and RFF references.
BusinessKeys builtin_business_keys(const TransactionSet& set);
}  // namespace x12

namespace xml {
// cXML ShipNoticeRequest and OrderRequest, UBL DespatchAdvice, GS1 despatchAdvice;
// none for other documents. Elements are matched by local name, whatever the prefixes.
BusinessKeys builtin_business_keys(const Document& document);
}  // namespace xml

}  // namespace edihub
