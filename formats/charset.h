// Character sets of element values. X12 carries bytes; the hub writes JSON, which must be
// UTF-8. A partner's profile names the set it sends (`encoding:`, any name glibc iconv
// knows, UTF-8 by default): validation reports a value that is not valid in that set as
// an invalid character (AK4 code 6), and everything the hub passes on is converted to
// UTF-8 first. Pure: no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace edihub::x12 {

struct InvalidByte {
  std::size_t offset = 0;  // of the first byte that does not decode, 0-based
  unsigned char byte = 0;
};

class Charset {
 public:
  static const Charset& utf8();
  // Throws std::invalid_argument when iconv has no converter from `name` to UTF-8.
  explicit Charset(std::string name);

  const std::string& name() const { return name_; }
  bool is_utf8() const { return utf8_; }

  // The first byte of `value` that is not a character of this set; nullopt when it all decodes.
  std::optional<InvalidByte> first_invalid(std::string_view value) const;
  // `value` in UTF-8; a byte that does not decode becomes U+FFFD, so the result is always valid UTF-8.
  std::string to_utf8(std::string_view value) const;

 private:
  std::string name_;
  bool utf8_ = false;
};

// `text` with every byte that is not part of valid UTF-8 written as \xHH, for messages.
std::string escape_invalid_utf8(std::string_view text);

}  // namespace edihub::x12
