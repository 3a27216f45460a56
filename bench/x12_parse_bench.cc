// X12 parse throughput: the streaming reader plus envelope checks over a generated 856,
// visiting every element. Also the generator and a one-file parse mode for
// bench/parse-bench.sh:
//   edihub_bench --generate-856 FILE --megabytes N   write a valid 856 file of about N MB
//   edihub_bench --parse-file FILE                   parse FILE in 64 KiB chunks, print MB/s
// Any other arguments go to Google Benchmark.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/envelope.h"
#include "formats/parsed_file.h"
#include "formats/validation.h"
#include "formats/x12_reader.h"
#include "formats/x12_writer.h"
#include "hub/pipeline/x12_file.h"

namespace {

using edihub::x12::Delimiters;
using edihub::x12::Writer;

constexpr std::size_t kChunk = 64 * 1024;

// Deterministic values, so every run parses the same bytes.
class Values {
 public:
  std::uint64_t next(std::uint64_t bound) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state_ >> 33) % bound;
  }
  std::string digits(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('0' + next(10));
    return s;
  }

 private:
  std::uint64_t state_ = 856;
};

std::string padded(std::uint64_t number, std::size_t width) {
  std::string s = std::to_string(number);
  return std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

// Writes one standard-pack (S-O-P-I) 856 set: shipment, 4 orders, 3 cartons per order,
// 2 items per carton.
void write_ship_notice(Writer& w, Values& v, const std::string& control) {
  std::size_t segments = 0;
  auto seg = [&](std::string_view tag, std::vector<std::string> elements) {
    w.segment(tag, elements);
    ++segments;
  };
  seg("ST", {"856", control});
  seg("BSN", {"00", "ASN" + v.digits(9), "20240318", "1430", "0001"});
  seg("DTM", {"011", "20240318", "1430"});
  int hl = 0;
  const int shipment = ++hl;
  seg("HL", {std::to_string(shipment), "", "S", "1"});
  seg("TD1", {"CTN25", std::to_string(12 + v.next(50)), "", "", "", "G", std::to_string(100 + v.next(900)), "LB"});
  seg("TD5", {"B", "2", "ABCD", "M", "BEST WAY GROUND"});
  seg("REF", {"BM", "BOL" + v.digits(10)});
  seg("REF", {"CN", "PRO" + v.digits(12)});
  seg("N1", {"ST", "ACME DISTRIBUTION CENTER 12", "92", "DC" + v.digits(4)});
  seg("N3", {"1200 INDUSTRIAL PARKWAY"});
  seg("N4", {"COLUMBUS", "OH", "43215", "US"});
  seg("N1", {"SF", "WIDGET MANUFACTURING INC", "1", v.digits(9)});
  for (int order = 0; order < 4; ++order) {
    const int order_hl = ++hl;
    seg("HL", {std::to_string(order_hl), std::to_string(shipment), "O", "1"});
    seg("PRF", {"PO" + v.digits(8), "", "", "20240310"});
    seg("REF", {"IA", v.digits(7)});
    for (int carton = 0; carton < 3; ++carton) {
      const int pack_hl = ++hl;
      seg("HL", {std::to_string(pack_hl), std::to_string(order_hl), "P", "1"});
      seg("PO4", {"1", "", "", "", "G", std::to_string(5 + v.next(20)), "LB"});  // before MAN, as the 856 orders them
      seg("MAN", {"GM", "00" + v.digits(18)});
      for (int item = 0; item < 2; ++item) {
        seg("HL", {std::to_string(++hl), std::to_string(pack_hl), "I", "0"});
        seg("LIN", {std::to_string(item + 1), "UP", v.digits(12), "VN", "VP-" + v.digits(6), "BP", "BP" + v.digits(6)});
        seg("SN1", {"", std::to_string(1 + v.next(48)), "EA", "", std::to_string(48), "EA"});
        seg("PID", {"F", "", "", "", "WIDGET ASSORTMENT SIZE " + std::to_string(v.next(12))});
      }
    }
  }
  seg("CTT", {std::to_string(hl)});
  seg("SE", {std::to_string(segments + 1), control});
}

}  // namespace

