#include "formats/contrl.h"

#include <algorithm>

#include "formats/edifact.h"
#include "formats/edifact_writer.h"

namespace edihub::edifact {

namespace {

constexpr std::size_t kMaxSegmentErrors = 999;  // UCS per UCM (CONTRL SG2 repeats)
constexpr std::size_t kMaxElementErrors = 99;   // UCD per UCS
constexpr std::size_t kMaxReference = 14;       // 0020, 0048, 0062 are an..14

// Where an envelope fault stands: 0013 service segment tag and S011 (0098:0104).
struct Place {
  std::string_view tag;
  std::string_view position;  // "" when the whole segment is at fault
};

// TA105 note codes (the validator's interchange findings) placed in UNB/UNZ.
Place interchange_place(std::string_view note) {
  static constexpr std::pair<std::string_view, Place> kPlaces[] = {
      {"001", {"UNZ", "2"}},    {"021", {"UNZ", "1"}},  {"023", {"UNZ", ""}},   {"005", {"UNB", "2:2"}},
      {"006", {"UNB", "2:1"}},  {"007", {"UNB", "3:2"}}, {"008", {"UNB", "3:1"}}, {"014", {"UNB", "4:1"}},
      {"015", {"UNB", "4:2"}},  {"017", {"UNB", "1:2"}}, {"018", {"UNB", "5"}},   {"019", {"UNB", "9"}},
      {"020", {"UNB", "11"}},   {"025", {"UNB", "5"}}};
  for (const auto& [code, place] : kPlaces)
    if (code == note) return place;
  return {};
}

// AK905 group codes placed in UNG/UNE.
Place group_place(std::string_view code) {
  if (code == "3") return {"UNE", ""};
  if (code == "4") return {"UNE", "2"};
  if (code == "5") return {"UNE", "1"};
  if (code == "6") return {"UNG", "5"};
  return {};
}

// AK5 message codes placed in UNH/UNT.
Place message_place(std::string_view code) {
  if (code == "2") return {"UNT", ""};
  if (code == "3") return {"UNT", "2"};
  if (code == "4") return {"UNT", "1"};
  return {};
}

// A value copied from the partner's file: control characters (component marks included)
// dropped, cut to `max` bytes. Service characters stay: the writer escapes them.
std::string copied(std::string_view value, std::size_t max) {
  std::string out;
  for (char c : value)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out += c;
  if (out.size() > max) out.resize(max);
  return out;
}

std::string join(const std::vector<std::string>& components) {
  std::vector<std::string> parts = components;
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(1, kComponent) : "") + parts[i];
  return out;
}

x12::Segment make(std::string tag, std::vector<std::string> elements) {
  while (!elements.empty() && elements.back().empty()) elements.pop_back();
  return x12::Segment{std::move(tag), std::move(elements)};
}

// The first code of `codes` that has an 0085 at `level`, with its place.
struct Fault {
  std::string error;
  Place place;
};
template <typename PlaceOf>
Fault first_fault(Level level, const std::vector<std::string>& codes, PlaceOf place_of) {
  for (const auto& code : codes)
    if (auto error = syntax_error(level, code); !error.empty()) return {std::string(error), place_of(code)};
  return {};
}

// 0083, 0085, 0013, S011 as the last four elements of UCI/UCF/UCM.
void verdict(std::vector<std::string>& elements, bool accepted, const Fault& fault) {
  elements.emplace_back(accepted ? kAcknowledged : kRejected);
  elements.push_back(fault.error);
  elements.emplace_back(fault.error.empty() ? "" : fault.place.tag);
  std::string position(fault.error.empty() ? "" : fault.place.position);
  std::replace(position.begin(), position.end(), ':', kComponent);
  elements.push_back(position);
}

// S009 of a message (its own version, else its group's): "D96A" held as 0052 + 0054 is
// split after the version's first character (D, S, or a syntax version digit), which is
// how directories name them.
std::string s009(const x12::SetResult& set, const x12::GroupHeader& group) {
  const std::string& version = set.message_version.empty() ? group.version : set.message_version;
  std::string agency = group.agency.empty() ? "UN" : group.agency;
  // As they sent it, even past the standard's lengths (EANCOM's "EAN008B" is 7): the UCM
  // must name their message exactly.
  return join({copied(set.id, 35), copied(version.substr(0, 1), 35), copied(version.size() > 1 ? version.substr(1) : "", 35),
               copied(agency, 35), copied(set.convention, 35)});
}

void message_lines(const x12::SetResult& set, const x12::GroupHeader& group, std::vector<x12::Segment>& body) {
  std::vector<std::string> ucm{copied(set.control_number, kMaxReference), s009(set, group)};
  verdict(ucm, set.accepted(), first_fault(Level::Message, set.codes, message_place));
  body.push_back(make("UCM", std::move(ucm)));
  std::size_t segments = 0;
  for (const auto& segment : set.segments) {
    if (++segments > kMaxSegmentErrors) break;
    body.push_back(make("UCS", {std::to_string(segment.position), std::string(syntax_error(Level::Segment, segment.code))}));
    std::size_t elements = 0;
    for (const auto& element : segment.elements) {
      if (++elements > kMaxElementErrors) break;
      std::string position = std::to_string(element.position);
      if (element.component > 0) position += kComponent + std::to_string(element.component);
      body.push_back(make("UCD", {std::string(syntax_error(Level::Element, element.code)), position}));
    }
  }
}

bool is_contrl(const x12::SetResult& set) { return set.id == kContrl; }

}  // namespace

