// XML business documents (cXML ShipNoticeRequest, UBL 2.x DespatchAdvice, GS1 XML despatch
// advice, any other XML a partner sends): parsed with pugixml inside fixed bounds (size,
// element depth, node count), never loading anything the document points at (DTDs,
// external entities), with every error placed at a line and column. Parsing also tells
// which standard and document type it is and who sent it to whom, so the hub can route it
// like an X12 interchange. Pure: no I/O.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pugixml.hpp>

namespace edihub::xml {

struct Limits {
  std::size_t max_bytes = 64u << 20;    // larger documents are refused before parsing
  std::size_t max_depth = 64;           // element nesting
  std::size_t max_nodes = 4'000'000;    // elements, attributes and text nodes
};

// A document that is not well-formed, too large or too deep, or that cannot be used.
// what(): "line 12, column 5: end tag </Header> does not match <From>".
class XmlError : public std::runtime_error {
 public:
  XmlError(int line, int column, const std::string& message);
  int line;    // 1-based; 0 when not tied to a place
  int column;  // 1-based, in bytes
};

// A party identifier found in the document: cXML Credential (domain "NetworkId", "DUNS"...),
// UBL/GS1 party identifier (scheme from schemeID, "GLN" for GS1 gln elements).
struct PartyId {
  std::string scheme;  // as written; may be empty
  std::string id;
};

struct Document {
  std::string bytes;             // the input as received (positions refer to it)
  pugi::xml_document tree;
  std::string standard;          // "cxml", "ubl", "gs1", or "" for any other XML
  std::string type;              // ShipNoticeRequest, DespatchAdvice, despatchAdvice; else the root's local name
  std::string root_namespace;    // namespace URI of the root element ("" when none)
  std::string version;           // cXML version attribute (from the DOCTYPE when absent), UBLVersionID, ...; may be empty
  std::string document_id;       // cXML payloadID, UBL cbc:ID, GS1 entityIdentification; may be empty
  std::vector<PartyId> senders;  // cXML From then Sender credentials; UBL despatch supplier; GS1 shipper / SBDH sender
  std::vector<PartyId> receivers;

  // Line and column (1-based) of a node of `tree` (an element: its '<'); {0, 0} when unknown.
  std::pair<int, int> position(pugi::xml_node node) const;

  // Byte offsets of elements renamed by bind_prefixes(Document&, ...): pugixml forgets where
  // a renamed node came from, so position() looks here first.
  std::unordered_map<const pugi::xml_node_struct*, std::ptrdiff_t> renamed_at;
};

// True when the bytes start (after an optional UTF-8 BOM and white space) with '<'.
bool looks_like_xml(std::string_view bytes);

// Parses and classifies `bytes`. Throws XmlError.
std::unique_ptr<Document> parse(std::string bytes, const Limits& limits = {});

// The namespace URI an element or attribute is in, from the xmlns declarations in scope.
std::string namespace_uri(pugi::xml_node element);
// An attribute of `element`: "" without a prefix (unprefixed attributes are in no namespace).
std::string namespace_uri(pugi::xml_attribute attribute, pugi::xml_node element);
std::string local_name(std::string_view qualified_name);

// Renames every element (and prefixed attribute) of `root`'s subtree so that XPath written
// with the caller's prefixes works whatever prefixes the sender chose: a name in a namespace
// bound in `prefixes` (prefix -> URI) becomes "prefix:local" ("local" for an empty prefix);
// any other name becomes its local name. xmlns declarations and xml: attributes are left alone.
// Renamed nodes lose their position: prefer the Document overload.
void bind_prefixes(pugi::xml_node root, const std::vector<std::pair<std::string, std::string>>& prefixes);
// The same over the whole document, keeping every element's position (Document::renamed_at).
void bind_prefixes(Document& document, const std::vector<std::pair<std::string, std::string>>& prefixes);

}  // namespace edihub::xml
