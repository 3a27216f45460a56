// Envelope checks of X12 and UN/EDIFACT input alike: each segment goes to the checker of
// its standard (an EDIFACT segment points at edifact::unescaped_delimiters()), and both
// call the one listener, so a file may hold interchanges of either. Pure: no I/O.
#pragma once

#include <cstdint>
#include <vector>

#include "formats/edifact_envelope.h"
#include "formats/envelope.h"

namespace edihub::x12 {

class InterchangeChecker : public SegmentHandler {
 public:
  explicit InterchangeChecker(EnvelopeListener* listener = nullptr, std::uint64_t max_set_bytes = UINT64_MAX)
      : x12_(listener, max_set_bytes), edifact_(listener, max_set_bytes) {}
  void on_segment(const SegmentView& segment) override;
  // Call after the reader's finish(): reports what either left open.
  void finish();
  // The issues found since the last call, X12's first.
  std::vector<EnvelopeIssue> take_issues();
  EnvelopeCounts counts() const;  // of both standards

 private:
  EnvelopeChecker x12_;
  edifact::EnvelopeChecker edifact_;
};

}  // namespace edihub::x12