bool contrl_answers(const x12::InterchangeResult& partner) {
  if (!partner.accepted()) return true;
  for (const auto& group : partner.groups)
    if (std::any_of(group.sets.begin(), group.sets.end(), [](const auto& set) { return !is_contrl(set); })) return true;
  return false;
}

std::vector<x12::Segment> contrl_body(const x12::InterchangeResult& partner) {
  const auto& h = partner.header;
  std::vector<x12::Segment> body;
  // A group without UNG has no UCF: its group-level faults (UNZ counts) are the UCI's.
  const x12::GroupResult* implicit_fault = nullptr;
  for (const auto& group : partner.groups)
    if (group.header.implicit && group.ack_code == "R" && !group.codes.empty()) implicit_fault = &group;
  Fault fault;
  if (partner.note_code != "000") {
    const std::string_view error = syntax_error(Level::Interchange, partner.note_code);
    if (!error.empty()) fault = {std::string(error), interchange_place(partner.note_code)};
  }
  if (fault.error.empty() && implicit_fault) {
    fault = first_fault(Level::Group, implicit_fault->codes, group_place);
    if (fault.place.tag == "UNE") fault.place = {"UNZ", fault.place.position};
  }
  const bool accepted = partner.accepted() && !implicit_fault;
  std::vector<std::string> uci{copied(h.control_number, kMaxReference),
                               join({copied(h.sender_id, 35), copied(h.sender_qualifier, 4)}),
                               join({copied(h.receiver_id, 35), copied(h.receiver_qualifier, 4)})};
  verdict(uci, accepted, fault);
  body.push_back(make("UCI", std::move(uci)));
  if (!accepted) return body;  // 4 at UCI rejects every level below it
  for (const auto& group : partner.groups) {
    if (!group.header.implicit) {
      std::vector<std::string> ucf{copied(group.header.control_number, kMaxReference), copied(group.header.sender, 35),
                                   copied(group.header.receiver, 35)};
      // Rejected at UCF only for the group's own envelope faults: a group whose messages
      // were all rejected is still acknowledged, its UCMs saying why.
      const bool group_accepted = group.ack_code != "R" || group.codes.empty();
      verdict(ucf, group_accepted, first_fault(Level::Group, group.codes, group_place));
      body.push_back(make("UCF", std::move(ucf)));
      if (!group_accepted) continue;  // 4 at UCF rejects its messages
    }
    for (const auto& set : group.sets)
      if (!is_contrl(set)) message_lines(set, group.header, body);
  }
  return body;
}

