// parse and validate: X12 files straight from disk; validate takes a config folder only
// to apply partners' tightened schemas.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "formats/ack.h"
#include "formats/envelope.h"
#include "formats/validation.h"
#include "formats/x12_writer.h"
#include "hub/clock.h"
#include "hub/cli/commands.h"
#include "hub/config.h"
#include "hub/pipeline/validation_text.h"
#include "hub/pipeline/x12_file.h"
#include "hub/text_escape.h"

namespace edihub::hub {

namespace {

class SegmentPrinter : public x12::SegmentHandler {
 public:
  explicit SegmentPrinter(std::ostream& out) : out_(out) {}
  void on_segment(const x12::SegmentView& segment) override { out_ << x12::canonical_line(segment) << '\n'; }

 private:
  std::ostream& out_;
};

const char* level_name(x12::EnvelopeLevel level) {
  switch (level) {
    case x12::EnvelopeLevel::Interchange: return "interchange";
    case x12::EnvelopeLevel::Group: return "group";
    case x12::EnvelopeLevel::TransactionSet: return "transaction_set";
  }
  return "?";
}

// `validate --ack`: what the hub would send back, numbered 1 (a preview: the hub's own
// acks take their numbers from the partner's durable counters).
void print_acks(const x12::ValidationReport& report, const std::string& kind, std::ostream& out) {
  auto clock = clock_from_environment();
  auto at = clock->now();
  for (const auto& interchange : report.interchanges) {
    x12::AckRequest request;
    request.kind = kind == "999" ? x12::AckKind::Implementation999 : x12::AckKind::Functional997;
    request.ta1 = kind == "ta1";
    request.functional_acks = kind != "ta1";
    x12::AckEnvelope envelope;
    envelope.version = interchange.header.version;
    envelope.delimiters = x12::ack_delimiters(interchange.header.delimiters, envelope.version);
    if (envelope.delimiters.segment.find('\n') == std::string::npos) envelope.suffix.push_back('\n');
    envelope.date = x12_utc(at, "%Y%m%d");
    envelope.time = x12_utc(at, "%H%M");
    envelope.usage = interchange.header.usage;
    envelope.interchange_control = 1;
    envelope.group_control = 1;
    envelope.first_set_control = 1;
    out << x12::build_ack(interchange, request, envelope);
  }
}

}  // namespace

int command_parse(const std::string& file, std::ostream& out, std::ostream& err) {
  SegmentPrinter printer(out);
  try {
    stream_x12_file(file, printer);
  } catch (const x12::UnusableInput& e) {
    err << file << ": unusable input at segment " << e.segment << ", byte " << e.byte_offset << ": " << e.what() << "\n";
    return 2;
  }
  return 0;
}

int command_validate(const ValidateOptions& options, std::ostream& out, std::ostream& err) {
  const std::string& file = options.file;
  x12::ParsedFile parsed;
  try {
    parsed = parse_x12_file(file);
  } catch (const x12::UnusableInput& e) {
    if (options.json) {
      out << dump_json(nlohmann::json{{"file", file}, {"valid", false}, {"usable", false},
                            {"error", {{"segment", e.segment}, {"byte", e.byte_offset}, {"message", e.what()}}}}, 2)
          << "\n";
    }
    err << file << ": unusable input at segment " << e.segment << ", byte " << e.byte_offset << ": " << e.what() << "\n";
    return 2;
  }
  // With a config folder, a partner's tightened schemas apply to its interchanges.
  std::optional<Config> config;
  if (!options.config_dir.empty()) config = Config::load(options.config_dir);
  const partners::Directory none;
  const auto& partners = config ? config->partners : none;
  auto report = x12::validate(parsed, partners.schema_resolver(), partners.rules_resolver());
  const auto& issues = parsed.issues;
  const auto& counts = parsed.counts;
  const bool valid = issues.empty() && report.valid();
  if (!options.ack.empty()) {
    print_acks(report, options.ack, out);
    return valid ? 0 : 1;
  }
  std::vector<std::string> errors;
  for (const auto& i : issues) {
    std::string line = fmt::format("segment {}", i.segment);
    if (!i.element.empty()) line += " " + i.element;
    errors.push_back(fmt::format("{}: {} ({} error {})", line, i.message, level_name(i.level), i.code));
  }
  // Then what the schemas and the ISA field checks found beyond the envelope issues.
  auto envelope_issue_about = [&](x12::EnvelopeLevel level, const std::string& isa13, const std::string& st02) {
    return std::any_of(issues.begin(), issues.end(), [&](const x12::EnvelopeIssue& i) {
      return i.level == level && i.interchange_control == isa13 && (st02.empty() || i.set_control == st02);
    });
  };
  for (const auto& interchange : report.interchanges) {
    const auto& isa13 = interchange.header.control_number;
    if (interchange.note_code != "000" && !envelope_issue_about(x12::EnvelopeLevel::Interchange, isa13, ""))
      errors.push_back(interchange_error_line(interchange));
    for (const auto& group : interchange.groups) {
      if (group.codes.empty())  // GS value checks: not envelope issues (those have AK905 codes)
        for (const auto& line : group_error_lines(group)) errors.push_back(line);
      for (const auto& set : group.sets)
        if (!set.segments.empty() ||
            (!set.codes.empty() && !envelope_issue_about(x12::EnvelopeLevel::TransactionSet, isa13, set.control_number)))
          for (const auto& line : set_error_lines(set)) errors.push_back(line);
    }
  }
  if (options.json) {
    nlohmann::json envelope = nlohmann::json::array();
    for (const auto& i : issues)
      envelope.push_back({{"level", level_name(i.level)}, {"code", i.code}, {"segment", i.segment},
                          {"element", i.element}, {"message", i.message}});
    nlohmann::ordered_json result{{"file", file},
                                  {"valid", valid},
                                  {"usable", true},
                                  {"interchanges", counts.interchanges},
                                  {"groups", counts.groups},
                                  {"transaction_sets", counts.transaction_sets},
                                  {"segments", counts.segments},
                                  {"errors", envelope},
                                  {"report", report_json(report)}};
    out << dump_json(result, 2) << "\n";
  } else {
    for (const auto& line : errors) out << file << ": " << line << "\n";
    out << file << ": " << (valid ? "valid" : "invalid") << ": " << counts.interchanges << " interchange(s), "
        << counts.groups << " group(s), " << counts.transaction_sets << " transaction set(s), " << counts.segments
        << " segments";
    if (!errors.empty()) out << ", " << errors.size() << " error(s)";
    if (report.errors_cut > 0) out << " (" << report.errors_cut << " more not listed)";
    out << "\n";
  }
  return valid ? 0 : 1;
}

}  // namespace edihub::hub
