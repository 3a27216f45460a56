// Outbound mappings to XML: the demo cXML OrderRequest on the example ERP purchase orders in
// tests/data/erp (read back with pugixml and checked by XPath), each language feature of
// document:, and the loading and evaluation errors with their mapping line and JSON path.
#include <catch2/catch.hpp>

#include <pugixml.hpp>

#include "mappings/outbound.h"
#include "tests/support/mapping_sets.h"
#include "tests/support/outbound_mapping_checks.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using edihub::mapping::testing::test_tables;
using edihub::testing::data_dir;
using edihub::testing::read_file;
using edihub::testing::source_dir;
using nlohmann::json;

using edihub::mapping::testing::check_load_error;
using edihub::mapping::testing::check_mapping_error;
using edihub::mapping::testing::erp;

namespace {

std::shared_ptr<const OutboundMapping> cxml() {
  return OutboundMapping::load_file((source_dir() / "examples/demo/mappings/cxml-order-request-outbound.yaml").string());
}

struct Parsed {
  pugi::xml_document doc;
  std::string text(const char* xpath) const { return doc.select_node(xpath).node().text().as_string(); }
  std::string attribute(const char* xpath) const { return doc.select_node(xpath).attribute().value(); }
  std::size_t count(const char* xpath) const { return doc.select_nodes(xpath).size(); }
};

void parse(const std::string& document, Parsed& out) {
  auto result = out.doc.load_string(document.c_str(), pugi::parse_default | pugi::parse_doctype | pugi::parse_declaration);
  INFO(document);
  REQUIRE(result);
}

// Lines 1-3; the document given starts on line 4.
const std::string kHead =
    "source: {format: erp, transaction: t}\n"
    "target: {format: xml, document: Doc, namespaces: {\"\": \"urn:d\", cbc: \"urn:c\"}}\n"
    "document:\n";

std::string run(const std::string& document, const json& doc, const CodeTables& tables = test_tables()) {
  return OutboundMapping::load(kHead + document, "m.yaml")->evaluate_xml(doc, tables).document;
}

void check_error(const std::string& document, const json& doc, const std::string& what, int line,
                 const CodeTables& tables = test_tables()) {
  check_mapping_error([&] { run(document, doc, tables); }, what, line);
}

}  // namespace

