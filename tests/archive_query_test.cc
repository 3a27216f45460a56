// Every archived document is findable by its business keys whatever its fate, and the
// list commands (archive query, exceptions, acks) say how many rows matched and how to get
// the next page: the shipped demo, run as a user runs it, plus one ship notice whose
// mapping is missing.
#include <set>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// The demo folder after one `run --once`, with an extra abc-co ship notice (BSN02 829718,
// ISA13/GS06 51) declared as version 004010, for which abc-co has no mapping: it fails.
void run_demo(const TempDir& dir) {
  copy_tree(source_dir() / "examples/demo", dir.path());
  std::string asn = read_file(dir / "inbox/abc-co/829716.edi");
  asn = replaced(asn, "*000000049*", "*000000051*");
  asn = replaced(asn, "*49*X*005010~", "*51*X*004010~");
  asn = replaced(asn, "GE*1*49~", "GE*1*51~");
  asn = replaced(asn, "IEA*1*000000049~", "IEA*1*000000051~");
  asn = replaced(asn, "BSN*14*829716*", "BSN*14*829718*");
  write_file(dir / "inbox/abc-co/829718_no_mapping.edi", asn);
  auto summary = run_once_json(dir);
  INFO(summary.dump(2));
  REQUIRE(summary["sets_rejected"] == 1);
  REQUIRE(summary["sets_failed"] == 1);
}

