// Test helper for the EDIFACT mapping tests: one message built by hand from EDIFACT text,
// held as formats/edifact.h says (components joined by edifact::kComponent, unescaped).
// For hand-made bodies only: no UNA, no release character, no repetitions; the reader
// (formats/parsed_file.h) reads real interchanges.
#pragma once

#include <string>
#include <string_view>

#include "formats/edifact.h"
#include "mappings/mapping.h"

namespace edihub::mapping::testing {

struct HandMessage {
  x12::InterchangeHeader interchange;
  x12::GroupHeader group;
  x12::TransactionSet set;

  Context context() const { return Context{&interchange, &group, "test"}; }
};

// `text`: optional UNB, then UNH ... UNT, segments ended by "'" (line breaks between
// segments ignored). The UNH gives the message type, version and association code.
inline HandMessage make_message(std::string_view text) {
  HandMessage out;
  out.interchange.standard = x12::Standard::Edifact;
  out.group.implicit = true;
  out.set.delimiters = x12::Delimiters{'+', edifact::kComponent, edifact::kRepetition, "'", 0, '.'};
  std::uint32_t position = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\'', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view body = text.substr(start, end - start);
    start = end + 1;
    while (!body.empty() && (body.front() == '\n' || body.front() == '\r')) body.remove_prefix(1);
    if (body.empty()) continue;
    x12::Segment segment;
    for (std::string_view element : x12::split(body, '+')) {
      std::string value(element);
      for (char& c : value)
        if (c == ':') c = edifact::kComponent;
      if (segment.tag.empty())
        segment.tag = value;
      else
        segment.elements.push_back(value);
    }
    if (segment.tag == "UNB") {
      out.interchange.isa = segment.elements;
      out.interchange.sender_id = std::string(x12::split(segment.element(2), edifact::kComponent)[0]);
      continue;
    }
    if (segment.tag == "UNH") {
      auto s009 = x12::split(segment.element(2), edifact::kComponent);
      out.set.id = std::string(s009[0]);
      out.set.control_number = std::string(segment.element(1));
      out.set.message_version = s009.size() > 2 ? std::string(s009[1]) + std::string(s009[2]) : "";
      out.set.convention = s009.size() > 4 ? std::string(s009[4]) : "";
      out.group.version = out.set.message_version;
      out.group.functional_id = out.set.id;
    }
    segment.position = ++position;
    segment.number = position;
    out.set.segments.push_back(std::move(segment));
  }
  return out;
}

}  // namespace edihub::mapping::testing
