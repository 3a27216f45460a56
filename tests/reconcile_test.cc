// Reconciliation end to end: our ERP's purchase orders go out as 850s, the supplier's
// 856s, 855s and 810s come back through `edihub run`, and every finding kind is raised
// when the numbers call for it and not when they are within tolerance (hub/reconcile).
// Expected quantities are worked out by hand from the documents each test drops.
#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive/business.h"
#include "archive/index.h"
#include "tests/business_documents.h"
#include "tests/test_support.h"
#include "tests/trading_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using edihub::archive::ExceptionRecord;

namespace {

// A hub trading with "supplier", its `reconcile:` block given; 855 and 810 mapped by the
// standard mappings.
class Hub {
 public:
  explicit Hub(const std::string& reconcile_yaml = "") {
    write_trading_config(dir.path(), "reconcile:\n  enabled: true\n" + reconcile_yaml);
    auto profile = read_file(dir / "partners/supplier.yaml");
    const std::string anchor = "mappings:\n";
    profile.insert(profile.find(anchor) + anchor.size(),
                   "  - {transaction_set: \"855\", versions: [\"004010\"], file: mappings/x12-855-order-acknowledgment.yaml}\n"
                   "  - {transaction_set: \"810\", versions: [\"004010\"], file: mappings/x12-810-supplier-invoice.yaml}\n");
    write_file(dir / "partners/supplier.yaml", profile);
    for (const char* m : {"x12-855-order-acknowledgment.yaml", "x12-810-supplier-invoice.yaml"})
      fs::copy_file(source_dir() / "mappings/standard" / m, dir / "mappings" / m, fs::copy_options::overwrite_existing);
  }

  void order(const std::string& po, const std::vector<OrderLine>& lines, const std::string& ship_date = "2026-12-10",
             const std::string& ship_to = "1000") {
    write_file(dir / "erp-out" / ("PO-" + po + ".json"), purchase_order_json(po, lines, ship_date, ship_to));
  }
  void drop(const std::string& name, const std::string& bytes) { write_file(dir / "inbox" / name, bytes); }

  // One `run --once` at `now`; returns its JSON summary.
  nlohmann::json run(const std::string& now = "2026-12-05T12:00:00Z") {
    auto r = run_edihub_at(now, {"run", "--config", dir.path().string(), "--once", "--json"});
    INFO(r.err << r.out);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  }

  std::vector<ExceptionRecord> exceptions(const std::string& kind, const std::string& state = "open") {
    auto index = edihub::archive::Index::open(dir / "archive/index.db");
    auto all = index->exceptions("supplier", state);
    std::vector<ExceptionRecord> of_kind;
    for (auto& e : all)
      if (e.kind == kind) of_kind.push_back(std::move(e));
    return of_kind;
  }

  // Shipped quantity per PO line ("1" -> 10), summed by the archive.
  std::map<std::string, double> shipped(const std::string& po) {
    auto index = edihub::archive::Index::open(dir / "archive/index.db");
    edihub::archive::BusinessRecords records(*index);
    auto order = records.order("supplier", po);
    REQUIRE(order);
    std::map<std::string, double> by_line;
    for (const auto& line : records.order_lines(order->id)) by_line[line.line_number] = line.shipped;
    return by_line;
  }

  std::string order_state(const std::string& po) {
    auto index = edihub::archive::Index::open(dir / "archive/index.db");
    auto order = edihub::archive::BusinessRecords(*index).order("supplier", po);
    REQUIRE(order);
    return std::string(to_string(order->state));
  }

  // Inbound delivery files in the ERP folder with this shipment id.
  std::vector<nlohmann::json> delivered_shipments(const std::string& shipment_id) {
    std::vector<nlohmann::json> found;
    for (const auto& entry : fs::directory_iterator(dir / "erp")) {
      if (entry.path().filename().string()[0] == '.') continue;
      auto doc = nlohmann::json::parse(read_file(entry.path()));
      if (doc["target"] == "inbound_delivery" && doc["transaction"]["shipment_id"] == shipment_id) found.push_back(doc);
    }
    return found;
  }

  TempDir dir;
};

const std::vector<OrderLine> kLines = {{"1", 10, "EA", 2.5, "PART-A"}, {"2", 4, "EA", 10, "PART-B"}};

}  // namespace

