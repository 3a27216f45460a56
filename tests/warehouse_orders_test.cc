// Warehouse orders end to end: our ERP's warehouse order goes out to a third-party
// warehouse (3PL) as a 940 through `edihub run` (mapped by the standard outbound mapping,
// enveloped, numbered, awaiting the 3PL's 997), is recorded as an order of kind warehouse,
// and the 3PL's 945s come back mapped to warehouse_shipment and reconciled against it:
// short and over shipments and 945s for orders the hub never sent. The worked example of
// docs/warehouse.md, "Warehouse orders: 940 and 945", is this test's first run. Expected quantities are worked
// out by hand from tests/data/erp/warehouse_order_standard.json and the 945s dropped.
#include <regex>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "archive/business.h"
#include "archive/index.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;

namespace {

// A hub trading with the 3PL "riverside" (ZZ:RIVERSIDE3PL), the standard 940 and 945 mappings.
class Hub {
 public:
  Hub() {
    write_file(dir / "edihub.yaml", "archive: {path: archive}\n");
    write_file(dir / "partners/riverside.yaml", R"(id: riverside
name: Riverside 3PL
identities:
  - {isa_qualifier: ZZ, isa_id: RIVERSIDE3PL}
inbound:
  folder: {path: inbox, settle_seconds: 0}
outbound:
  folder: {path: outbox}
erp:
  folder: {path: erp}
  outbound:        # warehouse orders from the ERP, sent as 940s
    folder: {path: erp-out, pattern: "*.json", settle_seconds: 0}
envelope:
  our_qualifier: ZZ
  our_id: ACMEDEMO
  delimiters: {element: "*", component: ">", segment: "~"}
  line_breaks: true
acknowledgments:
  send: "997"
  expect: "997"
  overdue_after: 4h
mappings:
  - {transaction_set: "945", versions: ["004010", "005010"], file: mappings/x12-945-warehouse-shipment.yaml}
  - {direction: outbound, transaction: warehouse_order, file: mappings/x12-940-warehouse-order.yaml}
code_tables:
  uom: {EA: EA, CA: CS, LB: LB}
  transport_mode: {M: truck, U: parcel}
reconcile:
  enabled: true
)");
    for (const char* folder : {"inbox", "outbox", "erp", "erp-out", "mappings"}) fs::create_directories(dir / folder);
    fs::copy_file(source_dir() / "mappings/standard/x12-945-warehouse-shipment.yaml",
                  dir / "mappings/x12-945-warehouse-shipment.yaml");
    fs::copy_file(source_dir() / "mappings/standard/outbound/x12-940-warehouse-order.yaml",
                  dir / "mappings/x12-940-warehouse-order.yaml");
  }

  void drop(const std::string& name, const std::string& bytes) { write_file(dir / "inbox" / name, bytes); }

  nlohmann::json run(const std::string& now) {
    auto r = run_edihub_at(now, {"run", "--config", dir.path().string(), "--once", "--json"});
    INFO(r.err << r.out);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  }

  std::vector<edihub::archive::ExceptionRecord> exceptions(const std::string& kind, const std::string& state = "open") {
    auto index = edihub::archive::Index::open(dir / "archive/index.db");
    std::vector<edihub::archive::ExceptionRecord> of_kind;
    for (auto& e : index->exceptions("riverside", state))
      if (e.kind == kind) of_kind.push_back(std::move(e));
    return of_kind;
  }

  // The warehouse order's state and shipped quantity per line ("2" -> 10).
  std::pair<std::string, std::map<std::string, double>> order(const std::string& number) {
    auto index = edihub::archive::Index::open(dir / "archive/index.db");
    edihub::archive::BusinessRecords records(*index);
    auto order = records.order("riverside", number);
    REQUIRE(order);
    CHECK(order->kind == "warehouse");
    std::map<std::string, double> shipped;
    for (const auto& line : records.order_lines(order->id)) shipped[line.line_number] = line.shipped;
    return {std::string(to_string(order->state)), shipped};
  }

