#include "formats/envelope.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "formats/charset.h"
#include "formats/edifact_reader.h"
#include "formats/interchange_checker.h"
#include "formats/trailer_checks.h"

namespace edihub::x12 {

namespace {

// A pure check (no listener) lists this many issues and only counts the rest: a broken file
// of millions of sets must not grow memory with every set. A listener collecting the file
// gets every issue, since each one decides whether its interchange, group or set is
// accepted; their number is bounded by the segments it holds anyway.
constexpr std::size_t kMaxIssues = 1000;

enum class Tag { Body, ISA, IEA, GS, GE, ST, SE };

// Compares tags by bytes; every body segment costs a size test and at most two bytes.
Tag classify(std::string_view tag) {
  if (tag.size() == 2) {
    if (tag[0] == 'S' && tag[1] == 'T') return Tag::ST;
    if (tag[0] == 'S' && tag[1] == 'E') return Tag::SE;
    if (tag[0] == 'G' && tag[1] == 'S') return Tag::GS;
    if (tag[0] == 'G' && tag[1] == 'E') return Tag::GE;
  } else if (tag.size() == 3) {
    if (tag == "ISA") return Tag::ISA;
    if (tag == "IEA") return Tag::IEA;
  }
  return Tag::Body;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(' ') - first + 1));
}

}  // namespace

EnvelopeChecker::EnvelopeChecker(EnvelopeListener* listener, std::uint64_t max_set_bytes)
    : listener_(listener), max_set_bytes_(max_set_bytes) {}

void EnvelopeChecker::report(EnvelopeLevel level, std::string code, std::uint64_t segment,
                             std::string element, std::string message) {
  if (!listener_ && issues_.size() >= kMaxIssues) {
    ++counts_.issues_suppressed;
    return;
  }
  EnvelopeIssue issue;
  issue.level = level;
  issue.code = std::move(code);
  issue.segment = segment;
  issue.element = std::move(element);
  issue.message = escape_invalid_utf8(message);  // it quotes the partner's bytes; messages end up in JSON
  if (in_interchange_) issue.interchange_control = interchange_.control_number;
  if (in_group_) issue.group_control = group_.control_number;
  if (in_set_) issue.set_control = set_.control_number;
  issues_.push_back(std::move(issue));
}

void EnvelopeChecker::on_segment(const SegmentView& segment) {
  ++counts_.segments;
  last_segment_ = segment.number;
  segment_offset_ = segment.byte_offset;
  const Tag tag = classify(segment.tag);
  if (tag == Tag::Body) {
    if (!in_set_) return on_stray_segment(segment);
    ++segments_in_set_;
    if (!listener_ || set_.truncated) return;
    if (segment.byte_offset - set_start_ > max_set_bytes_) {
      set_.truncated = true;  // stop copying: the set is rejected by its size, not read into memory
      set_.segments.clear();
      set_.segments.shrink_to_fit();
      return;
    }
    set_.segments.push_back(to_owned(segment, static_cast<std::uint32_t>(segments_in_set_)));
    return;
  }
  in_stray_run_ = false;
  switch (tag) {
    case Tag::ISA: return on_interchange_header(segment);
    case Tag::IEA: return on_interchange_trailer(segment);
    case Tag::GS: return on_group_header(segment);
    case Tag::GE: return on_group_trailer(segment);
    case Tag::ST: return on_set_header(segment);
    case Tag::SE: return on_set_trailer(segment);
    case Tag::Body: return;
  }
}

void EnvelopeChecker::on_stray_segment(const SegmentView& segment) {
  const std::string_view tag = segment.tag;
  // Interchange-level segments: TA1 acknowledgments and the ISB/ISE service segments.
  if (in_interchange_ && !in_group_ && (tag == "TA1" || tag == "ISB" || tag == "ISE")) {
    if (listener_) listener_->on_interchange_segment(interchange_, to_owned(segment));
    return;
  }
  if (in_stray_run_) return;
  in_stray_run_ = true;
  const char* where = !in_interchange_ ? "outside any interchange"
                      : !in_group_     ? "outside any functional group"
                                       : "outside any transaction set";
  report(EnvelopeLevel::Interchange, "022", segment.number, "",
         std::string(tag) + " segment " + where + " (segments after it up to the next envelope segment are not reported)");
}

