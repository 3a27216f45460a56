// parse and validate: X12 files straight from disk, no configuration needed.
#include <nlohmann/json.hpp>

#include "formats/envelope.h"
#include "formats/x12_writer.h"
#include "hub/commands.h"
#include "hub/x12_file.h"

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

int command_validate(const std::string& file, bool json, std::ostream& out, std::ostream& err) {
  x12::EnvelopeChecker checker;
  try {
    stream_x12_file(file, checker);
    checker.finish();
  } catch (const x12::UnusableInput& e) {
    if (json) {
      out << nlohmann::json{{"file", file}, {"valid", false}, {"usable", false},
                            {"error", {{"segment", e.segment}, {"byte", e.byte_offset}, {"message", e.what()}}}}
                 .dump(2)
          << "\n";
    }
    err << file << ": unusable input at segment " << e.segment << ", byte " << e.byte_offset << ": " << e.what() << "\n";
    return 2;
  }
  const auto& issues = checker.issues();
  const auto& counts = checker.counts();
  if (json) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& i : issues)
      errors.push_back({{"level", level_name(i.level)}, {"code", i.code}, {"segment", i.segment},
                        {"element", i.element}, {"message", i.message}});
    out << nlohmann::json{{"file", file},
                          {"valid", issues.empty()},
                          {"usable", true},
                          {"interchanges", counts.interchanges},
                          {"groups", counts.groups},
                          {"transaction_sets", counts.transaction_sets},
                          {"segments", counts.segments},
                          {"errors", errors}}
               .dump(2)
        << "\n";
  } else {
    for (const auto& i : issues) {
      out << file << ": segment " << i.segment;
      if (!i.element.empty()) out << " " << i.element;
      out << ": " << i.message << " (" << level_name(i.level) << " error " << i.code << ")\n";
    }
    out << file << ": " << (issues.empty() ? "valid" : "invalid") << ": " << counts.interchanges << " interchange(s), "
        << counts.groups << " group(s), " << counts.transaction_sets << " transaction set(s), " << counts.segments
        << " segments";
    if (!issues.empty()) out << ", " << issues.size() << " error(s)";
    out << "\n";
  }
  return issues.empty() ? 0 : 1;
}

}  // namespace edihub::hub
