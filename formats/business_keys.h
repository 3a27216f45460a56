// The business keys a planner searches by (PO number, shipment id, bill of lading,
// invoice number, tracking numbers), read straight from the segments of a transaction set
// by its type, whatever became of the set: rejected by validation, failed or missing
// mapping, duplicate, unknown partner. A partner's mapping may declare more keys of a
// mapped set; these are the floor every archived set gets. Names match the standard
// mappings' `keys:` (docs/mappings.md). Pure: no I/O.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "formats/x12.h"

namespace edihub::x12 {

// (name, value) pairs in segment order, each pair once; empty values are left out.
using BusinessKeys = std::vector<std::pair<std::string, std::string>>;

BusinessKeys builtin_business_keys(const TransactionSet& set);

}  // namespace edihub::x12