TEST_CASE("asn_unknown_po: an ASN for a PO the hub does not know, none for a known PO", "[reconcile]") {
  Hub hub;
  hub.order("PO100", kLines);
  hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"1", 10, "EA", 0, "PART-A"}}));
  hub.drop("b.edi", ship_notice(2, "SH-2", "PO999", {{"1", 5, "EA", 0, "PART-A"}}));
  hub.run();
  auto found = hub.exceptions("asn_unknown_po");
  REQUIRE(found.size() == 1);
  CHECK_THAT(found[0].reason, Catch::Contains("PO999"));
  CHECK(found[0].documents == std::vector<std::string>{"po:PO999", "shipment:SH-2"});
  // Delivered all the same: the finding is for the planner, the ERP gets the ASN.
  CHECK(hub.delivered_shipments("SH-2").size() == 1);
  CHECK(hub.shipped("PO100")["1"] == 10);

  SECTION("the PO made known later counts the waiting ASN and resolves the finding") {
    write_file(hub.dir / "late.json", purchase_order_json("PO999", {{"1", 4, "EA", 1, "PART-A"}}));
    auto r = run_edihub({"orders", "import", (hub.dir / "late.json").string(), "--partner", "supplier", "--config",
                         hub.dir.path().string()});
    INFO(r.err << r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(hub.exceptions("asn_unknown_po").empty());
    CHECK(hub.shipped("PO999")["1"] == 5);
    // 5 shipped against 4 ordered: the waiting ASN is an over-shipment once the PO is known.
    CHECK(hub.exceptions("asn_over_shipment").size() == 1);
  }
}

TEST_CASE("asn_unknown_item: an item that matches no PO line by number or part", "[reconcile]") {
  Hub hub;
  hub.order("PO100", kLines);
  // Line 7 does not exist, nor does PART-Z; line 2 matches by number even with another part.
  hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"7", 3, "EA", 0, "PART-Z"}, {"02", 4, "EA", 0, "PART-B"}}));
  hub.run();
  auto found = hub.exceptions("asn_unknown_item");
  REQUIRE(found.size() == 1);
  CHECK_THAT(found[0].reason, Catch::Contains("line 7") && Catch::Contains("PART-Z"));
  CHECK(hub.shipped("PO100")["2"] == 4);
  CHECK(hub.shipped("PO100")["1"] == 0);
}

TEST_CASE("asn_over_shipment: beyond the tolerance over all ASNs of the order, not within it", "[reconcile]") {
  SECTION("no tolerance: 6 + 5 of 10 is over") {
    Hub hub;
    hub.order("PO100", kLines);
    hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"1", 6, "EA", 0, "PART-A"}}));
    hub.run();
    CHECK(hub.exceptions("asn_over_shipment").empty());
    CHECK(hub.order_state("PO100") == "partially_shipped");
    hub.drop("b.edi", ship_notice(2, "SH-2", "PO100", {{"1", 5, "EA", 0, "PART-A"}, {"2", 4, "EA", 0, "PART-B"}}));
    hub.run();
    auto found = hub.exceptions("asn_over_shipment");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].reason, Catch::Contains("ordered 10 EA, shipped 11 EA") && Catch::Contains("tolerance 0"));
    CHECK(found[0].documents == std::vector<std::string>{"po:PO100", "shipment:SH-2"});
    CHECK(hub.order_state("PO100") == "over_shipped");
  }
  SECTION("10% tolerance: 11 of 10 is within it, 12 is not") {
    Hub hub("  quantity_tolerance: 10%\n");
    hub.order("PO100", kLines);
    hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"1", 11, "EA", 0, "PART-A"}, {"2", 4, "EA", 0, "PART-B"}}));
    hub.run();
    CHECK(hub.exceptions("asn_over_shipment").empty());
    CHECK(hub.order_state("PO100") == "shipped");
    hub.drop("b.edi", ship_notice(2, "SH-2", "PO100", {{"1", 1, "EA", 0, "PART-A"}}));
    hub.run();
    REQUIRE(hub.exceptions("asn_over_shipment").size() == 1);
    CHECK_THAT(hub.exceptions("asn_over_shipment")[0].reason, Catch::Contains("tolerance 10% (at most 11 EA)"));
  }
  SECTION("a quantity tolerance of 2") {
    Hub hub("  quantity_tolerance: 2\n");
    hub.order("PO100", kLines);
    hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"1", 12, "EA", 0, "PART-A"}, {"2", 7, "EA", 0, "PART-B"}}));
    hub.run();
    auto found = hub.exceptions("asn_over_shipment");
    REQUIRE(found.size() == 1);  // line 2: 7 > 4 + 2; line 1: 12 = 10 + 2 is allowed
    CHECK_THAT(found[0].reason, Catch::Contains("line 2") && Catch::Contains("shipped 7 EA"));
  }
}

