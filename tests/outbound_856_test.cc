// An ASN we send, end to end through the binary: an outbound_shipment dropped in the
// partner's erp.outbound folder becomes a numbered 856 in the outbox (HL levels and CTT
// built by mappings/standard/outbound/x12-856-outbound-shipment.yaml), validated before
// it is numbered, and awaited for its 997 like the 850s and 810s.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/trading_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;
using Catch::Contains;

TEST_CASE("an ERP outbound shipment goes out as a numbered 856 awaiting its 997", "[outbound][856]") {
  TempDir dir;
  write_trading_config(dir.path());
  add_outbound_mapping(dir.path(), "outbound_shipment", "mappings/standard/outbound/x12-856-outbound-shipment.yaml");
  drop_erp_document(dir.path(), "outbound_shipment", "erp/outbound_shipment_standard.json", "asn.json");

  auto r = run_edihub_at("2026-11-27T08:00:00Z", {"run", "--config", dir.path().string(), "--once", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto summary = json::parse(r.out);
  CHECK(summary["documents_sent"] == 1);
  CHECK(summary["exceptions"].empty());

  std::vector<fs::path> sent;
  for (const auto& e : fs::directory_iterator(dir / "outbox"))
    if (e.path().filename().string()[0] != '.') sent.push_back(e.path());
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].filename() == "supplier-000000001-856.edi");  // the partner's first interchange number
  const std::string x12 = read_file(sent[0]);
  CHECK_THAT(x12, Contains("*000000001*0*P*>~") && Contains("GS*SH*BUYERPLANT*SUPPLIER1*20261127*0800*1*X*004010~") &&
                      Contains("ST*856*0001~\nBSN*00*ASN0325*20240325*1430*0001~\nHL*1**S*1~") &&
                      Contains("HL*9*8*I*0~\nLIN*1*BP*B-4004~\nSN1**100*EA~\nCTT*9~\nSE*38*0001~\nGE*1*1~"));
  auto v = run_edihub({"validate", sent[0].string()});
  INFO(v.out);
  CHECK(v.exit_code == 0);

  auto acks = run_edihub_at("2026-11-27T08:00:00Z", {"acks", "--config", dir.path().string(), "--json"});
  REQUIRE(acks.exit_code == 0);
  auto rows = json::parse(acks.out)["rows"];
  REQUIRE(rows.size() == 2);  // the group and the set
  for (const auto& row : rows) {
    CHECK(row["state"] == "awaiting");
    CHECK(row["group_control"] == "1");
  }
  auto keys = run_edihub({"archive", "query", "--config", dir.path().string(), "--key", "shipment_id=ASN0325", "--json"});
  REQUIRE(keys.exit_code == 0);
  CHECK_THAT(keys.out, Contains("\"856\""));
}
