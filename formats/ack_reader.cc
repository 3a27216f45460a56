#include "formats/ack_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace edihub::x12 {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::optional<std::uint64_t> to_number(std::string_view s) {
  std::uint64_t value = 0;
  if (!all_digits(s)) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Base codes are numbers; the 999 implementation codes start with I.
void assign_code(std::string_view value, std::string& code, std::string& implementation_code) {
  (!value.empty() && value.front() == 'I' ? implementation_code : code) = std::string(value);
}

// Walks one 997/999 segment by segment, keeping the open AK2 loop and AK3/IK3.
class AckParser {
 public:
  explicit AckParser(const TransactionSet& set) : set_(set) {
    const std::string_view st01 = !set.id.empty() ? std::string_view(set.id)
                                  : !set.segments.empty() ? set.segments.front().element(1)
                                                          : std::string_view{};
    if (st01 != "997" && st01 != "999") {
      throw MalformedAck("ST01 '" + std::string(st01) + "' is not a 997 or 999 functional acknowledgment");
    }
    ack_.kind = st01 == "999" ? AckKind::Implementation999 : AckKind::Functional997;
    ack_.control_number = set.control_number;
    name_ = std::string(st01) + " " + set.control_number;
  }

  FunctionalAck parse() {
    std::size_t index = 0;
    for (; index < set_.segments.size(); ++index) {
      const Segment& segment = set_.segments[index];
      if (segment.tag == "ST" && index == 0) continue;
      if (segment.tag == "SE") break;
      on_segment(index, segment);
    }
    // What was still expected when SE (or the end of the set) came.
    if (!have_ak1_) fail(index, "expected AK1 before the end of the set");
    require_set_closed(index);
    if (!have_ak9_) fail(index, "expected AK9 before the end of the set");
    return std::move(ack_);
  }

 private:
  bool is999() const { return ack_.kind == AckKind::Implementation999; }
  // "AK3"/"IK3" and friends: the loop segments differ between 997 and 999.
  std::string tag(std::string_view digit) const { return (is999() ? "IK" : "AK") + std::string(digit); }

  [[noreturn]] void fail(std::size_t index, const std::string& what) const {
    std::string where = name_ + ": segment " + std::to_string(index + 1);
    if (index < set_.segments.size()) {
      const Segment& segment = set_.segments[index];
      if (segment.number != 0) where += " (file segment " + std::to_string(segment.number) + ")";
      where += " " + segment.tag;
    } else {
      where += " (end of set)";
    }
    throw MalformedAck(where + ": " + what);
  }

  // An AK2 loop ends with its AK5/IK5 before the next AK2, the AK9 or SE.
  void require_set_closed(std::size_t index) const {
    if (set_open_) fail(index, "expected " + tag("5") + " closing the AK2 loop of set " + ack_.sets.back().control_number);
  }

  std::string required(std::size_t index, const Segment& segment, std::size_t n) const {
    const std::string_view value = segment.element(n);
    if (value.empty()) fail(index, segment.tag + (n < 10 ? "0" : "") + std::to_string(n) + " is missing");
    return std::string(value);
  }

  std::uint32_t number(std::size_t index, const Segment& segment, std::size_t n) const {
    const std::string value = required(index, segment, n);
    const auto parsed = to_number(value);
    if (!parsed || *parsed > UINT32_MAX) {
      fail(index, segment.tag + (n < 10 ? "0" : "") + std::to_string(n) + " '" + value + "' is not a number");
    }
    return static_cast<std::uint32_t>(*parsed);
  }