TEST_CASE("asn_unit_mismatch: another unit and no conversion, while a configured conversion counts in the PO's unit",
          "[reconcile]") {
  SECTION("no conversion") {
    Hub hub;
    hub.order("PO100", kLines);
    hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"1", 1, "CA", 0, "PART-A"}}));  // CA -> CS by the uom table
    hub.run();
    auto found = hub.exceptions("asn_unit_mismatch");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].reason, Catch::Contains("shipped 1 CS but the PO orders in EA"));
    CHECK(hub.shipped("PO100")["1"] == 0);
  }
  SECTION("CS -> EA 12: 1 case is 12 each, over 10 ordered") {
    Hub hub("  unit_conversions: {CS: {EA: 12}}\n");
    hub.order("PO100", kLines);
    hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"1", 1, "CA", 0, "PART-A"}}));
    hub.run();
    CHECK(hub.exceptions("asn_unit_mismatch").empty());
    CHECK(hub.shipped("PO100")["1"] == 12);
    CHECK(hub.exceptions("asn_over_shipment").size() == 1);
  }
}

TEST_CASE("asn_ship_to_mismatch: the ASN's ship-to location is not the PO's", "[reconcile]") {
  Hub hub;
  hub.order("PO100", kLines);
  hub.order("PO200", kLines, "2026-12-10", "2000");
  hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"1", 1, "EA", 0, "PART-A"}}, "00", "1000"));
  hub.drop("b.edi", ship_notice(2, "SH-2", "PO200", {{"1", 1, "EA", 0, "PART-A"}}, "00", "1000"));
  hub.run();
  auto found = hub.exceptions("asn_ship_to_mismatch");
  REQUIRE(found.size() == 1);
  CHECK_THAT(found[0].reason, Catch::Contains("location 1000 on the ASN, 2000 on the PO"));
  CHECK(found[0].documents == std::vector<std::string>{"po:PO200", "shipment:SH-2"});
}

TEST_CASE("duplicate_shipment: an original again is not delivered, a replacement replaces, a cancellation removes",
          "[reconcile]") {
  Hub hub;
  hub.order("PO100", kLines);
  hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"1", 6, "EA", 0, "PART-A"}}));
  hub.run();
  // The same ASN under a new ISA13: a different interchange, the same shipment.
  hub.drop("b.edi", ship_notice(2, "SH-1", "PO100", {{"1", 6, "EA", 0, "PART-A"}}));
  auto summary = hub.run();
  auto found = hub.exceptions("duplicate_shipment");
  REQUIRE(found.size() == 1);
  CHECK_THAT(found[0].reason, Catch::Contains("interchange 000000001") && Catch::Contains("interchange 000000002"));
  CHECK(hub.delivered_shipments("SH-1").size() == 1);
  CHECK(hub.shipped("PO100")["1"] == 6);

  // A replacement (BSN01 05) with 8: shipped is 8, not 14, and the ERP gets it marked as one.
  hub.drop("c.edi", ship_notice(3, "SH-1", "PO100", {{"1", 8, "EA", 0, "PART-A"}}, "05"));
  hub.run();
  CHECK(hub.shipped("PO100")["1"] == 8);
  auto delivered = hub.delivered_shipments("SH-1");
  REQUIRE(delivered.size() == 2);
  CHECK(std::count_if(delivered.begin(), delivered.end(),
                      [](const auto& d) { return d["transaction"]["purpose"] == "replace"; }) == 1);
  CHECK(hub.exceptions("duplicate_shipment").size() == 1);  // no new one

  // A cancellation (01) removes the quantities.
  hub.drop("d.edi", ship_notice(4, "SH-1", "PO100", {{"1", 8, "EA", 0, "PART-A"}}, "01"));
  hub.run();
  CHECK(hub.shipped("PO100")["1"] == 0);
  CHECK(hub.order_state("PO100") == "open");
}

