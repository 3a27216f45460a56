// Ship notices through the whole pipeline: the same shipment sent as an X12 856, an
// EDIFACT DESADV, a cXML ShipNoticeRequest, a UBL DespatchAdvice and a GS1 despatch advice
// becomes the same ERP inbound delivery; routing by the sender party or the channel; malformed XML and
// external entities; duplicates and replays; a lookup in the archive (the PO date of an
// ASN taken from the 850 we sent) through a partner override of the shared 856 mapping.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace edihub::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Copies one file, creating the folders it goes into.
void put(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

const char* const kPairFormats[] = {"856.edi", "desadv.edi", "cxml.xml", "ubl.xml", "gs1.xml"};

// Reconciliation off: the twins of one ship notice share its shipment id (duplicate_shipment
// would hold all but the first), and no PO of theirs is known.
constexpr const char* kEdihubYaml = "archive: {path: archive}\nreconcile: {enabled: false}\n";

// Partner "cobalt" sends ship notices in all five formats (X12 ZZ:COBALTRIDGE, EDIFACT UNB
// 14:GLN, cXML DUNS, UBL/GS1 GLN); partner "harbor" only has a folder. The standard mappings are used as shipped.
void write_cobalt_config(const fs::path& dir, const std::string& extra_cobalt = "") {
  write_file(dir / "edihub.yaml", kEdihubYaml);
  write_file(dir / "partners/cobalt.yaml", R"(id: cobalt
name: Cobalt Ridge Outfitters
identities:
  - {isa_qualifier: ZZ, isa_id: COBALTRIDGE}
  - {unb_qualifier: "14", unb_id: "0614141000012"}
  - {party_id: "081234567", scheme: DUNS}
  - {party_id: "0614141000012", scheme: GLN}
inbound:
  folder: {path: inbox/cobalt, settle_seconds: 0}
erp:
  folder: {path: erp/cobalt}
mappings:
  - {transaction_set: "856", file: mappings/x12-856-inbound-delivery.yaml}
  - {message: DESADV, file: mappings/edifact-desadv-inbound-delivery.yaml}
  - {document: ShipNoticeRequest, standard: cxml, file: mappings/cxml-ship-notice-inbound-delivery.yaml}
  - {document: DespatchAdvice, standard: ubl, file: mappings/ubl-despatch-advice-inbound-delivery.yaml}
  - {document: despatchAdvice, standard: gs1, file: mappings/gs1-despatch-advice-inbound-delivery.yaml}
code_tables:
  uom: {EA: EA, CA: CS, LB: LB}
  transport_mode: {M: truck, U: parcel}
)" + extra_cobalt);
  write_file(dir / "partners/harbor.yaml", R"(id: harbor
name: Harbor Lane
identities:
  - {party_id: HARBOR}
inbound:
  folder: {path: inbox/harbor, settle_seconds: 0}
erp:
  folder: {path: erp/harbor}
)");
  fs::create_directories(dir / "inbox/cobalt");
  fs::create_directories(dir / "inbox/harbor");
  for (const char* name : {"x12-856-inbound-delivery.yaml", "edifact-desadv-inbound-delivery.yaml",
                           "cxml-ship-notice-inbound-delivery.yaml",
                           "ubl-despatch-advice-inbound-delivery.yaml", "gs1-despatch-advice-inbound-delivery.yaml"})
    put(source_dir() / "mappings/standard" / name, dir / "mappings" / name);
}

json run_once(const TempDir& dir) {
  auto r = run_edihub({"run", "--config", dir.path().string(), "--once", "--json"});
  INFO(r.out << r.err);
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  return json::parse(r.out);
}

// The delivered ERP documents of a sink folder, by file name.
std::map<std::string, json> delivered(const fs::path& erp) {
  std::map<std::string, json> out;
  if (fs::exists(erp))
    for (const auto& e : fs::directory_iterator(erp)) out[e.path().filename().string()] = json::parse(read_file(e.path()));
  return out;
}

std::string exception_reasons(const TempDir& dir) {
  auto r = run_edihub({"exceptions", "--config", dir.path().string(), "--json"});
  return r.out;
}

}  // namespace