void EnvelopeChecker::on_interchange_header(const SegmentView& isa) {
  if (in_interchange_) {
    close_interchange_without_trailer(isa.number, "the next ISA at segment " + std::to_string(isa.number));
  }
  InterchangeHeader& h = interchange_;
  h.isa.assign(16, std::string());
  for (std::size_t i = 0; i < 16; ++i) h.isa[i] = std::string(isa.element(i + 1));
  if (isa.delimiters) h.delimiters = *isa.delimiters;
  h.sender_qualifier = trimmed(isa.element(5));
  h.sender_id = trimmed(isa.element(6));
  h.receiver_qualifier = trimmed(isa.element(7));
  h.receiver_id = trimmed(isa.element(8));
  h.date = std::string(isa.element(9));
  h.time = std::string(isa.element(10));
  h.version = std::string(isa.element(12));
  h.control_number = std::string(isa.element(13));
  h.ack_requested = isa.element(14) == "1";
  h.usage = std::string(isa.element(15));
  h.segment_number = isa.number;
  h.byte_offset = isa.byte_offset;
  in_interchange_ = true;
  groups_in_interchange_ = 0;
  group_controls_.clear();
  ++counts_.interchanges;
  if (listener_) listener_->on_interchange_start(interchange_);
}

void EnvelopeChecker::on_interchange_trailer(const SegmentView& iea) {
  const std::string at = "IEA at segment " + std::to_string(iea.number);
  if (in_set_) close_set_without_trailer(iea.number, at);
  if (in_group_) close_group_without_trailer(iea.number, at);
  if (!in_interchange_) {
    report(EnvelopeLevel::Interchange, "022", iea.number, "", "IEA without a preceding ISA");
    return;
  }
  if (auto message = count_mismatch(iea.element(1), groups_in_interchange_, "functional group(s)")) {
    report(EnvelopeLevel::Interchange, "021", iea.number, "IEA01", *message);
  }
  if (auto message = control_mismatch(iea.element(2), interchange_.control_number, "ISA13")) {
    report(EnvelopeLevel::Interchange, "001", iea.number, "IEA02", *message);
  }
  if (listener_) listener_->on_interchange_end(interchange_);
  in_interchange_ = false;
}

void EnvelopeChecker::on_group_header(const SegmentView& gs) {
  const std::string at = "GS at segment " + std::to_string(gs.number);
  if (in_set_) close_set_without_trailer(gs.number, at);
  if (in_group_) close_group_without_trailer(gs.number, at);
  if (!in_interchange_) {
    report(EnvelopeLevel::Interchange, "022", gs.number, "", "GS outside any interchange (no open ISA)");
  }
  GroupHeader& h = group_;
  h.functional_id = std::string(gs.element(1));
  h.sender = std::string(gs.element(2));
  h.receiver = std::string(gs.element(3));
  h.date = std::string(gs.element(4));
  h.time = std::string(gs.element(5));
  h.control_number = std::string(gs.element(6));
  h.agency = std::string(gs.element(7));
  h.version = std::string(gs.element(8));
  h.segment_number = gs.number;
  h.declared_sets.clear();
  in_group_ = true;
  ++groups_in_interchange_;
  sets_in_group_ = 0;
  set_controls_.clear();
  ++counts_.groups;
  if (!group_controls_.insert(h.control_number)) {
    report(EnvelopeLevel::Group, "19", gs.number, "GS06",
           "group control number " + h.control_number + " is already used by an earlier group of this interchange");
  }
  if (listener_) listener_->on_group_start(interchange_, group_);
}

void EnvelopeChecker::on_group_trailer(const SegmentView& ge) {
  if (in_set_) close_set_without_trailer(ge.number, "GE at segment " + std::to_string(ge.number));
  if (!in_group_) {
    report(EnvelopeLevel::Interchange, "022", ge.number, "", "GE without a preceding GS");
    return;
  }
  if (auto message = count_mismatch(ge.element(1), sets_in_group_, "transaction set(s)")) {
    report(EnvelopeLevel::Group, "5", ge.number, "GE01", *message);
  }
  if (auto message = control_mismatch(ge.element(2), group_.control_number, "GS06")) {
    report(EnvelopeLevel::Group, "4", ge.number, "GE02", *message);
  }
  group_.declared_sets = std::string(ge.element(1));
  if (listener_) listener_->on_group_end(interchange_, group_);
  in_group_ = false;
}

