// What the X12 and EDIFACT readers share: feeding a chunk of any size to a reader that
// reads complete segments in place, keeping only an incomplete last segment between
// chunks, and the UTF-8 BOM a file may open with. Pure: no I/O.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace edihub::formats {

// A pending segment grows by at least this much per rescan, and by its own size beyond,
// so a long segment split over many small chunks is scanned O(length) times in total.
inline constexpr std::size_t kMinCarryGrowth = 4096;

// Feeds `bytes` to `consume(view, final = false)`, which reads the complete segments at
// the start of `view` and returns how many bytes it used; `carry` holds the incomplete
// segment left from the previous chunk and, afterwards, from this one. The carried
// segment is completed with just enough of `bytes`; the rest is read in place.
template <class Consume>
void feed_chunk(std::string& carry, std::string_view bytes, Consume&& consume) {
  std::size_t pos = 0;
  while (!carry.empty() && pos < bytes.size()) {
    const std::size_t take = std::min(bytes.size() - pos, std::max(carry.size(), kMinCarryGrowth));
    const std::size_t carried = carry.size();
    carry.append(bytes.substr(pos, take));
    pos += take;
    const std::size_t used = consume(std::string_view(carry), false);
    if (used >= carried) {
      pos -= carry.size() - used;  // the unused bytes all came from `bytes`
      carry.clear();
    } else {
      carry.erase(0, used);
    }
  }
  if (carry.empty()) {
    const std::string_view rest = bytes.substr(pos);
    carry.assign(rest.substr(consume(rest, false)));
  }
}

// Where reading starts in the first bytes of a file: after a UTF-8 byte order mark, if
// any. nullopt when `data` may be the start of one and more bytes are needed (never when
// `final`).
inline std::optional<std::size_t> after_bom(std::string_view data, bool final) {
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (data.starts_with(kBom)) return kBom.size();
  if (!final && data.size() < kBom.size() && kBom.starts_with(data)) return std::nullopt;
  return 0;
}

}  // namespace edihub::formats