TEST_CASE("an X12 856 and its EDIFACT DESADV, cXML, UBL and GS1 twins deliver identical inbound deliveries", "[xml][edifact][e2e]") {
  TempDir dir;
  write_cobalt_config(dir.path());
  for (const char* pair : {"asn-1001", "asn-1002"})
    for (const char* format : kPairFormats)
      put(data_dir() / "pairs" / fmt::format("{}.{}", pair, format), dir / fmt::format("inbox/cobalt/{}.{}", pair, format));
  auto summary = run_once(dir);
  INFO(summary.dump(2) << exception_reasons(dir));
  CHECK(summary["files_received"] == 10);
  CHECK(summary["sets_delivered"] == 10);
  CHECK(summary["exceptions"].empty());

  std::map<std::string, std::vector<json>> by_shipment;
  std::map<std::string, std::vector<std::string>> formats;
  std::vector<fs::path> transactions;
  for (const auto& [name, doc] : delivered(dir / "erp/cobalt")) {
    CHECK(doc["target"] == "inbound_delivery");
    const json& tx = doc["transaction"];
    by_shipment[tx["shipment_id"].get<std::string>()].push_back(tx);
    formats[tx["shipment_id"].get<std::string>()].push_back(doc["source"].value("standard", "x12"));
    transactions.push_back(dir / ("tx-" + name));
    write_file(transactions.back(), tx.dump());
  }
  REQUIRE(by_shipment.size() == 2);
  for (const auto& [shipment, txs] : by_shipment) {
    INFO(shipment);
    REQUIRE(txs.size() == 5);
    CHECK(std::set<std::string>(formats[shipment].begin(), formats[shipment].end()).size() == 5);
    for (std::size_t i = 1; i < txs.size(); ++i) {
      INFO(formats[shipment][i] << " vs " << formats[shipment][0] << "\n" << json::diff(txs[0], txs[i]).dump(2));
      CHECK(txs[i] == txs[0]);
    }
  }
  // The content itself, so "identical" cannot mean "identically empty".
  const json& one = by_shipment["ASN1001"].front();
  CHECK(one["purpose"] == "original");
  CHECK(one["shipped_at"] == "2026-11-20T14:30:00");
  CHECK(one["carrier"] == json{{"scac", "HLFX"}, {"mode", "truck"}});
  CHECK(one["bill_of_lading"] == "HLFX7730451");
  CHECK(one["ship_to"]["id"] == "0860001000023");
  CHECK(one["orders"].size() == 1);
  CHECK(one["orders"][0]["po_date"] == "2026-11-10");
  CHECK(one["orders"][0]["items"][1]["sscc"] == "006141410000000029");
  const json& two = by_shipment["ASN1002"].front();
  REQUIRE(two["orders"].size() == 2);
  CHECK(two["orders"][0]["items"].size() == 2);
  CHECK(two["orders"][0]["items"][1]["uom"] == "CS");
  CHECK(two["orders"][1]["po_number"] == "4500012415");
  auto valid = validate_json_files(source_dir() / "docs/inbound_delivery.schema.json", transactions);
  INFO(valid.out << valid.err);
  CHECK(valid.exit_code == 0);

  // Indexed like X12: by document type and by business key.
  auto q = run_edihub({"archive", "query", "--config", dir.path().string(), "--type", "DespatchAdvice", "--json"});
  CHECK(json::parse(q.out)["rows"].size() == 2);
  q = run_edihub({"archive", "query", "--config", dir.path().string(), "--key", "po_number=4500012415", "--json"});
  CHECK(json::parse(q.out)["rows"].size() == 5);
  q = run_edihub({"archive", "query", "--config", dir.path().string(), "--type", "DESADV", "--json"});
  CHECK(json::parse(q.out)["rows"].size() == 2);
}

TEST_CASE("an XML document is routed by its sender party, and refused on another partner's channel", "[xml][e2e]") {
  TempDir dir;
  write_cobalt_config(dir.path());
  put(data_dir() / "pairs/asn-1001.cxml.xml", dir / "inbox/harbor/asn-1001.xml");
  auto summary = run_once(dir);
  CHECK(summary["sets_delivered"] == 0);
  auto reasons = exception_reasons(dir);
  CHECK(reasons.find("unknown_partner") != std::string::npos);
  CHECK(reasons.find("from DUNS:081234567, NetworkId:AN01000012345 belongs to partner 'cobalt', but the file came in on "
                     "partner 'harbor''s channel") != std::string::npos);
  CHECK(delivered(dir / "erp/harbor").empty());
  // Still findable by its business keys, as unknown_partner on the channel it came in on.
  auto q = run_edihub({"archive", "query", "--config", dir.path().string(), "--key", "shipment_id=ASN1001", "--json"});
  auto rows = json::parse(q.out)["rows"];
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["status"] == "unknown_partner");
  CHECK(rows[0]["partner"] == "harbor");
}

