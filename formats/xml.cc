#include "formats/xml.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

namespace edihub::xml {
namespace {

constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";
constexpr std::string_view kXmlnsNamespace = "http://www.w3.org/2000/xmlns/";
constexpr std::string_view kUblNamespacePrefix = "urn:oasis:names:specification:ubl:schema:xsd:";
constexpr std::string_view kGs1NamespacePrefix = "urn:gs1:ecom:";  // urn:gs1:ecom:<message>:xsd:3
constexpr std::string_view kGs1NamespaceSuffix = ":xsd:3";
constexpr std::string_view kSbdh = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader";

std::string_view prefix_of(std::string_view qualified_name) {
  const auto colon = qualified_name.find(':');
  return colon == std::string_view::npos ? std::string_view() : qualified_name.substr(0, colon);
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

std::pair<int, int> line_column(std::string_view bytes, std::size_t offset) {
  offset = std::min(offset, bytes.size());
  const auto before = bytes.substr(0, offset);
  const auto line = 1 + std::count(before.begin(), before.end(), '\n');
  const auto newline = before.rfind('\n');
  const auto line_start = newline == std::string_view::npos ? 0 : newline + 1;
  return {static_cast<int>(line), static_cast<int>(offset - line_start + 1)};
}

[[noreturn]] void fail_at(const Document& doc, pugi::xml_node node, const std::string& message) {
  const auto [line, column] = doc.position(node);
  throw XmlError(line, column, message);
}

// For a mismatch pugixml points at the end tag's name; anywhere else, the input ended.
[[noreturn]] void fail_parse(const Document& doc, const pugi::xml_parse_result& result) {
  const std::string_view bytes = doc.bytes;
  auto at = static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0));
  std::string message;
  switch (result.status) {
    case pugi::status_end_element_mismatch:
      if (at >= 2 && at < bytes.size() && bytes.substr(at - 2, 2) == "</") {
        const auto name = bytes.substr(at, bytes.find_first_of(" \t\r\n>", at) - at);
        at -= 2;
        message = "end tag </" + std::string(name) + "> does not match the start tag of the element it closes";
      } else {
        at = bytes.size();
        message = "the document ends before every element is closed: expected end tags (truncated?)";
      }
      break;
    case pugi::status_bad_attribute:
      message = "bad attribute: expected name=\"value\" or name='value'";
      break;
    case pugi::status_bad_start_element:
      message = "bad start tag: expected <name attribute=\"value\" ...>";
      break;
    case pugi::status_bad_end_element:
      message = "bad end tag: expected </name>";
      break;
    case pugi::status_unrecognized_tag:
      message = "unrecognized markup after '<': expected an element, comment, CDATA section or processing instruction";
      break;
    case pugi::status_no_document_element:
      message = "no root element: expected <name>...</name>";
      break;
    default:
      message = result.description();
  }
  const auto [line, column] = line_column(bytes, at);
  throw XmlError(line, column, message);
}

// Counts the attributes of `node`, refusing a name given twice (pugixml keeps both).
std::size_t checked_attributes(const Document& doc, pugi::xml_node node) {
  const auto first = node.first_attribute();
  if (!first || !first.next_attribute()) return first ? 1 : 0;
  std::unordered_set<std::string_view> names;
  for (auto a = first; a; a = a.next_attribute())
    if (!names.insert(a.name()).second)
      fail_at(doc, node, "attribute " + std::string(a.name()) + " appears twice in <" + std::string(node.name()) +
                             ">: each attribute is given once");
  return names.size();
}

bool utf16(std::string_view bytes) {
  return bytes.starts_with("\xFE\xFF") || bytes.starts_with("\xFF\xFE") ||
         (bytes.size() >= 2 && (bytes[0] == '\0' || bytes[1] == '\0'));
}

// pugixml accepts fragments and drops text outside the root element; a document has one
// root element and nothing but markup and white space around it. (Text followed by a
// trailing comment or processing instruction is not seen: pugixml keeps no end offsets.)
void check_single_root(const Document& doc) {
  const std::string_view bytes = doc.bytes;
  if (!utf16(bytes)) {
    const auto last_tag = bytes.rfind('>');
    const auto trailing = bytes.find_first_not_of(" \t\r\n", last_tag + 1);
    if (trailing != std::string_view::npos) {
      const auto [line, column] = line_column(bytes, trailing);
      throw XmlError(line, column, "text after the root element: expected only white space, comments or "
                                   "processing instructions");
    }
    if (!looks_like_xml(bytes)) {
      const auto [line, column] = line_column(bytes, bytes.find_first_not_of(" \t\r\n\xEF\xBB\xBF"));
      throw XmlError(line, column, "text before the root element: expected '<'");
    }
  }
  bool root_seen = false;
  for (pugi::xml_node top : doc.tree.children()) {
    if (top.type() != pugi::node_element) continue;
    if (root_seen)
      fail_at(doc, top, "second root element <" + std::string(top.name()) + ">: a document has exactly one root element");
    root_seen = true;
  }
}

// Walks the tree without recursion so that a hostile document cannot exhaust the stack.
void check_bounds(const Document& doc, const Limits& limits) {
  std::size_t nodes = 0;
  std::size_t depth = 1;
  pugi::xml_node node = doc.tree.first_child();
  while (node) {
    nodes += 1 + checked_attributes(doc, node);
    if (nodes > limits.max_nodes)
      fail_at(doc, node, "more than " + std::to_string(limits.max_nodes) +
                             " nodes (elements, attributes and text): the document is too large");
    if (node.type() == pugi::node_element && depth > limits.max_depth)
      fail_at(doc, node, "element <" + std::string(node.name()) + "> is nested " + std::to_string(depth) +
                             " deep: at most " + std::to_string(limits.max_depth) + " levels are allowed");
    if (node.first_child()) {
      node = node.first_child();
      ++depth;
      continue;
    }
    while (node && !node.next_sibling()) {
      node = node.parent();
      --depth;
    }
    if (node) node = node.next_sibling();
  }
}

// Element children of `parent` with local name `local`, in namespace `ns` (any when unset).
std::vector<pugi::xml_node> elements(pugi::xml_node parent, std::string_view local,
                                     std::optional<std::string_view> ns) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c : parent.children())
    if (c.type() == pugi::node_element && local_name(c.name()) == local && (!ns || namespace_uri(c) == *ns))
      out.push_back(c);
  return out;
}

