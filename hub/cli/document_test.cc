// edihub document on an archive seeded row by row (tests/support/business_archive.h):
// the timeline's order, its step times, the order's lines, the views of a shipment and an
// invoice, several partners with one PO number, unknown and malformed documents, escaping.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hub/cli/commands.h"
#include "tests/support/business_archive.h"

using namespace edihub;
using namespace edihub::testing;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

CommandOutput document(const BusinessArchive& a, const std::string& name, std::optional<std::string> partner = {},
                       bool as_json = false) {
  hub::DocumentOptions options{name, std::move(partner)};
  return call([&](std::ostream& out, std::ostream& err) {
    return hub::command_document(a.config_dir(), options, as_json, out, err);
  });
}

std::vector<std::string> whats(const json& timeline) {
  std::vector<std::string> out;
  for (const auto& e : timeline) out.push_back(e["what"]);
  return out;
}

}  // namespace

TEST_CASE("document po: the order's whole life in time order with each step's time, and its lines", "[cli][document]") {
  BusinessArchive a;
  a.seed_order();

  auto r = document(a, "po:4500012345", std::nullopt, true);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["document"] == "po:4500012345");
  REQUIRE(j["partners"].size() == 1);
  const auto& p = j["partners"][0];
  CHECK(p["partner"] == "supplier");
  CHECK(p["order"]["state"] == "over_shipped");
  CHECK(p["order"]["requested_ship_date"] == "2026-11-25");

  // Ordered from the PO, acknowledged by the 855, shipped from SH-1, invoiced from INV-9.
  REQUIRE(p["lines"].size() == 2);
  CHECK(p["lines"][0]["line_number"] == "1");
  CHECK(p["lines"][0]["ordered"] == 100);
  CHECK(p["lines"][0]["ack_status"] == "accepted");
  CHECK(p["lines"][0]["ack_quantity"] == 100);
  CHECK(p["lines"][0]["shipped"] == 60);
  CHECK(p["lines"][0]["invoiced"] == 60);
  CHECK(p["lines"][1]["ordered"] == 40);
  CHECK(p["lines"][1]["shipped"] == 50);
  CHECK(p["lines"][1]["invoiced"] == 0);

  const auto& t = p["timeline"];
  CHECK(whats(t) == std::vector<std::string>{
                        "850 queued to send (ISA13 000000001, GS06 1, ST 0001); now sent",
                        "850 sent (ISA13 000000001, GS06 1, ST 0001)",
                        "997 received for 850: accepted (AK5 A)",
                        "855 received (ISA13 000000101, GS06 1, ST 0001); now delivered",
                        "855 mapped",
                        "855 delivered to the ERP (folder:erp/855-1.json)",
                        "856 SH-1 received (ISA13 000000102, GS06 1, ST 0001); now delivered",
                        "856 SH-1 mapped",
                        "exception 1 asn_over_shipment raised: PO 4500012345 line 2 (B-2002): shipped 50 EA, "
                        "ordered 40 EA, tolerance 0",
                        "997 sent for interchange 000000102, group 1: accepted",
                        "856 SH-1 delivered to the ERP (folder:erp/856-SH-1.json)",
                        "810 INV-9 received (ISA13 000000103, GS06 1, ST 0001); now received",
                    });
  // Seconds since the previous step: 5 s to send, 2 h 05 min to the 997, 19 h 54 min 55 s
  // to the 855, 30 s to deliver it, 4 d 00 h 59 min 30 s to the ASN, half a second to the
  // exception and the 997 (whole seconds: 0), 59 s to deliver, 1 d 00 h 59 min to the 810.
  std::vector<json> seconds;
  for (const auto& e : t) seconds.push_back(e["seconds"]);
  CHECK(seconds == std::vector<json>{nullptr, 5, 7500, 71695, 0, 30, 349170, 0, 0, 0, 59, 89940});
  CHECK(t[0]["at"] == "2026-11-20T10:00:00.000Z");
  CHECK(t[0]["set_id"] == a.sent_850.id);
  CHECK(t[8]["exception_id"] == a.over_shipment);

  auto text = document(a, "po:4500012345");
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Contains("po:4500012345 of supplier: order over_shipped (sent), ordered 2026-11-20, ship by 2026-11-25"));
  // Columns: line 6, part 18, unit 5, ordered 9 (right), two spaces, acknowledged 22,
  // shipped 9 and invoiced 9 (right), one space between.
  auto sp = [](int n) { return std::string(n, ' '); };
  CHECK_THAT(text.out, Contains("  1" + sp(6) + "B-1001" + sp(13) + "EA" + sp(10) + "100" + sp(2) + "accepted 100" + sp(18) +
                                "60" + sp(8) + "60\n"));
  CHECK_THAT(text.out, Contains("  2" + sp(6) + "B-2002" + sp(13) + "EA" + sp(11) + "40" + sp(2) + "accepted 40" + sp(19) +
                                "50" + sp(9) + "0\n"));
  // The time (24), the step right-aligned in 8, two spaces, what happened.
  CHECK_THAT(text.out, Contains("  2026-11-20T12:05:05.000Z  +2h 05m  997 received for 850: accepted (AK5 A)\n"));
  CHECK_THAT(text.out, Contains("  2026-11-21T08:00:00.000Z +19h 54m  855 received"));
  CHECK_THAT(text.out, Contains("  2026-11-25T09:00:00.000Z  +4d 00h  856 SH-1 received"));
  CHECK_THAT(text.out, Contains("  2026-11-25T09:01:00.000Z     +59s  856 SH-1 delivered to the ERP"));
}

