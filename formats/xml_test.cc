#include "formats/xml.h"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "tests/test_support.h"

using namespace edihub::xml;
using edihub::testing::data_dir;
using edihub::testing::read_file;
using edihub::testing::TempDir;
using edihub::testing::write_file;

namespace {

const std::string kUblDespatch = "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2";
const std::string kCbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const std::string kCac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";

std::vector<std::string> parties(const std::vector<PartyId>& ids) {
  std::vector<std::string> out;
  for (const auto& p : ids) out.push_back(p.scheme + "=" + p.id);
  return out;
}

std::string serialized(const Document& doc) {
  std::ostringstream out;
  doc.tree.save(out);
  return out.str();
}

// The XmlError thrown by parsing `bytes` (fails the test when it parses).
XmlError parse_error(const std::string& bytes, const Limits& limits = {}) {
  try {
    parse(bytes, limits);
  } catch (const XmlError& e) {
    return e;
  }
  FAIL("parsed without error: " << bytes.substr(0, 80));
  throw;
}

std::string nested(const std::string& name, std::size_t depth) {
  std::string out;
  for (std::size_t i = 0; i < depth; ++i) out += "<" + name + ">";
  for (std::size_t i = 0; i < depth; ++i) out += "</" + name + ">";
  return out;
}

// A UBL despatch advice with other prefixes than usual: the root and cbc in default
// namespaces, cac as "agg", and a partner extension namespace "p".
const std::string kOddPrefixes =
    "<DespatchAdvice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2\"\n"
    "    xmlns:agg=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\"\n"
    "    xmlns:p=\"urn:example:partner-extensions\">\n"
    "  <UBLVersionID xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">2.1</UBLVersionID>\n"
    "  <ID xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\" p:origin=\"wms\">ASN-77</ID>\n"
    "  <agg:DespatchSupplierParty>\n"
    "    <agg:Party xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n"
    "      <EndpointID schemeID=\"0088\" xml:lang=\"en\">0614141000012</EndpointID>\n"
    "    </agg:Party>\n"
    "  </agg:DespatchSupplierParty>\n"
    "  <p:Note>not in a bound namespace</p:Note>\n"
    "</DespatchAdvice>\n";

const std::vector<std::pair<std::string, std::string>> kUblPrefixes = {
    {"da", kUblDespatch}, {"cbc", kCbc}, {"cac", kCac}};

}  // namespace

TEST_CASE("xml looks_like_xml skips a BOM and white space", "[xml]") {
  CHECK(looks_like_xml("\xEF\xBB\xBF  \r\n<?xml version=\"1.0\"?><a/>"));
  CHECK(looks_like_xml("<cXML/>"));
  CHECK_FALSE(looks_like_xml("ISA*00*          *00*"));
  CHECK_FALSE(looks_like_xml("\xEF\xBB\xBF \n"));
  CHECK_FALSE(looks_like_xml(""));
}

TEST_CASE("xml the cXML ship notice sample is classified with its credentials", "[xml]") {
  const auto doc = parse(read_file(data_dir() / "corpus" / "xml" / "cxml_ship_notice_request_friendsofcxml.xml"));
  CHECK(doc->standard == "cxml");
  CHECK(doc->type == "ShipNoticeRequest");
  CHECK(doc->version == "1.2.050");  // from the DOCTYPE: the root has no version attribute
  CHECK(doc->root_namespace.empty());
  CHECK(doc->document_id == "0c30050@supplierorg.com");
  CHECK(parties(doc->senders) == std::vector<std::string>{"NetworkId=AN00000123", "NetworkId=AN00000123"});
  CHECK(parties(doc->receivers) == std::vector<std::string>{"NetworkId=AN00000456"});
  for (const auto& p : doc->senders) CHECK(p.id.find("abracadabra") == std::string::npos);
}

TEST_CASE("xml the cXML order request sample is classified", "[xml]") {
  const auto doc = parse(read_file(data_dir() / "corpus" / "xml" / "cxml_order_request_friendsofcxml.xml"));
  CHECK(doc->standard == "cxml");
  CHECK(doc->type == "OrderRequest");
  CHECK(doc->version == "1.2.050");
  CHECK(doc->document_id == "1625586002.193314.7293@dev");
  CHECK(parties(doc->senders) == std::vector<std::string>{"NetworkId=inbound@prominate-platform.com",
                                                          "NetworkId=inbound@prominate-platform.com"});
  CHECK(parties(doc->receivers) == std::vector<std::string>{"NetworkId=supplier@supplier.com"});
}