pugi::xml_node element(pugi::xml_node parent, std::string_view local, std::optional<std::string_view> ns) {
  const auto found = elements(parent, local, ns);
  return found.empty() ? pugi::xml_node() : found.front();
}

pugi::xml_node first_element_child(pugi::xml_node parent, std::string_view except = {}) {
  for (pugi::xml_node c : parent.children())
    if (c.type() == pugi::node_element && local_name(c.name()) != except) return c;
  return {};
}

std::string text(pugi::xml_node node) { return std::string(trim(node.child_value())); }

void add(std::vector<PartyId>& out, std::string scheme, std::string id) {
  if (!id.empty()) out.push_back(PartyId{std::move(scheme), std::move(id)});
}

// cXML puts no version attribute on most documents; the DTD path carries it:
// <!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.050/Fulfill.dtd"> -> 1.2.050.
std::string cxml_version_from_doctype(std::string_view prolog) {
  const auto doctype = prolog.find("<!DOCTYPE");
  if (doctype == std::string_view::npos) return {};
  auto start = prolog.find("/cXML/", doctype);
  if (start == std::string_view::npos) return {};
  start += 6;
  const auto slash = prolog.find('/', start);
  const auto literal_end = prolog.find_first_of("\"'>", start);
  if (slash == std::string_view::npos || slash > literal_end) return {};
  return std::string(prolog.substr(start, slash - start));
}

