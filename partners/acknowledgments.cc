// The `acknowledgments` section: what we send for the partner's documents (997/999, TA1;
// CONTRL for EDIFACT),
// how a rejected set blocks its group, what we expect back and when it is overdue, and the
// error caps per set and per file.
#include "partners/sections.h"

namespace edihub::partners {

namespace detail {

void read_acknowledgments(ProfileReader& r, const YAML::Node& node, AckPolicy& a) {
  if (!node.IsDefined()) return;
  if (!node.IsMap())
    return r.problem(node, "'acknowledgments' must be a mapping (send, ta1, contrl, reject, expect, overdue_after)");
  r.reject_unknown_keys(node,
                        {"send", "ta1", "contrl", "reject", "expect", "overdue_after", "max_errors_per_set",
                         "max_errors_per_file"},
                        "'acknowledgments'");
  auto choice = [&](const char* key, std::string& into, const std::set<std::string>& allowed) {
    r.one_of(node, key, key, into, allowed);
  };
  choice("send", a.send, {"auto", "997", "999", "none"});
  choice("ta1", a.ta1, {"always", "on_request", "on_error", "never"});
  choice("contrl", a.contrl, {"always", "on_request", "on_error", "never"});
  choice("reject", a.reject, {"set", "group"});
  choice("expect", a.expect, {"997", "999", "contrl", "none"});
  if (node["overdue_after"])
    if (auto d = r.duration(node["overdue_after"], "overdue_after", "90m, 4h or 2d")) a.overdue_after = *d;
  auto cap = [&](const char* key, std::size_t& into) {
    if (node[key]) into = static_cast<std::size_t>(r.bounded_int(node[key], 1, 100000, key));
  };
  cap("max_errors_per_set", a.max_errors_per_set);
  cap("max_errors_per_file", a.max_errors_per_file);
}

}  // namespace detail

std::string Profile::ack_for(std::string_view gs08) const {
  if (acks.send != "auto") return acks.send;
  if (!outbound) return "none";
  return gs08.substr(0, 6) >= "005010" ? "999" : "997";
}

}  // namespace edihub::partners
