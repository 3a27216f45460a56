#include "formats/edifact_writer.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace edihub::edifact {

namespace {

[[noreturn]] void reject(std::string_view field, const std::string& why) {
  throw std::invalid_argument(std::string(field) + ": " + why);
}

void check_length(std::string_view field, std::string_view value, std::size_t min, std::size_t max) {
  if (value.size() < min || value.size() > max) {
    const std::string expected = min == max ? std::to_string(min) : std::to_string(min) + "-" + std::to_string(max);
    reject(field, "value '" + std::string(value) + "' is " + std::to_string(value.size()) + " characters, expected " +
                      expected);
  }
}

// A simple data element: within its length, and no component or repetition mark or
// other control character (escaping cannot carry those; they would change the structure).
std::string simple(std::string_view field, std::string_view value, std::size_t min, std::size_t max) {
  check_length(field, value, min, max);
  for (char c : value)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      reject(field, "value '" + std::string(value) + "' contains a control character");
  return std::string(value);
}

void check_digits(std::string_view field, std::string_view value, std::size_t width, std::string_view format) {
  if (value.size() != width || !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); }))
    reject(field, "value '" + std::string(value) + "' is not " + std::string(format));
}

// Components joined by kComponent, trailing empty ones left out (ISO 9735: truncation).
std::string composite(std::vector<std::string> components) {
  while (!components.empty() && components.back().empty()) components.pop_back();
  std::string joined;
  for (std::size_t i = 0; i < components.size(); ++i) {
    if (i > 0) joined += kComponent;
    joined += components[i];
  }
  return joined;
}

x12::Segment segment(std::string tag, std::vector<std::string> elements) {
  while (!elements.empty() && elements.back().empty()) elements.pop_back();
  x12::Segment s;
  s.tag = std::move(tag);
  s.elements = std::move(elements);
  return s;
}

std::string date_time(std::string_view segment, int syntax, const std::string& date, const std::string& time) {
  const std::string field = std::string(segment) + " S004/0017";
  if (syntax == 3) check_digits(field, date, 6, "YYMMDD (syntax 3)");
  else check_digits(field, date, 8, "CCYYMMDD (syntax 4)");
  check_digits(std::string(segment) + " S004/0019", time, 4, "HHMM");
  return composite({date, time});
}

// Service characters: distinct, printable, neither letter, digit nor space (they would
// be taken for data); the repetition separator exists from syntax 4 only.
x12::Delimiters checked_delimiters(const x12::Delimiters& d, int syntax) {
  auto check = [](std::string_view field, char c) {
    if (c == 0 || c == ' ' || static_cast<unsigned char>(c) < 0x20 || std::isalnum(static_cast<unsigned char>(c)))
      reject(field, std::string("service character '") + c + "' is not usable (must be a punctuation character)");
  };
  check("UNA1 component separator", d.component);
  check("UNA2 element separator", d.element);
  if (d.decimal != '.' && d.decimal != ',') reject("UNA3 decimal mark", std::string("'") + d.decimal + "' is not '.' or ','");
  if (d.release != 0) check("UNA4 release character", d.release);
  if (syntax == 3 && d.repetition != 0) reject("UNA5", "syntax 3 has no repetition separator (the position is reserved)");
  if (syntax == 4) check("UNA5 repetition separator", d.repetition);
  if (d.segment.size() != 1) reject("UNA6 segment terminator", "must be one character");
  check("UNA6 segment terminator", d.segment[0]);
  std::string all{d.component, d.element, d.segment[0]};
  if (d.release != 0) all += d.release;
  if (d.repetition != 0) all += d.repetition;
  std::string sorted = all;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    reject("UNA", "service characters '" + all + "' must all differ");
  return d;
}

}  // namespace

std::string reference(std::uint64_t number) { return std::to_string(number); }

InterchangeWriter::InterchangeWriter(const InterchangeSettings& s) : syntax_version_(s.syntax_version), suffix_(s.suffix) {
  if (s.syntax_version != 3 && s.syntax_version != 4)
    reject("UNB S001/0002", "syntax version " + std::to_string(s.syntax_version) + " is not 3 or 4");
  if (s.syntax_identifier.size() != 4 || !s.syntax_identifier.starts_with("UNO") ||
      !std::isupper(static_cast<unsigned char>(s.syntax_identifier[3])))
    reject("UNB S001/0001", "syntax identifier '" + s.syntax_identifier + "' is not UNOA..UNOZ");
  const x12::Delimiters defaults = default_delimiters(s.syntax_version);
  delimiters_ = checked_delimiters(s.delimiters.value_or(defaults), s.syntax_version);
  const std::string date = date_time("UNB", s.syntax_version, s.date, s.time);
  interchange_reference_ = simple("UNB 0020", s.control_reference, 1, 14);
  x12::Segment unb = segment(
      "UNB", {composite({s.syntax_identifier, std::to_string(s.syntax_version)}),
              composite({simple("UNB S002/0004", s.sender_id, 1, 35), simple("UNB S002/0007", s.sender_qualifier, 0, 4)}),
              composite({simple("UNB S003/0010", s.recipient_id, 1, 35),
                         simple("UNB S003/0007", s.recipient_qualifier, 0, 4)}),
              date, interchange_reference_, "", simple("UNB 0026", s.application_reference, 0, 14), "",
              s.ack_requested ? "1" : "", "", s.test ? "1" : ""});
  const x12::Delimiters& d = delimiters_;
  if (s.always_una || d != defaults) {
    out_ = std::string("UNA") + d.component + d.element + d.decimal + (d.release ? d.release : ' ') +
           (d.repetition ? d.repetition : ' ') + d.segment + suffix_;
  }
  write(unb);
}