// Only the Identity is read: a Credential's SharedSecret is a password and is never copied.
void cxml_credentials(pugi::xml_node role, std::vector<PartyId>& out) {
  for (auto credential : elements(role, "Credential", ""))
    add(out, credential.attribute("domain").value(), text(element(credential, "Identity", "")));
}

void classify_cxml(Document& doc, pugi::xml_node root) {
  doc.standard = "cxml";
  for (std::string_view kind : {"Request", "Message", "Response"}) {
    if (auto body = element(root, kind, "")) {
      doc.type = local_name(first_element_child(body, "Status").name());
      break;
    }
  }
  doc.version = root.attribute("version").value();
  if (doc.version.empty())
    doc.version = cxml_version_from_doctype(std::string_view(doc.bytes).substr(
        0, static_cast<std::size_t>(std::max<std::ptrdiff_t>(root.offset_debug(), 0))));
  doc.document_id = root.attribute("payloadID").value();
  const auto header = element(root, "Header", "");
  cxml_credentials(element(header, "From", ""), doc.senders);
  cxml_credentials(element(header, "Sender", ""), doc.senders);
  cxml_credentials(element(header, "To", ""), doc.receivers);
}

struct UblNamespaces {
  std::string cbc;
  std::string cac;
};

void ubl_party(pugi::xml_node role, const UblNamespaces& ns, std::vector<PartyId>& out) {
  const auto party = element(role, "Party", ns.cac);
  const auto endpoint = element(party, "EndpointID", ns.cbc);
  add(out, endpoint.attribute("schemeID").value(), text(endpoint));
  for (auto identification : elements(party, "PartyIdentification", ns.cac)) {
    const auto id = element(identification, "ID", ns.cbc);
    add(out, id.attribute("schemeID").value(), text(id));
  }
  // UBL 2.0 names the parties by account numbers the other side assigned.
  for (std::string_view account : {"CustomerAssignedAccountID", "SupplierAssignedAccountID"})
    add(out, std::string(account), text(element(role, account, ns.cbc)));
}

void classify_ubl(Document& doc, pugi::xml_node root) {
  // The common components carry the document's major version: ...:DespatchAdvice-2 uses
  // ...:CommonBasicComponents-2 (UBL 1.0: -1.0).
  const auto dash = doc.root_namespace.rfind('-');
  const auto major = dash == std::string::npos ? std::string() : doc.root_namespace.substr(dash);
  const UblNamespaces ns{std::string(kUblNamespacePrefix) + "CommonBasicComponents" + major,
                         std::string(kUblNamespacePrefix) + "CommonAggregateComponents" + major};
  doc.standard = "ubl";
  doc.type = local_name(root.name());
  doc.version = text(element(root, "UBLVersionID", ns.cbc));
  doc.document_id = text(element(root, "ID", ns.cbc));
  ubl_party(element(root, "DespatchSupplierParty", ns.cac), ns, doc.senders);
  ubl_party(element(root, "DeliveryCustomerParty", ns.cac), ns, doc.receivers);
}

void sbdh_identifiers(pugi::xml_node header, std::string_view role, std::vector<PartyId>& out) {
  for (auto party : elements(header, role, kSbdh))
    for (auto identifier : elements(party, "Identifier", kSbdh))
      add(out, identifier.attribute("Authority").value(), text(identifier));
}