TEST_CASE("outbound xml: the cXML OrderRequest of the standard purchase order", "[mappings][outbound][xml]") {
  auto m = cxml();
  CHECK(m->target_format() == "xml");
  CHECK(m->standard() == "cxml");
  CHECK(m->document_type() == "OrderRequest");
  CHECK(m->source_type() == "purchase_order");
  CHECK(m->code_tables_used() == std::vector<std::string>{"uom"});

  json po = erp("purchase_order_standard.json");
  po["ship_to"]["name"] = "Smith & Sons <Toledo> \"DC\"";
  auto out = m->evaluate_xml(po, test_tables());
  CHECK(out.keys == std::vector<std::pair<std::string, std::string>>{{"po_number", "4500012345"}});
  // Declaration, DOCTYPE verbatim, two-space indentation; the data escaped by pugixml.
  CHECK(out.document.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                 "<!DOCTYPE cXML SYSTEM \"http://xml.cxml.org/schemas/cXML/1.2.050/cXML.dtd\">\n"
                                 "<cXML payloadID=\"po-4500012345-1\" timestamp=\"2024-03-18T00:00:00\" xml:lang=\"en-US\">\n"
                                 "  <Header>\n"
                                 "    <From>\n"));
  CHECK(out.document.find("<Name xml:lang=\"en\">Smith &amp; Sons &lt;Toledo&gt; \"DC\"</Name>") != std::string::npos);

  Parsed x;
  parse(out.document, x);
  CHECK(x.text("/cXML/Header/From/Credential[@domain='NetworkId']/Identity") == "AN01000000001");
  CHECK(x.text("/cXML/Header/To/Credential[@domain='PrivateID']/Identity") == "V10077");
  CHECK(x.text("/cXML/Header/Sender/UserAgent") == "edihub");
  CHECK(x.count("//SharedSecret") == 0);
  const char* header = "/cXML/Request/OrderRequest/OrderRequestHeader";
  CHECK(x.attribute("/cXML/Request/OrderRequest/OrderRequestHeader/@orderID") == "4500012345");
  CHECK(x.attribute("/cXML/Request/OrderRequest/OrderRequestHeader/@orderDate") == "2024-03-18T00:00:00");
  CHECK(x.attribute("/cXML/Request/OrderRequest/OrderRequestHeader/@type") == "new");  // original, through order_type
  CHECK(x.text("//OrderRequestHeader/Total/Money") == "605.8");
  CHECK(x.attribute("//OrderRequestHeader/Total/Money/@currency") == "USD");
  CHECK(x.text("//ShipTo/Address/Name") == "Smith & Sons <Toledo> \"DC\"");
  CHECK(x.attribute("//ShipTo/Address/@addressID") == "1000");
  CHECK(x.text("//ShipTo/Address/PostalAddress/City") == "Toledo");
  CHECK(x.attribute("//ShipTo/Address/PostalAddress/Country/@isoCountryCode") == "US");
  CHECK(x.count("//BillTo/Address/PostalAddress/Street") == 2);
  CHECK(x.text("//BillTo/Address/PostalAddress/Street[2]") == "Floor 9");
  CHECK(x.text("//Contact[@role='purchasingAgent']/Email") == "dana.whitfield@acme-retail.example");
  CHECK(x.text("//Extrinsic[@name='Department']") == "D042");
  CHECK(x.count("//Comments") == 0);  // no release
  CHECK(x.doc.select_node(header).node().first_child().name() == std::string("Total"));

  REQUIRE(x.count("/cXML/Request/OrderRequest/ItemOut") == 3);
  CHECK(x.attribute("//ItemOut[1]/@quantity") == "24");
  CHECK(x.attribute("//ItemOut[2]/@quantity") == "2.5");
  CHECK(x.attribute("//ItemOut[3]/@quantity") == "6");
  CHECK(x.attribute("//ItemOut[3]/@lineNumber") == "3");
  CHECK(x.attribute("//ItemOut[1]/@requestedDeliveryDate") == "2024-03-29");
  CHECK(x.text("//ItemOut[1]/ItemID/SupplierPartID") == "NW-55-A");
  // Line 2 has no vendor part: SupplierPartID is kept, empty (cXML requires it).
  CHECK(x.count("//ItemOut[2]/ItemID/SupplierPartID") == 1);
  CHECK(x.text("//ItemOut[2]/ItemID/SupplierPartID").empty());
  CHECK(x.text("//ItemOut[2]/ItemID/BuyerPartID") == "B-2002");
  CHECK(x.text("//ItemOut[1]/ItemDetail/UnitPrice/Money") == "12.5");
  CHECK(x.text("//ItemOut[2]/ItemDetail/UnitPrice/Money") == "7.12");
  CHECK(x.text("//ItemOut[3]/ItemDetail/UnitPrice/Money") == "48");
  CHECK(x.attribute("//ItemOut[3]/ItemDetail/UnitPrice/Money/@currency") == "USD");
  CHECK(x.text("//ItemOut[1]/ItemDetail/Description") == "Hex bolt M8 x 40, zinc");
  CHECK(x.text("//ItemOut[3]/ItemDetail/UnitOfMeasure") == "CA");  // CS backwards through the partner's uom
  CHECK(x.text("//ItemOut[1]/ItemDetail/Extrinsic[@name='UPC']") == "012345678905");
  CHECK(x.count("//ItemOut[2]/ItemDetail/Extrinsic") == 0);

  // A partner table without LB: units it does not list go as the ERP writes them.
  Parsed y;
  parse(m->evaluate_xml(po, CodeTables{{"uom", {{"EA", "EA"}, {"CA", "CS"}}}}).document, y);
  CHECK(y.text("//ItemOut[2]/ItemDetail/UnitOfMeasure") == "LB");
  CHECK(y.text("//ItemOut[3]/ItemDetail/UnitOfMeasure") == "CA");
}

TEST_CASE("outbound xml: the cXML OrderRequest refuses an order without a currency", "[mappings][outbound][xml]") {
  json po = erp("purchase_order_release.json");
  try {
    cxml()->evaluate_xml(po, test_tables());
    FAIL("no MappingError");
  } catch (const MappingError& e) {
    CHECK(std::string(e.what()).ends_with(
        ": /cXML/Request/OrderRequest/ItemOut/ItemDetail/UnitPrice/Money/@currency is required but currency is "
        "missing (purchase_order to OrderRequest)"));
    CHECK(e.line > 0);
  }
  // With a currency: the release is an update, with its release number in Comments and no Total.
  po["currency"] = "USD";
  Parsed x;
  parse(cxml()->evaluate_xml(po, test_tables()).document, x);
  CHECK(x.attribute("//OrderRequestHeader/@type") == "update");
  CHECK(x.text("//OrderRequestHeader/Comments") == "Release 2");
  CHECK(x.count("//OrderRequestHeader/Total") == 0);
  CHECK(x.count("//BillTo") == 0);
  CHECK(x.count("//ShipTo//Country") == 0);
  CHECK(x.count("//ShipTo//Street") == 0);
  CHECK(x.text("//ItemOut[1]/ItemDetail/UnitOfMeasure") == "PC");
  CHECK(x.attribute("//ItemOut[1]/ItemDetail/Description/@xml:lang") == "en");  // kept for its attribute
  CHECK(x.text("//ItemOut[1]/ItemDetail/UnitPrice/Money") == "0.35");
}