TEST_CASE("asn_missing and asn_under_shipment: after the requested ship date plus the allowance (EDIHUB_NOW)",
          "[reconcile]") {
  Hub hub("  asn_allowance: 24h\n  under_shipment_grace: 48h\n  quantity_tolerance: 10%\n");
  hub.order("PO100", kLines, "2026-12-10");  // ship date ends 2026-12-11T00:00Z
  hub.order("PO200", kLines, "2026-12-10");
  hub.run("2026-12-05T12:00:00Z");
  // PO200 ships 9.5 of 10 (within 10%) and 2 of 4 (below 3.6).
  hub.drop("a.edi", ship_notice(1, "SH-1", "PO200", {{"1", 9.5, "EA", 0, "PART-A"}, {"2", 2, "EA", 0, "PART-B"}}));
  hub.run("2026-12-06T12:00:00Z");

  hub.run("2026-12-11T23:59:00Z");  // within the allowance
  CHECK(hub.exceptions("asn_missing").empty());
  hub.run("2026-12-12T00:00:00Z");  // ship date + 1 day + 24h
  auto missing = hub.exceptions("asn_missing");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].documents == std::vector<std::string>{"po:PO100"});
  hub.run("2026-12-12T06:00:00Z");
  CHECK(hub.exceptions("asn_missing").size() == 1);  // raised once, not per pass
  CHECK(hub.exceptions("asn_under_shipment").empty());  // grace is 48h

  hub.run("2026-12-13T00:00:00Z");
  auto under = hub.exceptions("asn_under_shipment");
  REQUIRE(under.size() == 1);
  CHECK_THAT(under[0].reason, Catch::Contains("PO PO200 line 2") && Catch::Contains("ordered 4 EA, shipped 2 EA"));

  // The missing ASN arrives: asn_missing is resolved by the hub.
  hub.drop("b.edi", ship_notice(2, "SH-2", "PO100", {{"1", 10, "EA", 0, "PART-A"}, {"2", 4, "EA", 0, "PART-B"}}));
  hub.run("2026-12-13T01:00:00Z");
  CHECK(hub.exceptions("asn_missing").empty());
  CHECK(hub.exceptions("asn_missing", "resolved").size() == 1);
  // The rest of PO200 arrives: under-shipment resolved.
  hub.drop("c.edi", ship_notice(3, "SH-3", "PO200", {{"2", 2, "EA", 0, "PART-B"}}));
  hub.run("2026-12-13T02:00:00Z");
  CHECK(hub.exceptions("asn_under_shipment").empty());
}

TEST_CASE("hold_on: an over-shipment waits as held, resolving delivers it, ignoring drops it", "[reconcile]") {
  Hub hub("  hold_on: [asn_over_shipment]\n");
  hub.order("PO100", kLines);
  hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"1", 12, "EA", 0, "PART-A"}}));
  hub.drop("b.edi", ship_notice(2, "SH-2", "PO100", {{"2", 5, "EA", 0, "PART-B"}}));
  hub.drop("c.edi", ship_notice(3, "SH-3", "PO999", {{"1", 5, "EA", 0, "PART-A"}}));  // unknown PO: not held
  hub.run();
  CHECK(hub.delivered_shipments("SH-1").empty());
  CHECK(hub.delivered_shipments("SH-2").empty());
  CHECK(hub.delivered_shipments("SH-3").size() == 1);
  auto found = hub.exceptions("asn_over_shipment");
  REQUIRE(found.size() == 2);
  {
    auto index = edihub::archive::Index::open(hub.dir / "archive/index.db");
    CHECK(index->transaction_set(found[0].set_id)->status == edihub::archive::SetStatus::held);
  }
  const auto& sh1 = found[0].reason.find("SH-1") != std::string::npos ? found[0] : found[1];
  const auto& sh2 = &sh1 == &found[0] ? found[1] : found[0];

  auto resolved = run_edihub({"exceptions", "resolve", std::to_string(sh1.id), "--note", "agreed with supplier",
                              "--config", hub.dir.path().string()});
  INFO(resolved.err << resolved.out);
  REQUIRE(resolved.exit_code == 0);
  auto ignored = run_edihub({"exceptions", "ignore", std::to_string(sh2.id), "--note", "refused at the dock", "--config",
                             hub.dir.path().string()});
  REQUIRE(ignored.exit_code == 0);
  hub.run();
  CHECK(hub.delivered_shipments("SH-1").size() == 1);
  CHECK(hub.delivered_shipments("SH-2").empty());
  auto index = edihub::archive::Index::open(hub.dir / "archive/index.db");
  CHECK(index->transaction_set(sh2.set_id)->status == edihub::archive::SetStatus::dropped);
  CHECK(hub.shipped("PO100")["2"] == 0);  // the dropped ASN's quantities never count
  CHECK(hub.shipped("PO100")["1"] == 12);
}