  // The ERP files of one target, by name.
  std::vector<nlohmann::json> delivered(const std::string& target) {
    std::vector<nlohmann::json> found;
    for (const auto& entry : fs::directory_iterator(dir / "erp")) {
      if (entry.path().filename().string()[0] == '.') continue;
      auto doc = nlohmann::json::parse(read_file(entry.path()));
      if (doc["target"] == target) found.push_back(doc);
    }
    return found;
  }

  TempDir dir;
};

// A 945 from the 3PL, 004010, around `body` (the segments between ST and SE).
std::string warehouse_advice(int control, const std::vector<std::string>& body) {
  std::string text = fmt::format(
      "ISA*00*          *00*          *ZZ*RIVERSIDE3PL   *ZZ*ACMEDEMO       *261205*0900*U*00401*{:09}*0*P*>~\n"
      "GS*SW*RIVERSIDE3PL*ACMEDEMO*20261205*0900*{}*X*004010~\nST*945*0001~\n",
      control, control);
  for (const auto& segment : body) text += segment + "~\n";
  return text + fmt::format("SE*{}*0001~\nGE*1*{}~\nIEA*1*{:09}~\n", body.size() + 2, control, control);
}

}  // namespace

TEST_CASE("warehouse orders: our 940 goes out tracked, the 3PL's 945s are reconciled against it", "[warehouse]") {
  Hub hub;
  fs::copy_file(data_dir() / "erp/warehouse_order_standard.json", hub.dir / "erp-out/WO-7781.json");
  auto summary = hub.run("2026-12-01T08:00:00Z");
  CHECK(summary["documents_sent"] == 1);

  // The 940 as the 3PL gets it: our envelope, GS01 OW, and the hub's own validator accepts it.
  std::vector<fs::path> sent;
  for (const auto& entry : fs::directory_iterator(hub.dir / "outbox")) sent.push_back(entry.path());
  REQUIRE(sent.size() == 1);
  const std::string bytes = read_file(sent[0]);
  CHECK_THAT(bytes, Catch::Contains("*ZZ*ACMEDEMO       *ZZ*RIVERSIDE3PL   *"));
  CHECK_THAT(bytes, Catch::Contains("GS*OW*ACMEDEMO*RIVERSIDE3PL*20261201*0800*1*X*004010~\nST*940*0001~\n"
                                    "W05*N*WO-7781*CUST-PO-5521~\n"));
  CHECK_THAT(bytes, Catch::Contains("LX*2~\nW01*12*CA**VN*CW-12-250*BP*LH-55120~\nN9*LI*2~\nN9*LT*L2611A~\n"));
  CHECK_THAT(bytes, Catch::Contains("W76*352~\nSE*25*0001~"));
  auto validated = run_edihub({"validate", sent[0].string()});
  INFO(validated.out << validated.err);
  CHECK(validated.exit_code == 0);
  {
    auto index = edihub::archive::Index::open(hub.dir / "archive/index.db");
    auto awaited = index->awaited_acks("riverside", std::nullopt);
    CHECK(awaited.size() == 2);  // the group and the set, until the 3PL's 997
  }
  auto [state, shipped] = hub.order("WO-7781");
  CHECK(state == "open");
  CHECK(shipped == std::map<std::string, double>{{"1", 0}, {"2", 0}, {"3", 0}});
  // No 855 ever answers a 940: status counts no order awaiting an acknowledgment.
  auto status = run_edihub({"status", "--config", hub.dir.path().string(), "--partner", "riverside", "--json"});
  INFO(status.out << status.err);
  REQUIRE(status.exit_code == 0);
  const auto partners = nlohmann::json::parse(status.out)["partners"];
  REQUIRE(partners.size() == 1);
  CHECK(partners[0]["partner"] == "riverside");
  CHECK(partners[0]["orders_not_acknowledged"]["count"] == 0);

  // The 3PL ships 40 EA, 10 of the 12 CS (W12*CP: no backorder) and 300 EA, and says final.
  hub.drop("945-311.edi", read_file(data_dir() / "mappings/945_handmade_004010_short_line_serials_sscc.edi"));
  hub.run("2026-12-03T15:00:00Z");
  auto shipments = hub.delivered("warehouse_shipment");
  REQUIRE(shipments.size() == 1);
  CHECK(shipments[0]["transaction"]["lines"][1]["quantity_shipped"] == 10);
  std::tie(state, shipped) = hub.order("WO-7781");
  CHECK(state == "partially_shipped");
  CHECK(shipped == std::map<std::string, double>{{"1", 40}, {"2", 10}, {"3", 300}});
  auto short_lines = hub.exceptions("warehouse_short_shipment");
  REQUIRE(short_lines.size() == 1);
  CHECK(short_lines[0].reason ==
        "warehouse order WO-7781 line 2 (CW-12-250): ordered 12 CS, shipped 10 CS when the warehouse reported the "
        "order final (945 shipment SH-55012), tolerance 0");
  CHECK(short_lines[0].documents == std::vector<std::string>{"warehouse_order:WO-7781", "shipment:SH-55012"});
  // The order's timeline names it as the exceptions do: lines with what was shipped, the short line's finding.
  auto timeline = run_edihub({"document", "warehouse_order:WO-7781", "--config", hub.dir.path().string()});
  INFO(timeline.out << timeline.err);
  REQUIRE(timeline.exit_code == 0);
  CHECK_THAT(timeline.out, Catch::StartsWith("warehouse_order:WO-7781 of riverside: order partially_shipped (sent)"));
  CHECK(std::regex_search(timeline.out, std::regex("\n  2 +LH-55120 +CS +12  +- +10 +0\n")));
  CHECK_THAT(timeline.out, Catch::Contains("warehouse_short_shipment raised: warehouse order WO-7781 line 2"));
  CHECK(hub.exceptions("warehouse_over_shipment").empty());

  // A 945 for an order we never sent: the ERP gets it, the planner gets the finding.
  hub.drop("945-312.edi", read_file(data_dir() / "mappings/945_handmade_005010_partial_backorder_parcel.edi"));
  hub.run("2026-12-04T10:00:00Z");
  auto unknown = hub.exceptions("warehouse_unknown_order");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].reason ==
        "945 shipment SH-55020 names warehouse order WO-7790, which the hub never sent to riverside as a 940; its 2 "
        "line(s) are not counted");
  CHECK(hub.delivered("warehouse_shipment").size() == 2);

  // The rest of line 2 follows, with one box of bolts too many on line 1: the short
  // shipment is settled, line 1 is over-shipped (41 of 40).
  hub.drop("945-313.edi", warehouse_advice(313, {"W06*F*WO-7781*20261205*SH-55031", "N1*ST*Lakeside Hardware #118*92*STORE-118", "LX*1",
                                                  "W12*CC*12*2*0*CA**VN*CW-12-250", "N9*LI*2", "LX*2",
                                                  "W12*CM*40*1**EA**VN*HB-M8-40", "N9*LI*1"}));
  hub.run("2026-12-05T10:00:00Z");
  CHECK(hub.exceptions("warehouse_short_shipment").empty());
  CHECK(hub.exceptions("warehouse_short_shipment", "resolved").size() == 1);
  auto over = hub.exceptions("warehouse_over_shipment");
  REQUIRE(over.size() == 1);
  CHECK(over[0].reason ==
        "warehouse order WO-7781 line 1 (HB-M8-40): ordered 40 EA, shipped 41 EA over all 945s, tolerance 0; latest "
        "shipment SH-55031");
  std::tie(state, shipped) = hub.order("WO-7781");
  CHECK(state == "over_shipped");
  CHECK(shipped == std::map<std::string, double>{{"1", 41}, {"2", 12}, {"3", 300}});

  // Warehouse orders have no 855 and no ASN: days later, no purchase-order deadline fires.
  hub.run("2026-12-20T10:00:00Z");
  CHECK(hub.exceptions("po_ack_missing").empty());
  CHECK(hub.exceptions("asn_missing").empty());
}