TEST_CASE("malformed XML is an exception with line and column, and external entities are never read", "[xml][e2e]") {
  TempDir dir;
  write_cobalt_config(dir.path());
  std::string ubl = read_file(data_dir() / "pairs/asn-1001.ubl.xml");
  std::string broken = ubl;
  auto bad_tag = broken.find("</cbc:CityName>");
  broken.replace(bad_tag, 15, "</cbc:City>");
  auto bad_line = 1 + std::count(broken.begin(), broken.begin() + static_cast<std::ptrdiff_t>(bad_tag), '\n');
  write_file(dir / "inbox/cobalt/broken.xml", broken);
  // An external entity pointing at a file whose content must never appear anywhere.
  write_file(dir / "secret.txt", "TOP-SECRET-CONTENT");
  std::string xxe = ubl;
  xxe.insert(xxe.find("<DespatchAdvice"),
             "<!DOCTYPE DespatchAdvice [<!ENTITY leak SYSTEM \"" + (dir / "secret.txt").string() + "\">]>\n");
  xxe.replace(xxe.find("<cbc:ID>ASN1001</cbc:ID>"), 24, "<cbc:ID>ASN1001&leak;</cbc:ID>");
  write_file(dir / "inbox/cobalt/xxe.xml", xxe);
  auto summary = run_once(dir);
  auto reasons = exception_reasons(dir);
  INFO(reasons);
  CHECK(reasons.find(fmt::format("broken.xml: not a usable XML document: line {}, column", bad_line)) != std::string::npos);
  for (const auto& [name, doc] : delivered(dir / "erp/cobalt")) CHECK(doc.dump().find("TOP-SECRET") == std::string::npos);
  CHECK(reasons.find("TOP-SECRET") == std::string::npos);
}

TEST_CASE("an XML document received twice is delivered once, and one that failed mapping is replayed once fixed", "[xml][e2e]") {
  TempDir dir;
  write_cobalt_config(dir.path());
  // The GS1 rule is missing at first: a mapping_error, kept in the archive.
  auto profile = read_file(dir / "partners/cobalt.yaml");
  auto gs1_rule = profile.find("  - {document: despatchAdvice");
  std::string rule_line = profile.substr(gs1_rule, profile.find('\n', gs1_rule) + 1 - gs1_rule);
  write_file(dir / "partners/cobalt.yaml", profile.substr(0, gs1_rule) + profile.substr(gs1_rule + rule_line.size()));
  put(data_dir() / "pairs/asn-1002.gs1.xml", dir / "inbox/cobalt/a.xml");
  put(data_dir() / "pairs/asn-1001.cxml.xml", dir / "inbox/cobalt/b.xml");
  auto first = run_once(dir);
  CHECK(first["sets_delivered"] == 1);
  auto reasons = exception_reasons(dir);
  CHECK(reasons.find("a.xml: XML gs1 despatchAdvice ASN1002: no mapping for it in cobalt.yaml") != std::string::npos);

  put(data_dir() / "pairs/asn-1001.cxml.xml", dir / "inbox/cobalt/b-again.xml");
  auto second = run_once(dir);
  CHECK(second["sets_delivered"] == 0);
  CHECK(second["duplicates"] == 1);
  auto q = run_edihub({"archive", "query", "--config", dir.path().string(), "--key", "shipment_id=ASN1001", "--json"});
  const json found = json::parse(q.out);
  std::multiset<std::string> statuses;
  for (const auto& row : found["rows"]) statuses.insert(row["status"].get<std::string>());
  CHECK(statuses == std::multiset<std::string>{"delivered", "duplicate"});

  write_file(dir / "partners/cobalt.yaml", profile);
  auto replay = run_edihub({"replay", "--config", dir.path().string(), "F1"});
  INFO(replay.out << replay.err);
  CHECK(replay.exit_code == 0);
  CHECK(delivered(dir / "erp/cobalt").size() == 2);
  auto again = run_edihub({"replay", "--config", dir.path().string(), "F1"});
  CHECK(delivered(dir / "erp/cobalt").size() == 2);
}

