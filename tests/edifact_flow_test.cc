// A European supplier trading in UN/EDIFACT, end to end through the binary: our purchase
// order goes out as an ORDERS asking for a CONTRL; the supplier's CONTRL settles it; its
// DESADV (ISO 8859-1, a released '+') becomes the ERP inbound delivery, is answered by our
// CONTRL and is reconciled against the order like an 856; a DESADV whose UNT miscounts is
// rejected, named in an exception and in the CONTRL. Every expected segment was written
// by hand from the input and ISO 9735 / the CONTRL message, not copied from output.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;
using Catch::Contains;

namespace {

void write_rheinwerk_config(const fs::path& dir) {
  write_file(dir / "edihub.yaml", "archive: {path: archive}\n");
  write_file(dir / "partners/rheinwerk.yaml", R"(id: rheinwerk
name: Rheinwerk Antriebstechnik GmbH
identities:
  - {unb_qualifier: "14", unb_id: "4012345000009"}
inbound:
  folder: {path: inbox, settle_seconds: 0}
outbound:
  folder: {path: outbox}
erp:
  folder: {path: erp/in}
  outbound:
    folder: {path: erp/out, settle_seconds: 0}
envelope: {our_qualifier: "14", our_id: "4399901234567", contrl_requested: true}
acknowledgments: {contrl: on_request, expect: contrl, overdue_after: 4h}
mappings:
  - {message: DESADV, versions: [D96A], file: mappings/edifact-desadv-inbound-delivery.yaml}
  - {direction: outbound, transaction: purchase_order, file: mappings/edifact-orders-purchase-order.yaml}
)");
  for (const char* dir_name : {"inbox", "outbox", "erp/in", "erp/out", "mappings"}) fs::create_directories(dir / dir_name);
  fs::copy_file(source_dir() / "mappings/standard/edifact-desadv-inbound-delivery.yaml",
                dir / "mappings/edifact-desadv-inbound-delivery.yaml", fs::copy_options::overwrite_existing);
  fs::copy_file(source_dir() / "mappings/standard/outbound/edifact-orders-purchase-order.yaml",
                dir / "mappings/edifact-orders-purchase-order.yaml", fs::copy_options::overwrite_existing);
}

json run_at(const fs::path& dir, const std::string& now) {
  auto r = run_edihub_at(now, {"run", "--config", dir.string(), "--once", "--json"});
  INFO(r.out << r.err);
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  return json::parse(r.out);
}

// The files of a folder whose names contain `part`, dot files left out.
std::vector<fs::path> files_named(const fs::path& folder, const std::string& part) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.path().filename().string()[0] != '.' && e.path().filename().string().find(part) != std::string::npos)
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// PO 4500012345 (tests/data/erp/purchase_order_standard.json): line 1 is 24 EA of B-1001,
// line 3 6 CS of B-3003. This DESADV ships 30 of line 1 and all of line 3. UNOC is
// ISO 8859-1: "K\xF6ln" is Koeln with an o-umlaut; "?+" is a released plus sign.
std::string desadv(const std::string& reference, int unt01) {
  return "UNA:+.? '\n"
         "UNB+UNOC:3+4012345000009:14+4399901234567:14+240321:0900+" + reference + "++++1'\n"
         "UNH+1+DESADV:D:96A:UN:EAN005'\n"
         "BGM+351+DES-7781+9'\n"
         "DTM+137:202403210900:203'\n"
         "DTM+11:202403210845:203'\n"
         "RFF+ON:4500012345'\n"
         "DTM+171:20240318:102'\n"
         "NAD+SU+4012345000009::9++Rheinwerk GmbH ?+ Co. KG+Hafenstrasse 4+K\xF6ln++50667+DE'\n"
         "NAD+ST+4399901234567::9++Acme Toledo DC'\n"
         "CPS+1'\n"
         "LIN+1++012345678905:EN'\n"
         "PIA+1+NW-55-A:SA+B-1001:IN'\n"
         "QTY+12:30:EA'\n"
         "RFF+ON:4500012345:1'\n"
         "LIN+2'\n"
         "PIA+1+NW-900:SA+B-3003:IN'\n"
         "QTY+12:6:CS'\n"
         "RFF+ON:4500012345:3'\n"
         "CNT+2:2'\n"
         "UNT+" + std::to_string(unt01) + "+1'\n"
         "UNZ+1+" + reference + "'\n";
}

}  // namespace

