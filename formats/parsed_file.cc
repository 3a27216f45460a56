#include "formats/parsed_file.h"

namespace edihub::x12 {

void Collector::on_interchange_start(const InterchangeHeader& header) { out_.interchanges.push_back({header, {}, {}}); }

void Collector::on_interchange_segment(const InterchangeHeader&, const Segment& segment) {
  if (!out_.interchanges.empty()) out_.interchanges.back().interchange_segments.push_back(segment);
}

void Collector::on_group_start(const InterchangeHeader&, const GroupHeader& header) {
  if (!out_.interchanges.empty()) out_.interchanges.back().groups.push_back({header, {}, {}});
}

void Collector::take_transaction_set(const InterchangeHeader&, const GroupHeader&, TransactionSet&& set) {
  if (out_.interchanges.empty() || out_.interchanges.back().groups.empty()) return;
  auto& group = out_.interchanges.back().groups.back();
  group.set_first_segments.push_back(set.segments.empty() ? 0 : set.segments.front().number);
  group.sets.push_back(std::move(set));
}

void Collector::on_group_end(const InterchangeHeader&, const GroupHeader& header) {
  if (!out_.interchanges.empty() && !out_.interchanges.back().groups.empty())
    out_.interchanges.back().groups.back().header.declared_sets = header.declared_sets;
}

ParsedFile parse_bytes(std::string_view bytes) {
  ParsedFile parsed;
  Collector collector(parsed);
  auto checked = check_envelope(bytes, &collector);
  parsed.issues = std::move(checked.issues);
  parsed.counts = checked.counts;
  return parsed;
}

namespace {

void decode(std::string& value, const Charset& charset) { value = charset.to_utf8(value); }

}  // namespace

void decode_to_utf8(Segment& segment, const Charset& charset) {
  decode(segment.tag, charset);
  for (auto& element : segment.elements) decode(element, charset);
}

void decode_to_utf8(InterchangeHeader& h, const Charset& charset) {
  for (auto& field : h.isa) decode(field, charset);
  for (auto* field : {&h.sender_qualifier, &h.sender_id, &h.receiver_qualifier, &h.receiver_id, &h.date, &h.time,
                      &h.version, &h.control_number, &h.usage})
    decode(*field, charset);
}

void decode_to_utf8(GroupHeader& g, const Charset& charset) {
  for (auto* field : {&g.functional_id, &g.sender, &g.receiver, &g.date, &g.time, &g.control_number, &g.agency,
                      &g.version, &g.declared_sets})
    decode(*field, charset);
}

void decode_to_utf8(TransactionSet& set, const Charset& charset) {
  for (auto* field : {&set.id, &set.control_number, &set.convention}) decode(*field, charset);
  for (auto& segment : set.segments) decode_to_utf8(segment, charset);
}

void decode_to_utf8(ParsedFile& parsed, const std::function<const Charset&(const ParsedInterchange&)>& charset_of) {
  for (auto& interchange : parsed.interchanges) {
    const Charset& charset = charset_of(interchange);
    decode_to_utf8(interchange.header, charset);
    for (auto& segment : interchange.interchange_segments) decode_to_utf8(segment, charset);
    for (auto& group : interchange.groups) {
      decode_to_utf8(group.header, charset);
      for (auto& set : group.sets) decode_to_utf8(set, charset);
    }
  }
}

}  // namespace edihub::x12
