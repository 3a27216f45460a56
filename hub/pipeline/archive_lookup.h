// Cross-document lookups (mapping `lookup:`) answered from the archive index: the ERP
// transaction most recently mapped (or the ERP document most recently sent) for a partner
// that carries a business key. The pipeline, `mapping run` and `mapping diff` share it.
#pragma once

#include <string>

#include "archive/index.h"
#include "mappings/mapping.h"

namespace edihub::hub {

// A mapping::Lookup over `index` for `partner`'s documents; `index` must outlive it.
mapping::Lookup archive_lookup(const archive::Index& index, const std::string& partner);

}  // namespace edihub::hub
