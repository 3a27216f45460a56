#include "formats/interchange_writer.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace edihub::x12 {

namespace {

constexpr std::uint64_t kMaxControl = 999'999'999;  // ISA13, GS06 and ST02 hold at most 9 digits

[[noreturn]] void reject(std::string_view field, const std::string& why) {
  throw std::invalid_argument(std::string(field) + ": " + why);
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// X12 has no escape character, so a delimiter inside a value would change the structure.
void check_no_delimiter(std::string_view field, std::string_view value, const Delimiters& d) {
  for (char c : value) {
    if (c == d.element || c == d.component || (d.repetition != 0 && c == d.repetition)) {
      reject(field, "value '" + std::string(value) + "' contains the delimiter '" + c + "'");
    }
  }
  if (value.find(d.segment) != std::string_view::npos) {
    reject(field, "value '" + std::string(value) + "' contains the segment terminator");
  }
}

void check_length(std::string_view field, std::string_view value, std::size_t min, std::size_t max) {
  if (value.size() < min || value.size() > max) {
    const std::string expected = min == max ? std::to_string(min) : std::to_string(min) + "-" + std::to_string(max);
    reject(field, "value '" + std::string(value) + "' is " + std::to_string(value.size()) + " characters, expected " +
                      expected);
  }
}

void check_digits(std::string_view field, std::string_view value, std::string_view format) {
  if (!all_digits(value)) reject(field, "value '" + std::string(value) + "' is not " + std::string(format));
}

void check_control(std::string_view field, std::uint64_t value) {
  if (value > kMaxControl) reject(field, std::to_string(value) + " exceeds 9 digits");
}

std::string zero_padded(std::uint64_t value, std::size_t width) {
  std::string digits = std::to_string(value);
  return digits.size() < width ? std::string(width - digits.size(), '0') + digits : digits;
}

// A fixed-width ISA field: checked, then space-padded to `width`.
std::string isa_field(std::string_view field, std::string_view value, std::size_t width, const Delimiters& d,
                      bool exact = false) {
  check_length(field, value, exact ? width : 0, width);
  check_no_delimiter(field, value, d);
  std::string padded(value);
  padded.resize(width, ' ');
  return padded;
}

// Settings checked before the Writer sees the delimiters, so errors name the ISA field.
Delimiters checked_delimiters(const InterchangeSettings& s) {
  const Delimiters& d = s.delimiters;
  check_length("ISA12", s.version, 5, 5);
  check_digits("ISA12", s.version, "5 digits");
  // Spaces pad the ISA fields and letters/digits are data, so neither can delimit.
  auto check_separator = [](std::string_view field, char c) {
    if (c == 0 || c == ' ' || std::isalnum(static_cast<unsigned char>(c))) {
      reject(field, std::string("separator '") + c + "' is not usable (must be a punctuation character)");
    }
  };
  check_separator("element separator", d.element);
  check_separator("ISA16", d.component);
  if (s.version < "00402") {
    if (d.repetition != 0) reject("ISA11", "version " + s.version + " declares no repetition separator (ISA11 is U)");
  } else {
    if (d.repetition == 0) reject("ISA11", "version " + s.version + " needs a repetition separator");
    check_separator("ISA11", d.repetition);
  }
  if (d.component == d.element || (d.repetition != 0 && (d.repetition == d.element || d.repetition == d.component))) {
    reject("ISA16", "element, component and repetition separators must differ");
  }
  const std::string separators = d.repetition != 0 ? std::string{d.element, d.component, d.repetition}
                                                   : std::string{d.element, d.component};
  if (d.segment.empty() || d.segment.find_first_of(separators) != std::string::npos) {
    reject("segment terminator", "must be set and differ from the separators");
  }
  return d;
}

}  // namespace

InterchangeWriter::InterchangeWriter(const InterchangeSettings& s)
    : delimiters_(checked_delimiters(s)), writer_(out_, delimiters_, s.suffix) {
  const Delimiters& d = delimiters_;
  check_length("ISA09", s.date, 6, 6);
  check_digits("ISA09", s.date, "YYMMDD");
  check_length("ISA10", s.time, 4, 4);
  check_digits("ISA10", s.time, "HHMM");
  check_control("ISA13", s.control_number);
  if (s.usage != "P" && s.usage != "T" && s.usage != "I") reject("ISA15", "usage '" + s.usage + "' is not P, T or I");
  interchange_control_ = zero_padded(s.control_number, 9);
  writer_.segment("ISA", {isa_field("ISA01", s.authorization_qualifier, 2, d, true),
                          isa_field("ISA02", s.authorization, 10, d),
                          isa_field("ISA03", s.security_qualifier, 2, d, true),
                          isa_field("ISA04", s.security, 10, d),
                          isa_field("ISA05", s.sender_qualifier, 2, d, true),
                          isa_field("ISA06", s.sender_id, 15, d),
                          isa_field("ISA07", s.receiver_qualifier, 2, d, true),
                          isa_field("ISA08", s.receiver_id, 15, d),
                          s.date,
                          s.time,
                          d.repetition != 0 ? std::string(1, d.repetition) : std::string("U"),
                          s.version,
                          interchange_control_,
                          s.ack_requested ? "1" : "0",
                          s.usage,
                          std::string(1, d.component)});
}

void InterchangeWriter::require(State state, std::string_view call) const {
  if (state_ == state) return;
  static constexpr const char* kWhere[] = {"outside a group", "inside a group", "after finish()"};
  throw std::logic_error(std::string(call) + " called " + kWhere[static_cast<int>(state_)]);
}

void InterchangeWriter::interchange_segment(const Segment& segment) {
  require(State::Interchange, "interchange_segment");
  // Interchange-level segments precede every group (X12 control structure).
  if (groups_ > 0) throw std::logic_error("interchange_segment " + segment.tag + " after a functional group");
  writer_.segment(segment.tag, segment.elements);
}

void InterchangeWriter::begin_group(const GroupSettings& g) {
  require(State::Interchange, "begin_group");
  const Delimiters& d = delimiters_;
  auto field = [&](std::string_view name, const std::string& value, std::size_t min, std::size_t max) {
    check_length(name, value, min, max);
    check_no_delimiter(name, value, d);
    return value;
  };
  check_digits("GS04", g.date, "CCYYMMDD");
  if ((g.time.size() != 4 && g.time.size() != 6 && g.time.size() != 8) || !all_digits(g.time)) {
    reject("GS05", "value '" + g.time + "' is not HHMM, HHMMSS or HHMMSSdd");
  }
  check_control("GS06", g.control_number);
  group_control_ = std::to_string(g.control_number);
  writer_.segment("GS", {field("GS01", g.functional_id, 2, 2), field("GS02", g.sender, 2, 15),
                         field("GS03", g.receiver, 2, 15), field("GS04", g.date, 8, 8), g.time, group_control_,
                         field("GS07", g.agency, 1, 2), field("GS08", g.version, 1, 12)});
  state_ = State::Group;
  sets_in_group_ = 0;
  ++groups_;
}

void InterchangeWriter::transaction_set(std::string_view id, std::uint64_t control_number, std::string_view convention,
                                        const std::vector<Segment>& body) {
  require(State::Group, "transaction_set");
  check_length("ST01", id, 3, 3);
  check_no_delimiter("ST01", id, delimiters_);
  check_control("ST02", control_number);
  check_length("ST03", convention, 0, 35);
  check_no_delimiter("ST03", convention, delimiters_);
  for (const Segment& segment : body) {
    static constexpr std::string_view kEnvelope[] = {"ISA", "IEA", "GS", "GE", "ST", "SE", "TA1"};
    if (std::find(std::begin(kEnvelope), std::end(kEnvelope), segment.tag) != std::end(kEnvelope)) {
      throw std::invalid_argument("ST" + zero_padded(control_number, 4) + " body: envelope segment " + segment.tag +
                                  " is written by the interchange writer");
    }
  }
  const std::string control = zero_padded(control_number, 4);
  std::vector<std::string> st{std::string(id), control};
  if (!convention.empty()) st.emplace_back(convention);
  // Nothing is written when a body segment is rejected, so the interchange stays whole.
  const std::size_t start = out_.size();
  try {
    writer_.segment("ST", st);
    for (const Segment& segment : body) writer_.segment(segment.tag, segment.elements);
  } catch (...) {
    out_.resize(start);
    throw;
  }
  writer_.segment("SE", {std::to_string(body.size() + 2), control});
  ++sets_in_group_;
}

void InterchangeWriter::end_group() {
  require(State::Group, "end_group");
  writer_.segment("GE", {std::to_string(sets_in_group_), group_control_});
  state_ = State::Interchange;
}

std::string InterchangeWriter::finish() {
  require(State::Interchange, "finish");
  writer_.segment("IEA", {std::to_string(groups_), interchange_control_});
  state_ = State::Finished;
  return std::move(out_);
}

}  // namespace edihub::x12
