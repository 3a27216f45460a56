#include "formats/edifact_envelope.h"

#include "formats/charset.h"
#include "formats/edifact.h"
#include "formats/trailer_checks.h"

namespace edihub::edifact {

namespace {

using x12::EnvelopeLevel;

// As X12's checker: a pure check lists this many issues and only counts the rest.
constexpr std::size_t kMaxIssues = 1000;

enum class Tag { Body, UNA, UNB, UNZ, UNG, UNE, UNH, UNT };

Tag classify(std::string_view tag) {
  if (tag.size() != 3 || tag[0] != 'U' || tag[1] != 'N') return Tag::Body;
  switch (tag[2]) {
    case 'A': return Tag::UNA;
    case 'B': return Tag::UNB;
    case 'Z': return Tag::UNZ;
    case 'G': return Tag::UNG;
    case 'E': return Tag::UNE;
    case 'H': return Tag::UNH;
    case 'T': return Tag::UNT;
    default: return Tag::Body;
  }
}

// Component `n` (1-based) of an unescaped composite; empty when absent.
std::string component(std::string_view composite, std::size_t n) {
  for (std::size_t i = 1; i < n; ++i) {
    const std::size_t mark = composite.find(kComponent);
    if (mark == std::string_view::npos) return {};
    composite.remove_prefix(mark + 1);
  }
  return std::string(composite.substr(0, composite.find(kComponent)));
}

// A message or group version: S009/S008 version (0052) and release (0054), "D" + "96A".
std::string version_of(std::string_view composite, std::size_t version_at) {
  return component(composite, version_at) + component(composite, version_at + 1);
}

std::string quoted(std::string_view value) { return "\"" + std::string(value) + "\""; }

}  // namespace

EnvelopeChecker::EnvelopeChecker(x12::EnvelopeListener* listener, std::uint64_t max_set_bytes)
    : listener_(listener), max_set_bytes_(max_set_bytes) {}

void EnvelopeChecker::report(EnvelopeLevel level, std::string code, std::uint64_t segment, std::string element,
                             std::string message) {
  if (!listener_ && issues_.size() >= kMaxIssues) {
    ++counts_.issues_suppressed;
    return;
  }
  x12::EnvelopeIssue issue;
  issue.level = level;
  issue.code = std::move(code);
  issue.segment = segment;
  issue.element = std::move(element);
  issue.message = x12::escape_invalid_utf8(message);  // it quotes the partner's bytes; messages end up in JSON
  if (in_interchange_) issue.interchange_control = interchange_.control_number;
  if (in_group_) issue.group_control = group_.control_number;
  if (in_message_) issue.set_control = message_.control_number;
  issues_.push_back(std::move(issue));
}

void EnvelopeChecker::on_segment(const x12::SegmentView& segment) {
  ++counts_.segments;
  last_segment_ = segment.number;
  segment_offset_ = segment.byte_offset;
  const Tag tag = classify(segment.tag);
  if (tag == Tag::Body) return on_body_segment(segment);
  in_stray_run_ = false;
  switch (tag) {
    case Tag::UNA: return on_service_string_advice(segment);
    case Tag::UNB: return on_interchange_header(segment);
    case Tag::UNZ: return on_interchange_trailer(segment);
    case Tag::UNG: return on_group_header(segment);
    case Tag::UNE: return on_group_trailer(segment);
    case Tag::UNH: return on_message_header(segment);
    case Tag::UNT: return on_message_trailer(segment);
    case Tag::Body: return;
  }
}

void EnvelopeChecker::on_body_segment(const x12::SegmentView& segment) {
  if (!in_message_) return on_stray_segment(segment);
  ++segments_in_message_;
  if (!listener_ || message_.truncated) return;
  if (segment.byte_offset - message_start_ > max_set_bytes_) {
    message_.truncated = true;  // stop copying: the message is rejected by its size, not read into memory
    message_.segments.clear();
    message_.segments.shrink_to_fit();
    return;
  }
  message_.segments.push_back(x12::to_owned(segment, static_cast<std::uint32_t>(segments_in_message_)));
}

void EnvelopeChecker::on_stray_segment(const x12::SegmentView& segment) {
  if (in_stray_run_) return;
  in_stray_run_ = true;
  const char* where = !in_interchange_ ? "outside any interchange (no open UNB)" : "outside any message (no open UNH)";
  report(EnvelopeLevel::Interchange, "022", segment.number, "",
         std::string(segment.tag) + " segment " + where +
             " (segments after it up to the next service segment are not reported)");
}

// The UNA's six characters, as the reader hands them over, for the UNB that follows.
void EnvelopeChecker::on_service_string_advice(const x12::SegmentView& una) {
  const std::string_view chars = una.element(1);
  if (chars.size() != 6) return;  // the reader checked it; nothing else reaches here
  advised_ = x12::Delimiters{chars[1], chars[0], chars[4] == ' ' ? '\0' : chars[4], std::string(1, chars[5]),
                             chars[3] == ' ' ? '\0' : chars[3], chars[2]};
  una_pending_ = true;
}

void EnvelopeChecker::on_interchange_header(const x12::SegmentView& unb) {
  if (in_interchange_) {
    close_interchange_without_trailer(unb.number, "the next UNB at segment " + std::to_string(unb.number));
  } else if (in_message_) {
    close_message_without_trailer(unb.number, "the UNB at segment " + std::to_string(unb.number));
  }
  x12::InterchangeHeader& h = interchange_;
  h = x12::InterchangeHeader{};
  h.standard = x12::Standard::Edifact;
  h.isa.assign(unb.elements.begin(), unb.elements.end());
  h.syntax_identifier = component(unb.element(1), 1);
  h.version = component(unb.element(1), 2);
  h.sender_id = component(unb.element(2), 1);
  h.sender_qualifier = component(unb.element(2), 2);
  h.receiver_id = component(unb.element(3), 1);
  h.receiver_qualifier = component(unb.element(3), 2);
  h.date = component(unb.element(4), 1);
  h.time = component(unb.element(4), 2);
  h.control_number = std::string(unb.element(5));
  h.ack_requested = unb.element(9) == "1";
  h.usage = unb.element(11) == "1" ? "T" : "P";
  const bool syntax_4 = h.version == "4";
  h.delimiters = una_pending_ ? advised_ : default_delimiters(syntax_4 ? 4 : 3);
  if (!syntax_4) h.delimiters.repetition = 0;  // reserved before syntax 4
  h.segment_number = unb.number;
  h.byte_offset = unb.byte_offset;
  una_pending_ = false;
  in_interchange_ = true;
  explicit_groups_ = 0;
  direct_messages_ = 0;
  group_references_.clear();
  message_references_.clear();
  ++counts_.interchanges;

  // Mandatory UNB elements, each with the TA1 note of the same ISA fault.
  struct Required {
    const std::string& value;
    const char* code;
    const char* element;
    const char* name;
  };
  for (const Required& r : {Required{h.syntax_identifier, "016", "UNB0001", "syntax identifier (S001/0001)"},
                            Required{h.version, "017", "UNB0002", "syntax version number (S001/0002)"},
                            Required{h.sender_id, "006", "UNB0004", "interchange sender identification (S002/0004)"},
                            Required{h.receiver_id, "008", "UNB0010", "interchange recipient identification (S003/0010)"},
                            Required{h.date, "014", "UNB0017", "date of preparation (S004/0017)"},
                            Required{h.time, "015", "UNB0019", "time of preparation (S004/0019)"},
                            Required{h.control_number, "018", "UNB0020", "interchange control reference (0020)"}}) {
    if (r.value.empty()) report(EnvelopeLevel::Interchange, r.code, unb.number, r.element, std::string(r.name) + " is missing");
  }
  if (!h.syntax_identifier.empty() && !charset_name(h.syntax_identifier)) {
    report(EnvelopeLevel::Interchange, "016", unb.number, "UNB0001",
           "syntax identifier " + quoted(h.syntax_identifier) +
               " is not one edihub reads (UNOA to UNOK, UNOW, UNOY)");
  }
  if (!h.version.empty() && (h.version.size() != 1 || h.version[0] < '1' || h.version[0] > '4')) {
    report(EnvelopeLevel::Interchange, "017", unb.number, "UNB0002",
           "syntax version number " + quoted(h.version) + " is not 1, 2, 3 or 4");
  }
  if (listener_) listener_->on_interchange_start(interchange_);
}

void EnvelopeChecker::on_interchange_trailer(const x12::SegmentView& unz) {
  const std::string at = "UNZ at segment " + std::to_string(unz.number);
  if (in_message_) close_message_without_trailer(unz.number, at);
  if (in_group_ && !group_.implicit) close_group_without_trailer(unz.number, at);
  if (!in_interchange_) {
    report(EnvelopeLevel::Interchange, "022", unz.number, "", "UNZ without a preceding UNB");
    return;
  }
  if (in_group_) {
    group_.declared_sets = std::string(unz.element(1));  // UNZ01 counts the implicit group's messages
    end_group();
  }
  const bool grouped = explicit_groups_ > 0;
  if (auto message = x12::count_mismatch(unz.element(1), grouped ? explicit_groups_ : direct_messages_,
                                         grouped ? "group(s)" : "message(s)")) {
    report(EnvelopeLevel::Interchange, "021", unz.number, "UNZ01", *message);
  }
  if (auto message = x12::control_mismatch(unz.element(2), interchange_.control_number, "UNB0020")) {
    report(EnvelopeLevel::Interchange, "001", unz.number, "UNZ02", *message);
  }
  if (listener_) listener_->on_interchange_end(interchange_);
  in_interchange_ = false;
}

void EnvelopeChecker::on_group_header(const x12::SegmentView& ung) {
  const std::string at = "UNG at segment " + std::to_string(ung.number);
  if (in_message_) close_message_without_trailer(ung.number, at);
  if (in_group_ && !group_.implicit) close_group_without_trailer(ung.number, at);
  if (!in_interchange_) {
    report(EnvelopeLevel::Interchange, "022", ung.number, "", "UNG outside any interchange (no open UNB)");
  } else if (direct_messages_ > 0) {
    report(EnvelopeLevel::Interchange, "022", ung.number, "",
           "UNG in an interchange whose first messages stand directly in it: an interchange holds either groups "
           "or messages");
  }
  if (in_group_) end_group();  // the implicit group of the messages before
  x12::GroupHeader& g = group_;
  g = x12::GroupHeader{};
  g.functional_id = std::string(ung.element(1));
  g.sender = component(ung.element(2), 1);
  g.receiver = component(ung.element(3), 1);
  g.date = component(ung.element(4), 1);
  g.time = component(ung.element(4), 2);
  g.control_number = std::string(ung.element(5));
  g.agency = std::string(ung.element(6));
  g.version = version_of(ung.element(7), 1);
  g.segment_number = ung.number;
  in_group_ = true;
  ++explicit_groups_;
  messages_in_group_ = 0;
  ++counts_.groups;
  if (!group_references_.insert(g.control_number)) {
    report(EnvelopeLevel::Group, "19", ung.number, "UNG0048",
           "group reference " + quoted(g.control_number) + " is already used by an earlier group of this interchange");
  }
  if (listener_) listener_->on_group_start(interchange_, group_);
}

void EnvelopeChecker::on_group_trailer(const x12::SegmentView& une) {
  if (in_message_) close_message_without_trailer(une.number, "UNE at segment " + std::to_string(une.number));
  if (!in_group_ || group_.implicit) {
    report(EnvelopeLevel::Interchange, "022", une.number, "", "UNE without a preceding UNG");
    return;
  }
  if (auto message = x12::count_mismatch(une.element(1), messages_in_group_, "message(s)")) {
    report(EnvelopeLevel::Group, "5", une.number, "UNE01", *message);
  }
  if (auto message = x12::control_mismatch(une.element(2), group_.control_number, "UNG0048")) {
    report(EnvelopeLevel::Group, "4", une.number, "UNE02", *message);
  }
  group_.declared_sets = std::string(une.element(1));
  end_group();
}

void EnvelopeChecker::open_implicit_group(const x12::SegmentView& unh) {
  group_ = x12::GroupHeader{};
  group_.functional_id = component(unh.element(2), 1);
  group_.version = version_of(unh.element(2), 2);
  group_.segment_number = unh.number;
  group_.implicit = true;
  in_group_ = true;
  messages_in_group_ = 0;
  ++counts_.groups;
  if (listener_) listener_->on_group_start(interchange_, group_);
}

void EnvelopeChecker::end_group() {
  if (listener_) listener_->on_group_end(interchange_, group_);
  in_group_ = false;
}

void EnvelopeChecker::on_message_header(const x12::SegmentView& unh) {
  if (in_message_) close_message_without_trailer(unh.number, "the next UNH at segment " + std::to_string(unh.number));
  if (!in_interchange_) {
    report(EnvelopeLevel::Interchange, "022", unh.number, "", "UNH outside any interchange (no open UNB)");
  } else if (!in_group_) {
    if (explicit_groups_ > 0) {
      report(EnvelopeLevel::Interchange, "022", unh.number, "",
             "UNH outside any group in an interchange that uses UNG groups: an interchange holds either groups or "
             "messages");
    }
    open_implicit_group(unh);
  }
  message_ = x12::TransactionSet{};
  message_.id = component(unh.element(2), 1);
  message_.control_number = std::string(unh.element(1));
  message_.message_version = version_of(unh.element(2), 2);
  message_.convention = component(unh.element(2), 5);
  message_.first_segment = unh.number;
  message_.delimiters = unescaped_delimiters();
  message_start_ = unh.byte_offset;
  segments_in_message_ = 1;
  in_message_ = true;
  ++counts_.transaction_sets;
  if (listener_) message_.segments.push_back(x12::to_owned(unh, 1));
  if (!in_interchange_) return;
  ++messages_in_group_;
  if (group_.implicit) ++direct_messages_;
  if (!message_references_.insert(message_.control_number)) {
    report(EnvelopeLevel::TransactionSet, "23", unh.number, "UNH0062",
           "message reference " + quoted(message_.control_number) + " is already used in this interchange");
  }
}

void EnvelopeChecker::on_message_trailer(const x12::SegmentView& unt) {
  if (!in_message_) {
    report(EnvelopeLevel::Interchange, "022", unt.number, "", "UNT without a preceding UNH");
    return;
  }
  ++segments_in_message_;
  x12::close_set_copy(message_, unt, message_start_, static_cast<std::uint32_t>(segments_in_message_), max_set_bytes_,
                      listener_ != nullptr);
  if (auto message = x12::count_mismatch(unt.element(1), segments_in_message_, "segments from UNH through UNT")) {
    report(EnvelopeLevel::TransactionSet, "4", unt.number, "UNT01", *message);
  }
  if (auto message = x12::control_mismatch(unt.element(2), message_.control_number, "UNH0062")) {
    report(EnvelopeLevel::TransactionSet, "3", unt.number, "UNT02", *message);
  }
  if (listener_) hand_over_message();
  in_message_ = false;
}

void EnvelopeChecker::hand_over_message() {
  listener_->take_transaction_set(interchange_, group_, std::move(message_));
  message_ = x12::TransactionSet{};  // moved from: valid but unspecified
}

void EnvelopeChecker::close_message_without_trailer(std::uint64_t segment, const std::string& at) {
  message_.bytes = segment_offset_ > message_start_ ? segment_offset_ - message_start_ : 0;
  report(EnvelopeLevel::TransactionSet, "2", segment, "",
         "UNT missing: message " + quoted(message_.control_number) + " (UNH at segment " +
             std::to_string(message_.first_segment) + ") is still open at " + at);
  if (listener_) hand_over_message();
  in_message_ = false;
}

void EnvelopeChecker::close_group_without_trailer(std::uint64_t segment, const std::string& at) {
  report(EnvelopeLevel::Group, "3", segment, "",
         "UNE missing: group " + quoted(group_.control_number) + " (UNG at segment " +
             std::to_string(group_.segment_number) + ") is still open at " + at);
  end_group();
}

void EnvelopeChecker::close_interchange_without_trailer(std::uint64_t segment, const std::string& at) {
  if (in_message_) close_message_without_trailer(segment, at);
  if (in_group_ && group_.implicit) end_group();  // it has no trailer of its own
  if (in_group_) close_group_without_trailer(segment, at);
  report(EnvelopeLevel::Interchange, "023", segment, "",
         "UNZ missing: interchange " + quoted(interchange_.control_number) + " (UNB at segment " +
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
  if (in_message_) close_message_without_trailer(last_segment_, at);
}

}  // namespace edihub::edifact