  void on_segment(std::size_t index, const Segment& s) {
    if (!have_ak1_) {
      if (s.tag != "AK1") fail(index, "expected AK1 first");
      ack_.functional_id = required(index, s, 1);
      ack_.group_control = required(index, s, 2);
      ack_.version = s.element(3);
      have_ak1_ = true;
      return;
    }
    if (have_ak9_) fail(index, "expected SE after AK9");
    const std::string& t = s.tag;
    if (t == "AK2") {
      require_set_closed(index);
      SetAck& set = ack_.sets.emplace_back();
      set.id = required(index, s, 1);
      set.control_number = required(index, s, 2);
      set.convention = s.element(3);
      set_open_ = true;
      segment_open_ = element_open_ = false;
    } else if (t == "AK3" || t == "IK3" || t == "AK4" || t == "IK4" || t == "AK5" || t == "IK5") {
      if (t != tag(t.substr(2))) fail(index, "a " + name_.substr(0, 3) + " uses " + tag(t.substr(2)) + ", not " + t);
      if (!set_open_) fail(index, t + " outside an AK2 loop");
      if (t.back() == '3') on_segment_error(index, s);
      if (t.back() == '4') on_element_error(index, s);
      if (t.back() == '5') on_set_verdict(index, s);
    } else if (t == "CTX" && is999()) {
      if (!segment_open_) fail(index, "CTX before any IK3");
      SegmentError& segment = ack_.sets.back().segments.back();
      std::string& message = element_open_ ? segment.elements.back().message : segment.message;
      std::string text = "CTX";
      for (const std::string& element : s.elements) (text += ' ') += element;
      message += (message.empty() ? "" : "; ") + text;
    } else if (t == "AK9") {
      require_set_closed(index);
      ack_.ack_code = required(index, s, 1);
      ack_.sets_included = number(index, s, 2);
      ack_.sets_received = number(index, s, 3);
      ack_.sets_accepted = number(index, s, 4);
      for (std::size_t n = 5; n <= s.elements.size(); ++n) {
        if (!s.element(n).empty()) ack_.codes.emplace_back(s.element(n));
      }
      have_ak9_ = true;
    } else {
      fail(index, "unexpected segment in a " + name_.substr(0, 3));
    }
  }

  void on_segment_error(std::size_t index, const Segment& s) {
    SegmentError& error = ack_.sets.back().segments.emplace_back();
    error.tag = required(index, s, 1);
    error.position = number(index, s, 2);
    error.loop_id = s.element(3);
    assign_code(s.element(4), error.code, error.implementation_code);
    segment_open_ = true;
    element_open_ = false;
  }

  void on_element_error(std::size_t index, const Segment& s) {
    if (!segment_open_) fail(index, s.tag + " before any " + tag("3") + " in its AK2 loop");
    ElementError& error = ack_.sets.back().segments.back().elements.emplace_back();
    // AK401 / IK401 is C030: position[:component[:repetition]], empty parts allowed inside.
    const std::string position = required(index, s, 1);
    const auto parts = split(position, set_.delimiters.component);
    std::uint32_t* targets[] = {&error.position, &error.component, &error.repetition};
    if (parts.size() > 3) fail(index, s.tag + "01 '" + position + "' has more than 3 components");
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].empty() && i > 0) continue;
      const auto value = to_number(parts[i]);
      if (!value || *value > UINT32_MAX) fail(index, s.tag + "01 '" + position + "' is not an element position");
      *targets[i] = static_cast<std::uint32_t>(*value);
    }
    error.reference = s.element(2);
    assign_code(required(index, s, 3), error.code, error.implementation_code);
    error.bad_value = s.element(4);
    element_open_ = true;
  }

  void on_set_verdict(std::size_t index, const Segment& s) {
    SetAck& set = ack_.sets.back();
    set.ack_code = required(index, s, 1);
    for (std::size_t n = 2; n <= s.elements.size(); ++n) {
      if (!s.element(n).empty()) set.codes.emplace_back(s.element(n));
    }
    set_open_ = segment_open_ = element_open_ = false;
  }

  const TransactionSet& set_;
  FunctionalAck ack_;
  std::string name_;  // "997 0001", for messages
  bool have_ak1_ = false, have_ak9_ = false;
  bool set_open_ = false, segment_open_ = false, element_open_ = false;
};

// TA105 meanings (docs/x12-facts.md section 6).
constexpr std::string_view kNotes[] = {
    "no error",
    "ISA13 and IEA02 control numbers do not match",
    "standard in ISA11 not supported",
    "version of the controls not supported",
    "segment terminator invalid",
    "invalid interchange ID qualifier for sender",
    "invalid interchange sender ID",
    "invalid interchange ID qualifier for receiver",
    "invalid interchange receiver ID",
    "unknown interchange receiver ID",
    "invalid authorization information qualifier value",
    "invalid authorization information value",
    "invalid security information qualifier value",
    "invalid security information value",
    "invalid interchange date value",
    "invalid interchange time value",
    "invalid interchange standards identifier value",
    "invalid interchange version ID value",
    "invalid interchange control number value",
    "invalid acknowledgment requested value",
    "invalid test indicator value",
    "invalid number of included groups value",
    "invalid control structure",
    "improper (premature) end of file",
    "invalid interchange content",
    "duplicate interchange control number",
    "invalid data element separator",
    "invalid component element separator",
    "invalid delivery date in deferred delivery request",
    "invalid delivery time in deferred delivery request",
    "invalid delivery time code in deferred delivery request",
    "invalid grade of service code",
};

