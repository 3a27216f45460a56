#include <catch2/catch.hpp>

#include "archive/business.h"
#include "archive/index.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using edihub::testing::TempDir;

namespace {

// A file and one inbound set row per call: shipments and invoices refer to sets.
std::int64_t add_set(Index& index, const std::string& key) {
  FileRecord file;
  file.sha256 = std::string(64, 'a');
  file.partner = "acme";
  file.channel = "folder:inbox/acme";
  file.received_at = "2026-12-01T10:00:00.000Z";
  file.id = index.add_file(file);
  TransactionSetRecord set;
  set.file_id = file.id;
  set.partner = "acme";
  set.type = "856";
  set.control_number = "0001";
  set.idempotency_key = key;
  set.received_at = set.updated_at = file.received_at;
  return index.add_transaction_set(set);
}

OrderLineRecord line(const std::string& number, double quantity, const std::string& unit = "EA") {
  OrderLineRecord l;
  l.line_number = number;
  l.buyer_part = "B-" + number;
  l.unit = unit;
  l.quantity = quantity;
  l.unit_price = 2.5;
  return l;
}

OrderRecord order(const std::string& po, const std::string& known_at, const std::string& ship_date = "") {
  OrderRecord o;
  o.partner = "acme";
  o.po_number = po;
  o.known_at = o.updated_at = known_at;
  o.order_date = "2026-12-01";
  o.requested_ship_date = ship_date;
  return o;
}

ShipmentLineRecord shipped(const std::string& po, const std::string& line_number, double quantity) {
  ShipmentLineRecord l;
  l.po_number = po;
  l.line_number = line_number;
  l.item = "line " + line_number;
  l.quantity = quantity;
  l.unit = "EA";
  return l;
}

}  // namespace

TEST_CASE("Business records: an order's shipped and invoiced quantities are summed over what is in force",
          "[index][business]") {
  TempDir dir;
  auto index = Index::open(dir / "index.db");
  BusinessRecords records(*index);
  const auto id = records.put_order(order("PO1", "2026-12-01T10:00:00.000Z"), {line("1", 10), line("2", 4)});

  ShipmentRecord first{0, "acme", "SH-1", add_set(*index, "k1"), "original", ShipmentState::active, "", "2026-12-02T00:00:00Z"};
  ShipmentRecord second{0, "acme", "SH-2", add_set(*index, "k2"), "original", ShipmentState::active, "", "2026-12-03T00:00:00Z"};
  const auto row1 = records.add_shipment(first, {shipped("PO1", "1", 6), shipped("PO1", "2", 4)});
  records.add_shipment(second, {shipped("PO1", "1", 3), shipped("OTHER", "1", 100)});

  auto lines = records.order_lines(id);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].line_number == "1");
  CHECK(lines[0].shipped == 9);  // 6 + 3; the other PO's 100 is not counted
  CHECK(lines[1].shipped == 4);
  CHECK(lines[0].invoiced == 0);

  // A replaced shipment no longer counts.
  records.set_shipment_state(row1, ShipmentState::replaced);
  lines = records.order_lines(id);
  CHECK(lines[0].shipped == 3);
  CHECK(lines[1].shipped == 0);
  CHECK_THROWS_AS(records.set_shipment_state(row1, ShipmentState::active), ArchiveStateError);

  InvoiceRecord invoice{0, "acme", "INV-1", add_set(*index, "k3"), "PO1", "2026-12-04", InvoiceState::active, "2026-12-04T00:00:00Z"};
  records.add_invoice(invoice, {InvoiceLineRecord{0, 0, "PO1", "1", 3, 2.5}});
  CHECK(records.order_lines(id)[0].invoiced == 3);
  CHECK(records.invoices("acme", "INV-1").size() == 1);
  CHECK(records.invoices_of_po("acme", "PO1").size() == 1);
  CHECK(records.shipments_of_po("acme", "PO1").size() == 2);
  CHECK(records.shipments("acme", "SH-2").size() == 1);
}

TEST_CASE("Business records: a PO sent again replaces its lines, unmatched shipment lines are found by PO",
          "[index][business]") {
  TempDir dir;
  auto index = Index::open(dir / "index.db");
  BusinessRecords records(*index);
  const auto id = records.put_order(order("PO1", "2026-12-01T10:00:00.000Z"), {line("1", 10), line("2", 4)});
  CHECK(records.put_order(order("PO1", "2026-12-01T11:00:00.000Z"), {line("1", 12)}) == id);
  auto lines = records.order_lines(id);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].quantity == 12);

  ShipmentRecord early{0, "acme", "SH-9", add_set(*index, "k1"), "original", ShipmentState::active, "", "2026-12-02T00:00:00Z"};
  records.add_shipment(early, {shipped("PO7", "", 5)});
  auto unmatched = records.unmatched_shipment_lines("acme", "PO7");
  REQUIRE(unmatched.size() == 1);
  CHECK(records.unmatched_shipment_lines("other", "PO7").empty());
  records.match_shipment_line(unmatched[0].id, "1", 60, "EA");
  CHECK(records.unmatched_shipment_lines("acme", "PO7").empty());
  CHECK(records.shipment_lines(unmatched[0].shipment_row).at(0).quantity == 60);
}

TEST_CASE("Business records: orders page newest first and are found by due date and missing 855",
          "[index][business]") {
  TempDir dir;
  auto index = Index::open(dir / "index.db");
  BusinessRecords records(*index);
  records.put_order(order("A", "2026-12-01T10:00:00.000Z", "2026-12-05"), {line("1", 1)});
  records.put_order(order("B", "2026-12-02T10:00:00.000Z", "2026-12-09"), {line("1", 1)});
  auto c = order("C", "2026-12-03T10:00:00.000Z");
  c.origin = "import";
  records.put_order(c, {line("1", 1)});

  auto page = records.orders(std::nullopt, std::nullopt, Page{2, 0});
  REQUIRE(page.size() == 2);
  CHECK(page[0].po_number == "C");
  CHECK(page[1].po_number == "B");
  CHECK(records.orders(std::nullopt, std::nullopt, Page{2, 2}).at(0).po_number == "A");
  CHECK(records.count_orders("acme", std::nullopt) == 3);
  CHECK(records.count_orders("acme", OrderState::shipped) == 0);

  auto due = records.orders_due_by("2026-12-05");
  REQUIRE(due.size() == 1);
  CHECK(due[0].po_number == "A");
  // Only orders we sent wait for an 855; C was imported.
  auto unacknowledged = records.orders_unacknowledged_since("2026-12-31T00:00:00.000Z");
  REQUIRE(unacknowledged.size() == 2);
  CHECK(unacknowledged[0].po_number == "A");

  auto a = *records.order("acme", "A");
  a.acknowledged_at = "2026-12-02T00:00:00.000Z";
  a.ack_status = "accepted";
  a.state = OrderState::acknowledged;
  records.update_order(a);
  CHECK(records.orders_unacknowledged_since("2026-12-31T00:00:00.000Z").size() == 1);
  CHECK(records.count_orders(std::nullopt, OrderState::acknowledged) == 1);
}

TEST_CASE("Exceptions keep the business documents they are about", "[index][business]") {
  TempDir dir;
  auto index = Index::open(dir / "index.db");
  ExceptionRecord e;
  e.partner = "acme";
  e.kind = "asn_over_shipment";
  e.reason = "r";
  e.created_at = "2026-12-01T00:00:00Z";
  e.documents = {"po:4500012345", "shipment:SH-1"};
  const auto id = index->add_exception(e);
  CHECK(index->exception(id)->documents == std::vector<std::string>{"po:4500012345", "shipment:SH-1"});
}
