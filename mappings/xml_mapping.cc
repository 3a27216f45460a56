// Mapping::evaluate on an XML document: binds the mapping's prefixes, then evaluates. On
// its own so that programs mapping only X12 do not need formats/xml.cc.
#include "mappings/evaluator.h"
#include "mappings/mapping.h"

namespace edihub::mapping {

Result Mapping::evaluate(xml::Document& document, const Context& context, const CodeTables& tables) const {
  const Program& program = impl_->program;
  if (program.source.format == "xml") xml::bind_prefixes(document, program.source.namespaces);
  XmlInput input{document.tree.document_element(), document.standard, document.type, document.document_id,
                 [&document](pugi::xml_node node) { return document.position(node); }};
  return mapping::evaluate(program, input, context, tables);
}

}  // namespace edihub::mapping