TEST_CASE("po_ack_missing: no 855 within the allowance after the 850, an 855 in time or late settles it", "[reconcile]") {
  Hub hub("  ack_allowance: 48h\n");
  hub.order("PO100", kLines);
  hub.order("PO200", kLines);
  hub.run("2026-12-05T12:00:00Z");  // both sent now
  hub.drop("a.edi", order_acknowledgment(1, "PO200", "AD", {{kLines[0], "IA", 10}, {kLines[1], "IA", 4}}));
  hub.run("2026-12-06T12:00:00Z");
  CHECK(hub.order_state("PO200") == "acknowledged");
  CHECK(hub.exceptions("po_ack_changed").empty());  // accepted as ordered
  hub.run("2026-12-07T11:59:00Z");
  CHECK(hub.exceptions("po_ack_missing").empty());
  hub.run("2026-12-07T12:00:01Z");
  auto missing = hub.exceptions("po_ack_missing");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].documents == std::vector<std::string>{"po:PO100"});
  hub.drop("b.edi", order_acknowledgment(2, "PO100", "AD", {{kLines[0], "IA", 10}, {kLines[1], "IA", 4}}));
  hub.run("2026-12-08T12:00:00Z");
  CHECK(hub.exceptions("po_ack_missing").empty());
  CHECK(hub.exceptions("po_ack_missing", "resolved").size() == 1);
}

TEST_CASE("po_ack_changed: an 855 that changes a quantity or a price, or rejects", "[reconcile]") {
  Hub hub;
  hub.order("PO100", kLines);
  hub.order("PO200", kLines);
  hub.run();
  OrderLine repriced = kLines[1];
  repriced.unit_price = 11;
  hub.drop("a.edi", order_acknowledgment(1, "PO100", "AC", {{kLines[0], "IQ", 8}, {repriced, "IP", 4}}));
  hub.drop("b.edi", order_acknowledgment(2, "PO200", "RJ", {{kLines[0], "IR", 0}, {kLines[1], "IR", 0}}));
  hub.run();
  auto changed = hub.exceptions("po_ack_changed");
  REQUIRE(changed.size() == 2);
  const auto& po100 = changed[0].documents.front() == "po:PO100" ? changed[0] : changed[1];
  const auto& po200 = &po100 == &changed[0] ? changed[1] : changed[0];
  CHECK_THAT(po100.reason, Catch::Contains("line 1 (PART-A)") && Catch::Contains("quantity 8 EA instead of 10"));
  CHECK_THAT(po100.reason, Catch::Contains("line 2 (PART-B)") && Catch::Contains("unit price 11 instead of 10"));
  CHECK_THAT(po200.reason, Catch::Contains("rejected"));
  auto index = edihub::archive::Index::open(hub.dir / "archive/index.db");
  edihub::archive::BusinessRecords records(*index);
  auto lines = records.order_lines(records.order("supplier", "PO100")->id);
  CHECK(lines[0].ack_quantity == 8);
  CHECK(lines[1].ack_price == 11);
}

