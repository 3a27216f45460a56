#include "formats/trailer_checks.h"

#include <algorithm>
#include <charconv>

namespace edihub::x12 {

std::optional<std::uint64_t> to_number(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> count_mismatch(std::string_view declared, std::uint64_t actual,
                                          std::string_view what) {
  const auto value = to_number(declared);
  if (value && *value == actual) return std::nullopt;
  const std::string seen = std::to_string(actual) + " " + std::string(what);
  if (!value) return "'" + std::string(declared) + "' is not a number; found " + seen;
  return "declares " + std::string(declared) + " but found " + seen;
}

std::optional<std::string> control_mismatch(std::string_view trailer, std::string_view header,
                                            std::string_view header_element) {
  if (trailer == header) return std::nullopt;
  const auto trailer_value = to_number(trailer), header_value = to_number(header);
  if (trailer_value && header_value && *trailer_value == *header_value) {
    return "control number " + std::string(trailer) + " equals " + std::string(header_element) + " " +
           std::string(header) + " numerically but is not padded the same way";
  }
  return "control number " + std::string(trailer) + " does not match " + std::string(header_element) +
         " " + std::string(header);
}

void close_set_copy(TransactionSet& set, const SegmentView& trailer, std::uint64_t set_start, std::uint32_t position,
                    std::uint64_t max_set_bytes, bool copying) {
  std::uint64_t trailer_bytes = trailer.tag.size() + trailer.elements.size() + 1;
  for (std::string_view element : trailer.elements) trailer_bytes += element.size();
  set.bytes = trailer.byte_offset + trailer_bytes - set_start;
  if (!copying || set.truncated) return;
  if (set.bytes > max_set_bytes) {
    set.truncated = true;
    set.segments.clear();
    set.segments.shrink_to_fit();
    return;
  }
  set.segments.push_back(to_owned(trailer, position));
}

}  // namespace edihub::x12