// GS1 XML 3.x: the message root holds the SBDH, then the business documents, whose own
// elements are unqualified (so they are matched by local name).
void classify_gs1(Document& doc, pugi::xml_node root) {
  doc.standard = "gs1";
  const auto header = element(root, "StandardBusinessDocumentHeader", kSbdh);
  const auto body = first_element_child(root, "StandardBusinessDocumentHeader");
  doc.type = local_name(body.name());
  doc.version = text(element(element(header, "DocumentIdentification", kSbdh), "TypeVersion", kSbdh));
  doc.document_id =
      text(element(element(body, doc.type + "Identification", std::nullopt), "entityIdentification", std::nullopt));
  sbdh_identifiers(header, "Sender", doc.senders);
  add(doc.senders, "GLN", text(element(element(body, "shipper", std::nullopt), "gln", std::nullopt)));
  sbdh_identifiers(header, "Receiver", doc.receivers);
  add(doc.receivers, "GLN", text(element(element(body, "receiver", std::nullopt), "gln", std::nullopt)));
}

void classify(Document& doc) {
  const auto root = doc.tree.document_element();
  doc.root_namespace = namespace_uri(root);
  const std::string_view ns = doc.root_namespace;
  if (ns.empty() && std::string_view(root.name()) == "cXML")
    classify_cxml(doc, root);
  else if (ns.starts_with(kUblNamespacePrefix))
    classify_ubl(doc, root);
  else if (ns.starts_with(kGs1NamespacePrefix) && ns.ends_with(kGs1NamespaceSuffix))
    classify_gs1(doc, root);
  else
    doc.type = local_name(root.name());
}

// The URI bound to `prefix` at `element` ("" for the default namespace's prefix).
std::string lookup_namespace(pugi::xml_node element, std::string_view prefix) {
  if (prefix == "xml") return std::string(kXmlNamespace);
  if (prefix == "xmlns") return std::string(kXmlnsNamespace);
  const std::string declaration = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (auto n = element; n.type() == pugi::node_element; n = n.parent())
    if (auto a = n.attribute(declaration.c_str())) return a.value();
  return {};
}

using Bindings = std::vector<std::pair<std::string, std::string>>;

// A namespace declaration met while walking, at the depth of the element carrying it.
struct Declared {
  std::size_t depth;
  std::string prefix;
  std::string uri;
};

void declare(pugi::xml_node element, std::size_t depth, std::vector<Declared>& scope) {
  for (auto a = element.first_attribute(); a; a = a.next_attribute()) {
    const std::string_view name = a.name();
    if (name == "xmlns") scope.push_back(Declared{depth, "", a.value()});
    if (name.starts_with("xmlns:")) scope.push_back(Declared{depth, std::string(name.substr(6)), a.value()});
  }
}

std::string resolve(const std::vector<Declared>& scope, std::string_view prefix) {
  if (prefix == "xml") return std::string(kXmlNamespace);
  for (auto it = scope.rbegin(); it != scope.rend(); ++it)
    if (it->prefix == prefix) return it->uri;
  return {};
}

std::string bound_name(std::string_view qualified_name, const std::string& uri, const Bindings& prefixes) {
  const auto local = local_name(qualified_name);
  if (!uri.empty())
    for (const auto& [prefix, bound_uri] : prefixes)
      if (bound_uri == uri) return prefix.empty() ? local : prefix + ":" + local;
  return local;
}

// Iterative walk with the declarations in scope on a stack; `renaming` is told about each
// element just before its name changes.
template <class OnRename>
void bind(pugi::xml_node root, const Bindings& prefixes, OnRename renaming) {
  std::vector<Declared> scope;
  std::vector<pugi::xml_node> ancestors;
  for (auto n = root.parent(); n.type() == pugi::node_element; n = n.parent()) ancestors.push_back(n);
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) declare(*it, 0, scope);

  std::vector<std::pair<pugi::xml_node, std::size_t>> pending;
  if (root.type() == pugi::node_element) pending.emplace_back(root, 1);
  if (root.type() == pugi::node_document)
    for (pugi::xml_node c : root.children())
      if (c.type() == pugi::node_element) pending.emplace_back(c, 1);
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    while (!scope.empty() && scope.back().depth >= depth) scope.pop_back();
    declare(node, depth, scope);
    const auto name = bound_name(node.name(), resolve(scope, prefix_of(node.name())), prefixes);
    if (name != node.name()) {
      renaming(node);
      node.set_name(name.c_str());
    }
    for (auto a = node.first_attribute(); a; a = a.next_attribute()) {
      const auto prefix = prefix_of(a.name());
      if (prefix.empty() || prefix == "xmlns" || prefix == "xml") continue;
      const auto attribute_name = bound_name(a.name(), resolve(scope, prefix), prefixes);
      if (attribute_name != a.name()) a.set_name(attribute_name.c_str());
    }
    for (pugi::xml_node c : node.children())
      if (c.type() == pugi::node_element) pending.emplace_back(c, depth + 1);
  }
}

}  // namespace

