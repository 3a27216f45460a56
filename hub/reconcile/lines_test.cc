#include "hub/reconcile/lines.h"

#include <catch2/catch.hpp>

using namespace edihub::hub::reconcile;
using edihub::archive::OrderLineRecord;
using edihub::archive::OrderRecord;
using edihub::archive::OrderState;

namespace {

OrderLineRecord line(const std::string& number, const std::string& buyer, const std::string& vendor,
                     const std::string& upc, double ordered, double shipped = 0, double invoiced = 0) {
  OrderLineRecord l;
  l.line_number = number;
  l.buyer_part = buyer;
  l.vendor_part = vendor;
  l.upc = upc;
  l.unit = "EA";
  l.quantity = ordered;
  l.shipped = shipped;
  l.invoiced = invoiced;
  return l;
}

}  // namespace

TEST_CASE("An item matches its PO line by number, then buyer part, vendor part, UPC", "[reconcile]") {
  std::vector<OrderLineRecord> lines = {line("1", "B-1", "V-1", "012345678905", 10), line("2", "B-2", "V-2", "", 5)};
  CHECK(match_line(lines, {{"line_number", "0002"}})->line_number == "2");     // leading zeros ignored
  CHECK(match_line(lines, {{"line_number", "2"}, {"buyer_part", "B-1"}})->line_number == "2");  // number first
  CHECK(match_line(lines, {{"line_number", "9"}, {"buyer_part", "B-1"}})->line_number == "1");
  CHECK(match_line(lines, {{"vendor_part", "V-2"}})->line_number == "2");
  CHECK(match_line(lines, {{"upc", "012345678905"}})->line_number == "1");
  CHECK(match_line(lines, {{"line_number", "9"}, {"buyer_part", "B-9"}}) == nullptr);
  CHECK(item_name({{"line_number", "9"}, {"buyer_part", "B-9"}}) == "line 9 (buyer part B-9)");
}

TEST_CASE("Quantities read from ERP JSON and written back as people write them", "[reconcile]") {
  CHECK(number(nlohmann::json(2.5)) == 2.5);
  CHECK(number(nlohmann::json("48.00")) == 48);
  CHECK(number(nlohmann::json("4 8")) == 0);
  CHECK(number(nlohmann::json(nullptr)) == 0);
  CHECK(quantity(24) == "24");
  CHECK(quantity(2.5) == "2.5");
  CHECK(quantity(0.125) == "0.125");
  CHECK(text({{"line_number", 3}}, "line_number") == "3");
}

TEST_CASE("Units convert through the partner's table either way, or not at all", "[reconcile]") {
  edihub::partners::ReconcileRules rules;
  rules.unit_conversions["CS"]["EA"] = 12;
  CHECK(*convert(rules, 2, "CS", "EA") == 24);
  CHECK(*convert(rules, 6, "EA", "CS") == 0.5);
  CHECK(*convert(rules, 6, "EA", "EA") == 6);
  CHECK_FALSE(convert(rules, 6, "LB", "EA"));
}

TEST_CASE("An order's state follows its quantities", "[reconcile]") {
  edihub::partners::ReconcileRules rules;
  OrderRecord order;
  CHECK(derive_state(order, {line("1", "", "", "", 10)}, rules) == OrderState::open);
  order.ack_status = "acknowledge_with_detail_no_change";
  CHECK(derive_state(order, {line("1", "", "", "", 10)}, rules) == OrderState::acknowledged);
  CHECK(derive_state(order, {line("1", "", "", "", 10, 4), line("2", "", "", "", 5)}, rules) ==
        OrderState::partially_shipped);
  CHECK(derive_state(order, {line("1", "", "", "", 10, 10), line("2", "", "", "", 5, 5)}, rules) == OrderState::shipped);
  CHECK(derive_state(order, {line("1", "", "", "", 10, 11), line("2", "", "", "", 5, 5)}, rules) ==
        OrderState::over_shipped);
  rules.quantity = {10, true};  // 11 of 10 is within 10%
  CHECK(derive_state(order, {line("1", "", "", "", 10, 11), line("2", "", "", "", 5, 5)}, rules) == OrderState::shipped);
  CHECK(derive_state(order, {line("1", "", "", "", 10, 10, 3), line("2", "", "", "", 5, 5)}, rules) ==
        OrderState::invoiced);
  CHECK(derive_state(order, {line("1", "", "", "", 10, 10, 10), line("2", "", "", "", 5, 5, 5)}, rules) ==
        OrderState::closed);
  order.state = OrderState::closed;  // cancelled by the ERP
  CHECK(derive_state(order, {line("1", "", "", "", 10)}, rules) == OrderState::closed);
}
