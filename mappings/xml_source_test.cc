// XML mappings: XPath paths on the real OASIS UBL 2.0 DespatchAdvice and cXML
// ShipNoticeRequest samples (parsed by formats/xml, prefixes bound by the mapping), ISO 8601 conversions, the features of the language on XML,
// load errors with file:line and evaluation errors with the node's line and column.
#include <catch2/catch.hpp>

#include <algorithm>

#include "formats/xml.h"
#include "mappings/loader.h"
#include "mappings/mapping.h"
#include "tests/support/mapping_sets.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using Catch::Matchers::Contains;
using edihub::testing::data_dir;
using edihub::testing::read_file;
using nlohmann::json;

namespace {

// A document parsed by formats/xml, mapped through Mapping::evaluate (which binds prefixes).
struct XmlSample {
  std::unique_ptr<edihub::xml::Document> doc;

  explicit XmlSample(std::string bytes) : doc(edihub::xml::parse(std::move(bytes))) {}

  Result map(const std::string& mapping, const CodeTables& tables = {}, const Lookup* lookup = nullptr) const {
    Context context{nullptr, nullptr, "test", lookup};
    return Mapping::load(mapping, "u.yaml")->evaluate(*doc, context, tables);
  }
};

XmlSample ubl() { return XmlSample(read_file(data_dir() / "corpus/xml/ubl20_despatch_advice_oasis_example.xml")); }
XmlSample cxml() { return XmlSample(read_file(data_dir() / "corpus/xml/cxml_ship_notice_request_friendsofcxml.xml")); }

// Lines 1-8; the fields given start on line 9.
const std::string kUbl =
    "source:\n"
    "  format: xml\n"
    "  document: DespatchAdvice\n"
    "  standard: ubl\n"
    "  namespaces: {cac: \"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\",\n"
    "               cbc: \"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\"}\n"
    "target: inbound_delivery\n"
    "fields:\n";

void check_load_error(const std::string& text, int line, const std::string& message) {
  try {
    load_program(text, "u.yaml");
    FAIL("the mapping loaded");
  } catch (const MappingFileError& e) {
    INFO(e.what());
    CHECK(e.line == line);
    CHECK_THAT(e.what(), Contains("u.yaml:" + std::to_string(line) + ": ") && Contains(message));
  }
}

MappingError error_of(const XmlSample& sample, const std::string& mapping) {
  try {
    sample.map(mapping);
  } catch (const MappingError& e) {
    return e;
  }
  FAIL("no MappingError");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("xml: the UBL 2.0 DespatchAdvice sample maps by XPath", "[mappings][xml]") {
  Result r = ubl().map(kUbl +
                           "  shipment_id: {from: cbc:ID, required: true}\n"
                           "  document_uuid: /DespatchAdvice/cbc:UUID\n"
                           "  issued: {from: cbc:IssueDate, as: date}\n"
                           "  po_number: cac:OrderReference/cbc:ID\n"
                           "  sales_order: {from: cac:OrderReference/cbc:SalesOrderID, split: {separator: CON, part: 2}}\n"
                           "  status: {from: cbc:DocumentStatusCode, when: {from: cbc:CopyIndicator, equals: \"false\"}}\n"
                           "  copy_only: {from: cbc:Note, when: {from: cbc:CopyIndicator, equals: \"true\"}}\n"
                           "  line_count: {from: count(cac:DespatchLine), as: integer}\n"
                           "  supplier:\n"
                           "    in: cac:DespatchSupplierParty/cac:Party\n"
                           "    fields:\n"
                           "      name: cac:PartyName/cbc:Name\n"
                           "      street: {concat: [cac:PostalAddress/cbc:BuildingNumber, cac:PostalAddress/cbc:StreetName],"
                           " separator: \" \"}\n"
                           "      country: cac:PostalAddress/cac:Country/cbc:IdentificationCode\n"
                           "  lines:\n"
                           "    each: cac:DespatchLine\n"
                           "    fields:\n"
                           "      line: {from: cbc:ID, as: integer}\n"
                           "      quantity: {from: cbc:DeliveredQuantity, as: decimal, required: true}\n"
                           "      unit: {from: cbc:DeliveredQuantity/@unitCode, table: unit}\n"
                           "      backorder_grams: {from: cbc:BackorderQuantity, multiply: 1000}\n"
                           "      po_number: cac:OrderLineReference/cac:OrderReference/cbc:ID\n"
                           "      buyer_item: cac:Item/cac:BuyersItemIdentification/cbc:ID\n"
                           "keys:\n"
                           "  shipment_id: shipment_id\n"
                           "  po_number: lines.po_number\n",
                       {{"unit", {{"KGM", "KG"}}}});
  CHECK(r.transaction == json{{"shipment_id", "565899"},
                              {"document_uuid", "88C7280E-8F10-419F-9949-8EFFFA2842B8"},
                              {"issued", "2005-06-20"},
                              {"po_number", "AEG012345"},
                              {"sales_order", "0095678"},
                              {"status", "NoStatus"},
                              {"line_count", 1},
                              {"supplier", {{"name", "Consortial"}, {"street", "56A Busy Street"}, {"country", "GB"}}},
                              {"lines",
                               {{{"line", 1},
                                 {"quantity", 90},
                                 {"unit", "KG"},
                                 {"backorder_grams", 10000},
                                 {"po_number", "AEG012345"},
                                 {"buyer_item", "6578489"}}}}});
  CHECK(r.keys == std::vector<std::pair<std::string, std::string>>{{"shipment_id", "565899"}, {"po_number", "AEG012345"}});
}

TEST_CASE("xml: the cXML ShipNoticeRequest sample: attributes, ISO datetimes, lookups", "[mappings][xml]") {
  Lookup lookup = [](const std::string&, const std::string&, const std::string& value) -> std::optional<json> {
    if (value == "DO1234") return json{{"order_date", "2000-10-01"}};
    return std::nullopt;
  };
  Result r = cxml().map(
      "source: {format: xml, document: ShipNoticeRequest, standard: cxml}\n"
      "target: inbound_delivery\n"
      "fields:\n"
      "  payload: /cXML/@payloadID\n"
      "  sender: Header/From/Credential[@domain='NetworkId']/Identity\n"
      "  notice:\n"
      "    in: Request/ShipNoticeRequest\n"
      "    fields:\n"
      "      shipment_id: ShipNoticeHeader/@shipmentID\n"
      "      shipped_at: {from: ShipNoticeHeader/@shipmentDate, as: datetime}\n"
      "      notice_date: {from: ShipNoticeHeader/@noticeDate, as: date}\n"
      "      scac: ShipControl/CarrierIdentifier[@domain='SCAC']\n"
      "      tracking: {all: [ShipControl/ShipmentIdentifier], split: \" \"}\n"
      "      orders:\n"
      "        each: ShipNoticePortion\n"
      "        fields:\n"
      "          po_number: OrderReference/@orderID\n"
      "          po_date: {first: [{from: OrderReference/@orderDate, as: date},\n"
      "                            {lookup: {target: purchase_order, key: po_number, value: OrderReference/@orderID,\n"
      "                                      take: order_date}, as: date}]}\n",
      {}, &lookup);
  CHECK(r.transaction == json{{"payload", "0c30050@supplierorg.com"},
                              {"sender", "AN00000123"},
                              {"notice",
                               {{"shipment_id", "S2-123"},
                                {"shipped_at", "2000-10-14T08:30:19"},
                                {"notice_date", "2000-10-14"},
                                {"scac", "FDE"},
                                {"tracking", {"8202", "8261", "1194"}},
                                {"orders", {{{"po_number", "DO1234"}, {"po_date", "2000-10-01"}}}}}}});
}

TEST_CASE("xml: group_by an XPath groups elements, an inner each goes through the group", "[mappings][xml]") {
  XmlSample doc(
      "<Notice>\n <Line po=\"A\"><Q>1</Q></Line>\n <Line po=\"B\"><Q>2</Q></Line>\n <Line po=\"A\"><Q>3</Q></Line>\n"
      "</Notice>\n");
  Result r = doc.map(
      "source: {format: xml, document: Notice}\ntarget: t\nfields:\n"
      "  orders:\n    each: Line\n    group_by: '@po'\n    fields:\n"
      "      po: '@po'\n      items: {each: ., fields: {q: {from: Q, as: integer}}}\n");
  CHECK(r.transaction == json{{"orders",
                               {{{"po", "A"}, {"items", {{{"q", 1}}, {{"q", 3}}}}},
                                {{"po", "B"}, {"items", {{{"q", 2}}}}}}}});
}

TEST_CASE("xml: evaluation errors give the node's line and column", "[mappings][xml]") {
  auto sample = ubl();
  MappingError missing = error_of(sample, kUbl + "  lines:\n    each: cac:DespatchLine\n    fields:\n"
                                                 "      lot: {from: cbc:LotNumber, required: true}\n");
  CHECK(missing.line == 12);
  CHECK(missing.node_line == 122);
  CHECK(missing.transaction_set == "DespatchAdvice 565899");
  CHECK_THAT(missing.what(), Contains("u.yaml:12: field lines[0].lot is required but cbc:LotNumber is missing "
                                      "(DespatchAdvice 565899, line 122, column "));

  MappingError bad = error_of(sample, kUbl + "  note: {from: cbc:Note, as: decimal}\n");
  CHECK(bad.node_line == 12);
  CHECK_THAT(bad.what(), Contains("u.yaml:9: field note: cbc:Note 'sample' is not a decimal number "
                                  "(DespatchAdvice 565899, line 12, column "));

  MappingError unit = error_of(sample, kUbl + "  unit: {from: cac:DespatchLine/cbc:DeliveredQuantity/@unitCode, table: "
                                              "unit}\ntables: {unit: {EA: EA}}\n");
  CHECK(unit.node_line == 126);
  CHECK_THAT(unit.what(), Contains("code 'KGM' (cac:DespatchLine/cbc:DeliveredQuantity/@unitCode) is not in code table unit"));
}

TEST_CASE("xml: the document type and standard must be the mapping's", "[mappings][xml]") {
  auto sample = cxml();
  MappingError e = error_of(sample, kUbl + "  id: cbc:ID\n");
  CHECK(std::string(e.what()) ==
        "u.yaml:1: the mapping is for DespatchAdvice documents but this one is ShipNoticeRequest "
        "(ShipNoticeRequest 0c30050@supplierorg.com)");
  XmlSample other = ubl();
  other.doc->standard = "gs1";
  CHECK_THAT(error_of(other, kUbl + "  id: cbc:ID\n").what(), Contains("the mapping is for ubl but this document is gs1"));
}

TEST_CASE("xml: XPath and source mistakes are load errors with their line", "[mappings][xml]") {
  check_load_error(kUbl + "  id: cbc:ID\n  bad: cbc:ID[\n", 10, "bad XPath 'cbc:ID['");
  check_load_error(kUbl + "  lines:\n    each: count(cac:DespatchLine)\n    fields: {id: cbc:ID}\n", 10,
                   "must select nodes");
  check_load_error(kUbl + "  party:\n    in: string(cbc:ID)\n    fields: {id: cbc:ID}\n", 10, "must select nodes");
  check_load_error(kUbl + "  a:\n    from: cbc:ID\n    when: {from: '#'}\n", 11, "bad XPath '#'");
  check_load_error("source: {format: xml, standard: ubl}\ntarget: t\nfields: {a: b}\n", 1, "source needs 'document'");
  check_load_error("source: {format: xml, document: D, standard: edifact}\ntarget: t\nfields: {a: b}\n", 1,
                   "source standard must be cxml, ubl or gs1");
  check_load_error("source: {format: xml, document: D, versions: [\"1\"]}\ntarget: t\nfields: {a: b}\n", 1,
                   "source versions does not apply to xml");
  check_load_error("source: {format: x12, transaction_set: \"856\", versions: [\"004010\"], document: D}\n"
                   "target: t\nfields: {a: BSN01}\n",
                   1, "source document does not apply to x12");
}

TEST_CASE("xml: ISO 8601 dates, times and datetimes, decimals with trailing zeros", "[mappings][xml][conversions]") {
  using K = Conversion::Kind;
  CHECK(convert({K::Date, 0}, "2005-06-20") == "2005-06-20");
  CHECK(convert({K::Date, 0}, "2005-06-20Z") == "2005-06-20");
  CHECK(convert({K::Date, 0}, "2005-06-20+01:00") == "2005-06-20");
  CHECK(convert({K::DateTime, 0}, "2000-10-14T08:30:19-08:00") == "2000-10-14T08:30:19");
  CHECK(convert({K::DateTime, 0}, "2000-10-14T08:30:19.250Z") == "2000-10-14T08:30:19");
  CHECK(convert({K::DateTime, 0}, "2000-10-14T08:30") == "2000-10-14T08:30:00");
  CHECK(convert({K::Time, 0}, "08:30:19-08:00") == "08:30:19");
  CHECK(convert({K::Decimal, 0}, "48.000") == json(48));
  CHECK_THROWS_WITH(convert({K::Date, 0}, "2005-02-30"), "'2005-02-30' is not a valid calendar date");
  CHECK_THROWS_WITH(convert({K::DateTime, 0}, "2000-10-14T25:00:00"), "'25:00:00' is not a valid time of day");
  CHECK(convert({K::Date, 0}, "2000-10-14T08:30:19-08:00") == "2000-10-14");
  CHECK_THROWS_WITH(convert({K::Date, 0}, "20-06-2005"), "'20-06-2005' is not a date (YYYY-MM-DD)");
  CHECK_THROWS_WITH(convert({K::Time, 0}, "8:30"), "'8:30' is not a time (HH:MM:SS)");
}

TEST_CASE("xml: the standard XML mappings give the 856 mapping's transaction for the same shipment",
          "[mappings][xml]") {
  auto x12 = Mapping::load_file((edihub::testing::source_dir() / "examples/demo/mappings/x12-856-inbound-delivery.yaml").string());
  for (const std::string pair : {"asn-1001", "asn-1002"}) {
    auto sets = testing::read_sets(read_file(data_dir() / "pairs" / (pair + ".856.edi")));
    REQUIRE(sets.size() == 1);
    Result expected = x12->evaluate(sets[0].set, sets[0].context(), testing::test_tables());
    for (const std::string standard : {"cxml-ship-notice", "ubl-despatch-advice", "gs1-despatch-advice"}) {
      std::string suffix = standard.substr(0, standard.find('-'));
      INFO(pair << " " << standard);
      XmlSample sample(read_file(data_dir() / "pairs" / (pair + "." + suffix + ".xml")));
      auto mapping = Mapping::load_file(
          (edihub::testing::source_dir() / ("mappings/standard/" + standard + "-inbound-delivery.yaml")).string());
      // The partner's transport_mode table holds X12 codes: it would replace the standard
      // mapping's own table of that name (partner tables win), so only uom is passed here.
      CodeTables partner{{"uom", testing::test_tables().at("uom")}};
      Result got = mapping->evaluate(*sample.doc, Context{nullptr, nullptr, "test", nullptr}, partner);
      CHECK(got.transaction.dump(1) == expected.transaction.dump(1));
      CHECK(got.keys == expected.keys);
    }
  }
}
