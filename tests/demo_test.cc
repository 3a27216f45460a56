// The shipped demo configuration, run as a user runs it: every ship notice delivered as
// the hand-checked golden output, the broken file and the unknown sender in the
// exception queue, and every delivered transaction valid against the published schema.
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;

TEST_CASE("the demo configuration delivers the golden outputs and queues the bad files", "[demo]") {
  TempDir dir;
  copy_tree(source_dir() / "examples/demo", dir.path());
  auto check = run_edihub({"check", "--config", dir.path().string()});
  REQUIRE(check.exit_code == 0);

  auto run = run_edihub({"run", "--config", dir.path().string(), "--once", "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto summary = json::parse(run.out);
  CHECK(summary["files_received"] == 11);
  CHECK(summary["sets_delivered"] == 6);
  CHECK(summary["sets_rejected"] == 1);
  CHECK(summary["acks_sent"] == 7);
  CHECK(summary["documents_sent"] == 2);
  REQUIRE(summary["exceptions"].size() == 5);
  // Reconciliation: Northwind's ASN for our PO 4500012345 ships 30 of the 24 ordered on line
  // 1, and its other ASN names a PO nobody sent.
  std::map<std::string, std::string> by_kind;
  for (const auto& e : summary["exceptions"]) by_kind[e["kind"].get<std::string>()] = e["reason"].get<std::string>();
  CHECK_THAT(by_kind["asn_over_shipment"], Catch::Contains("PO 4500012345 line 1 (B-1001): ordered 24 EA, shipped 30 EA"));
  CHECK_THAT(by_kind["asn_unknown_po"], Catch::Contains("shipment 521649209219 names PO SO/VINCE1"));
  std::map<std::string, std::string> by_file;
  for (const auto& e : summary["exceptions"]) {
    auto reason = e["reason"].get<std::string>();
    by_file[reason.substr(0, reason.find(':'))] = e["partner"].get<std::string>() + " " + e["kind"].get<std::string>() + " " + reason;
  }
  CHECK_THAT(by_file["829717_bad_date.edi"], Catch::StartsWith("abc-co validation_error") &&
                                                 Catch::Contains("segment 4 (position 2 in set 0008) BSN") &&
                                                 Catch::Contains("(AK4 8 at BSN03)"));
  // Dropped in Northwind's inbox, but sent by someone else, and broken besides.
  CHECK_THAT(by_file["ASN_861554_broken.edi"], Catch::StartsWith("northwind unknown_partner") &&
                                                   Catch::Contains("ZZ:010020001ABCINC") && Catch::Contains("segment 24 SE01"));
  CHECK_THAT(by_file["unknown-sender.edi"], Catch::StartsWith("pacific unknown_partner") && Catch::Contains("ZZ:SENDER"));

  // What went back (the ERP's orders are taken before the partners' files, so the 850 is
  // ISA13 1): a 997 or 999 per partner interchange (abc-co's second one rejecting
  // the bad date), a TA1 where Tilde Parts asked for one, and the ERP's 850 to Northwind.
  std::map<std::string, std::string> sent;
  for (const auto& partner : fs::directory_iterator(dir / "outbox"))
    for (const auto& file : fs::directory_iterator(partner.path())) sent[file.path().filename().string()] = read_file(file.path());
  CHECK(sent.size() == 9);
  CHECK_THAT(sent["abc-co-000000002-999.edi"], Catch::Contains("~AK1*SH*50*005010~AK2*856*0008~IK3*BSN*2**8~IK4*3*373*8*20111332~IK5*R*5~AK9*R*1*1*0~"));
  CHECK_THAT(sent["tilde-parts-000000001-997.edi"], Catch::Contains("TA1~000000001~010420~1312~A~000*"));
  CHECK_THAT(sent["northwind-000000001-850.edi"], Catch::Contains("BEG*00*SA*4500012345**20240318~"));
  // Rheinwerk trades in EDIFACT: the ERP's order went out as an ORDERS asking for a CONTRL
  // (UNB 0031 = 1), and its DESADV, which asked for one too, got our CONTRL (partner
  // interchange number 2), accepting it (7) and its one message.
  CHECK_THAT(sent["rheinwerk-1-ORDERS.edi"], Catch::Contains("+1++++1'\nUNH+1+ORDERS:D:96A:UN:EAN008'\nBGM+220+4500012400+9'"));
  CHECK_THAT(sent["rheinwerk-2-CONTRL.edi"], Catch::Contains("UCI+RW20481+4012345000009:14+4399901234567:14+7'\n"
                                                              "UCM+1+DESADV:D:96A:UN:EAN005+7'\nUNT+4+2'"));
  auto acks = run_edihub({"acks", "--config", dir.path().string(), "--json"});
  REQUIRE(acks.exit_code == 0);
  // The 850's group and set await Northwind's 997; the ORDERS's interchange and message Rheinwerk's CONTRL.
  CHECK(json::parse(acks.out)["rows"].size() == 4);

  const fs::path golden = data_dir() / "demo-golden";
  size_t compared = 0;
  std::vector<fs::path> delivered;
  for (const auto& entry : fs::directory_iterator(dir / "erp/outbox")) {
    auto name = entry.path().filename().string();
    INFO(name);
    REQUIRE(fs::exists(golden / name));
    auto actual = json::parse(read_file(entry.path()));
    CHECK(actual == json::parse(read_file(golden / name)));
    write_file(dir / ("transactions/" + name), actual["transaction"].dump());
    delivered.push_back(dir / ("transactions/" + name));
    ++compared;
  }
  CHECK(compared == 6);

  // Every delivered transaction validates against docs/inbound_delivery.schema.json
  // (Ajv, an independent validator, from Debian's node-ajv).
  auto valid = validate_json_files(source_dir() / "docs/inbound_delivery.schema.json", delivered);
  INFO(valid.out << valid.err);
  CHECK(valid.exit_code == 0);
}
