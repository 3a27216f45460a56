// edihub status on an archive seeded row by row (tests/support/business_archive.h): each
// line's count and oldest item per partner, --partner, escaping.
#include <cstdlib>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hub/cli/commands.h"
#include "tests/support/business_archive.h"

using namespace edihub;
using namespace edihub::testing;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

CommandOutput status(const BusinessArchive& a, std::optional<std::string> partner, bool as_json) {
  // Acknowledgments are overdue against the hub's clock.
  setenv("EDIHUB_NOW", "2026-11-27T10:00:00Z", 1);
  hub::StatusOptions options{std::move(partner)};
  auto r = call([&](std::ostream& out, std::ostream& err) {
    return hub::command_status(a.config_dir(), options, as_json, out, err);
  });
  unsetenv("EDIHUB_NOW");
  return r;
}

std::int64_t add_exception(BusinessArchive& a, const std::string& partner, const std::string& kind,
                           const std::string& created, std::vector<std::string> documents) {
  archive::ExceptionRecord e;
  e.partner = partner;
  e.kind = kind;
  e.reason = kind;
  e.created_at = created;
  e.documents = std::move(documents);
  return a.index->add_exception(e);
}

// The seeded order plus what waits on someone:
//   supplier: open orders 4500000001 (known 11-18, po_ack_missing open) and 4500000002
//             (11-19); asn_missing for 4500000002; the seeded asn_over_shipment (11-25
//             09:00:00.5) and an asn_unknown_po (11-26); an invoice_price_mismatch; a
//             delivery_error (not counted on any line); a mapped 856 (updated 11-27 09:00)
//             and a held one (11-26 12:00); a 997 group overdue (due 11-22) and one
//             awaiting past its deadline (due 11-27 09:00); one awaiting, due tomorrow.
//   globex:   one dead letter (11-24); an asn_unknown_po closed (not counted).
void seed_status(BusinessArchive& a) {
  using S = archive::SetStatus;
  a.seed_order();
  a.add_plain_order("supplier", "4500000001", archive::OrderState::open, "2026-11-18T08:00:00.000Z");
  a.add_plain_order("supplier", "4500000002", archive::OrderState::open, "2026-11-19T08:00:00.000Z");
  add_exception(a, "supplier", "po_ack_missing", "2026-11-20T08:00:00.000Z", {"po:4500000001"});
  add_exception(a, "supplier", "asn_missing", "2026-11-27T00:00:00.000Z", {"po:4500000002"});
  auto unknown = add_exception(a, "supplier", "asn_unknown_po", "2026-11-26T11:00:00.000Z", {"po:9", "shipment:SH-9"});
  auto price = add_exception(a, "supplier", "invoice_price_mismatch", "2026-11-26T10:00:01.000Z", {"po:4500012345", "invoice:INV-9"});
  add_exception(a, "supplier", "delivery_error", "2026-11-01T00:00:00.000Z", {});
  auto closed = add_exception(a, "globex", "asn_unknown_po", "2026-11-01T00:00:00.000Z", {"po:1"});
  a.index->close_exception(closed, archive::ExceptionState::ignored, "ann", "test order", "2026-11-02T00:00:00.000Z");
  (void)unknown;
  (void)price;

  auto f1 = a.add_file("856-a.edi", "in", "2026-11-26T12:00:00.000Z");
  a.add_set(f1, "856", "in", "000000201", "2026-11-26T12:00:00.000Z", {{"shipment_id", "SH-20"}},
            {{S::mapped, "2026-11-26T12:00:00.000Z", ""}, {S::held, "2026-11-26T12:00:00.000Z", "asn_unknown_item"}});
  auto f2 = a.add_file("856-b.edi", "in", "2026-11-27T09:00:00.000Z");
  a.add_set(f2, "856", "in", "000000202", "2026-11-27T09:00:00.000Z", {{"shipment_id", "SH-21"}},
            {{S::mapped, "2026-11-27T09:00:00.000Z", ""}});
  auto f3 = a.add_file("856-c.edi", "in", "2026-11-24T00:00:00.000Z", "globex");
  a.add_set(f3, "856", "in", "000000301", "2026-11-24T00:00:00.000Z", {{"shipment_id", "G-1"}},
            {{S::mapped, "2026-11-24T00:00:00.000Z", ""}, {S::dead_letter, "2026-11-24T00:00:00.000Z", "gave up"}},
            "globex");

  auto out = a.add_file("supplier-000000009-850.edi", "out", "2026-11-21T00:00:00.000Z");
  auto awaited = [&](const std::string& gs06, const std::string& due, archive::AckState state) {
    archive::AwaitedAck row;
    row.partner = "supplier";
    row.level = "group";
    row.file_id = out;
    row.interchange_control = "00000000" + gs06;
    row.group_control = gs06;
    row.functional_id = "PO";
    row.sent_at = "2026-11-21T00:00:00.000Z";
    row.due_at = due;
    row.state = state;
    row.updated_at = row.sent_at;
    a.index->add_awaited_ack(row);
  };
  awaited("7", "2026-11-22T00:00:00.000Z", archive::AckState::overdue);
  awaited("8", "2026-11-27T09:00:00.000Z", archive::AckState::awaiting);
  awaited("9", "2026-11-28T00:00:00.000Z", archive::AckState::awaiting);
}

}  // namespace

