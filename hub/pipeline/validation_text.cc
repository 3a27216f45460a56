#include "hub/pipeline/validation_text.h"

#include <fmt/format.h>

namespace edihub::hub {

namespace {

std::string element_name(const std::string& tag, const x12::ElementError& e) {
  std::string name = fmt::format("{}{:02}", tag, e.position);
  if (e.component) name += fmt::format("-{}", e.component);
  if (e.repetition) name += fmt::format("^{}", e.repetition);
  return name;
}

std::string codes_text(const std::vector<std::string>& codes) {
  std::string text;
  for (const auto& c : codes) text += (text.empty() ? "" : ",") + c;
  return text;
}

std::string code_text(const std::string& code, const std::string& implementation_code) {
  return implementation_code.empty() ? code : code + ", 999: " + implementation_code;
}

// Values copied from a partner's file may hold line breaks or other control characters:
// one error stays on one line; bytes that are not UTF-8 are shown as \xHH (lines go into JSON).
std::string printable(std::string text) {
  text = x12::escape_invalid_utf8(text);
  std::string out;
  for (unsigned char c : text) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

}  // namespace

std::vector<std::string> set_error_lines(const x12::SetResult& set) {
  std::vector<std::string> lines;
  // First, so that a shortened list (indented_lines) still says it.
  if (set.errors_cut > 0)
    lines.push_back(fmt::format("set {} {}: {} error(s) found beyond the caps are not listed "
                                "(acknowledgments.max_errors_per_set / max_errors_per_file)",
                                printable(set.id), printable(set.control_number), set.errors_cut));
  for (const auto& s : set.segments) {
    std::string where = s.file_segment ? fmt::format("segment {} (position {} in set {})", s.file_segment, s.position, set.control_number)
                                       : fmt::format("position {} in set {}", s.position, set.control_number);
    std::string loop = s.loop_id.empty() ? "" : fmt::format(", loop {}", s.loop_id);
    if (s.elements.empty() || s.code != "8") {
      lines.push_back(printable(fmt::format("{} {}{}: {} (AK3 {})", where, s.tag, loop, s.message, code_text(s.code, s.implementation_code))));
      continue;
    }
    for (const auto& e : s.elements)
      lines.push_back(printable(fmt::format("{} {}{}: {} (AK4 {} at {})", where, s.tag, loop, e.message,
                                            code_text(e.code, e.implementation_code), element_name(s.tag, e))));
  }
  if (!set.accepted() || !set.codes.empty())
    lines.push_back(printable(fmt::format("set {} {} (segment {}): {} (AK5 {}{}){}", set.id, set.control_number,
                                          set.first_segment, set.accepted() ? "accepted" : "rejected", set.ack_code,
                                          set.codes.empty() ? "" : " " + codes_text(set.codes),
                                          set.note.empty() ? "" : ": " + set.note)));
  return lines;
}

std::string indented_lines(const std::vector<std::string>& lines, std::size_t max) {
  std::string text;
  for (std::size_t i = 0; i < lines.size() && i < max; ++i) text += "\n  " + lines[i];
  if (lines.size() > max)
    text += fmt::format("\n  ... and {} more (`edihub archive show --raw` and `edihub validate FILE` list them all)",
                        lines.size() - max);
  return text;
}

std::vector<std::string> group_error_lines(const x12::GroupResult& group) {
  std::vector<std::string> lines;
  if (!group.codes.empty())
    lines.push_back(printable(fmt::format("group {} (GS segment {}): AK9 {} codes {}{}", group.header.control_number,
                                          group.header.segment_number, group.ack_code, codes_text(group.codes),
                                          group.note.empty() ? "" : ": " + group.note)));
  else if (!group.note.empty())  // a GS value X12 has no AK905 code for
    lines.push_back(printable(fmt::format("group {} (GS segment {}): AK9 {}: {}", group.header.control_number,
                                          group.header.segment_number, group.ack_code, group.note)));
  return lines;
}

std::string interchange_error_line(const x12::InterchangeResult& interchange) {
  if (interchange.note_code == "000") return {};
  return printable(fmt::format("interchange {} (ISA segment {}): TA1 {} note {}: {}", interchange.header.control_number,
                               interchange.header.segment_number, interchange.ack_code, interchange.note_code,
                               interchange.note));
}

nlohmann::ordered_json set_json(const x12::SetResult& s) {
  auto element_json = [](const x12::ElementError& e) {
    nlohmann::ordered_json j{{"position", e.position}, {"component", e.component}, {"repetition", e.repetition},
                             {"reference", e.reference}, {"code", e.code}};
    if (!e.implementation_code.empty()) j["implementation_code"] = e.implementation_code;
    j["value"] = e.bad_value;
    j["message"] = e.message;
    return j;
  };
  nlohmann::ordered_json segments = nlohmann::ordered_json::array();
  for (const auto& seg : s.segments) {
    nlohmann::ordered_json elements = nlohmann::ordered_json::array();
    for (const auto& e : seg.elements) elements.push_back(element_json(e));
    nlohmann::ordered_json j{{"tag", seg.tag}, {"position", seg.position}, {"segment", seg.file_segment},
                             {"loop", seg.loop_id}, {"code", seg.code}};
    if (!seg.implementation_code.empty()) j["implementation_code"] = seg.implementation_code;
    j["message"] = seg.message;
    j["elements"] = elements;
    segments.push_back(j);
  }
  return {{"id", s.id}, {"control_number", s.control_number}, {"segment", s.first_segment},
          {"ack_code", s.ack_code}, {"codes", s.codes}, {"validated", s.validated}, {"note", s.note},
          {"segments", segments}, {"errors_not_listed", s.errors_cut}};
}

nlohmann::ordered_json group_json(const x12::GroupResult& g) {
  nlohmann::ordered_json sets = nlohmann::ordered_json::array();
  for (const auto& s : g.sets) sets.push_back(set_json(s));
  return {{"functional_id", g.header.functional_id}, {"control_number", g.header.control_number},
          {"version", g.header.version}, {"segment", g.header.segment_number}, {"ack_code", g.ack_code},
          {"codes", g.codes}, {"sets_included", g.sets_included}, {"sets_received", g.sets_received},
          {"sets_accepted", g.sets_accepted}, {"note", g.note}, {"sets", sets}};
}

nlohmann::ordered_json interchange_json(const x12::InterchangeResult& i) {
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& g : i.groups) groups.push_back(group_json(g));
  return {{"control_number", i.header.control_number}, {"sender", i.header.sender_qualifier + ":" + i.header.sender_id},
          {"receiver", i.header.receiver_qualifier + ":" + i.header.receiver_id},
          {"segment", i.header.segment_number}, {"ack_code", i.ack_code}, {"note_code", i.note_code},
          {"note", i.note}, {"groups", groups}};
}

nlohmann::ordered_json issue_json(const x12::EnvelopeIssue& u) {
  return {{"code", u.code}, {"segment", u.segment}, {"element", u.element}, {"message", u.message}};
}

std::string json_position(const std::string& text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("line {}, column {}", line, column);
}

}  // namespace edihub::hub
