// parse and validate: X12 files straight from disk; validate takes a config folder only
// to apply partners' tightened schemas.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "formats/ack.h"
#include "formats/envelope.h"
#include "formats/validation.h"
#include "formats/x12_writer.h"
#include "hub/clock.h"
#include "hub/cli/commands.h"
#include "hub/cli/progress.h"
#include "hub/config.h"
#include "hub/pipeline/validation_text.h"
#include "hub/pipeline/x12_file.h"
#include "hub/text_escape.h"

namespace edihub::hub {

namespace {

// `validate` shows its progress for files of this size and more (docs/tools.md).
constexpr std::uintmax_t kValidateProgressBytes = 4u << 20;

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
std::string ack_preview(const x12::InterchangeResult& interchange, const std::string& kind) {
  auto clock = clock_from_environment();
  auto at = clock->now();
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
  return x12::build_ack(interchange, request, envelope);
}

// Text lines written to a temporary file, then copied out in one go: what must come after
// something else that is still streaming (the envelope errors of `validate --json`).
class Spool {
 public:
  Spool() : file_(std::tmpfile()) {
    if (!file_) throw std::system_error(errno, std::generic_category(), "cannot create a temporary file");
  }
  ~Spool() { std::fclose(file_); }
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  void add(const std::string& item) {
    if (count_++ > 0) std::fputs(",\n", file_);
    std::fwrite(item.data(), 1, item.size(), file_);
  }
  void copy_to(std::ostream& out) {
    std::rewind(file_);
    char buffer[64 * 1024];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file_)) > 0;) out.write(buffer, static_cast<std::streamsize>(n));
  }

 private:
  std::FILE* file_;
  std::size_t count_ = 0;
};