TEST_CASE("an EDIFACT supplier: ORDERS out, CONTRL back, DESADV in to the ERP with our CONTRL, reconciled", "[edifact][e2e]") {
  TempDir dir;
  write_rheinwerk_config(dir.path());
  fs::copy_file(data_dir() / "erp/purchase_order_standard.json", dir / "erp/out/po.json");

  auto summary = run_at(dir.path(), "2024-03-19T08:00:00Z");
  INFO(summary.dump(2));
  CHECK(summary["documents_sent"] == 1);
  CHECK(summary["exceptions"].empty());
  auto orders = files_named(dir / "outbox", "ORDERS");
  REQUIRE(orders.size() == 1);
  const std::string sent = read_file(orders[0]);
  // Syntax 3 (YYMMDD), UNB 0031 = 1 asks for a CONTRL; the message stands in the interchange.
  CHECK_THAT(sent, Contains("UNB+UNOC:3+4399901234567:14+4012345000009:14+240319:0800+1++++1'") &&
                       Contains("UNH+1+ORDERS:D:96A:UN:EAN008'") && Contains("BGM+220+4500012345+9'") &&
                       Contains("DTM+137:20240318:102'") && Contains("QTY+21:24:EA'") && Contains("UNZ+1+1'"));
  auto v = run_edihub({"validate", orders[0].string()});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
  auto acks = run_edihub_at("2024-03-19T08:00:00Z", {"acks", "--config", dir.path().string(), "--json"});
  auto rows = json::parse(acks.out)["rows"];
  REQUIRE(rows.size() == 2);  // the interchange (UCI) and the message (UCM)
  for (const auto& row : rows) CHECK(row["state"] == "awaiting");

  // The supplier's CONTRL accepts our interchange 1 and its message 1.
  write_file(dir / "inbox/contrl.edi",
             "UNB+UNOC:3+4012345000009:14+4399901234567:14+240319:0815+RW0'"
             "UNH+1+CONTRL:D:3:UN'UCI+1+4399901234567:14+4012345000009:14+7'UCM+1+ORDERS:D:96A:UN:EAN008+7'"
             "UNT+4+1'UNZ+1+RW0'");
  // Its DESADV for the order, asking for our CONTRL.
  write_file(dir / "inbox/desadv.edi", desadv("RW1", 19));
  summary = run_at(dir.path(), "2024-03-21T09:10:00Z");
  INFO(summary.dump(2));
  CHECK(summary["sets_delivered"] == 1);
  acks = run_edihub_at("2024-03-21T09:10:00Z", {"acks", "--config", dir.path().string(), "--json"});
  rows = json::parse(acks.out)["rows"];
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) CHECK(row["state"] == "accepted");

  auto delivered = files_named(dir / "erp/in", "");
  REQUIRE(delivered.size() == 1);
  const json doc = json::parse(read_file(delivered[0]));
  CHECK(doc["target"] == "inbound_delivery");
  CHECK(doc["source"]["standard"] == "edifact");
  CHECK(doc["source"]["transaction_set"] == "DESADV");
  CHECK(doc["source"]["version"] == "D96A");
  const json& tx = doc["transaction"];
  CHECK(tx["shipment_id"] == "DES-7781");
  CHECK(tx["shipped_at"] == "2024-03-21T08:45:00");
  CHECK(tx["supplier"]["name"] == "Rheinwerk GmbH + Co. KG");
  CHECK(tx["supplier"]["address"]["city"] == "K\xC3\xB6ln");  // ISO 8859-1 F6 as UTF-8
  REQUIRE(tx["orders"].size() == 1);
  CHECK(tx["orders"][0]["po_number"] == "4500012345");
  REQUIRE(tx["orders"][0]["items"].size() == 2);
  CHECK(tx["orders"][0]["items"][0]["line_number"] == "1");
  CHECK(tx["orders"][0]["items"][0]["quantity"] == 30);
  CHECK(tx["orders"][0]["items"][1]["uom"] == "CS");

  // Our CONTRL for RW1: UNB addressed back, UCI and UCM 7 (acknowledged). Its references
  // are the partner's next interchange number, 2 (the ORDERS took 1).
  auto contrls = files_named(dir / "outbox", "CONTRL");
  REQUIRE(contrls.size() == 1);
  const std::string contrl = read_file(contrls[0]);
  CHECK_THAT(contrl, Contains("UNB+UNOC:3+4399901234567:14+4012345000009:14+240321:0910+2'") && Contains("UNH+2+CONTRL:D:3:UN'") &&
                         Contains("UCI+RW1+4012345000009:14+4399901234567:14+7'") &&
                         Contains("UCM+1+DESADV:D:96A:UN:EAN005+7'") && Contains("UNT+4+2'") && Contains("UNZ+1+2'"));

  // Reconciled like an ASN: 30 shipped against 24 ordered on line 1.
  auto ex = run_edihub({"exceptions", "--config", dir.path().string(), "--json"});
  INFO(ex.out);
  CHECK_THAT(ex.out, Contains("asn_over_shipment"));
  auto keys = run_edihub({"archive", "query", "--config", dir.path().string(), "--key", "shipment_id=DES-7781", "--json"});
  CHECK(json::parse(keys.out)["rows"].size() == 1);

  // The archived DESADV re-runs through its mapping: unchanged, then changed by an edit.
  auto diff = run_edihub({"mapping", "diff", "--config", dir.path().string(), "--partner", "rheinwerk"});
  INFO(diff.out << diff.err);
  CHECK(diff.exit_code == 0);
  CHECK_THAT(diff.out, Contains("0 changed, 1 unchanged, 0 error(s)"));
  const fs::path mapping = dir / "mappings/edifact-desadv-inbound-delivery.yaml";
  std::string text = read_file(mapping);
  const std::string field = "shipment_id: {from: BGM02-1, required: true}";
  REQUIRE(text.find(field) != std::string::npos);
  text.replace(text.find(field), field.size(), "shipment_id: {concat: [BGM02-1, {value: \"-R\"}], required: true}");
  write_file(mapping, text);
  diff = run_edihub({"mapping", "diff", "--config", dir.path().string(), "--partner", "rheinwerk"});
  INFO(diff.out << diff.err);
  CHECK(diff.exit_code == 1);
  CHECK_THAT(diff.out, Contains("DES-7781-R") && Contains("1 changed, 0 unchanged, 0 error(s)"));
}