TEST_CASE("an ASN without a PO date takes it from the 850 we sent, through a partner override of the shared mapping", "[xml][e2e][lookup]") {
  TempDir dir;
  write_cobalt_config(dir.path(), R"(outbound:
  folder: {path: outbox/cobalt}
envelope: {our_qualifier: ZZ, our_id: HARBORLANE, their_qualifier: ZZ, their_id: COBALTRIDGE}
acknowledgments: {send: none, expect: none}
)");
  // The override: the shared 856 mapping with po_date from PRF04, else from the archived PO.
  write_file(dir / "mappings/cobalt-856.yaml", R"(extends: x12-856-inbound-delivery.yaml
fields:
  orders.po_date:
    first:
      - {from: PRF04, as: date}
      - lookup: {target: purchase_order, key: po_number, value: PRF01, take: order_date}
        as: date
)");
  auto profile = read_file(dir / "partners/cobalt.yaml");
  profile.replace(profile.find("mappings/x12-856-inbound-delivery.yaml"), 38, "mappings/cobalt-856.yaml");
  profile.replace(profile.find("erp:\n  folder: {path: erp/cobalt}\n"), 33,
                  "erp:\n  folder: {path: erp/cobalt}\n  outbound: {folder: {path: erp/to-cobalt, settle_seconds: 0}}\n");
  auto rules_end = profile.find("code_tables:");
  profile.insert(rules_end, "  - {direction: outbound, transaction: purchase_order, file: mappings/x12-850-purchase-order-outbound.yaml}\n");
  write_file(dir / "partners/cobalt.yaml", profile);
  put(source_dir() / "examples/demo/mappings/x12-850-purchase-order-outbound.yaml",
            dir / "mappings/x12-850-purchase-order-outbound.yaml");
  fs::create_directories(dir / "erp/to-cobalt");
  auto check = run_edihub({"check", "--config", dir.path().string()});
  INFO(check.out << check.err);
  REQUIRE(check.exit_code == 0);

  std::string asn = read_file(data_dir() / "pairs/asn-1001.856.edi");
  asn.replace(asn.find("PRF*4500012345***20261110~"), 26, "PRF*4500012345~");  // no PO date
  // Before the PO exists the date is simply absent.
  write_file(dir / "inbox/cobalt/before.edi", asn);
  run_once(dir);
  auto before = delivered(dir / "erp/cobalt");
  REQUIRE(before.size() == 1);
  CHECK_FALSE(before.begin()->second["transaction"]["orders"][0].contains("po_date"));

  put(data_dir() / "erp/purchase_order_standard.json", dir / "erp/to-cobalt/po.json");  // PO 4500012345 of 2024-03-18
  run_once(dir);
  std::string later = asn;
  later.replace(later.find("ASN1001"), 7, "ASN1009");
  later.replace(later.find("000001001"), 9, "000001009");  // ISA13
  later.replace(later.find("000001001"), 9, "000001009");  // IEA02
  write_file(dir / "inbox/cobalt/after.edi", later);
  auto summary = run_once(dir);
  INFO(summary.dump(2) << exception_reasons(dir));
  CHECK(summary["sets_delivered"] == 1);
  bool found = false;
  for (const auto& [name, doc] : delivered(dir / "erp/cobalt"))
    if (doc["transaction"]["shipment_id"] == "ASN1009") {
      found = true;
      CHECK(doc["transaction"]["orders"][0]["po_date"] == "2024-03-18");
    }
  CHECK(found);
}

TEST_CASE("an ERP purchase order goes out as a cXML OrderRequest, archived, sent once and findable by PO", "[xml][e2e][outbound]") {
  TempDir dir;
  write_cobalt_config(dir.path(), "outbound:\n  folder: {path: outbox/cobalt}\nacknowledgments: {send: none, expect: none}\n");
  auto profile = read_file(dir / "partners/cobalt.yaml");
  profile.replace(profile.find("erp:\n  folder: {path: erp/cobalt}\n"), 33,
                  "erp:\n  folder: {path: erp/cobalt}\n  outbound: {folder: {path: erp/to-cobalt, settle_seconds: 0}}\n");
  profile.insert(profile.find("code_tables:"),
                 "  - {direction: outbound, transaction: purchase_order, file: mappings/cxml-order-request-outbound.yaml}\n");
  write_file(dir / "partners/cobalt.yaml", profile);
  put(source_dir() / "examples/demo/mappings/cxml-order-request-outbound.yaml", dir / "mappings/cxml-order-request-outbound.yaml");
  put(data_dir() / "erp/purchase_order_standard.json", dir / "erp/to-cobalt/po.json");
  auto summary = run_once(dir);
  INFO(summary.dump(2) << exception_reasons(dir));
  CHECK(summary["exceptions"].empty());
  std::vector<fs::path> sent;
  for (const auto& e : fs::directory_iterator(dir / "outbox/cobalt")) sent.push_back(e.path());
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].extension() == ".xml");
  std::string xml = read_file(sent[0]);
  CHECK(xml.rfind("<?xml version=\"1.0\"", 0) == 0);
  CHECK(xml.find("<OrderRequestHeader") != std::string::npos);
  CHECK(xml.find("orderID=\"4500012345\"") != std::string::npos);

  auto q = run_edihub({"archive", "query", "--config", dir.path().string(), "--direction", "out", "--key",
                       "po_number=4500012345", "--json"});
  auto rows = json::parse(q.out)["rows"];
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["type"] == "OrderRequest");

  put(data_dir() / "erp/purchase_order_standard.json", dir / "erp/to-cobalt/po-again.json");
  auto again = run_once(dir);
  CHECK(again["duplicates"] == 1);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "outbox/cobalt")) ++files;
  CHECK(files == 1);
}

