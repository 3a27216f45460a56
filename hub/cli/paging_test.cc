#include "hub/cli/paging.h"

#include <catch2/catch.hpp>

using edihub::hub::page_footer;
using edihub::hub::page_json;
using edihub::hub::PageOptions;

TEST_CASE("page footer: all rows, a middle page, the last page, past the end", "[paging]") {
  CHECK(page_footer(3, 3, PageOptions{1000, 0}, "exception(s)") == "3 exception(s)");
  CHECK(page_footer(0, 0, PageOptions{1000, 0}, "exception(s)") == "0 exception(s)");
  CHECK(page_footer(50, 1234, PageOptions{50, 0}, "transaction set(s)") ==
        "rows 1-50 of 1234 transaction set(s); more: --offset 50");
  CHECK(page_footer(50, 1234, PageOptions{50, 50}, "transaction set(s)") ==
        "rows 51-100 of 1234 transaction set(s); more: --offset 100");
  CHECK(page_footer(34, 1234, PageOptions{50, 1200}, "transaction set(s)") == "rows 1201-1234 of 1234 transaction set(s)");
  CHECK(page_footer(0, 1234, PageOptions{50, 2000}, "transaction set(s)") ==
        "no rows at --offset 2000: 1234 transaction set(s) in all");
}

TEST_CASE("page JSON: total, limit, offset and next_offset, null at the end", "[paging]") {
  auto middle = page_json(nlohmann::ordered_json::array({1, 2}), 5, PageOptions{2, 2});
  CHECK(middle.dump() == R"({"total":5,"limit":2,"offset":2,"next_offset":4,"rows":[1,2]})");
  auto last = page_json(nlohmann::ordered_json::array({5}), 5, PageOptions{2, 4});
  CHECK(last["next_offset"].is_null());
  auto past = page_json(nlohmann::ordered_json::array(), 5, PageOptions{2, 9});
  CHECK(past["next_offset"].is_null());
  CHECK(past["rows"].empty());
}
