#include "hub/pipeline/sent_control_numbers.h"

#include "formats/parsed_file.h"
#include "formats/x12_reader.h"

namespace edihub::hub {

void SentControlNumbers::add(const archive::FileRecord& file, const std::string& bytes) {
  x12::ParsedFile parsed;
  try {
    parsed = x12::parse_bytes(bytes);
  } catch (const x12::UnusableInput&) {
    return;
  }
  for (const auto& interchange : parsed.interchanges) {
    note(file, "ISA", interchange.header.control_number);
    for (const auto& group : interchange.groups) {
      note(file, "GS", group.header.control_number);
      for (const auto& set : group.sets) note(file, "ST", set.control_number);
    }
  }
}

void SentControlNumbers::note(const archive::FileRecord& file, const std::string& kind, const std::string& number) {
  if (number.empty() || number.size() > 18 || number.find_first_not_of("0123456789") != std::string::npos) return;
  const std::uint64_t value = std::stoull(number);
  auto& highest = highest_[{file.partner, kind}];
  if (highest.file_id && value <= highest.value) return;
  highest = {value, file.id, file.source_name};
}

std::string control_element(const std::string& kind) {
  return kind == "ISA" ? "ISA13" : kind == "GS" ? "GS06" : kind == "ST" ? "ST02" : kind;
}

}  // namespace edihub::hub
