// The `envelope` section: how we envelope what we send to the partner (our and their ids,
// versions, usage, delimiters, where our control numbers start).
#include <algorithm>
#include <cctype>

#include "formats/edifact.h"
#include "partners/sections.h"

namespace edihub::partners::detail {

namespace {

void finish_envelope(Envelope& e) {
  if (e.our_group_id.empty()) e.our_group_id = e.our_id;
  if (e.their_group_id.empty()) e.their_group_id = e.their_id;
  if (e.standard == x12::Standard::Edifact) return;  // a UNB qualifier is optional: none is written
  if (e.our_qualifier.empty()) e.our_qualifier = "ZZ";
  if (e.their_qualifier.empty()) e.their_qualifier = "ZZ";
}

void read_delimiters(ProfileReader& r, const YAML::Node& node, Envelope& e) {
  if (!node.IsMap()) return r.problem(node, "'delimiters' must be {element, component, repetition, segment}");
  r.reject_unknown_keys(node, {"element", "component", "repetition", "segment"}, "'envelope.delimiters'");
  auto one = [&](const char* key, char& into) {
    if (!node[key]) return;
    auto v = r.scalar(node[key], key);
    if (v.size() != 1 || std::isalnum(static_cast<unsigned char>(v[0])) || v[0] == ' ')
      return r.problem(node[key], std::string(key) + " separator must be one character that is not a letter, digit or space");
    into = v[0];
  };
  one("element", e.delimiters.element);
  one("component", e.delimiters.component);
  one("repetition", e.delimiters.repetition);
  if (node["segment"]) {
    auto v = r.scalar(node["segment"], "segment");
    if (v.empty() || v.size() > 4) r.problem(node["segment"], "segment terminator must be 1 to 4 bytes");
    else e.delimiters.segment = v;
  }
  const auto& d = e.delimiters;
  std::set<char> distinct{d.element, d.component, d.segment[0]};
  if (d.repetition) distinct.insert(d.repetition);
  if (distinct.size() != (d.repetition ? 4u : 3u))
    r.problem(node, "element, component, repetition and segment delimiters must all differ");
}

}  // namespace

void read_envelope(ProfileReader& r, const YAML::Node& node, Profile& profile) {
  auto& e = profile.envelope;
  auto interchange_identity = std::find_if(profile.identities.begin(), profile.identities.end(),
                                           [](const Identity& id) { return !id.is_xml(); });
  if (interchange_identity != profile.identities.end()) {
    e.standard = interchange_identity->standard;
    e.their_qualifier = interchange_identity->sender_qualifier;
    e.their_id = interchange_identity->sender_id;
    e.their_group_id = interchange_identity->group_id;
  }
  const bool edifact = e.standard == x12::Standard::Edifact;
  if (!node.IsDefined()) return finish_envelope(e);
  if (!node.IsMap()) return r.problem(node, "'envelope' must be a mapping (our_id, version, delimiters, ...)");
  r.reject_unknown_keys(node,
                        {"our_qualifier", "our_id", "our_group_id", "their_qualifier", "their_id", "their_group_id",
                         "isa_version", "group_version", "usage", "ta1_requested", "delimiters", "line_breaks",
                         "first_control_number", "syntax_identifier", "syntax_version", "contrl_requested"},
                        "'envelope'");
  auto text = [&](const char* key, std::string& into, std::size_t max) {
    if (!node[key]) return;
    into = r.scalar(node[key], key);
    if (into.size() > max) r.problem(node[key], std::string(key) + " is longer than " + std::to_string(max) + " characters");
  };
  // ISA05/ISA06 and GS02 widths, or UNB S002 0007/0004 and UNG 0040.
  const std::size_t qualifier_max = edifact ? 4 : 2, id_max = edifact ? 35 : 15;
  text("our_qualifier", e.our_qualifier, qualifier_max);
  text("our_id", e.our_id, id_max);
  text("our_group_id", e.our_group_id, id_max);
  text("their_qualifier", e.their_qualifier, qualifier_max);
  text("their_id", e.their_id, id_max);
  text("their_group_id", e.their_group_id, id_max);
  text("syntax_identifier", e.syntax_identifier, 4);
  if (edifact && !edifact::charset_name(e.syntax_identifier))
    r.problem(node["syntax_identifier"], "syntax_identifier '" + e.syntax_identifier +
                                             "' is not one edihub writes (UNOA, UNOB, UNOC ... UNOK, UNOW, UNOY)");
  if (node["syntax_version"]) e.syntax_version = static_cast<int>(r.bounded_int(node["syntax_version"], 3, 4, "syntax_version"));
  if (node["contrl_requested"]) e.contrl_requested = r.boolean(node["contrl_requested"], "contrl_requested");
  text("isa_version", e.isa_version, 5);
  text("group_version", e.group_version, 12);
  text("usage", e.usage, 1);
  if (e.isa_version.size() != 5 || e.isa_version.find_first_not_of("0123456789") != std::string::npos)
    r.problem(node["isa_version"], "isa_version must be five digits such as 00401 or 00501");
  if (e.usage != "P" && e.usage != "T" && e.usage != "I")
    r.problem(node["usage"], "usage must be P (production), T (test) or I (information)");
  if (node["ta1_requested"]) e.ta1_requested = r.boolean(node["ta1_requested"], "ta1_requested");
  if (node["line_breaks"]) e.line_breaks = r.boolean(node["line_breaks"], "line_breaks");
  if (node["first_control_number"])
    e.first_control_number = static_cast<std::uint64_t>(
        r.bounded_int(node["first_control_number"], 1, 999999999, "first_control_number"));
  if (node["delimiters"]) read_delimiters(r, node["delimiters"], e);
  finish_envelope(e);
}

}  // namespace edihub::partners::detail
