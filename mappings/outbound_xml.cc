#include "mappings/outbound_xml.h"

#include <algorithm>
#include <sstream>

#include <pugixml.hpp>

#include "mappings/outbound_values.h"

namespace edihub::mapping::outbound {
namespace {

using nlohmann::json;

// Characters XML 1.0 cannot carry at all, escaped or not: C0 controls but tab and line breaks.
bool xml_text(const std::string& s) {
  return std::none_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 && c != '\t' && c != '\n' && c != '\r';
  });
}

class XmlWriter : ValueReader {
 public:
  using ValueReader::ValueReader;

  OutboundMapping::XmlOutput run() {
    pugi::xml_document doc;
    auto declaration = doc.append_child(pugi::node_declaration);
    declaration.append_attribute("version") = "1.0";
    declaration.append_attribute("encoding") = "UTF-8";
    if (!program_.doctype.empty()) doc.append_child(pugi::node_doctype).set_value(program_.doctype.c_str());
    const XmlNode& top = *program_.document;
    Scope scope = root();
    if (!top.when || holds(*top.when, scope, top.line))
      enter(top.each, top.in, scope, top.line, [&](const Scope& inner) { element(top, inner, doc, "", true); });
    if (!doc.document_element()) fail(top.line, "the document element " + top.name + " came out empty");
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
    return {out.str(), keys()};
  }

 private:
  Place place() const override { return {program_.source_type + " to " + program_.document_type, 0, ""}; }

  // The children of `node` in `scope`: elements, repeated and conditional, and blocks.
  void children(const std::vector<XmlNode>& list, const Scope& scope, pugi::xml_node parent, const std::string& at) {
    for (const XmlNode& child : list) {
      if (child.when && !holds(*child.when, scope, child.line)) continue;
      enter(child.each, child.in, scope, child.line, [&](const Scope& inner) {
        if (child.name.empty()) children(child.children, inner, parent, at);
        else element(child, inner, parent, at, false);
      });
    }
  }

  // Writes `node` under `parent`, then takes it out again when it has nothing to say.
  void element(const XmlNode& node, const Scope& scope, pugi::xml_node parent, const std::string& at, bool root) {
    const std::string here = at + "/" + node.name;
    pugi::xml_node e = parent.append_child(node.name.c_str());
    if (root)
      for (const auto& [prefix, uri] : program_.namespaces)
        e.append_attribute(prefix.empty() ? "xmlns" : ("xmlns:" + prefix).c_str()) = uri.c_str();
    bool said = false;
    for (const auto& [name, spec] : node.attributes) {
      std::string text = written(spec, scope, here + "/@" + name);
      if (text.empty()) continue;
      e.append_attribute(name.c_str()) = text.c_str();
      said = true;
    }
    if (node.text) {
      std::string text = written(*node.text, scope, here);
      if (!text.empty()) e.text().set(text.c_str());
      said = said || !text.empty();
    }
    children(node.children, scope, e, here);
    if (!said && !e.first_child() && !node.keep_empty) parent.remove_child(e);
  }

  std::string written(const ValueSpec& spec, const Scope& scope, const std::string& name) const {
    std::string path;
    std::string text = value(spec, scope, name, path);
    if (!xml_text(text)) fail(spec.line, name + ": " + path + " holds a control character, which XML cannot carry");
    return text;
  }
};

}  // namespace

OutboundMapping::XmlOutput write_xml(const Program& program, const json& transaction, const CodeTables& tables) {
  return XmlWriter(program, transaction, tables).run();
}

}  // namespace edihub::mapping::outbound