void EnvelopeChecker::on_set_header(const SegmentView& st) {
  if (in_set_) close_set_without_trailer(st.number, "the next ST at segment " + std::to_string(st.number));
  set_.id = std::string(st.element(1));
  set_.control_number = std::string(st.element(2));
  set_.convention = std::string(st.element(3));
  set_.segments.clear();
  set_.truncated = false;
  set_.first_segment = st.number;
  set_.bytes = 0;
  set_start_ = st.byte_offset;
  if (st.delimiters) set_.delimiters = *st.delimiters;
  set_segment_ = st.number;
  segments_in_set_ = 1;
  in_set_ = true;
  ++counts_.transaction_sets;
  if (listener_) set_.segments.push_back(to_owned(st, 1));
  if (!in_group_) {
    report(EnvelopeLevel::TransactionSet, "18", st.number, "",
           "ST " + set_.id + " " + set_.control_number + " is not inside a functional group (no open GS)");
    return;
  }
  ++sets_in_group_;
  if (!set_controls_.insert(set_.control_number)) {
    report(EnvelopeLevel::TransactionSet, "23", st.number, "ST02",
           "transaction set control number " + set_.control_number + " is already used in this group");
  }
}

void EnvelopeChecker::on_set_trailer(const SegmentView& se) {
  if (!in_set_) {
    report(EnvelopeLevel::Interchange, "022", se.number, "", "SE without a preceding ST");
    return;
  }
  ++segments_in_set_;
  close_set_copy(set_, se, set_start_, static_cast<std::uint32_t>(segments_in_set_), max_set_bytes_, listener_ != nullptr);
  if (auto message = count_mismatch(se.element(1), segments_in_set_, "segments from ST through SE")) {
    report(EnvelopeLevel::TransactionSet, "4", se.number, "SE01", *message);
  }
  if (auto message = control_mismatch(se.element(2), set_.control_number, "ST02")) {
    report(EnvelopeLevel::TransactionSet, "3", se.number, "SE02", *message);
  }
  if (listener_) hand_over_set();
  in_set_ = false;
}

void EnvelopeChecker::hand_over_set() {
  const Delimiters delimiters = set_.delimiters;
  listener_->take_transaction_set(interchange_, group_, std::move(set_));
  set_ = TransactionSet{};  // moved from: valid but unspecified
  set_.delimiters = delimiters;
}

void EnvelopeChecker::close_set_without_trailer(std::uint64_t segment, const std::string& at) {
  set_.bytes = segment_offset_ > set_start_ ? segment_offset_ - set_start_ : 0;
  report(EnvelopeLevel::TransactionSet, "2", segment, "",
         "SE missing: transaction set " + set_.control_number + " (ST at segment " +
             std::to_string(set_segment_) + ") is still open at " + at);
  if (listener_) hand_over_set();
  in_set_ = false;
}

void EnvelopeChecker::close_group_without_trailer(std::uint64_t segment, const std::string& at) {
  report(EnvelopeLevel::Group, "3", segment, "",
         "GE missing: functional group " + group_.control_number + " (GS at segment " +
             std::to_string(group_.segment_number) + ") is still open at " + at);
  if (listener_) listener_->on_group_end(interchange_, group_);
  in_group_ = false;
}

void EnvelopeChecker::close_interchange_without_trailer(std::uint64_t segment, const std::string& at) {
  if (in_set_) close_set_without_trailer(segment, at);
  if (in_group_) close_group_without_trailer(segment, at);
  report(EnvelopeLevel::Interchange, "023", segment, "",
         "IEA missing: interchange " + interchange_.control_number + " (ISA at segment " +
             std::to_string(interchange_.segment_number) + ") is still open at " + at);
  if (listener_) listener_->on_interchange_end(interchange_);
  in_interchange_ = false;
}

void EnvelopeChecker::finish() {
  const std::string at = "the end of the input";
  if (in_interchange_) {
    close_interchange_without_trailer(last_segment_, at);
    return;
  }
  if (in_set_) close_set_without_trailer(last_segment_, at);
  if (in_group_) close_group_without_trailer(last_segment_, at);
}

CheckedInput check_envelope(std::string_view bytes, EnvelopeListener* listener) {
  InterchangeChecker checker(listener);
  edifact::read_any(bytes, checker);
  checker.finish();
  return {checker.take_issues(), checker.counts()};
}

}  // namespace edihub::x12