namespace edihub::bench {

// Generates a valid 856 file of at least `bytes` bytes in interchanges of 5 groups of 40
// sets, handing it to `sink` piece by piece (memory stays at one interchange).
void generate_856(std::size_t bytes, const std::function<void(std::string_view)>& sink) {
  const Delimiters delimiters{'*', '>', '^', "~"};
  Values values;
  std::size_t written = 0;
  std::uint64_t group_control = 0;
  for (std::uint64_t interchange = 1; written < bytes; ++interchange) {
    std::string out;
    Writer w(out, delimiters, "\n");
    const std::string isa13 = padded(interchange, 9);
    w.segment("ISA", {"00", "          ", "00", "          ", "ZZ", "SUPPLIERID     ", "ZZ", "RETAILERID     ",
                      "240318", "1430", "^", "00501", isa13, "0", "P", ">"});
    constexpr int kGroups = 5, kSets = 40;
    for (int g = 0; g < kGroups; ++g) {
      const std::string gs06 = std::to_string(++group_control);
      w.segment("GS", {"SH", "SUPPLIERID", "RETAILERID", "20240318", "1430", gs06, "X", "005010"});
      for (int s = 1; s <= kSets; ++s) write_ship_notice(w, values, padded(static_cast<std::uint64_t>(s), 4));
      w.segment("GE", {std::to_string(kSets), gs06});
    }
    w.segment("IEA", {std::to_string(kGroups), isa13});
    sink(out);
    written += out.size();
  }
}

}  // namespace edihub::bench

namespace {

using edihub::bench::generate_856;

// Touches every element before the envelope checks, as a real consumer would.
class ElementVisitor : public edihub::x12::SegmentHandler {
 public:
  explicit ElementVisitor(edihub::x12::SegmentHandler& next) : next_(next) {}
  void on_segment(const edihub::x12::SegmentView& segment) override {
    for (std::string_view element : segment.elements) {
      checksum_ += element.size() + (element.empty() ? 0 : static_cast<unsigned char>(element[0]));
    }
    next_.on_segment(segment);
  }
  std::uint64_t checksum() const { return checksum_; }