std::string j(const nlohmann::ordered_json& value) { return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// Writes what `edihub validate` says while the file streams through: errors as they are
// found (text), the report piece by piece (--json), or each interchange's acknowledgment
// (--ack). Nothing is kept beyond one interchange's acknowledgment.
class ValidateOutput : public x12::ValidationConsumer {
 public:
  ValidateOutput(const ValidateOptions& options, std::ostream& out) : options_(options), out_(out) {
    if (!options.ack.empty())
      kind_ = options.ack == "999" ? x12::AckKind::Implementation999 : x12::AckKind::Functional997;
  }

  void on_envelope_issue(const x12::EnvelopeIssue& i) override {
    valid_ = false;
    if (i.level == x12::EnvelopeLevel::Interchange) interchange_issue_ = true;
    if (i.level == x12::EnvelopeLevel::TransactionSet) set_issue_ = true;
    if (options_.json) {
      issues_.add(j({{"level", level_name(i.level)}, {"code", i.code}, {"segment", i.segment}, {"element", i.element},
                     {"message", i.message}}));
      return;
    }
    std::string line = fmt::format("segment {}", i.segment);
    if (!i.element.empty()) line += " " + i.element;
    error(fmt::format("{}: {} ({} error {})", line, i.message, level_name(i.level), i.code));
  }

  void on_interchange_start(const x12::InterchangeResult& interchange) override {
    interchange_issue_ = false;
    groups_.clear();
    if (!options_.json) return;
    begin();
    const auto& h = interchange.header;
    out_ << (interchanges_++ ? ",\n" : "") << "{\"control_number\":" << j(h.control_number)
         << ",\"sender\":" << j(h.sender_qualifier + ":" + h.sender_id)
         << ",\"receiver\":" << j(h.receiver_qualifier + ":" + h.receiver_id) << ",\"segment\":" << h.segment_number
         << ",\"groups\":[";
    closers_ = "]}";
    groups_in_interchange_ = 0;
  }

  void on_group_start(const x12::InterchangeResult&, const x12::GroupResult& group) override {
    if (!options_.json) return;
    const auto& h = group.header;
    out_ << (groups_in_interchange_++ ? ",\n" : "\n") << "{\"functional_id\":" << j(h.functional_id)
         << ",\"control_number\":" << j(h.control_number) << ",\"version\":" << j(h.version)
         << ",\"segment\":" << h.segment_number << ",\"sets\":[";
    closers_ = "]}]}";
    sets_in_group_ = 0;
  }

  void on_set(const x12::InterchangeResult&, const x12::GroupResult&, x12::TransactionSet&,
              x12::SetResult& set) override {
    if (set.ack_code != "A" || !set.codes.empty() || !set.segments.empty()) valid_ = false;
    if (options_.json) {
      out_ << (sets_in_group_++ ? ",\n" : "\n") << j(set_json(set));
    } else if (kind_) {
      if (x12::ack_reports(*kind_, set)) sets_.push_back(std::move(set));
    } else if (!set.segments.empty() || (!set.codes.empty() && !set_issue_)) {
      for (const auto& line : set_error_lines(set)) error(line);
    }
    set_issue_ = false;
  }

  void on_group_end(const x12::InterchangeResult&, x12::GroupResult& group) override {
    if (group.ack_code != "A" || !group.codes.empty()) valid_ = false;
    if (options_.json) {
      out_ << "],\"ack_code\":" << j(group.ack_code) << ",\"codes\":" << j(group.codes)
           << ",\"sets_included\":" << group.sets_included << ",\"sets_received\":" << group.sets_received
           << ",\"sets_accepted\":" << group.sets_accepted << ",\"note\":" << j(group.note) << "}";
      closers_ = "]}";
    } else if (kind_) {
      group.sets = std::move(sets_);
      sets_.clear();
      groups_.push_back(std::move(group));
    } else if (group.codes.empty()) {  // GS value checks: not envelope issues (those have AK905 codes)
      for (const auto& line : group_error_lines(group)) error(line);
    }
  }

  void on_interchange_end(x12::InterchangeResult& interchange) override {
    if (interchange.ack_code != "A" || interchange.note_code != "000") valid_ = false;
    if (options_.json) {
      out_ << "],\"ack_code\":" << j(interchange.ack_code) << ",\"note_code\":" << j(interchange.note_code)
           << ",\"note\":" << j(interchange.note) << "}";
      closers_.clear();
    } else if (!options_.ack.empty()) {
      interchange.groups = std::move(groups_);
      groups_.clear();
      out_ << ack_preview(interchange, options_.ack);
    } else if (interchange.note_code != "000" && !interchange_issue_) {
      error(interchange_error_line(interchange));
    }
  }

  void on_unplaced(const x12::EnvelopeIssue& issue) override {
    valid_ = false;
    if (options_.json) unplaced_.add(j(issue_json(issue)));
  }

  bool valid() const { return valid_; }
  bool started() const { return started_; }

  // The end of a usable file: the counts and the verdict.
  void finish(const x12::StreamValidator& validator) {
    const auto& counts = validator.counts();
    if (options_.json) {
      begin();
      out_ << "],\n\"unplaced\":[";
      unplaced_.copy_to(out_);
      out_ << "],\"errors_not_listed\":" << validator.errors_cut() << ",\"valid\":" << j(valid_) << "},\n";
      out_ << "\"valid\":" << j(valid_) << ",\"usable\":true,\"interchanges\":" << counts.interchanges
           << ",\"groups\":" << counts.groups << ",\"transaction_sets\":" << counts.transaction_sets
           << ",\"segments\":" << counts.segments << ",\n\"errors\":[";
      issues_.copy_to(out_);
      out_ << "]}\n";
      return;
    }
    if (!options_.ack.empty()) return;
    out_ << options_.file << ": " << (valid_ ? "valid" : "invalid") << ": " << counts.interchanges << " interchange(s), "
         << counts.groups << " group(s), " << counts.transaction_sets << " transaction set(s), " << counts.segments
         << " segments";
    if (errors_ > 0) out_ << ", " << errors_ << " error(s)";
    if (validator.errors_cut() > 0) out_ << " (" << validator.errors_cut() << " more not listed)";
    out_ << "\n";
  }

  // Input found unusable after the report began: it is closed and says so.
  void unusable(const nlohmann::ordered_json& error) {
    out_ << closers_ << "],\n\"unplaced\":[],\"valid\":false},\n\"valid\":false,\"usable\":false,\"error\":" << j(error)
         << "}\n";
  }

 private:
  void begin() {
    if (started_) return;
    started_ = true;
    out_ << "{\"file\":" << j(options_.file) << ",\n\"report\":{\"interchanges\":[\n";
  }
  void error(const std::string& line) {
    ++errors_;
    out_ << options_.file << ": " << line << "\n";
  }

  const ValidateOptions& options_;
  std::ostream& out_;
  std::optional<x12::AckKind> kind_;
  bool valid_ = true, started_ = false, interchange_issue_ = false, set_issue_ = false;
  std::size_t errors_ = 0, interchanges_ = 0, groups_in_interchange_ = 0, sets_in_group_ = 0;
  std::string closers_;  // what closes the JSON left open by the interchange/group being written
  Spool issues_, unplaced_;
  std::vector<x12::SetResult> sets_;      // --ack: the results the open group's ack reports
  std::vector<x12::GroupResult> groups_;  // --ack: the open interchange's groups
};

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
  // With a config folder, a partner's tightened schemas apply to its interchanges.
  std::optional<Config> config;
  if (!options.config_dir.empty()) config = Config::load(options.config_dir);
  const partners::Directory none;
  const auto& partners = config ? config->partners : none;
  ValidateOutput output(options, out);
  x12::StreamValidator validator(output, partners.schema_resolver(), partners.rules_resolver(),
                                 config ? config->max_transaction_set_bytes : x12::StreamValidator::kDefaultMaxSetBytes);
  try {
    // A bar (or log lines) for a big file only: a small one is validated before it would show.
    std::error_code size_error;
    const std::uintmax_t size = std::filesystem::file_size(file, size_error);
    std::optional<Progress> progress;
    if (!size_error && size >= kValidateProgressBytes) progress.emplace(err, "validating", "bytes", size, Progress::for_stream(err));
    stream_x12_file(file, validator, [&](std::size_t n) {
      if (progress) progress->advance(n);
    });
    progress.reset();
    validator.finish();
  } catch (const x12::UnusableInput& e) {
    if (options.json) {
      nlohmann::ordered_json error{{"segment", e.segment}, {"byte", e.byte_offset}, {"message", e.what()}};
      if (output.started()) output.unusable(error);
      else
        out << dump_json(nlohmann::json{{"file", file}, {"valid", false}, {"usable", false}, {"error", error}}, 2) << "\n";
    }
    err << file << ": unusable input at segment " << e.segment << ", byte " << e.byte_offset << ": " << e.what() << "\n";
    return 2;
  }
  output.finish(validator);
  return output.valid() ? 0 : 1;
}

}  // namespace edihub::hub
