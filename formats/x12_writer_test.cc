#include "formats/x12_writer.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "formats/x12_reader.h"
#include "tests/test_support.h"

using namespace edihub::x12;
using edihub::testing::data_dir;
using edihub::testing::read_file;

namespace {

std::string corpus(const std::string& name) { return read_file(data_dir() / "corpus" / name); }

// A segment as data, independent of delimiters: each element split into repetitions and
// each repetition into components. ISA elements stay whole.
using Structure = std::vector<std::vector<std::vector<std::string>>>;

struct Parsed {
  std::string tag;
  Structure structure;
  Segment segment;
  Delimiters delimiters;
};

class Parser : public SegmentHandler {
 public:
  void on_segment(const SegmentView& view) override {
    Parsed p{std::string(view.tag), {}, to_owned(view), *view.delimiters};
    for (std::string_view element : view.elements) {
      auto& repetitions = p.structure.emplace_back();
      const bool whole = view.tag == "ISA";
      for (std::string_view repetition : split(element, whole ? 0 : view.delimiters->repetition)) {
        auto& components = repetitions.emplace_back();
        for (std::string_view component : split(repetition, whole ? 0 : view.delimiters->component)) {
          components.emplace_back(component);
        }
      }
    }
    parsed.push_back(std::move(p));
  }
  std::vector<Parsed> parsed;
};

std::vector<Parsed> parse(std::string_view bytes) {
  Parser parser;
  Reader reader(parser);
  reader.feed(bytes);
  reader.finish();
  return parser.parsed;
}

std::string write(const std::vector<Parsed>& segments, const Delimiters& target, const std::string& suffix = "") {
  std::string out;
  Writer writer(out, target, suffix);
  for (const Parsed& p : segments) writer.segment(p.segment, p.delimiters);
  return out;
}

std::vector<std::string> canonical_lines(std::string_view bytes) {
  struct Lines : SegmentHandler {
    void on_segment(const SegmentView& view) override { lines.push_back(canonical_line(view)); }
    std::vector<std::string> lines;
  } handler;
  Reader reader(handler);
  reader.feed(bytes);
  reader.finish();
  return handler.lines;
}

const Delimiters kTilde{'*', ':', '^', "~"};

}  // namespace

TEST_CASE("every valid corpus file survives parse, write and parse with any delimiters", "[writer]") {
  struct Target {
    Delimiters delimiters;
    std::string suffix;
  };
  const std::vector<Target> targets = {
      {{'|', '>', '!', "\n"}, ""},
      {{'+', '<', '@', "~"}, "\n"},
      {{'"', '&', '}', "\xE2\x80\xA6"}, ""},
      {{'{', '%', '=', "\r\n"}, ""},
  };
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir() / "corpus" / "x12")) {
    const auto original = parse(read_file(entry.path()));
    REQUIRE(!original.empty());
    std::vector<Target> all = targets;
    all.push_back({original.front().delimiters, ""});  // the file's own delimiters
    for (const Target& target : all) {
      INFO(entry.path().filename().string() << " written with '" << target.delimiters.element << "' '"
                                            << target.delimiters.component << "' terminator "
                                            << target.delimiters.segment);
      const auto again = parse(write(original, target.delimiters, target.suffix));
      REQUIRE(again.size() == original.size());
      for (std::size_t i = 0; i < original.size(); ++i) {
        const Parsed& before = original[i];
        const Parsed& after = again[i];
        CHECK(after.tag == before.tag);
        if (before.tag != "ISA") {
          CHECK(after.structure == before.structure);
          continue;
        }
        CHECK(after.delimiters.element == target.delimiters.element);
        CHECK(after.delimiters.component == target.delimiters.component);
        CHECK(after.delimiters.segment == target.delimiters.segment);
        CHECK(after.delimiters.repetition == (before.delimiters.repetition ? target.delimiters.repetition : 0));
        for (std::size_t e = 0; e < 15; ++e) {
          if (e != 10 || before.delimiters.repetition == 0) CHECK(after.segment.elements[e] == before.segment.elements[e]);
        }
      }
    }
    ++files;
  }
  CHECK(files == 35);  // 33 from the shared corpus, 2 warehouse reports (issue 17)
}

TEST_CASE("writing with the file's own delimiters reproduces the file", "[writer]") {
  for (const char* file : {"x12/810_x12types_minimal_5010.edi", "x12/997_staedi_repeated_ak3_ak4_elements.edi",
                           "x12/850_ediengine_sln_composite.edi"}) {
    INFO(file);
    const std::string bytes = corpus(file);
    const auto parsed = parse(bytes);
    const std::string& terminator = parsed.front().delimiters.segment;
    std::string written = write(parsed, parsed.front().delimiters, terminator == "\n" ? "" : "\n");
    if (!bytes.ends_with('\n')) written.pop_back();  // the corpus file has no final line break
    CHECK(written == bytes);
  }
}