TEST_CASE("xml the cXML version attribute wins over the DOCTYPE and a Response skips its Status", "[xml]") {
  const auto doc = parse(
      "<!DOCTYPE cXML SYSTEM \"http://xml.cxml.org/schemas/cXML/1.2.050/cXML.dtd\">\n"
      "<cXML version=\"1.2.060\" payloadID=\"p-1\"><Response><Status code=\"200\" text=\"OK\"/>"
      "<ProfileResponse/></Response></cXML>");
  CHECK(doc->version == "1.2.060");
  CHECK(doc->type == "ProfileResponse");
  CHECK(doc->document_id == "p-1");
  CHECK(doc->senders.empty());
}

TEST_CASE("xml the UBL 2.0 despatch advice sample is classified with its account ids", "[xml]") {
  const auto doc = parse(read_file(data_dir() / "corpus" / "xml" / "ubl20_despatch_advice_oasis_example.xml"));
  CHECK(doc->standard == "ubl");
  CHECK(doc->type == "DespatchAdvice");
  CHECK(doc->root_namespace == kUblDespatch);
  CHECK(doc->version == "2.0");
  CHECK(doc->document_id == "565899");
  CHECK(parties(doc->senders) == std::vector<std::string>{"CustomerAssignedAccountID=CO001"});
  CHECK(parties(doc->receivers) ==
        std::vector<std::string>{"CustomerAssignedAccountID=XFB01", "SupplierAssignedAccountID=GT00978567"});
}

TEST_CASE("xml the hand-made pair files are classified with their parties", "[xml]") {
  struct Expected {
    std::string file, standard, type, version, id;
    std::vector<std::string> senders, receivers;
  };
  const std::vector<std::string> cxml_senders{"DUNS=081234567", "NetworkId=AN01000012345"};
  const std::vector<std::string> cxml_receivers{"DUNS=069876543"};
  const std::vector<std::string> ubl_senders{"0088=0614141000012", "GLN=0614141000012"};
  const std::vector<std::string> ubl_receivers{"0088=0860001000016", "GLN=0860001000023"};
  const std::vector<std::string> gs1_senders{"GS1=0614141000012", "GLN=0614141000012"};
  const std::vector<std::string> gs1_receivers{"GS1=0860001000016", "GLN=0860001000016"};
  const std::vector<Expected> expected{
      {"asn-1001.cxml.xml", "cxml", "ShipNoticeRequest", "1.2.050", "20261120144500.1001@cobaltridge.example",
       cxml_senders, cxml_receivers},
      {"asn-1002.cxml.xml", "cxml", "ShipNoticeRequest", "1.2.050", "20261121083000.1002@cobaltridge.example",
       cxml_senders, cxml_receivers},
      {"asn-1001.ubl.xml", "ubl", "DespatchAdvice", "2.1", "ASN1001", ubl_senders, ubl_receivers},
      {"asn-1002.ubl.xml", "ubl", "DespatchAdvice", "2.1", "ASN1002", ubl_senders, ubl_receivers},
      {"asn-1001.gs1.xml", "gs1", "despatchAdvice", "3.4", "ASN1001", gs1_senders, gs1_receivers},
      {"asn-1002.gs1.xml", "gs1", "despatchAdvice", "3.4", "ASN1002", gs1_senders, gs1_receivers},
  };
  for (const auto& e : expected) {
    INFO(e.file);
    const auto doc = parse(read_file(data_dir() / "pairs" / e.file));
    CHECK(doc->standard == e.standard);
    CHECK(doc->type == e.type);
    CHECK(doc->version == e.version);
    CHECK(doc->document_id == e.id);
    CHECK(parties(doc->senders) == e.senders);
    CHECK(parties(doc->receivers) == e.receivers);
    for (const auto& p : doc->senders) CHECK(p.id != "not-a-real-secret");
  }
}

TEST_CASE("xml any other XML keeps its root name and namespace without parties", "[xml]") {
  const auto doc = parse("<inv:Invoice xmlns:inv=\"urn:example:partner:invoice\"><Number>7</Number></inv:Invoice>");
  CHECK(doc->standard.empty());
  CHECK(doc->type == "Invoice");
  CHECK(doc->root_namespace == "urn:example:partner:invoice");
  CHECK(doc->version.empty());
  CHECK(doc->document_id.empty());
  CHECK(doc->senders.empty());
  CHECK(doc->receivers.empty());
}

