// The XML writer of outbound mappings: walks `document:` of a compiled program on one ERP
// transaction and writes the document with pugixml (which escapes the data).
#pragma once

#include <nlohmann/json.hpp>

#include "mappings/outbound.h"
#include "mappings/outbound_program.h"

namespace edihub::mapping::outbound {

OutboundMapping::XmlOutput write_xml(const Program& program, const nlohmann::json& transaction, const CodeTables& tables);

}  // namespace edihub::mapping::outbound
