// edihub orders on an archive seeded row by row (tests/support/business_archive.h): totals,
// open exceptions, filters, paging, a bad --state, escaping; and `orders import`.
#include <cstdlib>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive/lock.h"
#include "archive/raw_store.h"
#include "hub/cli/commands.h"
#include "tests/support/business_archive.h"

using namespace edihub;
using namespace edihub::testing;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

CommandOutput orders(const BusinessArchive& a, hub::OrdersOptions options, bool as_json) {
  return call([&](std::ostream& out, std::ostream& err) {
    return hub::command_orders(a.config_dir(), options, as_json, out, err);
  });
}

std::vector<std::string> po_numbers(const json& page) {
  std::vector<std::string> out;
  for (const auto& row : page["rows"]) out.push_back(row["partner"].get<std::string>() + "/" + row["po_number"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("orders: newest first with state, dates, lines, totals and open exceptions", "[cli][orders]") {
  BusinessArchive a;
  a.seed_order();  // known 2026-11-20T10:00
  a.add_plain_order("supplier", "4500000001", archive::OrderState::open, "2026-11-18T08:00:00.000Z", 12);
  a.add_plain_order("globex", "7700", archive::OrderState::open, "2026-11-22T08:00:00.000Z", 3);

  auto r = orders(a, {}, true);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["total"] == 3);
  CHECK(j["next_offset"].is_null());
  CHECK(po_numbers(j) == std::vector<std::string>{"globex/7700", "supplier/4500012345", "supplier/4500000001"});
  const auto& po = j["rows"][1];
  CHECK(po["state"] == "over_shipped");
  CHECK(po["order_date"] == "2026-11-20");
  CHECK(po["requested_ship_date"] == "2026-11-25");
  CHECK(po["lines"] == 2);
  CHECK(po["ordered"] == 140);   // 100 + 40
  CHECK(po["shipped"] == 110);   // 60 + 50 from SH-1
  CHECK(po["invoiced"] == 60);   // 60 on line 1 from INV-9
  CHECK(po["open_exceptions"] == 1);  // the over-shipment
  CHECK(j["rows"][2]["open_exceptions"] == 0);

  auto text = orders(a, {}, false);
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Contains("supplier     4500012345     over_shipped      2026-11-20 2026-11-25     2       140       "
                                "110        60          1\n"));
  CHECK_THAT(text.out, Contains("3 order(s)\n"));

  // The over-shipment resolved: no open exception left on the PO.
  a.index->close_exception(a.over_shipment, archive::ExceptionState::resolved, "ann", "supplier credits 10",
                           "2026-11-26T08:00:00.000Z");
  CHECK(json::parse(orders(a, {}, true).out)["rows"][1]["open_exceptions"] == 0);
}

TEST_CASE("orders: --partner and --state filter, --limit and --offset page", "[cli][orders]") {
  BusinessArchive a;
  a.seed_order();
  a.add_plain_order("supplier", "4500000001", archive::OrderState::open, "2026-11-18T08:00:00.000Z");
  a.add_plain_order("supplier", "4500000002", archive::OrderState::open, "2026-11-19T08:00:00.000Z");
  a.add_plain_order("globex", "7700", archive::OrderState::open, "2026-11-22T08:00:00.000Z");

  CHECK(po_numbers(json::parse(orders(a, {"globex", std::nullopt, {}}, true).out)) == std::vector<std::string>{"globex/7700"});
  auto open = json::parse(orders(a, {"supplier", "open", {}}, true).out);
  CHECK(po_numbers(open) == std::vector<std::string>{"supplier/4500000002", "supplier/4500000001"});

  auto first = json::parse(orders(a, {std::nullopt, std::nullopt, {2, 0}}, true).out);
  CHECK(first["total"] == 4);
  CHECK(first["next_offset"] == 2);
  CHECK(po_numbers(first) == std::vector<std::string>{"globex/7700", "supplier/4500012345"});
  auto second = json::parse(orders(a, {std::nullopt, std::nullopt, {2, 2}}, true).out);
  CHECK(second["next_offset"].is_null());
  CHECK(po_numbers(second) == std::vector<std::string>{"supplier/4500000002", "supplier/4500000001"});
  CHECK_THAT(orders(a, {std::nullopt, std::nullopt, {2, 0}}, false).out,
             Contains("rows 1-2 of 4 order(s); more: --offset 2"));
}

TEST_CASE("orders: a --state that is no order state exits 2 naming the states", "[cli][orders]") {
  BusinessArchive a;
  auto r = orders(a, {std::nullopt, "late", {}}, false);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("'late'") && Contains("open, acknowledged, partially_shipped, shipped, over_shipped, invoiced, closed"));
}

