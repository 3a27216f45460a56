#include "hub/text_escape.h"

#include <fmt/format.h>

namespace edihub::hub {

namespace {

// Length of the UTF-8 sequence starting at text[i], 0 when it is not a valid one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  auto c = static_cast<unsigned char>(text[i]);
  std::size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return 0;
  return n;
}

std::string escape(std::string_view text, bool keep_lines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') out += keep_lines ? "\n" : "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    if (c < 0x80) {
      if (c >= 0x20 && c != 0x7f) out += static_cast<char>(c);
      ++i;
      continue;
    }
    std::size_t n = utf8_length(text, i);
    auto next = n ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (n == 2 && c == 0xc2 && next <= 0x9f) {
      out += fmt::format("\\x{:02x}\\x{:02x}", c, next);  // U+0080..U+009F: the C1 controls
    } else if (n) {
      out.append(text.substr(i, n));
    } else {
      // Not UTF-8 (e.g. Latin-1): a byte in 0x80..0x9f is a C1 control to some terminals.
      if (c <= 0x9f) out += fmt::format("\\x{:02x}", c);
      else out += static_cast<char>(c);
      n = 1;
    }
    i += n;
  }
  return out;
}

}  // namespace

std::string escape_controls(std::string_view text) { return escape(text, false); }
std::string escape_controls_keep_lines(std::string_view text) { return escape(text, true); }

}  // namespace edihub::hub