json list(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.end(), {"--config", dir.path().string(), "--json"});
  auto r = run_edihub(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

std::string text(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.end(), {"--config", dir.path().string()});
  auto r = run_edihub(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("archive query --key finds rejected and failed ship notices and shows their status", "[archive][keys][e2e]") {
  TempDir dir;
  run_demo(dir);

  // The ASN rejected by validation (BSN03 20111332) has no mapped keys, only built-in ones.
  auto rejected = list(dir, {"archive", "query", "--key", "shipment_id=829717"});
  CHECK(rejected["total"] == 1);
  CHECK(rejected["next_offset"].is_null());
  REQUIRE(rejected["rows"].size() == 1);
  CHECK(rejected["rows"][0]["status"] == "rejected");
  CHECK(rejected["rows"][0]["type"] == "856");
  CHECK(rejected["rows"][0]["partner"] == "abc-co");
  CHECK(rejected["rows"][0]["keys"]["bol"] == json::array({"999999-001"}));
  CHECK_THAT(text(dir, {"archive", "query", "--key", "shipment_id=829717"}),
             Contains("rejected") && Contains("shipment_id=829717") && Contains("1 transaction set(s)"));

  // The ASN whose version abc-co has no mapping for.
  auto failed = list(dir, {"archive", "query", "--key", "shipment_id=829718"});
  REQUIRE(failed["rows"].size() == 1);
  CHECK(failed["rows"][0]["status"] == "failed");
  CHECK(failed["rows"][0]["version"] == "004010");

  // All three ship notices name the same purchase order: each is found with its fate.
  auto by_po = list(dir, {"archive", "query", "--key", "po_number=99999817"});
  CHECK(by_po["total"] == 3);
  std::multiset<std::string> statuses;
  for (const auto& row : by_po["rows"]) statuses.insert(row["status"].get<std::string>());
  CHECK(statuses == std::multiset<std::string>{"delivered", "failed", "rejected"});
  // The delivered one keeps its mapping's keys next to the built-in ones, each pair once.
  auto delivered = list(dir, {"archive", "query", "--key", "shipment_id=829716"});
  REQUIRE(delivered["rows"].size() == 1);
  CHECK(delivered["rows"][0]["status"] == "delivered");
  CHECK(delivered["rows"][0]["keys"]["tracking_number"] == json::array({"5787970539"}));
  CHECK(delivered["rows"][0]["keys"]["po_number"] == json::array({"99999817"}));
}

TEST_CASE("archive query --key finds duplicate and unknown-sender sets with their status, none delivered", "[archive][keys][e2e]") {
  TempDir dir;
  run_demo(dir);

  // The demo's pacific/unknown-sender.edi (ISA sender ZZ:SENDER, BSN02 000009) matches no partner.
  auto unknown = list(dir, {"archive", "query", "--key", "shipment_id=000009"});
  REQUIRE(unknown["rows"].size() == 1);
  CHECK(unknown["rows"][0]["status"] == "unknown_partner");
  CHECK(unknown["rows"][0]["partner"] == "pacific");  // the channel it came in on
  CHECK(unknown["rows"][0]["type"] == "856");
  CHECK(unknown["rows"][0]["keys"]["bol"] == json::array({"000001"}));
  CHECK_THAT(text(dir, {"archive", "query", "--key", "shipment_id=000009"}), Contains("unknown_partner"));

  // The delivered abc-co ship notice comes again under another name: a duplicate, not delivered.
  fs::copy_file(source_dir() / "examples/demo/inbox/abc-co/829716.edi", dir / "inbox/abc-co/829716_again.edi");
  auto second = run_once_json(dir);
  INFO(second.dump(2));
  CHECK(second["duplicates"] == 1);
  CHECK(second["sets_delivered"] == 0);
  auto both = list(dir, {"archive", "query", "--key", "shipment_id=829716"});
  REQUIRE(both["total"] == 2);
  std::multiset<std::string> statuses;
  for (const auto& row : both["rows"]) {
    statuses.insert(row["status"].get<std::string>());
    CHECK(row["partner"] == "abc-co");
    CHECK(row["keys"]["po_number"] == json::array({"99999817"}));
  }
  CHECK(statuses == std::multiset<std::string>{"delivered", "duplicate"});
  CHECK_THAT(text(dir, {"archive", "query", "--key", "shipment_id=829716"}),
             Contains("duplicate") && Contains("2 transaction set(s)"));
  // Running again changes nothing: no new row, nothing delivered.
  auto third = run_once_json(dir);
  CHECK(third["sets_delivered"] == 0);
  CHECK(list(dir, {"archive", "query", "--key", "shipment_id=829716"})["total"] == 2);
}

TEST_CASE("archive query, exceptions and acks say the total and page with --limit and --offset", "[archive][paging][e2e]") {
  TempDir dir;
  run_demo(dir);
  const auto all = list(dir, {"archive", "query"});
  const std::int64_t total = all["total"];
  REQUIRE(total == static_cast<std::int64_t>(all["rows"].size()));
  REQUIRE(total > 4);
  CHECK(all["limit"] == 1000);
  CHECK(all["offset"] == 0);
  CHECK(all["next_offset"].is_null());

  // Page by page, newest first: the pages put together are the whole list, in order.
  json joined = json::array();
  std::int64_t offset = 0;
  int pages = 0;
  while (true) {
    auto page = list(dir, {"archive", "query", "--limit", "2", "--offset", std::to_string(offset)});
    CHECK(page["total"] == total);
    CHECK(page["limit"] == 2);
    CHECK(page["offset"] == offset);
    for (const auto& row : page["rows"]) joined.push_back(row);
    ++pages;
    if (page["next_offset"].is_null()) {
      CHECK(offset + static_cast<std::int64_t>(page["rows"].size()) == total);  // the last page
      break;
    }
    CHECK(page["rows"].size() == 2);
    CHECK(page["next_offset"] == offset + 2);
    offset = page["next_offset"];
    REQUIRE(pages < 100);
  }
  CHECK(pages == (total + 1) / 2);
  CHECK(joined == all["rows"]);

  auto past = list(dir, {"archive", "query", "--limit", "2", "--offset", std::to_string(total + 5)});
  CHECK(past["total"] == total);
  CHECK(past["rows"].empty());
  CHECK(past["next_offset"].is_null());
  CHECK_THAT(text(dir, {"archive", "query", "--limit", "2"}),
             Contains("rows 1-2 of " + std::to_string(total) + " transaction set(s); more: --offset 2"));
  CHECK_THAT(text(dir, {"archive", "query", "--limit", "2", "--offset", std::to_string(total + 5)}),
             Contains("no rows at --offset " + std::to_string(total + 5)));
  // Filters count the same way: one rejected set.
  auto filtered = list(dir, {"archive", "query", "--status", "rejected", "--limit", "1"});
  CHECK(filtered["total"] == 1);
  CHECK(filtered["next_offset"].is_null());

  // The demo's exceptions (the bad date, two unknown senders, the missing mapping, the
  // over-shipment and the ASN for an unknown PO).
  auto exceptions = list(dir, {"exceptions", "--limit", "4"});
  CHECK(exceptions["total"] == 6);
  CHECK(exceptions["rows"].size() == 4);
  CHECK(exceptions["next_offset"] == 4);
  auto rest = list(dir, {"exceptions", "--limit", "4", "--offset", "4"});
  CHECK(rest["rows"].size() == 2);
  CHECK(rest["next_offset"].is_null());
  CHECK_THAT(text(dir, {"exceptions", "--limit", "4"}), Contains("rows 1-4 of 6 exception(s); more: --offset 4"));
  CHECK_THAT(text(dir, {"exceptions"}), Contains("\n6 exception(s)\n"));

  // Northwind's 850: its group and set await the 997; Rheinwerk's ORDERS: its interchange and message a CONTRL.
  auto acks = list(dir, {"acks", "--limit", "3"});
  CHECK(acks["total"] == 4);
  CHECK(acks["rows"].size() == 3);
  CHECK(acks["next_offset"] == 3);
  auto second = list(dir, {"acks", "--limit", "3", "--offset", "3"});
  CHECK(second["rows"].size() == 1);
  for (const auto& row : acks["rows"]) CHECK(second["rows"][0]["id"] != row["id"]);
  CHECK(second["next_offset"].is_null());
  CHECK_THAT(text(dir, {"acks", "--limit", "1"}), Contains("rows 1-1 of 4 awaited acknowledgment(s); more: --offset 1"));

  auto bad = run_edihub({"exceptions", "--config", dir.path().string(), "--offset", "-1"});
  CHECK(bad.exit_code == 2);
}
