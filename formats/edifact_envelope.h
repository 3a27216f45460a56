// EDIFACT envelope checks over the EDIFACT reader's segments: UNB/UNZ, UNG/UNE and
// UNH/UNT pairing, counts and references, premature end of input. Hands every complete
// message, with its interchange and group, to the same listener as X12's checker, in the
// same order: messages standing directly in an interchange form one implicit group
// (on_group_start before the first, on_group_end at UNZ). Headers are filled as
// formats/edifact.h says. Each issue carries the X12 code of the same fault (TA1 note,
// AK9, AK5; edifact::syntax_error() gives its 0085 code) and names the element by its
// segment and position ("UNT01", "UNZ02") or, in UNB/UNG/UNH composites, by its data
// element number ("UNB0020"). Duplicate interchange references across files are the
// archive's to find. Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "formats/control_numbers.h"
#include "formats/envelope.h"

namespace edihub::edifact {

class EnvelopeChecker : public x12::SegmentHandler {
 public:
  // With no listener, messages are not copied. A message of more than `max_set_bytes`
  // (UNH through UNT) is handed over `truncated`: its segments past the limit are not copied.
  explicit EnvelopeChecker(x12::EnvelopeListener* listener = nullptr, std::uint64_t max_set_bytes = UINT64_MAX);
  void on_segment(const x12::SegmentView& segment) override;
  // Call after Reader::finish(): reports an interchange, group or message left open.
  void finish();

  const std::vector<x12::EnvelopeIssue>& issues() const { return issues_; }
  std::vector<x12::EnvelopeIssue> take_issues() { return std::exchange(issues_, {}); }
  const x12::EnvelopeCounts& counts() const { return counts_; }

 private:
  void on_service_string_advice(const x12::SegmentView& una);
  void on_interchange_header(const x12::SegmentView& unb);
  void on_interchange_trailer(const x12::SegmentView& unz);
  void on_group_header(const x12::SegmentView& ung);
  void on_group_trailer(const x12::SegmentView& une);
  void on_message_header(const x12::SegmentView& unh);
  void on_message_trailer(const x12::SegmentView& unt);
  void on_body_segment(const x12::SegmentView& segment);
  void on_stray_segment(const x12::SegmentView& segment);
  void open_implicit_group(const x12::SegmentView& unh);
  void end_group();
  void hand_over_message();
  // Close what is open when its trailer never came; `at` says where that was noticed.
  void close_message_without_trailer(std::uint64_t segment, const std::string& at);
  void close_group_without_trailer(std::uint64_t segment, const std::string& at);
  void close_interchange_without_trailer(std::uint64_t segment, const std::string& at);
  void report(x12::EnvelopeLevel level, std::string code, std::uint64_t segment, std::string element,
              std::string message);

  x12::EnvelopeListener* listener_;
  std::uint64_t max_set_bytes_;
  std::vector<x12::EnvelopeIssue> issues_;
  x12::EnvelopeCounts counts_;
  x12::InterchangeHeader interchange_;
  x12::GroupHeader group_;
  x12::TransactionSet message_;  // segments are copied only for a listener
  x12::Delimiters advised_;      // of the UNA read before the next UNB
  bool una_pending_ = false;
  bool in_interchange_ = false, in_group_ = false, in_message_ = false;
  bool in_stray_run_ = false;  // a run of segments outside any message is reported once
  std::uint64_t explicit_groups_ = 0;   // UNG groups in the open interchange
  std::uint64_t direct_messages_ = 0;   // messages standing directly in the open interchange
  std::uint64_t messages_in_group_ = 0, segments_in_message_ = 0;
  std::uint64_t last_segment_ = 0;
  std::uint64_t segment_offset_ = 0;  // byte offset of the segment being checked
  std::uint64_t message_start_ = 0;   // byte offset of the open message's UNH
  x12::ControlNumberSet group_references_;    // UNG 0048 seen in this interchange
  x12::ControlNumberSet message_references_;  // UNH 0062 seen in this interchange
};


}  // namespace edihub::edifact
