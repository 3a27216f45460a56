#include "formats/charset.h"

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace edihub::x12 {

namespace {

bool ascii(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// One iconv conversion to UTF-8 (iconv descriptors hold state: one per call, not shared).
class Decoder {
 public:
  explicit Decoder(const std::string& from) : cd_(iconv_open("UTF-8", from.c_str())) {}
  ~Decoder() {
    if (usable()) iconv_close(cd_);
  }
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;
  bool usable() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  // Converts `in` from `offset` on, appending to `out`; returns the offset of the first
  // byte that does not decode, or in.size() when all of it did.
  std::size_t run(std::string_view in, std::size_t offset, std::string& out) {
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // a fresh shift state
    char buffer[256];
    while (offset < in.size()) {
      char* src = const_cast<char*>(in.data()) + offset;  // iconv's signature; it does not write
      std::size_t src_left = in.size() - offset;
      char* dst = buffer;
      std::size_t dst_left = sizeof buffer;
      const std::size_t done = iconv(cd_, &src, &src_left, &dst, &dst_left);
      out.append(buffer, static_cast<std::size_t>(dst - buffer));
      offset = in.size() - src_left;
      if (done != static_cast<std::size_t>(-1)) continue;
      if (errno != E2BIG) return offset;  // EILSEQ: invalid byte; EINVAL: cut-off sequence at the end
    }
    // Flush a stateful encoding's closing sequence.
    char* dst = buffer;
    std::size_t dst_left = sizeof buffer;
    iconv(cd_, nullptr, nullptr, &dst, &dst_left);
    out.append(buffer, static_cast<std::size_t>(dst - buffer));
    return in.size();
  }

 private:
  iconv_t cd_;
};

bool names_utf8(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name == "utf-8" || name == "utf8";
}

}  // namespace

const Charset& Charset::utf8() {
  static const Charset kUtf8("UTF-8");
  return kUtf8;
}

Charset::Charset(std::string name) : name_(std::move(name)), utf8_(names_utf8(name_)) {
  if (!Decoder(name_).usable()) throw std::invalid_argument("character set '" + name_ + "' is not known to iconv");
}

std::optional<InvalidByte> Charset::first_invalid(std::string_view value) const {
  if (ascii(value)) return std::nullopt;  // every supported set is a superset of ASCII
  Decoder decoder(name_);
  std::string sink;
  const std::size_t stop = decoder.run(value, 0, sink);
  if (stop >= value.size()) return std::nullopt;
  return InvalidByte{stop, static_cast<unsigned char>(value[stop])};
}

std::string Charset::to_utf8(std::string_view value) const {
  if (ascii(value)) return std::string(value);
  Decoder decoder(name_);
  std::string out;
  out.reserve(value.size() + value.size() / 2);
  for (std::size_t offset = 0; offset < value.size();) {
    offset = decoder.run(value, offset, out);
    if (offset < value.size()) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++offset;
    }
  }
  return out;
}

std::string escape_invalid_utf8(std::string_view text) {
  if (ascii(text)) return std::string(text);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  Decoder decoder("UTF-8");
  for (std::size_t offset = 0; offset < text.size();) {
    offset = decoder.run(text, offset, out);
    if (offset < text.size()) {
      const auto byte = static_cast<unsigned char>(text[offset++]);
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

}  // namespace edihub::x12
