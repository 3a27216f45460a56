// A carrier's 214s through the hub (folder partner "carrier", the standard 214 mapping):
// an exception status raises shipment_delayed on the shipment it names, matched to the
// supplier's ASN by the bill of lading, and a later delivered status resolves it; a 214 for a
// shipment the hub has no ASN for names the carrier's own reference (hub/reconcile/
// carrier_status.cc, docs/reconciliation.md). The 214s are hand-made 004010 ones.
#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive/index.h"
#include "tests/business_documents.h"
#include "tests/test_support.h"
#include "tests/trading_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;

namespace {

// The supplier's partner of tests/trading_config.h plus a carrier (ZZ:CARRIER1) whose 214s
// land in inbox-carrier/ and are mapped by the standard mapping with reconciliation on.
void write_carrier_config(const fs::path& dir) {
  write_trading_config(dir);
  write_file(dir / "partners/carrier.yaml", R"(id: carrier
name: ABCD Freight
identities:
  - {isa_qualifier: ZZ, isa_id: CARRIER1}
inbound:
  folder: {path: inbox-carrier, settle_seconds: 0}
erp:
  folder: {path: erp}
acknowledgments:
  send: none
mappings:
  - {transaction_set: "214", versions: ["004010"], file: mappings/x12-214-shipment-status.yaml}
reconcile: {enabled: true}
)");
  fs::create_directories(dir / "inbox-carrier");
  fs::copy_file(source_dir() / "mappings/standard/x12-214-shipment-status.yaml",
                dir / "mappings/x12-214-shipment-status.yaml");
}

// A 214 from ZZ:CARRIER1: PRO and carrier's shipment id in B10, the BOL and PO in L11, one
// LX with `at7` (e.g. "AT7*SD*AI***20261205*1430*LT").
std::string status_message(unsigned isa13, const std::string& pro, const std::string& carrier_id, const std::string& bol,
                           const std::string& po, const std::string& at7) {
  std::string text = x12_interchange(isa13, "QM", "214",
                                     {fmt::format("B10*{}*{}*ABCD", pro, carrier_id), fmt::format("L11*{}*BM", bol),
                                      fmt::format("L11*{}*PO", po), "LX*1", at7, "MS1*CLEVELAND*OH*US"});
  // x12_interchange writes the supplier's ids; this one comes from the carrier.
  for (auto [from, to] : {std::pair{"ZZ*SUPPLIER1      ", "ZZ*CARRIER1       "}, std::pair{"QM*SUPPLIER1", "QM*CARRIER1"}})
    text.replace(text.find(from), std::string(from).size(), to);
  return text;
}

std::vector<edihub::archive::ExceptionRecord> delays(const fs::path& dir, const std::string& state) {
  auto index = edihub::archive::Index::open(dir / "archive/index.db");
  std::vector<edihub::archive::ExceptionRecord> found;
  for (auto& e : index->exceptions("carrier", state))
    if (e.kind == "shipment_delayed") found.push_back(std::move(e));
  return found;
}

void run_at(const fs::path& dir, const std::string& now) {
  auto r = run_edihub_at(now, {"run", "--config", dir.string(), "--once", "--json"});
  INFO(r.err << r.out);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("shipment_delayed: a carrier's exception status on our ASN's shipment, resolved by its delivery",
          "[reconcile][carrier]") {
  TempDir dir;
  write_carrier_config(dir.path());
  // The supplier's ASN SH-1 (BOL-5520913) for PO100, and the carrier's pickup on time.
  write_file(dir / "inbox/asn.edi",
             x12_interchange(1, "SH", "856",
                             {"BSN*00*SH-1*20261204*0700*0001", "HL*1**S", "TD5*B*2*ABCD*M", "REF*BM*BOL-5520913",
                              "N1*ST*PLANT 10*92*1000", "HL*2*1*O", "PRF*PO100", "HL*3*2*I", "LIN*1*BP*PART-A",
                              "SN1*1*10*EA", "CTT*3"}));
  write_file(dir / "inbox-carrier/pickup.edi",
             status_message(11, "PRO-778812", "7727019", "BOL-5520913", "PO100", "AT7*AF*NS***20261204*0800*LT"));
  run_at(dir.path(), "2026-12-04T12:00:00Z");
  CHECK(delays(dir.path(), "open").empty());

  // Delayed (SD, mechanical breakdown AI): named after our shipment SH-1, not the carrier's 7727019.
  // A damaged shipment (A9, normal reason) the hub has no ASN for names the carrier's reference.
  write_file(dir / "inbox-carrier/delay.edi",
             status_message(12, "PRO-778812", "7727019", "BOL-5520913", "PO100", "AT7*SD*AI***20261205*1430*LT"));
  write_file(dir / "inbox-carrier/damaged.edi",
             status_message(13, "PRO-900001", "SHX-9", "BOL-UNKNOWN", "PO777", "AT7*A9*NS***20261205*1600*LT"));
  run_at(dir.path(), "2026-12-05T18:00:00Z");
  auto open = delays(dir.path(), "open");
  REQUIRE(open.size() == 2);
  std::sort(open.begin(), open.end(), [](const auto& a, const auto& b) { return a.documents < b.documents; });
  CHECK(open[0].documents == std::vector<std::string>{"shipment:SH-1", "po:PO100"});
  CHECK(open[0].reason ==
        "shipment:SH-1: carrier ABCD reports SD (delayed), reason AI at 2026-12-05T14:30:00 in CLEVELAND, OH, US "
        "(PRO PRO-778812, BOL BOL-5520913)");
  CHECK(open[1].documents == std::vector<std::string>{"shipment:SHX-9", "po:PO777"});
  CHECK_THAT(open[1].reason, Catch::Contains("A9 (damaged), reason NS"));
  // The 214s reach the ERP all the same: the finding is for the planner.
  std::size_t statuses = 0;
  for (const auto& entry : fs::directory_iterator(dir / "erp"))
    if (entry.path().filename().string()[0] != '.' &&
        nlohmann::json::parse(read_file(entry.path()))["target"] == "shipment_status")
      ++statuses;
  CHECK(statuses == 3);

  // Delivered (D1, normal status): SH-1's delay is resolved, SHX-9's stays open.
  write_file(dir / "inbox-carrier/delivered.edi",
             status_message(14, "PRO-778812", "7727019", "BOL-5520913", "PO100", "AT7*D1*NS***20261206*0915*LT"));
  run_at(dir.path(), "2026-12-06T12:00:00Z");
  open = delays(dir.path(), "open");
  REQUIRE(open.size() == 1);
  CHECK(open[0].documents.front() == "shipment:SHX-9");
  auto resolved = delays(dir.path(), "resolved");
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].documents.front() == "shipment:SH-1");
}
