// An X12 input read into memory: its interchanges (with any TA1 segments), functional
// groups and transaction sets, plus the envelope issues found. Built by Collector, an
// EnvelopeListener, so it works with any way of feeding the reader. Pure: no I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "formats/charset.h"
#include "formats/envelope.h"

namespace edihub::x12 {

struct ParsedGroup {
  GroupHeader header;
  std::vector<TransactionSet> sets;
  std::vector<std::uint64_t> set_first_segments;  // segment number of each set's ST in the file
};

struct ParsedInterchange {
  InterchangeHeader header;
  std::vector<Segment> interchange_segments;  // TA1 / ISB / ISE outside any group
  std::vector<ParsedGroup> groups;
};

struct ParsedFile {
  std::vector<ParsedInterchange> interchanges;
  std::vector<EnvelopeIssue> issues;
  EnvelopeCounts counts;
};

class Collector : public EnvelopeListener {
 public:
  explicit Collector(ParsedFile& out) : out_(out) {}
  void on_interchange_start(const InterchangeHeader& header) override;
  void on_interchange_segment(const InterchangeHeader&, const Segment& segment) override;
  void on_group_start(const InterchangeHeader&, const GroupHeader& header) override;
  void take_transaction_set(const InterchangeHeader&, const GroupHeader&, TransactionSet&& set) override;
  void on_group_end(const InterchangeHeader&, const GroupHeader& header) override;

 private:
  ParsedFile& out_;
};

// Reads and envelope-checks bytes already in memory, X12 or EDIFACT (told apart by their
// first bytes). Throws UnusableInput.
ParsedFile parse_bytes(std::string_view bytes);

// Turns every value of `parsed` (ISA/GS/ST headers, TA1s, segment elements) into UTF-8
// from the character set `charset_of` names for its interchange (the partner's `encoding:`),
// so what the hub maps and writes as JSON is always valid UTF-8: a byte that does not decode
// becomes U+FFFD (validation reported it already). Run after validation; the archived raw
// bytes stay as received.
void decode_to_utf8(ParsedFile& parsed, const std::function<const Charset&(const ParsedInterchange&)>& charset_of);
// The same for one piece, as a streaming reader hands them over.
void decode_to_utf8(InterchangeHeader& header, const Charset& charset);
void decode_to_utf8(GroupHeader& header, const Charset& charset);
void decode_to_utf8(TransactionSet& set, const Charset& charset);
void decode_to_utf8(Segment& segment, const Charset& charset);

}  // namespace edihub::x12
