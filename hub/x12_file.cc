#include "hub/x12_file.h"

#include <fstream>
#include <system_error>

namespace edihub::hub {

namespace fs = std::filesystem;

namespace {

class Collector : public x12::EnvelopeListener {
 public:
  explicit Collector(ParsedFile& out) : out_(out) {}
  void on_interchange_start(const x12::InterchangeHeader& header) override {
    out_.interchanges.push_back({header, {}});
  }
  void on_group_start(const x12::InterchangeHeader&, const x12::GroupHeader& header) override {
    if (!out_.interchanges.empty()) out_.interchanges.back().groups.push_back({header, {}, {}});
  }
  void on_transaction_set(const x12::InterchangeHeader&, const x12::GroupHeader&,
                          const x12::TransactionSet& set) override {
    if (out_.interchanges.empty() || out_.interchanges.back().groups.empty()) return;
    auto& group = out_.interchanges.back().groups.back();
    group.sets.push_back(set);
    group.set_first_segments.push_back(set.segments.empty() ? 0 : set.segments.front().number);
  }

 private:
  ParsedFile& out_;
};

}  // namespace

void stream_x12_file(const fs::path& file, x12::SegmentHandler& handler) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), "cannot open " + file.string());
  x12::Reader reader(handler);
  std::vector<char> buffer(64 * 1024);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) reader.feed(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) throw std::system_error(errno, std::generic_category(), "cannot read " + file.string());
  reader.finish();
}

namespace {

template <class Feed>
ParsedFile parse_with(Feed&& feed) {
  ParsedFile parsed;
  Collector collector(parsed);
  x12::EnvelopeChecker checker(&collector);
  feed(checker);
  checker.finish();
  parsed.issues = checker.issues();
  parsed.counts = checker.counts();
  return parsed;
}

}  // namespace

ParsedFile parse_x12_file(const fs::path& file) {
  return parse_with([&](x12::SegmentHandler& handler) { stream_x12_file(file, handler); });
}

ParsedFile parse_x12_bytes(std::string_view bytes) {
  return parse_with([&](x12::SegmentHandler& handler) {
    x12::Reader reader(handler);
    reader.feed(bytes);
    reader.finish();
  });
}

}  // namespace edihub::hub
