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

}  // namespace edihub::x12