TEST_CASE("writer sets ISA11 and ISA16 to the target delimiters", "[writer]") {
  const auto repeated = parse(corpus("x12/997_staedi_repeated_ak3_ak4_elements.edi"));
  std::string out = write({repeated[0]}, {'|', '>', '!', "\n"});
  CHECK(out ==
        "ISA|00|          |00|          |ZZ|ReceiverID     |ZZ|Sender         |050812|1953|!|00501|508121953|0|P|>\n");
  CHECK(out.size() == 106);  // still fixed-width: 106 characters through the terminator

  // No repetition separator in the source (ISA11 U): ISA11 stays as it stands.
  const auto minimal = parse(corpus("x12/810_x12types_minimal_5010.edi"));
  out = write({minimal[0]}, {'|', '>', '!', "\n"});
  CHECK(out.substr(81, 3) == "|U|");

  // A source repetition separator with a target that has none: ISA11 becomes U.
  out = write({repeated[0]}, {'*', ':', 0, "~"});
  CHECK(out.substr(82, 1) == "U");
}

TEST_CASE("writer translates components and repetitions inside elements", "[writer]") {
  const auto parsed = parse(corpus("x12/997_staedi_repeated_ak3_ak4_elements.edi"));
  CHECK(write({parsed[5]}, {'|', '>', '!', "\n"}) ==
        "AK3|NM1|AK302-R1!AK302-R2!AK302-R3-COMP1>AK302-R3-COMP2||AK304-R1!AK304-R2!AK304-R3\n");
  CHECK_THROWS_AS(write({parsed[5]}, {'*', ':', 0, "~"}), std::invalid_argument);  // repetitions, no separator
}

TEST_CASE("writer refuses data that would read as a target delimiter", "[writer]") {
  std::string out = "kept";
  Writer writer(out, kTilde);
  const Delimiters source{'|', '>', 0, "\n"};
  Segment ref;
  ref.tag = "REF";
  ref.elements = {"ZZ", "A*B"};
  CHECK_THROWS_WITH(writer.segment(ref, source), "cannot write REF02: its data contains the target delimiter '*'");
  ref.elements = {"ZZ", "A~B"};
  CHECK_THROWS_WITH(writer.segment(ref, source), "cannot write REF: its data contains the segment terminator");
  ref.elements = {"ZZ", "A:B"};
  CHECK_THROWS_AS(writer.segment(ref, source), std::invalid_argument);
  // A real case: this 850's MSG text holds ':', so ':' cannot become its component separator.
  const auto masked = parse(corpus("x12/850_nodex12_masked_newline_terminator.edi"));
  CHECK_THROWS_WITH(write(masked, kTilde), "cannot write MSG01: its data contains the target delimiter ':'");
  CHECK(out == "kept");  // nothing of a refused segment is written
  CHECK_THROWS_AS(writer.segment("REF", {"ZZ", "A*B"}), std::invalid_argument);
}

TEST_CASE("writer writes caller-built segments as they stand, with the suffix", "[writer]") {
  std::string out;
  Writer writer(out, kTilde, "\n");
  writer.segment("SLN", {"1", "", "I", "PC:1:2"});
  writer.segment("CTT", {});
  CHECK(out == "SLN*1**I*PC:1:2~\nCTT~\n");
}

TEST_CASE("writer refuses target delimiters that are not distinct", "[writer]") {
  std::string out;
  CHECK_THROWS_AS(Writer(out, {'*', '*', 0, "~"}), std::invalid_argument);
  CHECK_THROWS_AS(Writer(out, {'*', ':', ':', "~"}), std::invalid_argument);
  CHECK_THROWS_AS(Writer(out, {'*', ':', 0, "*"}), std::invalid_argument);
  CHECK_THROWS_AS(Writer(out, {'*', ':', 0, ""}), std::invalid_argument);
}

TEST_CASE("canonical_line joins with '*', ':' and '^' and keeps the ISA as it stands", "[writer][canonical]") {
  auto lines = canonical_lines(corpus("x12/810_x12types_minimal_5010.edi"));
  REQUIRE(lines.size() == 10);
  CHECK(lines[0] ==
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *200101*1200*U*00501*000000001*0*P*>");
  CHECK(lines[5] == "IT1*1*10*EA*5**VN*ABC");

  lines = canonical_lines(corpus("x12/850_ediengine_sln_composite.edi"));
  CHECK(lines[6] == "SLN*1.1**I*10000*PC:11.1:12.2:EA:13.3:14.4*1.56*TP**VC*P-875OS*UI*09999982001");

  lines = canonical_lines(corpus("x12/856_oopfactory_tilde_elem_star_seg_s_o_i.edi"));
  CHECK(lines[0] ==
        "ISA*00*          *00*          *01*201495124      *01*207663412      *010420*1312*U*00401*000000001*1*P*`");
  CHECK(lines[2] == "ST*856*0001");

  lines = canonical_lines(corpus("x12/856_oopfactory_pipe_component_flat_hl.edi"));
  CHECK(lines[0].ends_with("*P*|"));

  // ISA11 '-' with 00406 is a repetition separator, so '-' in data reads as a repetition.
  lines = canonical_lines(corpus("x12/856_nodex12_s_o_i_isa11_dash.edi"));
  CHECK(lines[0].find("*-*00406*") != std::string::npos);
  CHECK(lines[7] == "REF*BM*999999^001");
}
