#include "formats/x12.h"

namespace edihub::x12 {

std::vector<std::string_view> split(std::string_view element, char separator) {
  std::vector<std::string_view> parts;
  if (separator == 0) {
    parts.push_back(element);
    return parts;
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t end = element.find(separator, start);
    if (end == std::string_view::npos) break;
    parts.push_back(element.substr(start, end - start));
    start = end + 1;
  }
  parts.push_back(element.substr(start));
  return parts;
}

Segment to_owned(const SegmentView& view, std::uint32_t position) {
  Segment segment;
  segment.tag = std::string(view.tag);
  segment.elements.reserve(view.elements.size());
  for (std::string_view element : view.elements) segment.elements.emplace_back(element);
  segment.number = view.number;
  segment.position = position;
  return segment;
}

}  // namespace edihub::x12
