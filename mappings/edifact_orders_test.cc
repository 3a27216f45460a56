// The standard outbound ORDERS mapping (mappings/standard/outbound/edifact-orders-purchase-order.yaml):
// an ERP purchase order becomes the body of an ORDERS message, segments held unescaped with
// composites joined by edifact::kComponent, rendered here with the UNA defaults to compare
// with the message written out by hand. Also the EDIFACT target's load errors.
#include <catch2/catch.hpp>

#include "formats/edifact.h"
#include "mappings/outbound.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using edihub::testing::data_dir;
using edihub::testing::read_file;
using edihub::testing::source_dir;
using Catch::Matchers::Contains;
namespace edifact = edihub::edifact;

namespace {

const char* const kOrders = "mappings/standard/outbound/edifact-orders-purchase-order.yaml";

std::string body(const OutboundMapping::Output& out) {
  std::string text;
  for (const auto& segment : out.segments) text += edifact::render(segment, edifact::default_delimiters(3)) + "\n";
  return text;
}

void check_load_error(const std::string& target, const std::string& message) {
  std::string text = "source: {format: erp, transaction: purchase_order}\ntarget: " + target + "\nsegments:\n  - BGM: [\"220\"]\n";
  try {
    OutboundMapping::load(text, "o.yaml");
    FAIL("loaded: " << target);
  } catch (const MappingFileError& e) {
    CHECK(e.line == 2);
    CHECK_THAT(e.what(), Contains(message));
  }
}

}  // namespace

TEST_CASE("ORDERS: the standard purchase order becomes BGM .. CNT with composites", "[mappings][edifact][orders]") {
  auto mapping = OutboundMapping::load(read_file(source_dir() / kOrders), kOrders);
  CHECK(mapping->target_format() == "edifact");
  CHECK(mapping->transaction_set() == "ORDERS");
  CHECK(mapping->versions() == std::vector<std::string>{"D96A", "D01B"});
  CHECK(mapping->association() == "EAN008");
  auto po = nlohmann::json::parse(read_file(data_dir() / "erp/purchase_order_standard.json"));
  auto out = mapping->evaluate(po, {}, edifact::unescaped_delimiters());
  // Written by hand from tests/data/erp/purchase_order_standard.json.
  CHECK(body(out) ==
        "BGM+220+4500012345+9'\n"
        "DTM+137:20240318:102'\n"
        "DTM+2:20240329:102'\n"
        "DTM+10:20240325:102'\n"
        "NAD+ST+1000::92++Acme Toledo DC+4400 Industrial Pkwy+Toledo+OH+43612+US'\n"
        "NAD+IV+HQ::92++Acme Retail Accounts Payable+1 Commerce Sq:Floor 9+Cleveland+OH+44114+US'\n"
        "NAD+SU+V10077::92++Northwind Supply'\n"
        "CUX+2:USD:9'\n"
        "PAT+1++5:3:D:30'\n"
        "PCD+12:2'\n"
        "TDT+20++5++UPSN::182'\n"
        "LIN+1++012345678905:UP'\n"
        "PIA+5+B-1001:IN'\n"
        "PIA+5+NW-55-A:SA'\n"
        "IMD+F++:::Hex bolt M8 x 40, zinc'\n"
        "QTY+21:24:EA'\n"
        "PRI+AAA:12.5'\n"
        "LIN+2'\n"  // no UPC: the literal UP alone is not written
        "PIA+5+B-2002:IN'\n"
        "IMD+F++:::Copper wire 12 AWG'\n"
        "QTY+21:2.5:LBR'\n"
        "PRI+AAA:7.12'\n"
        "LIN+3'\n"
        "PIA+5+B-3003:IN'\n"
        "PIA+5+NW-900:SA'\n"
        "QTY+21:6:CS'\n"
        "PRI+AAA:48'\n"
        "UNS+S'\n"
        "MOA+86:605.8'\n"
        "CNT+2:3'\n");
  CHECK(out.segments.front().position == 2);  // UNH is 1
  CHECK(out.segments[4].elements[1] == std::string("1000") + edifact::kComponent + edifact::kComponent + "92");
  CHECK(out.keys == std::vector<std::pair<std::string, std::string>>{{"po_number", "4500012345"}});
}

TEST_CASE("ORDERS: EDIFACT data may hold + and ' (the writer escapes them), not the reserved controls",
          "[mappings][edifact][orders]") {
  auto mapping = OutboundMapping::load(read_file(source_dir() / kOrders), kOrders);
  auto po = nlohmann::json::parse(read_file(data_dir() / "erp/purchase_order_standard.json"));
  po["vendor"]["name"] = "Northwind + O'Neil";
  auto out = mapping->evaluate(po, {}, edifact::unescaped_delimiters());
  CHECK(body(out).find("NAD+SU+V10077::92++Northwind ?+ O?'Neil'\n") != std::string::npos);
  po["vendor"]["name"] = std::string("North") + edifact::kComponent + "wind";
  CHECK_THROWS_WITH(mapping->evaluate(po, {}, edifact::unescaped_delimiters()),
                    Contains("control character EDIFACT data cannot hold"));
}

TEST_CASE("ORDERS: an EDIFACT target names a message type and directories", "[mappings][edifact][orders]") {
  check_load_error("{format: edifact, versions: [D96A]}", "target needs 'message'");
  check_load_error("{format: edifact, message: orders, versions: [D96A]}", "six capitals");
  check_load_error("{format: edifact, message: ORDERS, versions: [\"96A\"]}", "not an EDIFACT directory");
  check_load_error("{format: edifact, message: ORDERS, versions: [D96A], transaction_set: \"850\"}", "unknown key 'transaction_set'");
}