std::string build_contrl(const x12::InterchangeResult& partner, const ContrlEnvelope& envelope) {
  if (!contrl_answers(partner)) return "";
  const auto& h = partner.header;
  InterchangeSettings settings;
  settings.syntax_version = h.version == "4" ? 4 : 3;
  const bool known_identifier = h.syntax_identifier.size() == 4 && h.syntax_identifier.starts_with("UNO");
  settings.syntax_identifier = known_identifier ? h.syntax_identifier : "UNOC";
  x12::Delimiters d = h.delimiters;
  if (settings.syntax_version == 3) d.repetition = 0;
  else if (d.repetition == 0) d.repetition = default_delimiters(4).repetition;
  if (d.segment.size() != 1 || (d.decimal != '.' && d.decimal != ',')) d = default_delimiters(settings.syntax_version);
  settings.delimiters = d;
  settings.suffix = envelope.suffix;
  settings.sender_id = envelope.our_id.empty() ? copied(h.receiver_id, 35) : envelope.our_id;
  settings.sender_qualifier = envelope.our_id.empty() ? copied(h.receiver_qualifier, 4) : envelope.our_qualifier;
  settings.recipient_id = envelope.their_id.empty() ? copied(h.sender_id, 35) : envelope.their_id;
  settings.recipient_qualifier = envelope.their_id.empty() ? copied(h.sender_qualifier, 4) : envelope.their_qualifier;
  settings.date = settings.syntax_version == 3 && envelope.date.size() == 8 ? envelope.date.substr(2) : envelope.date;
  settings.time = envelope.time;
  settings.control_reference = envelope.interchange_reference;
  settings.test = h.usage == "T";  // a test interchange is answered as a test
  InterchangeWriter writer(settings);
  const MessageIdentifier id = settings.syntax_version == 4 ? MessageIdentifier{std::string(kContrl), "4", "1", "UN", ""}
                                                            : MessageIdentifier{std::string(kContrl), "D", "3", "UN", ""};
  writer.message(id, envelope.message_reference, contrl_body(partner));
  return writer.finish();
}

// ---- reading a partner's CONTRL ----

namespace {

[[noreturn]] void malformed(const x12::Segment& segment, const std::string& why) {
  throw x12::MalformedAck("CONTRL segment " + std::to_string(segment.position) + " (" + segment.tag + "): " + why);
}

std::vector<std::string_view> components(std::string_view element) { return x12::split(element, kComponent); }

std::string component(std::string_view element, std::size_t n) {
  auto parts = components(element);
  return n >= 1 && n <= parts.size() ? std::string(parts[n - 1]) : std::string();
}

std::string required(const x12::Segment& segment, std::size_t n, std::string_view name) {
  std::string value(segment.element(n));
  if (value.empty()) malformed(segment, std::string(name) + " (element " + std::to_string(n) + ") is missing");
  return value;
}

// S011: 0098 element position, 0104 component position.
x12::ElementError element_error(const x12::Segment& ucd) {
  x12::ElementError error;
  error.code = required(ucd, 1, "0085 syntax error");
  const std::string position = component(ucd.element(2), 1);
  const std::string comp = component(ucd.element(2), 2);
  auto number = [&](const std::string& text, std::string_view name) -> std::uint32_t {
    if (text.empty()) return 0;
    if (text.size() > 3 || text.find_first_not_of("0123456789") != std::string::npos)
      malformed(ucd, std::string(name) + " '" + text + "' is not a position");
    return static_cast<std::uint32_t>(std::stoul(text));
  };
  error.position = number(position, "S011/0098");
  if (error.position == 0) malformed(ucd, "S011/0098 element position is missing");
  error.component = number(comp, "S011/0104");
  return error;
}

}  // namespace