void InterchangeWriter::require(State state, std::string_view call) const {
  if (state_ == state) return;
  static constexpr const char* kWhere[] = {"outside a group", "inside a group", "after finish()"};
  throw std::logic_error(std::string(call) + " called " + kWhere[static_cast<int>(state_)]);
}

void InterchangeWriter::write(const x12::Segment& s) {
  out_ += render(s, delimiters_);
  out_ += suffix_;
}

void InterchangeWriter::begin_group(const GroupSettings& g) {
  require(State::Interchange, "begin_group");
  if (messages_ > 0) throw std::logic_error("begin_group after messages standing directly in the interchange");
  const std::string date = date_time("UNG", syntax_version_, g.date, g.time);
  group_reference_ = simple("UNG 0048", g.control_reference, 1, 14);
  write(segment("UNG", {simple("UNG 0038", g.group_id, 1, 6),
                        composite({simple("UNG S006/0040", g.sender_id, 1, 35),
                                   simple("UNG S006/0007", g.sender_qualifier, 0, 4)}),
                        composite({simple("UNG S007/0044", g.recipient_id, 1, 35),
                                   simple("UNG S007/0007", g.recipient_qualifier, 0, 4)}),
                        date, group_reference_, simple("UNG 0051", g.agency, 1, 3),
                        composite({simple("UNG S008/0052", g.version, 1, 3), simple("UNG S008/0054", g.release, 1, 3),
                                   simple("UNG S008/0057", g.association, 0, 6)})}));
  state_ = State::Group;
  messages_in_group_ = 0;
  ++groups_;
}

void InterchangeWriter::message(const MessageIdentifier& id, std::string_view ref, const std::vector<x12::Segment>& body) {
  if (state_ == State::Interchange && groups_ > 0)
    throw std::logic_error("message outside a group in an interchange that has groups");
  if (state_ == State::Finished) require(State::Interchange, "message");
  const std::string reference = simple("UNH 0062", ref, 1, 14);
  const std::string s009 = composite({simple("UNH S009/0065", id.type, 1, 6), simple("UNH S009/0052", id.version, 1, 3),
                                      simple("UNH S009/0054", id.release, 1, 3), simple("UNH S009/0051", id.agency, 1, 3),
                                      simple("UNH S009/0057", id.association, 0, 6)});
  for (const auto& s : body) {
    static constexpr std::string_view kEnvelope[] = {"UNA", "UNB", "UNG", "UNH", "UNT", "UNE", "UNZ"};
    if (std::find(std::begin(kEnvelope), std::end(kEnvelope), s.tag) != std::end(kEnvelope))
      throw std::invalid_argument("UNH " + reference + " body: service segment " + s.tag +
                                  " is written by the interchange writer");
  }
  // Nothing is written when a body segment cannot be, so the interchange stays whole.
  const std::size_t start = out_.size();
  write(segment("UNH", {reference, s009}));
  for (std::size_t i = 0; i < body.size(); ++i) {
    try {
      write(body[i]);
    } catch (const std::invalid_argument& e) {
      out_.resize(start);
      throw std::invalid_argument("UNH " + reference + " segment " + std::to_string(i + 2) + " " + body[i].tag + ": " +
                                  e.what());
    }
  }
  write(segment("UNT", {std::to_string(body.size() + 2), reference}));
  ++(state_ == State::Group ? messages_in_group_ : messages_);
}

void InterchangeWriter::end_group() {
  require(State::Group, "end_group");
  write(segment("UNE", {std::to_string(messages_in_group_), group_reference_}));
  state_ = State::Interchange;
}

std::string InterchangeWriter::finish() {
  require(State::Interchange, "finish");
  write(segment("UNZ", {std::to_string(groups_ > 0 ? groups_ : messages_), interchange_reference_}));
  state_ = State::Finished;
  return std::move(out_);
}

}  // namespace edihub::edifact