TEST_CASE("outbound xml: elements, attributes, text, blocks, keep_empty and namespaces", "[mappings][outbound][xml]") {
  json doc = {{"id", "A1"}, {"n", 3}, {"lines", {{{"q", 1}}, {{"q", 2}, {"note", "x"}}}}, {"party", {{"name", "P"}}}};
  std::string out = run("  element: Doc\n"
                        "  attributes: {id: {from: id}, missing: {from: nothing}, lit: \"L\"}\n"
                        "  children:\n"
                        "    - {element: \"cbc:Count\", text: {count: lines}}\n"
                        "    - {element: Empty, text: {from: nothing}}\n"
                        "    - {element: Kept, text: {from: nothing}, keep_empty: true}\n"
                        "    - element: Outer\n"
                        "      children: [{element: Inner, text: {from: nothing}}]\n"
                        "    - each: lines\n"
                        "      children:\n"
                        "        - {element: Q, text: {from: q}}\n"
                        "        - {element: Note, text: {from: note}, when: {not: {path: q, equals: \"1\"}}}\n"
                        "    - {element: Party, in: party, attributes: {name: {from: name}}}\n"
                        "    - {element: Nobody, in: nobody, attributes: {name: {from: name}}}\n",
                        doc);
  CHECK(out ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Doc xmlns=\"urn:d\" xmlns:cbc=\"urn:c\" id=\"A1\" lit=\"L\">\n"
        "  <cbc:Count>2</cbc:Count>\n"
        "  <Kept />\n"
        "  <Q>1</Q>\n"
        "  <Q>2</Q>\n"
        "  <Note>x</Note>\n"
        "  <Party name=\"P\" />\n"
        "</Doc>\n");
}

TEST_CASE("outbound xml: ISO dates and datetimes, decimals without exponent", "[mappings][outbound][xml]") {
  json doc = {{"d", "2024-03-18"}, {"dt", "2009-09-21T08:01:30.25+02:00"}, {"z", "2009-09-21T08:01Z"}, {"big", 1e20},
              {"p", 0.1}, {"bad", "2024-02-30"}};
  std::string out = run("  element: Doc\n"
                        "  attributes:\n"
                        "    a: {from: d, as: date}\n"
                        "    b: {from: d, as: datetime}\n"
                        "    c: {from: dt, as: datetime}\n"
                        "    e: {from: dt, as: date}\n"
                        "    f: {from: z, as: datetime}\n"
                        "    g: {from: big, as: decimal}\n"
                        "    h: {from: p}\n",
                        doc);
  CHECK(out.find("<Doc xmlns=\"urn:d\" xmlns:cbc=\"urn:c\" a=\"2024-03-18\" b=\"2024-03-18T00:00:00\" "
                 "c=\"2009-09-21T08:01:30+02:00\" e=\"2009-09-21\" f=\"2009-09-21T08:01:00Z\" "
                 "g=\"100000000000000000000\" h=\"0.1\" />") != std::string::npos);
  check_error("  element: Doc\n  attributes: {a: {from: bad, as: date}}\n", doc,
              "m.yaml:5: /Doc/@a: bad '2024-02-30' is not a valid calendar date (t to Doc)", 5);
}