ContrlAck read_contrl(const x12::TransactionSet& set) {
  if (set.id != kContrl) throw x12::MalformedAck("message " + set.control_number + " is a " + set.id + ", not a CONTRL");
  ContrlAck ack;
  ack.control_number = set.control_number;
  std::string group_reference;
  bool seen_uci = false;
  MessageAck* message = nullptr;
  x12::SegmentError* segment = nullptr;
  for (const auto& s : set.segments) {
    if (s.tag == "UNH" || s.tag == "UNT") continue;
    if (s.tag == "UCI") {
      if (seen_uci) malformed(s, "a second UCI (one CONTRL answers one interchange)");
      seen_uci = true;
      ack.interchange_reference = required(s, 1, "0020 interchange control reference");
      ack.sender_id = component(s.element(2), 1);
      ack.recipient_id = component(s.element(3), 1);
      ack.action = required(s, 4, "0083 action");
      ack.error = s.element(5);
      ack.service_segment = s.element(6);
      continue;
    }
    if (!seen_uci) malformed(s, "expected UCI first");
    if (s.tag == "UCF") {
      GroupAck group{required(s, 1, "0048 group reference"), required(s, 4, "0083 action"), std::string(s.element(5)),
                     std::string(s.element(6))};
      group_reference = group.reference;
      ack.groups.push_back(std::move(group));
      message = nullptr;
      segment = nullptr;
    } else if (s.tag == "UCM") {
      MessageAck m;
      m.reference = required(s, 1, "0062 message reference");
      m.type = component(s.element(2), 1);
      if (m.type.empty()) malformed(s, "S009/0065 message type (element 2) is missing");
      m.version = component(s.element(2), 2) + component(s.element(2), 3);
      m.group_reference = group_reference;
      m.action = required(s, 3, "0083 action");
      m.error = s.element(4);
      m.service_segment = s.element(5);
      ack.messages.push_back(std::move(m));
      message = &ack.messages.back();
      segment = nullptr;
    } else if (s.tag == "UCS") {
      if (!message) malformed(s, "UCS outside a UCM loop");
      x12::SegmentError error;
      const std::string position = required(s, 1, "0096 segment position");
      if (position.size() > 6 || position.find_first_not_of("0123456789") != std::string::npos)
        malformed(s, "0096 '" + position + "' is not a segment position");
      error.position = static_cast<std::uint32_t>(std::stoul(position));
      error.code = s.element(2);
      message->segments.push_back(std::move(error));
      segment = &message->segments.back();
    } else if (s.tag == "UCD") {
      if (!segment) malformed(s, "UCD outside a UCS loop");
      segment->elements.push_back(element_error(s));
    } else {
      malformed(s, "expected UCI, UCF, UCM, UCS or UCD");
    }
  }
  if (!seen_uci) throw x12::MalformedAck("CONTRL " + set.control_number + ": no UCI (the interchange it answers)");
  return ack;
}

std::string_view message_action(const ContrlAck& ack, std::string_view reference, std::string_view group_reference) {
  auto same = [](std::string_view a, std::string_view b) {
    auto trim = [](std::string_view s) { return s.substr(std::min(s.find_first_not_of('0'), s.size())); };
    return trim(a) == trim(b);
  };
  for (const auto& m : ack.messages)
    if (same(m.reference, reference) && (group_reference.empty() || same(m.group_reference, group_reference)))
      return m.action;
  if (ack.rejected()) return kRejected;
  for (const auto& g : ack.groups)
    if (!group_reference.empty() && same(g.reference, group_reference) && g.rejected()) return kRejected;
  return ack.received_only() ? kReceived : kAcknowledged;
}

std::string describe(const ContrlAck& ack) {
  auto codes = [](const std::string& error, const std::string& tag) {
    return (error.empty() ? "" : " code " + error) + (tag.empty() ? "" : " in " + tag);
  };
  std::size_t rejected = 0;
  for (const auto& m : ack.messages) rejected += m.rejected();
  std::string text = "UCI " + ack.interchange_reference + " " + ack.action + codes(ack.error, ack.service_segment);
  if (!ack.messages.empty())
    text += ": " + std::to_string(rejected) + " of " + std::to_string(ack.messages.size()) + " message(s) rejected";
  for (const auto& g : ack.groups)
    if (g.rejected() || !g.error.empty()) text += "; UCF " + g.reference + " " + g.action + codes(g.error, g.service_segment);
  for (const auto& m : ack.messages) {
    if (!m.rejected() && m.segments.empty() && m.error.empty()) continue;
    text += "; " + m.reference + " " + m.type + " " + m.action + codes(m.error, m.service_segment);
    for (const auto& s : m.segments) {
      text += " (UCS " + std::to_string(s.position) + (s.code.empty() ? "" : " code " + s.code);
      for (const auto& e : s.elements)
        text += " [" + std::to_string(e.position) + (e.component ? ":" + std::to_string(e.component) : "") + " code " +
                e.code + "]";
      text += ")";
    }
  }
  return text;
}

}  // namespace edihub::edifact