XmlError::XmlError(int line, int column, const std::string& message)
    : std::runtime_error(line > 0 ? "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message
                                  : message),
      line(line),
      column(column) {}

std::pair<int, int> Document::position(pugi::xml_node node) const {
  auto offset = node.offset_debug();
  if (offset < 0) {
    const auto renamed = renamed_at.find(node.internal_object());
    if (renamed != renamed_at.end()) offset = renamed->second;
  }
  if (offset < 0 || static_cast<std::size_t>(offset) > bytes.size()) return {0, 0};
  // pugixml points at the name; a tag starts at its '<' ("<?" for processing instructions).
  std::ptrdiff_t marker = 0;
  if (node.type() == pugi::node_element) marker = 1;
  if (node.type() == pugi::node_pi || node.type() == pugi::node_declaration) marker = 2;
  if (marker > 0 && offset >= marker && bytes[static_cast<std::size_t>(offset - marker)] == '<') offset -= marker;
  return line_column(bytes, static_cast<std::size_t>(offset));
}

bool looks_like_xml(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  const auto first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && bytes[first] == '<';
}

std::unique_ptr<Document> parse(std::string bytes, const Limits& limits) {
  if (bytes.size() > limits.max_bytes)
    throw XmlError(0, 0, "document is " + std::to_string(bytes.size()) + " bytes: at most " +
                             std::to_string(limits.max_bytes) + " are accepted");
  auto doc = std::make_unique<Document>();
  doc->bytes = std::move(bytes);
  // Without parse_doctype the DOCTYPE (and any internal subset) is skipped: nothing it names
  // is read or fetched, and only the predefined and character entities are expanded, so
  // "&custom;" stays as written. load_buffer copies, keeping `bytes` as received.
  const auto result = doc->tree.load_buffer(doc->bytes.data(), doc->bytes.size(), pugi::parse_default,
                                            pugi::encoding_auto);
  if (!result) fail_parse(*doc, result);
  check_single_root(*doc);
  check_bounds(*doc, limits);
  classify(*doc);
  return doc;
}

std::string namespace_uri(pugi::xml_node element) { return lookup_namespace(element, prefix_of(element.name())); }

std::string namespace_uri(pugi::xml_attribute attribute, pugi::xml_node element) {
  const std::string_view name = attribute.name();
  if (name == "xmlns") return std::string(kXmlnsNamespace);
  const auto prefix = prefix_of(name);
  return prefix.empty() ? std::string() : lookup_namespace(element, prefix);
}

std::string local_name(std::string_view qualified_name) {
  const auto colon = qualified_name.find(':');
  return std::string(colon == std::string_view::npos ? qualified_name : qualified_name.substr(colon + 1));
}

void bind_prefixes(pugi::xml_node root, const Bindings& prefixes) {
  bind(root, prefixes, [](pugi::xml_node) {});
}

void bind_prefixes(Document& document, const Bindings& prefixes) {
  bind(document.tree, prefixes, [&document](pugi::xml_node node) {
    const auto offset = node.offset_debug();
    if (offset >= 0) document.renamed_at.emplace(node.internal_object(), offset);
  });
}

}  // namespace edihub::xml
