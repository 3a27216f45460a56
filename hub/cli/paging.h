// Paging of the list commands (archive query, exceptions, acks): every list says how many
// rows matched in total and how to get the next page, in text and in JSON
// (docs/tools.md, "Lists: totals and paging").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace edihub::hub {

struct PageOptions {
  int limit = 1000;          // --limit
  std::int64_t offset = 0;   // --offset: rows skipped
};

// The offset of the next page, or -1 when `shown` rows from `page.offset` reach the end.
std::int64_t next_offset(std::size_t shown, std::int64_t total, const PageOptions& page);

// {"total", "limit", "offset", "next_offset" (null at the end), "rows"}.
nlohmann::ordered_json page_json(nlohmann::ordered_json rows, std::int64_t total, const PageOptions& page);

// The last line of a text list: "3 exception(s)" when every row is shown, else
// "rows 1-50 of 1234 transaction set(s); more: --offset 50" (or where the rows end).
std::string page_footer(std::size_t shown, std::int64_t total, const PageOptions& page, std::string_view noun);

}  // namespace edihub::hub