TEST_CASE("invoices: unknown PO, over-billed, price mismatch, duplicate, and none within the numbers", "[reconcile]") {
  Hub hub("  price_tolerance: 5%\n");
  hub.order("PO100", kLines);
  hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"1", 6, "EA", 0, "PART-A"}, {"2", 4, "EA", 0, "PART-B"}}));
  hub.run();
  // Line 1: 6 billed of 6 shipped at 2.60 (4% over 2.50: within 5%); line 2: 4 of 4 at 10.
  hub.drop("b.edi", invoice(2, "INV-1", "PO100", {{"1", 6, "EA", 2.6, "PART-A"}, {"2", 4, "EA", 10, "PART-B"}}));
  hub.run();
  for (const char* kind : {"invoice_unknown_po", "invoice_over_billed", "invoice_price_mismatch", "duplicate_invoice"})
    CHECK(hub.exceptions(kind).empty());
  CHECK(hub.order_state("PO100") == "invoiced");

  // Line 1 billed again (2 more of 6 shipped: 8 > 6) at 2.70 (8% over 2.50).
  hub.drop("c.edi", invoice(3, "INV-2", "PO100", {{"1", 2, "EA", 2.7, "PART-A"}}));
  hub.drop("d.edi", invoice(4, "INV-9", "PO999", {{"1", 1, "EA", 1, "PART-A"}}));
  hub.run();
  auto over = hub.exceptions("invoice_over_billed");
  REQUIRE(over.size() == 1);
  CHECK_THAT(over[0].reason, Catch::Contains("invoiced 8 EA in all, shipped 6 EA"));
  CHECK(over[0].documents == std::vector<std::string>{"invoice:INV-2", "po:PO100"});
  auto price = hub.exceptions("invoice_price_mismatch");
  REQUIRE(price.size() == 1);
  CHECK_THAT(price[0].reason, Catch::Contains("unit price 2.7, agreed 2.5 (PO), price tolerance 5%"));
  auto unknown = hub.exceptions("invoice_unknown_po");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].documents == std::vector<std::string>{"invoice:INV-9", "po:PO999"});

  // INV-1 again under a new interchange: not delivered again.
  hub.drop("e.edi", invoice(5, "INV-1", "PO100", {{"1", 6, "EA", 2.6, "PART-A"}, {"2", 4, "EA", 10, "PART-B"}}));
  hub.run();
  REQUIRE(hub.exceptions("duplicate_invoice").size() == 1);
  std::size_t delivered = 0;
  for (const auto& entry : fs::directory_iterator(hub.dir / "erp")) {
    if (entry.path().filename().string()[0] == '.') continue;
    auto doc = nlohmann::json::parse(read_file(entry.path()));
    delivered += doc["target"] == "supplier_invoice" && doc["transaction"]["invoice_number"] == "INV-1";
  }
  CHECK(delivered == 1);
}

TEST_CASE("SIGKILL during reconciliation never counts a shipped quantity twice", "[reconcile][crash]") {
  Hub hub;
  hub.order("PO100", {{"1", 100000, "EA", 1, "PART-A"}});
  hub.run();
  const unsigned rounds = 25, files_per_round = 8;
  unsigned isa13 = 1;
  int killed = 0;
  for (unsigned round = 0; round < rounds; ++round) {
    for (unsigned i = 0; i < files_per_round; ++i, ++isa13)
      hub.drop(fmt::format("asn-{}.edi", isa13),
               ship_notice(isa13, fmt::format("SH-{}", isa13), "PO100", {{"1", 1, "EA", 0, "PART-A"}}));
    killed += kill_edihub_after({"run", "--config", hub.dir.path().string(), "--once"},
                                std::chrono::milliseconds(10 + 7 * (round % 12)));
  }
  hub.run();
  INFO("killed mid-run " << killed << " of " << rounds);
  CHECK(killed > 0);
  // One unit per ASN, each ASN counted once.
  CHECK(hub.shipped("PO100")["1"] == rounds * files_per_round);
  auto index = edihub::archive::Index::open(hub.dir / "archive/index.db");
  edihub::archive::BusinessRecords records(*index);
  CHECK(records.shipments_of_po("supplier", "PO100").size() == rounds * files_per_round);
}

TEST_CASE("erp.open_orders: a PO the ERP sent another way is recorded, never sent, and ASNs reconcile against it",
          "[reconcile]") {
  Hub hub;
  auto profile = read_file(hub.dir / "partners/supplier.yaml");
  const std::string anchor = "  outbound:\n";
  profile.insert(profile.find(anchor), "  open_orders:\n    folder: {path: erp-open, pattern: \"*.json\", settle_seconds: 0}\n");
  write_file(hub.dir / "partners/supplier.yaml", profile);
  write_file(hub.dir / "erp-open/PO300.json", purchase_order_json("PO300", kLines));
  write_file(hub.dir / "erp-open/bad.json", R"({"po_number": "PO301", "lines": [{"line_number": 1, "unit": "EA"}]})");
  hub.drop("a.edi", ship_notice(1, "SH-1", "PO300", {{"1", 10, "EA", 0, "PART-A"}}));
  hub.run();
  CHECK(hub.exceptions("asn_unknown_po").empty());
  CHECK(hub.shipped("PO300")["1"] == 10);
  for (const auto& entry : fs::directory_iterator(hub.dir / "outbox"))
    CHECK_THAT(read_file(entry.path()), !Catch::Contains("ST*850"));  // only our 997
  auto index = edihub::archive::Index::open(hub.dir / "archive/index.db");
  CHECK(edihub::archive::BusinessRecords(*index).order("supplier", "PO300")->origin == "open_orders");
  auto bad = hub.exceptions("unusable_file");
  REQUIRE(bad.size() == 1);
  CHECK_THAT(bad[0].reason, Catch::Contains("bad.json") && Catch::Contains("lines[0].quantity"));
  CHECK(fs::is_empty(hub.dir / "erp-open"));  // both archived, then taken from the folder
}