TEST_CASE("outbound xml: evaluation errors name the mapping line and the JSON path", "[mappings][outbound][xml]") {
  const std::string lines =
      "  element: Doc\n"
      "  children:\n"
      "    - element: Line\n"
      "      each: lines\n"
      "      attributes:\n"
      "        q: {from: q, required: true}\n"
      "        u: {from: u, table: uom}\n"
      "      text: {from: t}\n";
  check_error(lines, json{{"lines", {{{"q", 1}}, {{"u", "EA"}}}}},
              "m.yaml:9: /Doc/Line/@q is required but lines[1].q is missing (t to Doc)", 9);
  check_error(lines, json{{"lines", {{{"q", 1}, {"u", "XX"}}}}},
              "m.yaml:10: /Doc/Line/@u: lines[0].u 'XX' has no code in code table uom (t to Doc)", 10);
  check_error(lines, json{{"lines", {{{"q", 1}, {"u", "EA"}}}}},
              "m.yaml:10: /Doc/Line/@u: lines[0].u needs code table uom, which is not in the partner profile (t to Doc)",
              10, CodeTables{});
  check_error(lines, json{{"lines", {{{"q", 1}, {"t", "a\x01z"}}}}},
              "m.yaml:11: /Doc/Line: lines[0].t holds a control character, which XML cannot carry (t to Doc)", 11);
  check_error(lines, json{{"lines", 5}}, "m.yaml:6: each: lines is a number, not a list (t to Doc)", 6);
  check_error("  element: Doc\n  text: {from: x}\n", json::object(),
              "m.yaml:4: the document element Doc came out empty (t to Doc)", 4);

  auto xml = OutboundMapping::load(kHead + "  element: Doc\n", "m.yaml");
  CHECK_THROWS_AS(xml->evaluate(json::object(), test_tables(), {'*', ':', 0, "~"}), std::logic_error);
  auto x12 = OutboundMapping::load(
      "source: {format: erp, transaction: t}\n"
      "target: {format: x12, transaction_set: \"850\", versions: [\"004010\"]}\n"
      "segments: [{BEG: [\"00\"]}]\n",
      "m.yaml");
  CHECK(x12->target_format() == "x12");
  CHECK_THROWS_AS(x12->evaluate_xml(json::object(), test_tables()), std::logic_error);
}

TEST_CASE("outbound xml: mapping file errors name the line", "[mappings][outbound][xml]") {
  auto doc = [&](const std::string& document, const std::string& what, int line) {
    check_load_error(kHead + document, "m.yaml:" + std::to_string(line) + ": " + what, line);
  };
  doc("  element: \"1Doc\"\n",
      "element '1Doc' is not an XML name (a letter or _ first, then letters, digits, -, _ and ., one prefix: at most)", 4);
  doc("  element: Doc\n  children:\n    - element: \"Bad Name\"\n",
      "element 'Bad Name' is not an XML name (a letter or _ first, then letters, digits, -, _ and ., one prefix: at most)",
      6);
  doc("  element: Doc\n  attributes: {\"a<b\": x}\n",
      "attribute 'a<b' is not an XML name (a letter or _ first, then letters, digits, -, _ and ., one prefix: at most)", 5);
  doc("  element: Doc\n  children: [{element: \"cac:Party\"}]\n",
      "element 'cac:Party': prefix 'cac' is not declared in target namespaces", 5);
  doc("  element: Doc\n  attributes: {\"xmlns:x\": u}\n",
      "attribute 'xmlns:x': namespaces are declared in target namespaces", 5);
  doc("  element: Doc\n  each: lines\n", "the document element is written once: put each on its children", 5);
  doc("  element: Doc\n  children: [{each: lines}]\n", "an entry of children needs element, or children for a block",
      5);
  doc("  element: Doc\n  children: [{children: [{element: A}]}]\n", "a block of children needs each, in or when", 5);
  doc("  element: Doc\n  text: {from: d, date: CCYYMMDD}\n",
      "key 'date' applies to X12 targets (XML values take as: date, datetime, decimal or integer)", 5);
  doc("  element: Doc\n  text: {from: d, as: money}\n", "as must be text, date, datetime, decimal or integer", 5);
  doc("  element: Doc\n  text: {from: d, qualifier: VP}\n",
      "qualifier applies to a simple X12 element (not in a composite, a concat part, a calc operand or XML)", 5);
  doc("  element: Doc\n  children: [{element: A, colour: red}]\n",
      "unknown key 'colour' in an element (expected element, attributes, text, children, each, in, when, keep_empty)", 5);
  check_load_error(kHead + "  element: Doc\nsegments: [{BEG: [\"00\"]}]\n",
                   "m.yaml:5: an XML mapping writes document:, not segments:", 5);
  check_load_error("source: {format: erp, transaction: t}\n"
                   "target: {format: x12, transaction_set: \"850\", versions: [\"004010\"]}\n"
                   "segments: [{BEG: [\"00\"]}]\n"
                   "document: {element: Doc}\n",
                   "m.yaml:4: an X12 mapping writes segments:, not document:", 4);
  check_load_error("source: {format: erp, transaction: t}\ntarget: {format: xml, document: Doc}\n",
                   "m.yaml:1: missing 'document'", 1);
  check_load_error("source: {format: erp, transaction: t}\ntarget: {format: xml, document: Doc, doctype: 'x SYSTEM \"y\"'}\n"
                   "document: {element: Doc}\n",
                   "m.yaml:2: doctype must start with the document element Doc (doctype: 'Doc SYSTEM \"...\"')", 2);
  check_load_error("source: {format: erp, transaction: t}\ntarget: {format: tradacoms}\n",
                   "m.yaml:2: target format must be x12, edifact or xml", 2);
}