TEST_CASE("status: per partner, each line's count and its oldest item", "[cli][status]") {
  BusinessArchive a;
  seed_status(a);

  auto r = status(a, std::nullopt, true);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  REQUIRE(j["partners"].size() == 2);
  const auto& g = j["partners"][0];
  const auto& s = j["partners"][1];
  CHECK(g["partner"] == "globex");
  CHECK(s["partner"] == "supplier");

  CHECK(s["orders_not_acknowledged"]["count"] == 2);
  CHECK(s["orders_not_acknowledged"]["past_allowance"] == 1);
  CHECK(s["orders_not_acknowledged"]["oldest"]["at"] == "2026-11-18T08:00:00.000Z");
  CHECK(s["orders_not_acknowledged"]["oldest"]["what"] == "po:4500000001 (import)");
  CHECK(s["asns_missing"]["count"] == 1);
  CHECK(s["asns_missing"]["oldest"]["what"] == "exception 3 asn_missing (po:4500000002)");
  // The seeded over-shipment (exception 1) is older than the unknown PO (exception 4).
  CHECK(s["shipment_mismatches"]["count"] == 2);
  CHECK(s["shipment_mismatches"]["oldest"]["at"] == "2026-11-25T09:00:00.500Z");
  CHECK(s["shipment_mismatches"]["oldest"]["what"] == "exception 1 asn_over_shipment (po:4500012345, shipment:SH-1)");
  CHECK(s["invoices_unmatched"]["count"] == 1);
  CHECK(s["invoices_unmatched"]["oldest"]["what"] == "exception 5 invoice_price_mismatch (po:4500012345, invoice:INV-9)");
  // Mapped and held: the held one has waited longest.
  CHECK(s["erp_deliveries_pending"]["count"] == 2);
  CHECK(s["erp_deliveries_pending"]["oldest"]["at"] == "2026-11-26T12:00:00.000Z");
  CHECK_THAT(s["erp_deliveries_pending"]["oldest"]["what"].get<std::string>(), Contains("856 SH-20 (held, ISA13 000000201"));
  CHECK(s["erp_dead_letters"]["count"] == 0);
  CHECK(s["erp_dead_letters"]["oldest"].is_null());
  // Group 7 overdue, group 8 awaiting past its deadline; group 9 is not due yet.
  CHECK(s["acknowledgments_overdue"]["count"] == 2);
  CHECK(s["acknowledgments_overdue"]["oldest"]["at"] == "2026-11-22T00:00:00.000Z");
  CHECK(s["acknowledgments_overdue"]["oldest"]["what"] ==
        "acknowledgment of group PO 7 (ISA13 000000007) sent 2026-11-21T00:00:00.000Z");

  CHECK(g["erp_dead_letters"]["count"] == 1);
  CHECK(g["shipment_mismatches"]["count"] == 0);  // its one exception is closed
  CHECK(g["orders_not_acknowledged"]["count"] == 0);

  auto text = status(a, "supplier", false);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.starts_with("supplier\n"));
  CHECK(text.out.find("globex") == std::string::npos);
  // Titles padded to 25, counts to 28.
  CHECK_THAT(text.out, Contains("  orders not acknowledged   2 (1 past the allowance)" + std::string(5, ' ') +
                                "oldest 2026-11-18T08:00:00.000Z po:4500000001 (import)\n"));
  CHECK_THAT(text.out, Contains("\n  ERP dead letters          0\n"));
  CHECK_THAT(text.out, Contains("  acknowledgments overdue   2" + std::string(28, ' ') + "oldest due 2026-11-22T00:00:00.000Z"));
}

TEST_CASE("status: a partner with nothing waiting, and escaping of values shown", "[cli][status]") {
  BusinessArchive a;
  add_exception(a, "globex", "asn_unknown_po", "2026-11-26T11:00:00.000Z", {"shipment:SH\x1b[2J"});
  auto quiet = json::parse(status(a, "supplier", true).out);
  REQUIRE(quiet["partners"].size() == 1);
  CHECK(quiet["partners"][0]["shipment_mismatches"]["count"] == 0);

  auto text = status(a, "globex", false);
  CHECK(text.out.find('\x1b') == std::string::npos);
  CHECK_THAT(text.out, Contains("exception 1 asn_unknown_po (shipment:SH\\x1b[2J)"));
}
