// Runs a compiled mapping on one transaction set: checks the set is one the mapping
// accepts, evaluates the fields (contexts from `in:` and `each:`, conversions, code tables,
// defaults, required checks) and collects the business keys from the output.
#pragma once

#include "formats/x12.h"
#include "mappings/mapping.h"
#include "mappings/program.h"

namespace edihub::mapping {

Result evaluate(const Program& program, const x12::TransactionSet& set, const Context& context,
                const CodeTables& tables);

}  // namespace edihub::mapping