TEST_CASE("an EDIFACT message whose UNT miscounts is rejected: an exception naming UNT01 and a CONTRL saying 29", "[edifact][e2e]") {
  TempDir dir;
  write_rheinwerk_config(dir.path());
  write_file(dir / "inbox/desadv.edi", desadv("RW9", 21));  // 19 segments from UNH to UNT
  auto summary = run_at(dir.path(), "2024-03-21T09:10:00Z");
  INFO(summary.dump(2));
  CHECK(summary["sets_delivered"] == 0);
  CHECK(files_named(dir / "erp/in", "").empty());
  auto ex = run_edihub({"exceptions", "--config", dir.path().string(), "--json"});
  INFO(ex.out);
  CHECK_THAT(ex.out, Contains("desadv.edi") && Contains("UNT01") && Contains("21") && Contains("19"));
  auto contrls = files_named(dir / "outbox", "CONTRL");
  REQUIRE(contrls.size() == 1);
  // 4: rejected; 29: control count does not match the number of instances received.
  CHECK_THAT(read_file(contrls[0]), Contains("UCM+1+DESADV:D:96A:UN:EAN005+4+29"));
}

TEST_CASE("an EDIFACT interchange received twice is delivered once, and a reused UNB reference is refused", "[edifact][e2e]") {
  TempDir dir;
  write_rheinwerk_config(dir.path());
  write_file(dir / "inbox/desadv.edi", desadv("RW5", 19));
  auto summary = run_at(dir.path(), "2024-03-21T09:10:00Z");
  CHECK(summary["sets_delivered"] == 1);
  // The same bytes again: a duplicate, not delivered again.
  write_file(dir / "inbox/desadv-again.edi", desadv("RW5", 19));
  summary = run_at(dir.path(), "2024-03-21T10:10:00Z");
  INFO(summary.dump(2));
  CHECK(summary["sets_delivered"] == 0);
  CHECK(summary["duplicates"] == 1);
  // Other content under the same UNB 0020 from the same sender: refused, named by its element.
  std::string other = desadv("RW5", 19);
  other.replace(other.find("DES-7781"), 8, "DES-7782");
  write_file(dir / "inbox/desadv-other.edi", other);
  summary = run_at(dir.path(), "2024-03-21T11:10:00Z");
  INFO(summary.dump(2));
  CHECK(summary["sets_delivered"] == 0);
  auto ex = run_edihub({"exceptions", "--config", dir.path().string(), "--json"});
  CHECK_THAT(ex.out, Contains("desadv-other.edi: segment 2 UNB 0020: control number RW5 from 14:4012345000009 was already "
                              "used by a different file"));
  CHECK(files_named(dir / "erp/in", "").size() == 1);
}
