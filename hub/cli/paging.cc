#include "hub/cli/paging.h"

#include <fmt/format.h>

namespace edihub::hub {

std::int64_t next_offset(std::size_t shown, std::int64_t total, const PageOptions& page) {
  const std::int64_t end = page.offset + static_cast<std::int64_t>(shown);
  return end < total ? end : -1;
}

nlohmann::ordered_json page_json(nlohmann::ordered_json rows, std::int64_t total, const PageOptions& page) {
  const auto next = next_offset(rows.size(), total, page);
  return {{"total", total},
          {"limit", page.limit},
          {"offset", page.offset},
          {"next_offset", next < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(next)},
          {"rows", std::move(rows)}};
}

std::string page_footer(std::size_t shown, std::int64_t total, const PageOptions& page, std::string_view noun) {
  if (page.offset == 0 && static_cast<std::int64_t>(shown) == total) return fmt::format("{} {}", total, noun);
  if (shown == 0) return fmt::format("no rows at --offset {}: {} {} in all", page.offset, total, noun);
  std::string line = fmt::format("rows {}-{} of {} {}", page.offset + 1, page.offset + static_cast<std::int64_t>(shown),
                                 total, noun);
  if (auto next = next_offset(shown, total, page); next >= 0) line += fmt::format("; more: --offset {}", next);
  return line;
}

}  // namespace edihub::hub