TEST_CASE("orders: a PO number holding control characters is escaped in text", "[cli][orders]") {
  BusinessArchive a;
  a.add_plain_order("globex", "77\x1b[2J00", archive::OrderState::open, "2026-11-22T08:00:00.000Z");
  auto text = orders(a, {}, false);
  CHECK(text.out.find('\x1b') == std::string::npos);
  CHECK_THAT(text.out, Contains("77\\x1b[2J00"));
  CHECK(json::parse(orders(a, {}, true).out)["rows"][0]["po_number"] == "77\x1b[2J00");
}

namespace {

CommandOutput import(const BusinessArchive& a, const std::string& file, const std::string& partner, bool as_json = false) {
  hub::OrdersImportOptions options{file, partner};
  return call([&](std::ostream& out, std::ostream& err) {
    return hub::command_orders_import(a.config_dir(), options, as_json, out, err);
  });
}

}  // namespace

TEST_CASE("orders import: an unusable file or partner is refused naming the file and the field", "[cli][orders][import]") {
  BusinessArchive a;
  const auto po = json::parse(read_file(data_dir() / "erp/purchase_order_standard.json"));
  auto refused = [&](json doc, const std::string& expected) {
    const auto file = (a.dir / "po.json").string();
    write_file(file, doc.is_string() ? doc.get<std::string>() : doc.dump());
    auto r = import(a, file, "supplier");
    INFO(expected);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "edihub: " + file + ": " + expected + "\n");
  };
  auto without = [&](const std::string& field) {
    auto doc = po;
    doc.erase(field);
    return doc;
  };
  refused(without("po_number"), "not a purchase_order: 'po_number': expected a non-empty string");
  auto doc = po;
  doc["lines"][1].erase("quantity");
  refused(doc, "not a purchase_order: lines[1].quantity: expected a number or a decimal string");
  doc = po;
  doc["lines"][2].erase("unit");
  refused(doc, "not a purchase_order: lines[2].unit: expected a unit such as EA");
  doc = po;
  doc["lines"] = json::array();
  refused(doc, "not a purchase_order: 'lines': expected a list of at least one order line");
  write_file(a.dir / "po.json", "{\"po_number\": \"1\",\n  oops}");
  auto broken = import(a, (a.dir / "po.json").string(), "supplier");
  CHECK(broken.exit_code == 2);
  CHECK(broken.err.starts_with("edihub: " + (a.dir / "po.json").string() + ": not JSON at line 2, column 3: "));
  CHECK(broken.err.find('\n') == broken.err.size() - 1);  // the file's line break quoted back is escaped

  write_file(a.dir / "po.json", po.dump());
  auto unknown = import(a, (a.dir / "po.json").string(), "initech");
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Contains("no partner 'initech'") && Contains("partners: globex, supplier"));
  CHECK(a.records->count_orders(std::nullopt, std::nullopt) == 0);  // nothing recorded
}

TEST_CASE("orders import: archived as an ERP file, recorded as an open order, under the archive lock", "[cli][orders][import]") {
  BusinessArchive a;
  setenv("EDIHUB_NOW", "2026-11-27T10:00:00Z", 1);
  const auto file = (a.dir / "PO-4500012345.json").string();
  const auto bytes = read_file(data_dir() / "erp/purchase_order_standard.json");
  write_file(file, bytes);

  {
    // Another process working on the archive: nothing is written.
    archive::ArchiveLock held(a.config->archive_dir);
    CHECK_THROWS_WITH(import(a, file, "supplier"), Contains("another edihub process is working on the archive"));
  }
  auto r = import(a, file, "supplier", true);
  unsetenv("EDIHUB_NOW");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["po_number"] == "4500012345");
  CHECK(j["state"] == "open");
  CHECK(j["lines"] == 3);

  auto row = a.index->file(j["file_id"]);
  REQUIRE(row);
  CHECK(row->direction == "erp");
  CHECK(row->channel == "import:PO-4500012345.json");
  CHECK(row->status == archive::FileStatus::processed);
  CHECK(row->received_at == "2026-11-27T10:00:00.000Z");
  CHECK(archive::RawStore(a.config->archive_dir).read(row->sha256) == bytes);

  auto order = a.records->order("supplier", "4500012345");
  REQUIRE(order);
  CHECK(order->origin == "import");
  CHECK(order->file_id == row->id);
  CHECK(order->requested_ship_date == "2024-03-25");
  CHECK(a.records->order_lines(order->id).size() == 3);
}