 private:
  edihub::x12::SegmentHandler& next_;
  std::uint64_t checksum_ = 0;
};

const std::string& sample_856() {
  static const std::string sample = [] {
    std::string s;
    generate_856(32u << 20, [&](std::string_view piece) { s += piece; });
    return s;
  }();
  return sample;
}

void BM_Parse856Chunked(benchmark::State& state) {
  const std::string& input = sample_856();
  for (auto _ : state) {
    edihub::x12::EnvelopeChecker checker;
    ElementVisitor visitor(checker);
    edihub::x12::Reader reader(visitor);
    for (std::size_t at = 0; at < input.size(); at += kChunk) {
      reader.feed(std::string_view(input).substr(at, kChunk));
    }
    reader.finish();
    checker.finish();
    if (!checker.issues().empty()) state.SkipWithError("generated 856 has envelope issues");
    benchmark::DoNotOptimize(visitor.checksum());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
}
BENCHMARK(BM_Parse856Chunked)->Unit(benchmark::kMillisecond);

// Schema validation beside its peer in the same run: reading the same 856 into memory
// (what the pipeline does before validating) with and without validate().
const std::string& small_856() {
  static const std::string sample = [] {
    std::string s;
    generate_856(8u << 20, [&](std::string_view piece) { s += piece; });
    return s;
  }();
  return sample;
}

void BM_Collect856(benchmark::State& state) {
  const std::string& input = small_856();
  for (auto _ : state) benchmark::DoNotOptimize(edihub::x12::parse_bytes(input).counts.segments);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
}
BENCHMARK(BM_Collect856)->Unit(benchmark::kMillisecond);

void BM_CollectAndValidate856(benchmark::State& state) {
  const std::string& input = small_856();
  const auto& library = edihub::x12::SchemaLibrary::builtin();
  for (auto _ : state) {
    auto report = edihub::x12::validate(input, [&](const auto&, const auto& g, const auto& set) { return library.find(set.id, g.version); });
    if (!report.valid()) state.SkipWithError("generated 856 does not validate against the 856 schema");
    benchmark::DoNotOptimize(report.interchanges.size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
}
BENCHMARK(BM_CollectAndValidate856)->Unit(benchmark::kMillisecond);

// A flood of broken interchanges (IEA01 declares 2 groups, there is 1): every one has an
// envelope issue to fold into the report. Validation beside collecting the same bytes,
// in the same run: the ratio stays near the clean 856's, not growing with the count.
const std::string& flood() {
  static const std::string sample = [] {
    std::string s;
    for (std::uint64_t i = 1; i <= 20000; ++i) {
      const std::string isa13 = padded(i, 9), gs06 = std::to_string(i);
      s += "ISA*00*          *00*          *ZZ*SUPPLIERID     *ZZ*RETAILERID     *240318*1430*^*00501*" + isa13 +
           "*0*P*>~GS*SH*SUPPLIERID*RETAILERID*20240318*1430*" + gs06 + "*X*005010~ST*856*0001~BSN*00*1*20240318*1430~SE*3*0001~GE*1*" +
           gs06 + "~IEA*2*" + isa13 + "~\n";
    }
    return s;
  }();
  return sample;
}

void BM_CollectFlood(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(edihub::x12::parse_bytes(flood()).issues.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * flood().size()));
}
BENCHMARK(BM_CollectFlood)->Unit(benchmark::kMillisecond);

void BM_CollectAndValidateFlood(benchmark::State& state) {
  for (auto _ : state) {
    auto report = edihub::x12::validate(flood(), [](const auto&, const auto&, const auto&) {
      return static_cast<const edihub::x12::TransactionSetSchema*>(nullptr);
    });
    if (report.valid()) state.SkipWithError("the flood's interchanges were not all rejected");
    benchmark::DoNotOptimize(report.interchanges.size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * flood().size()));
}
BENCHMARK(BM_CollectAndValidateFlood)->Unit(benchmark::kMillisecond);

int generate_file(const char* path, std::size_t megabytes) {
  std::FILE* out = std::fopen(path, "wb");
  if (!out) {
    std::perror(path);
    return 1;
  }
  generate_856(megabytes * 1000 * 1000, [&](std::string_view piece) { std::fwrite(piece.data(), 1, piece.size(), out); });
  if (std::fclose(out) != 0) {
    std::perror(path);
    return 1;
  }
  return 0;
}

int parse_file(const char* path) {
  edihub::x12::EnvelopeChecker checker;
  ElementVisitor visitor(checker);
  const auto start = std::chrono::steady_clock::now();
  try {
    edihub::hub::stream_x12_file(path, visitor);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", path, e.what());
    return 2;
  }
  checker.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto& c = checker.counts();
  const std::uint64_t bytes = std::filesystem::file_size(path);
  std::printf("bytes=%" PRIu64 " segments=%" PRIu64 " interchanges=%" PRIu64 " groups=%" PRIu64 " sets=%" PRIu64
              " issues=%zu checksum=%" PRIu64 " seconds=%.3f mb_per_s=%.1f\n",
              bytes, c.segments, c.interchanges, c.groups, c.transaction_sets, checker.issues().size(),
              visitor.checksum(), seconds, static_cast<double>(bytes) / 1e6 / seconds);
  return checker.issues().empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::strcmp(argv[1], "--generate-856") == 0 && std::strcmp(argv[3], "--megabytes") == 0) {
    return generate_file(argv[2], std::stoul(argv[4]));
  }
  if (argc == 3 && std::strcmp(argv[1], "--parse-file") == 0) return parse_file(argv[2]);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