TEST_CASE("xml malformed documents are placed at a line and column", "[xml]") {
  SECTION("mismatched end tag") {
    const auto e = parse_error("<a>\n  <b></c>\n</a>");
    CHECK(e.line == 2);
    CHECK(e.column == 6);
    CHECK(std::string(e.what()) ==
          "line 2, column 6: end tag </c> does not match the start tag of the element it closes");
  }
  SECTION("truncated document") {
    const auto e = parse_error("<a>\n  <b>text");
    CHECK(e.line == 2);
    CHECK(e.column == 10);
    CHECK(std::string(e.what()).find("ends before every element is closed") != std::string::npos);
  }
  SECTION("attribute without a value") {
    const auto e = parse_error("<a>\n<b x='1' y></b>\n</a>");
    CHECK(e.line == 2);
    CHECK(e.column == 12);
    CHECK(std::string(e.what()) == "line 2, column 12: bad attribute: expected name=\"value\" or name='value'");
  }
  SECTION("unquoted attribute value") {
    const auto e = parse_error("<?xml version=\"1.0\"?>\n<a x=1/>");
    CHECK(e.line == 2);
    CHECK(e.column == 6);
  }
  SECTION("attribute given twice") {
    const auto e = parse_error("<a>\n  <b x=\"1\" x=\"2\"/>\n</a>");
    CHECK(std::string(e.what()) == "line 2, column 3: attribute x appears twice in <b>: each attribute is given once");
  }
  SECTION("no root element") {
    const auto e = parse_error("  \n");
    CHECK(std::string(e.what()).find("no root element") != std::string::npos);
  }
  SECTION("a second root element") {
    const auto e = parse_error("<a/>\n<b/>");
    CHECK(std::string(e.what()) == "line 2, column 1: second root element <b>: a document has exactly one root element");
  }
  SECTION("text after the root element") {
    const auto e = parse_error("<a/>\ntrailing\n");
    CHECK(e.line == 2);
    CHECK(e.column == 1);
    CHECK(std::string(e.what()).find("text after the root element") != std::string::npos);
  }
  SECTION("text before the root element") {
    const auto e = parse_error("\n  garbage<a/>");
    CHECK(e.line == 2);
    CHECK(e.column == 3);
  }
}

TEST_CASE("xml a document over the size limit is refused before parsing", "[xml]") {
  Limits limits;
  limits.max_bytes = 10;
  const auto e = parse_error("<a><<<<<<<<", limits);  // malformed too: the size is checked first
  CHECK(e.line == 0);
  CHECK(std::string(e.what()) == "document is 11 bytes: at most 10 are accepted");
  CHECK(parse("<a>ok</a>", limits)->type == "a");
}