TEST_CASE("mapping diff re-runs archived XML documents through a changed XML mapping", "[xml][e2e][mapping-tools]") {
  TempDir dir;
  write_cobalt_config(dir.path());
  put(data_dir() / "pairs/asn-1001.ubl.xml", dir / "inbox/cobalt/a.xml");
  put(data_dir() / "pairs/asn-1001.856.edi", dir / "inbox/cobalt/a.edi");
  run_once(dir);
  auto same = run_edihub({"mapping", "diff", "--config", dir.path().string(), "--partner", "cobalt"});
  INFO(same.out << same.err);
  CHECK(same.exit_code == 0);
  CHECK(same.out.find("2 document(s): 0 changed, 2 unchanged, 0 error(s)") != std::string::npos);

  // Quantities in dozens, for UBL only: the X12 856 stays as it was.
  const fs::path ubl = dir / "mappings/ubl-despatch-advice-inbound-delivery.yaml";
  std::string text = read_file(ubl);
  const std::string quantity = "quantity: {from: cbc:DeliveredQuantity, as: decimal, required: true}";
  REQUIRE(text.find(quantity) != std::string::npos);
  text.replace(text.find(quantity), quantity.size(),
               "quantity: {from: cbc:DeliveredQuantity, as: decimal, required: true, multiply: 12}");
  write_file(ubl, text);
  auto diff = run_edihub({"mapping", "diff", "--config", dir.path().string(), "--partner", "cobalt"});
  INFO(diff.out << diff.err);
  CHECK(diff.exit_code == 1);
  CHECK(diff.out.find("~ /orders/0/items/0/quantity: 4 -> 48") != std::string::npos);
  CHECK(diff.out.find("~ /orders/0/items/1/quantity: 10 -> 120") != std::string::npos);
  CHECK(diff.out.find("856 0001 (shipment_id ASN1001): unchanged") != std::string::npos);
  CHECK(diff.out.find("2 document(s): 1 changed, 1 unchanged, 0 error(s)") != std::string::npos);
}

TEST_CASE("a partner's own XML, described only by XPath, is routed by the channel it came in on", "[xml][e2e]") {
  TempDir dir;
  write_file(dir / "edihub.yaml", kEdihubYaml);
  write_file(dir / "partners/lumen.yaml", R"(id: lumen
name: Lumen Logistics
identities:
  - {party_id: LUMEN}
inbound:
  folder: {path: inbox/lumen, settle_seconds: 0}
erp:
  folder: {path: erp/lumen}
mappings:
  - {document: Shipment, file: mappings/lumen-shipment-inbound-delivery.yaml}
)");
  put(data_dir() / "mappings/lumen-shipment-inbound-delivery.yaml", dir / "mappings/lumen-shipment-inbound-delivery.yaml");
  put(data_dir() / "xml/lumen-shipment-7731.xml", dir / "inbox/lumen/7731.xml");
  auto summary = run_once(dir);
  INFO(summary.dump(2) << exception_reasons(dir));
  CHECK(summary["sets_delivered"] == 1);
  auto out = delivered(dir / "erp/lumen");
  REQUIRE(out.size() == 1);
  const json& doc = out.begin()->second;
  CHECK(doc["source"]["standard"] == "");
  CHECK(doc["source"]["document_type"] == "Shipment");
  const json& tx = doc["transaction"];
  CHECK(tx["shipment_id"] == "LUM-7731");
  CHECK(tx["shipped_at"] == "2026-11-25T16:05:00");
  CHECK(tx["carrier"]["scac"] == "LMNX");
  CHECK(tx["orders"][0]["items"][0]["quantity"] == 2.5);
  CHECK(tx["orders"][0]["items"][1]["description"] == "Filter papers");
  std::vector<fs::path> transactions{dir / "tx.json"};
  write_file(transactions[0], tx.dump());
  auto valid = validate_json_files(source_dir() / "docs/inbound_delivery.schema.json", transactions);
  INFO(valid.out << valid.err);
  CHECK(valid.exit_code == 0);
}

}  // namespace edihub::testing
