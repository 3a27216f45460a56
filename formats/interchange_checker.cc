#include "formats/interchange_checker.h"

#include "formats/edifact.h"

namespace edihub::x12 {

void InterchangeChecker::on_segment(const SegmentView& segment) {
  if (segment.delimiters == &edifact::unescaped_delimiters()) return edifact_.on_segment(segment);
  x12_.on_segment(segment);
}

void InterchangeChecker::finish() {
  x12_.finish();
  edifact_.finish();
}

std::vector<EnvelopeIssue> InterchangeChecker::take_issues() {
  std::vector<EnvelopeIssue> issues = x12_.take_issues();
  for (EnvelopeIssue& issue : edifact_.take_issues()) issues.push_back(std::move(issue));
  return issues;
}

EnvelopeCounts InterchangeChecker::counts() const {
  EnvelopeCounts sum = x12_.counts();
  const EnvelopeCounts& edifact = edifact_.counts();
  sum.interchanges += edifact.interchanges;
  sum.groups += edifact.groups;
  sum.transaction_sets += edifact.transaction_sets;
  sum.segments += edifact.segments;
  sum.issues_suppressed += edifact.issues_suppressed;
  return sum;
}

}  // namespace edihub::x12
