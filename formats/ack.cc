#include "formats/ack.h"

#include <algorithm>
#include <cctype>

#include "formats/interchange_writer.h"

namespace edihub::x12 {

namespace {

constexpr std::size_t kMaxElementErrors = 99;  // AK4/IK4 per AK3/IK3
constexpr std::size_t kMaxCodes = 5;           // AK502-AK506, IK502-IK506, AK905-AK909
constexpr std::size_t kMaxBadValue = 99;       // AK404/IK404 is AN 1-99

// A value copied from the partner's file, without any character that would read as a
// target delimiter (X12 has no escape) and without control characters.
std::string clean(std::string_view value, const Delimiters& target) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!target.segment.empty() && value.compare(i, target.segment.size(), target.segment) == 0) {
      i += target.segment.size() - 1;
      continue;
    }
    const char c = value[i];
    const bool control = static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    if (control || c == target.element || c == target.component || (target.repetition != 0 && c == target.repetition)) {
      continue;
    }
    out += c;
  }
  return out;
}

// AK404/IK404: cleaned, then cut to 99 bytes without splitting a UTF-8 character.
std::string bad_value(std::string_view value, const Delimiters& target) {
  std::string out = clean(value, target);
  if (out.size() > kMaxBadValue) {
    std::size_t cut = kMaxBadValue;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

// X12 senders drop trailing empty elements.
Segment make_segment(std::string tag, std::vector<std::string> elements) {
  while (!elements.empty() && elements.back().empty()) elements.pop_back();
  return Segment{std::move(tag), std::move(elements)};
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string trimmed_copy(std::string_view s) {
  const auto first = s.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(' ') - first + 1));
}

bool hhmm(std::string_view t) {
  return t.size() == 4 && all_digits(t) && t.compare(0, 2, "24") < 0 && t[2] <= '5';
}

// An ISA ID qualifier of ours copied from the partner's: ZZ (mutually defined) when unusable.
std::string qualifier(std::string_view value, const Delimiters& target) {
  std::string out = clean(value, target);
  return out.size() == 2 ? out : std::string("ZZ");
}

// A GS02/GS03 of ours copied from the partner's GS: `fallback` when it is no 2..15-character ID.
std::string group_id(std::string_view value, std::string_view fallback, const Delimiters& target) {
  std::string out = clean(value, target);
  return out.size() >= 2 && out.size() <= 15 ? out : clean(fallback, target);
}

// The 999 says the implementation code when there is one; the 997 only has base codes.
template <typename Error>
const std::string& code_for(AckKind kind, const Error& error) {
  return kind == AckKind::Implementation999 && !error.implementation_code.empty() ? error.implementation_code
                                                                                 : error.code;
}

bool implementation_only(std::string_view code) { return !code.empty() && code.front() == 'I'; }

// Up to 5 codes, appended as trailing elements; a 997 cannot carry 999 I-codes.
void append_codes(std::vector<std::string>& elements, const std::vector<std::string>& codes, bool allow_i_codes,
                  const Delimiters& target) {
  std::size_t written = 0;
  for (const std::string& code : codes) {
    if (written == kMaxCodes) break;
    if (!allow_i_codes && implementation_only(code)) continue;
    elements.push_back(clean(code, target));
    ++written;
  }
}

// The six-digit version family of a GS08 ("004010VICS" -> "004010"); empty when none.
std::string version_family(std::string_view gs08) {
  if (gs08.size() < 6) return {};
  const std::string_view head = gs08.substr(0, 6);
  return all_digits(head) ? std::string(head) : std::string{};
}

// AK401/IK401 (composite C030): position[:component[:repetition]].
std::string element_position(const ElementError& e, char component) {
  std::string out = std::to_string(e.position);
  if (e.component != 0 || e.repetition != 0) {
    out += component;
    if (e.component != 0) out += std::to_string(e.component);
  }
  if (e.repetition != 0) (out += component) += std::to_string(e.repetition);
  return out;
}

const GroupResult* first_acknowledged(const InterchangeResult& partner) {
  for (const GroupResult& group : partner.groups) {
    if (acknowledged(group)) return &group;
  }
  return nullptr;
}

}  // namespace

bool ack_reports(AckKind kind, const SetResult& set) {
  return kind == AckKind::Implementation999 || set.ack_code != "A" || !set.codes.empty() || !set.segments.empty();
}

bool acknowledged(const GroupResult& group) {
  return group.header.functional_id != "FA" && group_control_answerable(group.header.control_number);
}

std::size_t ack_set_count(const InterchangeResult& partner, const AckRequest& request) {
  if (!request.functional_acks || !partner.accepted()) return 0;
  return static_cast<std::size_t>(std::count_if(partner.groups.begin(), partner.groups.end(), acknowledged));
}

Delimiters ack_delimiters(const Delimiters& partner, std::string_view version) {
  Delimiters d = partner;
  if (version < "00402") {
    d.repetition = 0;
  } else if (d.repetition == 0) {
    for (char candidate : std::string_view("^!|`{}")) {
      if (candidate != d.element && candidate != d.component && d.segment.find(candidate) == std::string::npos) {
        d.repetition = candidate;
        break;
      }
    }
  }
  return d;
}