TEST_CASE("document po: one order's whole life in time order with each step's duration", "[reconcile]") {
  Hub hub;
  hub.order("PO100", kLines);
  hub.run("2026-12-01T08:00:00Z");  // the 850 goes out: ISA13 1, GS06 1
  hub.drop("997.edi", x12_interchange(11, "FA", "997", {"AK1*PO*1", "AK9*A*1*1*1"}));
  hub.run("2026-12-01T08:30:00Z");
  hub.drop("855.edi", order_acknowledgment(12, "PO100", "AD", {{kLines[0], "IA", 10}, {kLines[1], "IA", 4}}));
  hub.run("2026-12-01T12:00:00Z");
  hub.drop("asn1.edi", ship_notice(13, "SH-1", "PO100", {{"1", 6, "EA", 0, "PART-A"}}));
  hub.run("2026-12-03T09:00:00Z");
  hub.drop("asn2.edi", ship_notice(14, "SH-2", "PO100", {{"1", 4, "EA", 0, "PART-A"}, {"2", 4, "EA", 0, "PART-B"}}));
  hub.run("2026-12-04T10:00:00Z");
  hub.drop("810.edi", invoice(15, "INV-1", "PO100", {{"1", 10, "EA", 2.5, "PART-A"}, {"2", 4, "EA", 10, "PART-B"}}));
  hub.run("2026-12-05T15:00:00Z");

  auto r = run_edihub({"document", "po:PO100", "--config", hub.dir.path().string(), "--json"});
  INFO(r.err << r.out);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out)["partners"][0];
  CHECK(doc["order"]["state"] == "closed");  // shipped in full and billed in full
  CHECK(doc["lines"][0]["shipped"] == 10);
  CHECK(doc["lines"][0]["invoiced"] == 10);
  CHECK(doc["lines"][1]["ack_status"] == "accepted");
  // The steps in order, each found after the one before.
  std::vector<std::string> whats;
  for (const auto& step : doc["timeline"]) whats.push_back(step["what"]);
  std::size_t at = 0;
  for (const std::string expected : {"850 sent", "997 received", "855", "856 SH-1", "delivered", "856 SH-2", "810"}) {
    auto found = std::find_if(whats.begin() + static_cast<std::ptrdiff_t>(at), whats.end(),
                              [&](const std::string& w) { return w.find(expected) != std::string::npos; });
    INFO(expected << " after step " << at << " in " << nlohmann::json(whats).dump(1));
    REQUIRE(found != whats.end());
    at = static_cast<std::size_t>(found - whats.begin());
  }
  // Durations: the 997 came 30 minutes after the 850 was sent (the step before it).
  for (const auto& step : doc["timeline"])
    if (step["what"].get<std::string>().rfind("997 received", 0) == 0) CHECK(step["seconds"] == 1800);
}

TEST_CASE("asn_under_shipment also for an order already invoiced for what came", "[reconcile]") {
  Hub hub("  under_shipment_grace: 24h\n");
  hub.order("PO100", kLines, "2026-12-10");
  hub.drop("a.edi", ship_notice(1, "SH-1", "PO100", {{"1", 10, "EA", 0, "PART-A"}, {"2", 3, "EA", 0, "PART-B"}}));
  hub.drop("b.edi", invoice(2, "INV-1", "PO100", {{"1", 10, "EA", 2.5, "PART-A"}, {"2", 3, "EA", 10, "PART-B"}}));
  hub.run("2026-12-06T12:00:00Z");
  CHECK(hub.order_state("PO100") == "invoiced");
  hub.run("2026-12-12T00:00:00Z");  // ship date + 1 day + 24h
  auto under = hub.exceptions("asn_under_shipment");
  REQUIRE(under.size() == 1);
  CHECK_THAT(under[0].reason, Catch::Contains("line 2") && Catch::Contains("ordered 4 EA, shipped 3 EA"));
}
