#include "formats/parsed_file.h"

namespace edihub::x12 {

void Collector::on_interchange_start(const InterchangeHeader& header) { out_.interchanges.push_back({header, {}, {}}); }

void Collector::on_interchange_segment(const InterchangeHeader&, const Segment& segment) {
  if (!out_.interchanges.empty()) out_.interchanges.back().interchange_segments.push_back(segment);
}

void Collector::on_group_start(const InterchangeHeader&, const GroupHeader& header) {
  if (!out_.interchanges.empty()) out_.interchanges.back().groups.push_back({header, {}, {}});
}

void Collector::on_transaction_set(const InterchangeHeader&, const GroupHeader&, const TransactionSet& set) {
  if (out_.interchanges.empty() || out_.interchanges.back().groups.empty()) return;
  auto& group = out_.interchanges.back().groups.back();
  group.sets.push_back(set);
  group.set_first_segments.push_back(set.segments.empty() ? 0 : set.segments.front().number);
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

}  // namespace edihub::x12