TEST_CASE("xml element depth is bounded and checked without recursion", "[xml]") {
  CHECK(parse(nested("d", 64))->type == "d");
  const auto e = parse_error(nested("d", 100'000));
  CHECK(e.line == 1);
  CHECK(e.column == 64 * 3 + 1);  // the 65th <d>
  CHECK(std::string(e.what()) == "line 1, column 193: element <d> is nested 65 deep: at most 64 levels are allowed");
}

TEST_CASE("xml the node count is bounded", "[xml]") {
  Limits limits;
  limits.max_nodes = 10;
  std::string bytes = "<a x='1'>";
  for (int i = 0; i < 10; ++i) bytes += "\n<b/>";
  bytes += "</a>";
  // <a> and its attribute count 2: the 9th <b/> (line 10) is the 11th node.
  const auto e = parse_error(bytes, limits);
  CHECK(e.line == 10);
  CHECK(e.column == 1);
  limits.max_nodes = 12;
  CHECK(parse(bytes, limits)->type == "a");
}

TEST_CASE("xml external entities are never loaded", "[xml]") {
  SECTION("the DTD names a system file") {
    const auto doc = parse("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/hostname\">]><x a=\"&e;\">&e;</x>");
    CHECK(std::string(doc->tree.document_element().child_value()) == "&e;");
    CHECK(std::string(doc->tree.document_element().attribute("a").value()) == "&e;");
  }
  SECTION("the DTD names a file we wrote") {
    TempDir dir;
    write_file(dir / "secret.txt", "CONTENT-THAT-MUST-NOT-LEAK");
    const auto url = "file://" + (dir / "secret.txt").string();
    const auto doc = parse("<!DOCTYPE x [<!ENTITY e SYSTEM \"" + url + "\">\n<!ENTITY % p SYSTEM \"" + url +
                           "\"> %p;]>\n<x>&e;</x>");
    CHECK(std::string(doc->tree.document_element().child_value()) == "&e;");
    CHECK(serialized(*doc).find("CONTENT-THAT-MUST-NOT-LEAK") == std::string::npos);
  }
}

TEST_CASE("xml internal entities are not expanded so billion laughs stays small", "[xml]") {
  std::string bytes = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  bytes += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
  for (int i = 2; i <= 9; ++i) {
    const auto prev = "&lol" + std::to_string(i - 1) + ";";
    std::string value;
    for (int k = 0; k < 10; ++k) value += prev;
    bytes += "<!ENTITY lol" + std::to_string(i) + " \"" + value + "\">\n";
  }
  bytes += "]>\n<lolz>&lol9;</lolz>";
  const auto doc = parse(bytes);
  CHECK(std::string(doc->tree.document_element().child_value()) == "&lol9;");
  CHECK(serialized(*doc).size() < 100);  // the DOCTYPE is dropped, nothing is expanded
}

TEST_CASE("xml position gives the line and column of elements and text", "[xml]") {
  const auto doc = parse("<?xml version=\"1.0\"?>\n<root>\n  <child attr=\"1\">text</child>\n</root>");
  const auto root = doc->tree.document_element();
  CHECK(doc->position(root) == std::pair{2, 1});
  CHECK(doc->position(root.child("child")) == std::pair{3, 3});
  CHECK(doc->position(root.child("child").first_child()) == std::pair{3, 19});
  CHECK(doc->position(pugi::xml_node()) == std::pair{0, 0});
}

TEST_CASE("xml namespace_uri and local_name follow the declarations in scope", "[xml]") {
  const auto doc = parse(kOddPrefixes);
  const auto root = doc->tree.document_element();
  const auto id = root.child("ID");
  const auto party = root.child("agg:DespatchSupplierParty").child("agg:Party");
  CHECK(namespace_uri(root) == kUblDespatch);
  CHECK(namespace_uri(id) == kCbc);
  CHECK(namespace_uri(party) == kCac);
  CHECK(namespace_uri(party.child("EndpointID")) == kCbc);
  CHECK(namespace_uri(root.child("p:Note")) == "urn:example:partner-extensions");
  CHECK(namespace_uri(id.attribute("p:origin"), id) == "urn:example:partner-extensions");
  CHECK(namespace_uri(party.child("EndpointID").attribute("schemeID"), party.child("EndpointID")).empty());
  CHECK(namespace_uri(party.child("EndpointID").attribute("xml:lang"), party.child("EndpointID")) ==
        "http://www.w3.org/XML/1998/namespace");
  CHECK(local_name("cbc:ID") == "ID");
  CHECK(local_name("ID") == "ID");

  const auto undeclared = parse("<a xmlns=\"urn:x\"><b xmlns=\"\"><c/></b><u:d/></a>");
  const auto a = undeclared->tree.document_element();
  CHECK(namespace_uri(a) == "urn:x");
  CHECK(namespace_uri(a.child("b").child("c")).empty());
  CHECK(namespace_uri(a.child("u:d")).empty());  // prefix never declared
}

TEST_CASE("xml UBL is recognised by namespace URI whatever the prefixes", "[xml]") {
  const auto doc = parse(kOddPrefixes);
  CHECK(doc->standard == "ubl");
  CHECK(doc->type == "DespatchAdvice");
  CHECK(doc->version == "2.1");
  CHECK(doc->document_id == "ASN-77");
  CHECK(parties(doc->senders) == std::vector<std::string>{"0088=0614141000012"});
}

TEST_CASE("xml bind_prefixes lets XPath use the caller's prefixes and keeps positions", "[xml]") {
  const auto doc = parse(kOddPrefixes);
  bind_prefixes(*doc, kUblPrefixes);
  const auto id = doc->tree.select_node(pugi::xpath_query("/da:DespatchAdvice/cbc:ID")).node();
  REQUIRE(id);
  CHECK(std::string(id.child_value()) == "ASN-77");
  CHECK(doc->position(id) == std::pair{5, 3});
  CHECK(std::string(id.attribute("origin").value()) == "wms");  // p: is not bound: local name
  CHECK(doc->tree.select_node("/da:DespatchAdvice/cac:DespatchSupplierParty/cac:Party/cbc:EndpointID[@schemeID='0088']"));
  CHECK(doc->tree.select_node("/da:DespatchAdvice/Note"));
  const auto endpoint = doc->tree.select_node("//cbc:EndpointID").node();
  CHECK(std::string(endpoint.attribute("xml:lang").value()) == "en");  // xml: is left alone
  CHECK(std::string(doc->tree.document_element().attribute("xmlns:agg").value()) == kCac);  // declarations kept
}

TEST_CASE("xml bind_prefixes on a subtree uses the declarations above it", "[xml]") {
  const auto doc = parse(kOddPrefixes);
  const auto supplier = doc->tree.document_element().child("agg:DespatchSupplierParty");
  bind_prefixes(supplier, {{"", kCac}, {"b", kCbc}});
  CHECK(std::string(supplier.name()) == "DespatchSupplierParty");
  CHECK(supplier.select_node("Party/b:EndpointID"));
  CHECK(std::string(doc->tree.document_element().name()) == "DespatchAdvice");  // outside the subtree
  CHECK(doc->tree.document_element().child("ID"));
}