std::string code_list(const std::vector<std::string>& codes) {
  std::string out;
  for (const std::string& code : codes) out += (out.empty() ? "" : ",") + code;
  return out;
}

std::string describe(const SegmentError& segment) {
  const std::string code = segment.code.empty()                  ? segment.implementation_code
                           : segment.implementation_code.empty() ? segment.code
                                                                 : segment.code + "/" + segment.implementation_code;
  std::string out = segment.tag + " at " + std::to_string(segment.position) + " code " + code;
  std::string elements;
  for (const ElementError& e : segment.elements) {
    std::string name = segment.tag + (e.position < 10 ? "0" : "") + std::to_string(e.position);
    if (e.component != 0) name += "-" + std::to_string(e.component);
    if (e.repetition != 0) name += "#" + std::to_string(e.repetition);
    name += " code " + (e.code.empty() ? e.implementation_code : e.code);
    if (!e.bad_value.empty()) name += " '" + e.bad_value + "'";
    elements += (elements.empty() ? "" : "; ") + name;
  }
  if (!elements.empty()) out += " [" + elements + "]";
  return out;
}

}  // namespace

FunctionalAck read_functional_ack(const TransactionSet& set) { return AckParser(set).parse(); }

InterchangeAck read_ta1(const Segment& segment) {
  const std::string where = "TA1" + (segment.number != 0 ? " at file segment " + std::to_string(segment.number) : "");
  if (segment.tag != "TA1") throw MalformedAck(where + ": expected TA1, found " + segment.tag);
  InterchangeAck ack;
  ack.control_number = std::string(trimmed(segment.element(1)));
  const auto control = to_number(ack.control_number);
  if (!control || ack.control_number.size() > 9) {
    throw MalformedAck(where + ": TA101 '" + ack.control_number + "' is not an interchange control number");
  }
  ack.control_value = *control;
  if (ack.control_number.size() != 9) ack.deviations.push_back("TA101 '" + ack.control_number + "' is not 9 digits");
  ack.date = segment.element(2);
  if (ack.date.size() != 6 || !all_digits(ack.date)) ack.deviations.push_back("TA102 '" + ack.date + "' is not YYMMDD");
  ack.time = segment.element(3);
  if (ack.time.size() != 4 || !all_digits(ack.time) || ack.time.compare(0, 2, "24") >= 0 || ack.time[2] > '5')
    ack.deviations.push_back("TA103 '" + ack.time + "' is not a time HHMM");
  ack.ack_code = segment.element(4);
  if (ack.ack_code != "A" && ack.ack_code != "E" && ack.ack_code != "R") {
    throw MalformedAck(where + ": TA104 '" + ack.ack_code + "' is not A, E or R");
  }
  ack.note_code = segment.element(5);
  if (ack.note_code.empty()) {
    ack.deviations.push_back("TA105 note code missing");
  } else if (ack.note_code.size() != 3 || !all_digits(ack.note_code)) {
    ack.deviations.push_back("TA105 '" + ack.note_code + "' is not a 3-digit note code");
  }
  if (segment.elements.size() > 5) {
    ack.deviations.push_back(std::to_string(segment.elements.size()) + " elements, a TA1 has 5");
  }
  return ack;
}

std::string describe(const FunctionalAck& ack) {
  std::string out = "AK9 " + ack.ack_code;
  if (!ack.codes.empty()) out += " (" + code_list(ack.codes) + ")";
  out += ": " + std::to_string(ack.sets_accepted) + " of " + std::to_string(ack.sets_included) + " accepted";
  if (ack.sets_received != ack.sets_included) out += " (" + std::to_string(ack.sets_received) + " received)";
  for (const SetAck& set : ack.sets) {
    if (set.ack_code == "A" && set.codes.empty() && set.segments.empty()) continue;
    out += "; " + set.control_number + " " + set.ack_code;
    if (!set.codes.empty()) out += " (" + code_list(set.codes) + ")";
    std::string segments;
    for (const SegmentError& segment : set.segments) segments += (segments.empty() ? "" : ", ") + describe(segment);
    if (!segments.empty()) out += ": " + segments;
  }
  return out;
}

std::string describe(const InterchangeAck& ack) {
  std::string out = "TA1 " + ack.control_number + " " + ack.ack_code;
  if (ack.note_code.empty()) {
    out += " (no note code)";
  } else {
    out += " " + ack.note_code;
    const auto note = to_number(ack.note_code);
    if (note && *note < std::size(kNotes)) out += ": " + std::string(kNotes[*note]);
  }
  for (const std::string& deviation : ack.deviations) out += "; " + deviation;
  return out;
}

}  // namespace edihub::x12
