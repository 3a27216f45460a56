// Envelope checks over a stream of segments: ISA/IEA, GS/GE, ST/SE pairing, counts and
// control numbers, premature end of input. Also hands every complete transaction set,
// with the interchange and group it came in, to a listener (the pipeline and the
// mappings work on those). Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "formats/control_numbers.h"
#include "formats/x12.h"
#include "formats/x12_reader.h"

namespace edihub::x12 {

// Which envelope level an issue belongs to, and so which acknowledgment reports it.
enum class EnvelopeLevel { Interchange, Group, TransactionSet };

struct EnvelopeIssue {
  EnvelopeLevel level = EnvelopeLevel::Interchange;
  std::string code;            // TA1 note (e.g. "001"), AK9 error (e.g. "5") or AK5 error (e.g. "4")
  std::uint64_t segment = 0;   // 1-based segment number in the file where it was found
  std::string element;         // e.g. "IEA02", "SE01"; empty when about a whole segment
  std::string message;         // what was found and what was expected
  std::string interchange_control;  // ISA13 of the interchange it belongs to, when known
  std::string group_control;        // GS06, when inside a group
  std::string set_control;          // ST02, when inside a set
};

class EnvelopeListener {
 public:
  virtual ~EnvelopeListener() = default;
  virtual void on_interchange_start(const InterchangeHeader&) {}
  // TA1, ISB or ISE directly inside an interchange (outside any group).
  virtual void on_interchange_segment(const InterchangeHeader&, const Segment&) {}
  virtual void on_group_start(const InterchangeHeader&, const GroupHeader&) {}
  // Called at SE (or at the end of input/group/interchange when SE is missing, with the
  // issue already reported) with the complete set.
  virtual void on_transaction_set(const InterchangeHeader&, const GroupHeader&, const TransactionSet&) {}
  // The same, for a listener that keeps the set: it may move from it (a set of a million
  // segments is not copied). Defaults to on_transaction_set.
  virtual void take_transaction_set(const InterchangeHeader& h, const GroupHeader& g, TransactionSet&& set) {
    on_transaction_set(h, g, set);
  }
  virtual void on_group_end(const InterchangeHeader&, const GroupHeader&) {}
  virtual void on_interchange_end(const InterchangeHeader&) {}
};

struct EnvelopeCounts {
  std::uint64_t interchanges = 0;
  std::uint64_t groups = 0;
  std::uint64_t transaction_sets = 0;
  std::uint64_t segments = 0;
  std::uint64_t issues_suppressed = 0;  // without a listener: issues found beyond the first 1000, not listed
};

class EnvelopeChecker : public SegmentHandler {
 public:
  // With no listener, transaction sets are not copied (the fast validate/bench path).
  // A set of more than `max_set_bytes` (ST through SE) is handed over `truncated`: its
  // segments past the limit are not copied.
  explicit EnvelopeChecker(EnvelopeListener* listener = nullptr, std::uint64_t max_set_bytes = UINT64_MAX);
  void on_segment(const SegmentView& segment) override;
  // Call after Reader::finish(): reports an interchange, group or set left open.
  void finish();

  const std::vector<EnvelopeIssue>& issues() const { return issues_; }
  // The issues found since the last call (a streaming listener folds them as it goes).
  std::vector<EnvelopeIssue> take_issues() { return std::exchange(issues_, {}); }
  const EnvelopeCounts& counts() const { return counts_; }

 private:
  void on_interchange_header(const SegmentView& isa);
  void on_interchange_trailer(const SegmentView& iea);
  void on_group_header(const SegmentView& gs);
  void on_group_trailer(const SegmentView& ge);
  void on_set_header(const SegmentView& st);
  void on_set_trailer(const SegmentView& se);
  void on_stray_segment(const SegmentView& segment);
  void hand_over_set();
  // Close what is open when its trailer never came; `at` says where that was noticed.
  void close_set_without_trailer(std::uint64_t segment, const std::string& at);
  void close_group_without_trailer(std::uint64_t segment, const std::string& at);
  void close_interchange_without_trailer(std::uint64_t segment, const std::string& at);
  void report(EnvelopeLevel level, std::string code, std::uint64_t segment, std::string element,
              std::string message);

  EnvelopeListener* listener_;
  std::uint64_t max_set_bytes_;
  std::vector<EnvelopeIssue> issues_;
  EnvelopeCounts counts_;
  InterchangeHeader interchange_;
  GroupHeader group_;
  TransactionSet set_;  // segments are copied only for a listener
  std::uint64_t set_segment_ = 0;  // segment number of the open set's ST
  bool in_interchange_ = false, in_group_ = false, in_set_ = false;
  bool in_stray_run_ = false;  // a run of segments outside any set is reported once
  std::uint64_t groups_in_interchange_ = 0, sets_in_group_ = 0, segments_in_set_ = 0;
  std::uint64_t last_segment_ = 0;
  std::uint64_t segment_offset_ = 0;  // byte offset of the segment being checked
  std::uint64_t set_start_ = 0;       // byte offset of the open set's ST
  ControlNumberSet group_controls_;  // GS06 seen in this interchange
  ControlNumberSet set_controls_;    // ST02 seen in this group (a group may hold a million sets)
};

// Convenience for whole buffers (tests, small files, what we sent): read + check in one
// call, X12 or EDIFACT (edifact::looks_like_edifact decides). Throws UnusableInput like the Reader.
struct CheckedInput {
  std::vector<EnvelopeIssue> issues;
  EnvelopeCounts counts;
};
CheckedInput check_envelope(std::string_view bytes, EnvelopeListener* listener = nullptr);

}  // namespace edihub::x12