TEST_CASE("document shipment: and invoice: show their own sets and the order they name", "[cli][document]") {
  BusinessArchive a;
  a.seed_order();

  auto shipment = document(a, "shipment:SH-1", "supplier", true);
  INFO(shipment.err);
  REQUIRE(shipment.exit_code == 0);
  const auto shipment_json = json::parse(shipment.out);
  const auto& s = shipment_json["partners"][0];
  CHECK(s["order"].is_null());
  // The PO's own sets (850, its 997, the 855) and the ASN; not the invoice.
  CHECK(whats(s["timeline"]) == std::vector<std::string>{
                                   "850 PO 4500012345 queued to send (ISA13 000000001, GS06 1, ST 0001); now sent",
                                   "850 PO 4500012345 sent (ISA13 000000001, GS06 1, ST 0001)",
                                   "997 received for 850 PO 4500012345: accepted (AK5 A)",
                                   "855 PO 4500012345 received (ISA13 000000101, GS06 1, ST 0001); now delivered",
                                   "855 PO 4500012345 mapped",
                                   "855 PO 4500012345 delivered to the ERP (folder:erp/855-1.json)",
                                   "856 received (ISA13 000000102, GS06 1, ST 0001); now delivered",
                                   "856 mapped",
                                   "exception 1 asn_over_shipment raised: PO 4500012345 line 2 (B-2002): shipped 50 EA, "
                                   "ordered 40 EA, tolerance 0",
                                   "997 sent for interchange 000000102, group 1: accepted",
                                   "856 delivered to the ERP (folder:erp/856-SH-1.json)",
                               });

  auto invoice = document(a, "invoice:INV-9", std::nullopt, true);
  REQUIRE(invoice.exit_code == 0);
  auto timeline = whats(json::parse(invoice.out)["partners"][0]["timeline"]);
  REQUIRE(timeline.size() == 7);
  CHECK(timeline.front() == "850 PO 4500012345 queued to send (ISA13 000000001, GS06 1, ST 0001); now sent");
  CHECK(timeline.back() == "810 received (ISA13 000000103, GS06 1, ST 0001); now received");
}

TEST_CASE("document: a PO number of two partners shows each, --partner picks one", "[cli][document]") {
  BusinessArchive a;
  a.seed_order();
  a.add_plain_order("globex", "4500012345", archive::OrderState::open, "2026-11-22T07:00:00.000Z");

  auto both = document(a, "po:4500012345", std::nullopt, true);
  REQUIRE(both.exit_code == 0);
  auto j = json::parse(both.out);
  REQUIRE(j["partners"].size() == 2);
  CHECK(j["partners"][0]["partner"] == "globex");
  CHECK(j["partners"][1]["partner"] == "supplier");
  // Globex's order was imported: its timeline is the record alone.
  CHECK(whats(j["partners"][0]["timeline"]) == std::vector<std::string>{"order PO 4500012345 recorded (import)"});
  CHECK_THAT(document(a, "po:4500012345").out, Contains("2 partners have po:4500012345; --partner P shows one"));

  auto one = document(a, "po:4500012345", "globex", true);
  REQUIRE(one.exit_code == 0);
  CHECK(json::parse(one.out)["partners"].size() == 1);
}

TEST_CASE("document: unknown documents exit 1, malformed names exit 2 naming the forms", "[cli][document]") {
  BusinessArchive a;
  a.seed_order();

  auto unknown = document(a, "po:999");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err == "edihub: no document po:999 in the archive\n");
  auto other_partner = document(a, "shipment:SH-1", "globex");
  CHECK(other_partner.exit_code == 1);
  CHECK(other_partner.err == "edihub: no document shipment:SH-1 in the archive for partner globex\n");

  for (const char* bad : {"po", "po:", "4500012345", "order:4500012345"}) {
    auto r = document(a, bad);
    INFO(bad);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("expected po:NUMBER, shipment:ID, invoice:NUMBER or warehouse_order:NUMBER"));
  }
}

TEST_CASE("document: a partner's value holding control characters is escaped in text, kept in JSON", "[cli][document]") {
  BusinessArchive a;
  auto file = a.add_file("856.edi", "in", "2026-11-25T09:00:00.000Z");
  a.add_set(file, "856", "in", "000000102\x1b[2J", "2026-11-25T09:00:00.000Z", {{"shipment_id", "SH\x1b]0;x\a-2"}}, {});

  auto text = document(a, std::string("shipment:SH\x1b]0;x\a-2"));
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find('\x1b') == std::string::npos);
  CHECK(text.out.find('\a') == std::string::npos);
  CHECK_THAT(text.out, Contains("shipment:SH\\x1b]0;x\\x07-2 of supplier"));
  CHECK_THAT(text.out, Contains("856 received (ISA13 000000102\\x1b[2J, GS06 1, ST 0001)"));

  auto j = json::parse(document(a, std::string("shipment:SH\x1b]0;x\a-2"), std::nullopt, true).out);
  CHECK(j["document"] == "shipment:SH\x1b]0;x\a-2");
}