std::vector<Segment> functional_ack_body(AckKind kind, const GroupResult& group, const Delimiters& target) {
  const bool is999 = kind == AckKind::Implementation999;
  // The 005010 997 added AK103 and AK203; a 4010 997 has neither.
  const bool with_versions = is999 || version_family(group.header.version) >= "005010";
  auto copy = [&](std::string_view value) { return clean(value, target); };

  std::vector<Segment> body;
  std::vector<std::string> ak1{copy(group.header.functional_id), copy(group.header.control_number)};
  if (with_versions) ak1.push_back(copy(group.header.version));
  body.push_back(make_segment("AK1", std::move(ak1)));

  for (const SetResult& set : group.sets) {
    if (!ack_reports(kind, set) || !set_control_answerable(set.control_number)) continue;
    std::vector<std::string> ak2{copy(set.id), copy(set.control_number)};
    if (with_versions) ak2.push_back(copy(set.convention));
    body.push_back(make_segment("AK2", std::move(ak2)));

    for (const SegmentError& segment : set.segments) {
      const std::string& code = code_for(kind, segment);
      if (code.empty()) continue;  // an implementation-only finding in a 997
      body.push_back(make_segment(is999 ? "IK3" : "AK3", {copy(segment.tag), std::to_string(segment.position),
                                                          copy(segment.loop_id), copy(code)}));
      std::size_t written = 0;
      for (const ElementError& element : segment.elements) {
        if (written == kMaxElementErrors) break;
        const std::string& ecode = code_for(kind, element);
        if (ecode.empty()) continue;
        body.push_back(make_segment(is999 ? "IK4" : "AK4", {element_position(element, target.component),
                                                            copy(element.reference), copy(ecode),
                                                            bad_value(element.bad_value, target)}));
        ++written;
      }
    }

    std::vector<std::string> ak5{copy(set.ack_code)};
    append_codes(ak5, set.codes, is999, target);
    body.push_back(make_segment(is999 ? "IK5" : "AK5", std::move(ak5)));
  }

  std::vector<std::string> ak9{copy(group.ack_code), std::to_string(group.sets_included),
                               std::to_string(group.sets_received), std::to_string(group.sets_accepted)};
  append_codes(ak9, group.codes, is999, target);
  body.push_back(make_segment("AK9", std::move(ak9)));
  return body;
}

Segment ta1_segment(const InterchangeResult& interchange, const Delimiters& target, const AckEnvelope& envelope) {
  const InterchangeHeader& h = interchange.header;
  std::string control = trimmed_copy(h.control_number);
  // TA101 is N0 9: pad a short numeric ISA13; 000000000 stands for one that is no number.
  if (!control.empty() && control.size() <= 9 && all_digits(control)) control.insert(0, 9 - control.size(), '0');
  else control = "000000000";
  std::string date = h.date, time = h.time;
  if (!envelope.date.empty() && !(date.size() == 6 && all_digits(date)))
    date = envelope.date.size() == 8 ? envelope.date.substr(2) : envelope.date;
  if (!envelope.time.empty() && !hhmm(time)) time = envelope.time.substr(0, 4);
  const std::string note = interchange.note_code.empty() ? std::string("000") : clean(interchange.note_code, target);
  return make_segment("TA1", {control, clean(date, target), clean(time, target), clean(interchange.ack_code, target), note});
}

std::string ack_version(std::string_view partner_version) {
  return known_control_version(partner_version) ? std::string(partner_version) : std::string("00401");
}

std::string build_ack(const InterchangeResult& partner, const AckRequest& request, const AckEnvelope& envelope) {
  const bool send_ta1 = request.ta1 || !partner.accepted();
  const GroupResult* first = ack_set_count(partner, request) > 0 ? first_acknowledged(partner) : nullptr;
  if (!send_ta1 && first == nullptr) return {};

  const InterchangeHeader& them = partner.header;
  InterchangeSettings settings;
  settings.version = ack_version(envelope.version);
  settings.delimiters = ack_delimiters(envelope.delimiters, settings.version);
  const Delimiters& d = settings.delimiters;
  settings.suffix = envelope.suffix;
  settings.sender_qualifier = qualifier(them.receiver_qualifier, d);
  settings.sender_id = clean(them.receiver_id, d).substr(0, 15);
  settings.receiver_qualifier = qualifier(them.sender_qualifier, d);
  settings.receiver_id = clean(them.sender_id, d).substr(0, 15);
  // ISA09 is the YYMMDD of GS04's CCYYMMDD; a wrong length is left for the writer to name.
  settings.date = envelope.date.size() == 8 ? envelope.date.substr(2) : envelope.date;
  settings.time = envelope.time;
  settings.control_number = envelope.interchange_control;
  settings.usage = envelope.usage == "P" || envelope.usage == "T" || envelope.usage == "I" ? envelope.usage : "P";

  InterchangeWriter writer(settings);
  const Delimiters& target = writer.delimiters();
  if (send_ta1) writer.interchange_segment(ta1_segment(partner, target, envelope));
  if (first != nullptr) {
    const bool is999 = request.kind == AckKind::Implementation999;
    GroupSettings group;
    group.functional_id = "FA";
    // Swapped: the partner's application receiver sends the ack. A GS without codes
    // (a damaged header) falls back to the interchange IDs.
    group.sender = group_id(first->header.receiver, settings.sender_id, target);
    group.receiver = group_id(first->header.sender, settings.receiver_id, target);
    group.date = envelope.date;
    group.time = envelope.time;
    group.control_number = envelope.group_control;
    const std::string family = version_family(first->header.version);
    group.version = is999 ? std::string(k999Convention) : family.empty() ? std::string("004010") : family;
    writer.begin_group(group);
    std::uint64_t control = envelope.first_set_control;
    for (const GroupResult& acked : partner.groups) {
      if (!acknowledged(acked)) continue;
      writer.transaction_set(is999 ? "999" : "997", control++, is999 ? k999Convention : std::string_view{},
                             functional_ack_body(request.kind, acked, target));
    }
    writer.end_group();
  }
  return writer.finish();
}

}  // namespace edihub::x12
