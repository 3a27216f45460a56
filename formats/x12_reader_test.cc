#include "formats/x12_reader.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "formats/x12_writer.h"
#include "tests/test_support.h"

using namespace edihub::x12;
using edihub::testing::data_dir;
using edihub::testing::read_file;

namespace {

std::string corpus(const std::string& name) { return read_file(data_dir() / "corpus" / name); }

std::vector<std::filesystem::path> corpus_files(const std::string& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir() / "corpus" / folder)) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Owned copy of what the reader delivered, with the interchange's delimiters.
struct Seen {
  Segment segment;
  std::uint64_t byte_offset;
  Delimiters delimiters;
};

class Recorder : public SegmentHandler {
 public:
  void on_segment(const SegmentView& view) override {
    seen.push_back({to_owned(view), view.byte_offset, *view.delimiters});
  }
  std::vector<Seen> seen;
};

std::vector<Seen> read_all(std::string_view bytes, std::size_t chunk = 0) {
  Recorder recorder;
  Reader reader(recorder);
  if (chunk == 0) chunk = bytes.size();
  for (std::size_t at = 0; at < bytes.size(); at += chunk) reader.feed(bytes.substr(at, chunk));
  reader.finish();
  return recorder.seen;
}

// Everything the reader produced (or the error it stopped with) as one comparable text.
std::string transcript(std::string_view bytes, std::size_t chunk) {
  std::string out;
  try {
    for (const Seen& s : read_all(bytes, chunk)) {
      out += std::to_string(s.segment.number) + "@" + std::to_string(s.byte_offset) + " [" + s.delimiters.element +
             s.delimiters.component + (s.delimiters.repetition ? s.delimiters.repetition : '0') +
             s.delimiters.segment + "] " + s.segment.tag;
      for (const auto& e : s.segment.elements) out += "|" + e;
      out += "\n";
    }
  } catch (const UnusableInput& e) {
    out += "unusable at segment " + std::to_string(e.segment) + " byte " + std::to_string(e.byte_offset) + ": " +
           e.what();
  }
  return out;
}

UnusableInput unusable(std::string_view bytes) {
  try {
    read_all(bytes);
  } catch (const UnusableInput& e) {
    return e;
  }
  FAIL("input was accepted");
  throw std::logic_error("unreachable");
}

const std::string kIsa =
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240318*1430*^*00501*000000001*0*P*>~";

}  // namespace

TEST_CASE("reader takes the delimiters from each corpus ISA", "[reader]") {
  struct Case {
    std::string file;
    Delimiters expected;
  };
  const std::vector<Case> cases = {
      {"x12/810_x12types_minimal_5010.edi", {'*', '>', 0, "~"}},  // ISA11 U with 00501: no repetition
      {"x12/997_staedi_rejected_ak3_ak4.edi", {'*', ':', '^', "~"}},
      {"x12/999_pyx12_accepted_isa11_bang.edi", {'*', ':', '!', "~"}},
      {"x12/856_nodex12_s_o_i_isa11_dash.edi", {'*', '>', '-', "~"}},  // 00406: ISA11 is a separator
      {"x12/850_nodex12_newline_terminator.edi", {'*', '>', 0, "\n"}},
      {"x12/810_oopfactory_walmart_newline_terminator.edi", {'*', '>', 0, "\r\n"}},
      {"x12/214_staedi_unicode_ellipsis_terminator.edi", {'*', '>', 0, "\xE2\x80\xA6"}},
      {"x12/856_oopfactory_ellipsis_terminator_s_i.edi", {'*', ':', 0, "\xE2\x80\xA6"}},
      {"x12/850_oopfactory_pipe_terminator_tilde_component.edi", {'*', '~', 0, "|"}},
      {"x12/856_oopfactory_tilde_elem_star_seg_s_o_i.edi", {'~', '`', 0, "*"}},
      {"x12/810_stupidedi_pipe_element_separator.edi", {'|', '>', 0, "~"}},
      {"x12/856_oopfactory_pipe_component_flat_hl.edi", {'*', '|', 0, "~"}},
      {"invalid/ta1_oopfactory_rejected_gt_elem_newline.edi", {'>', '+', '^', "\r\n"}},
  };
  for (const Case& c : cases) {
    INFO(c.file);
    const auto seen = read_all(corpus(c.file));
    REQUIRE(!seen.empty());
    CHECK(seen.front().segment.tag == "ISA");
    CHECK(seen.front().delimiters == c.expected);
    CHECK(seen.back().delimiters == c.expected);
  }
}

TEST_CASE("reader delivers segments with 1-based numbers, offsets and raw elements", "[reader]") {
  const auto seen = read_all(corpus("x12/810_x12types_minimal_5010.edi"));
  REQUIRE(seen.size() == 10);
  CHECK(seen[0].segment.elements.size() == 16);
  CHECK(seen[0].segment.element(6) == "SENDER         ");  // ISA06 keeps its padding
  CHECK(seen[0].segment.element(16) == ">");
  CHECK(seen[5].segment.tag == "IT1");
  CHECK(seen[5].segment.number == 6);
  CHECK(seen[5].segment.elements == std::vector<std::string>{"1", "10", "EA", "5", "", "VN", "ABC"});
  // ISA is 106 bytes plus LF, GS line is 48 bytes.
  CHECK(seen[1].byte_offset == 107);
  CHECK(seen[2].byte_offset == 107 + 48);
  CHECK(seen[9].segment.tag == "IEA");
  CHECK(seen[9].segment.number == 10);
}

TEST_CASE("reader tolerates BOM, indentation, CR LF terminator and a last IEA without terminator",
          "[reader]") {
  const auto seen = read_all(corpus("x12/810_oopfactory_walmart_newline_terminator.edi"));
  REQUIRE(seen.size() == 24);
  CHECK(seen[0].byte_offset == 3);  // after the BOM
  CHECK(seen[1].segment.tag == "GS");
  CHECK(seen[1].byte_offset == 3 + 105 + 2 + 2);  // ISA through ISA16, CR LF, two blanks
  CHECK(seen[10].segment.tag == "N4");
  CHECK(seen[10].segment.element(3) == "72712 ");  // a trailing blank inside the data stays
  CHECK(seen[23].segment.tag == "IEA");
  CHECK(seen[23].segment.elements == std::vector<std::string>{"1", "810000263"});
}

TEST_CASE("reader splits on a multi-byte terminator and keeps data as it stands", "[reader]") {
  const auto seen = read_all(corpus("x12/214_staedi_unicode_ellipsis_terminator.edi"));
  REQUIRE(seen.size() == 24);
  CHECK(seen[1].segment.elements.back() == "004010");
  CHECK(seen[23].segment.tag == "IEA");
  CHECK(seen[23].segment.element(2) == "000075776");
}

TEST_CASE("reader keeps other characters sharing the terminator's first byte as data", "[reader]") {
  std::string isa = kIsa;
  isa.replace(105, 1, "\xE2\x80\xA6");                      // terminator U+2026
  const std::string bytes = isa + "N1*ST*A\xE2\x80\x94" "B\xE2\x80\xA6" "IEA*0*000000001";  // U+2014 in the data
  for (std::size_t chunk : {0, 1, 2, 107, 108}) {
    INFO("chunk " << chunk);
    const auto seen = read_all(bytes, chunk);
    REQUIRE(seen.size() == 3);
    CHECK(seen[1].segment.element(2) == "A\xE2\x80\x94" "B");
    CHECK(seen[2].segment.elements == std::vector<std::string>{"0", "000000001"});
  }
}

TEST_CASE("reader trims blanks after a last segment without terminator", "[reader]") {
  const auto seen = read_all(kIsa + "\nIEA*0*000000001 \r\n\n");
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].segment.elements == std::vector<std::string>{"0", "000000001"});
}

TEST_CASE("reader re-reads delimiters at every ISA", "[reader]") {
  const std::string second =
      "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |240318|1430|U|00401|000000002|0|P|`\n"
      "GS|IN|A|B|20240318|1430|7|X|004010\nGE|0|7\nIEA|1|000000002\n\n  \r\n";
  const auto seen = read_all(kIsa + "\nIEA*0*000000001~\r\n" + second);
  REQUIRE(seen.size() == 6);
  CHECK(seen[1].segment.elements == std::vector<std::string>{"0", "000000001"});
  CHECK(seen[2].delimiters == Delimiters{'|', '`', 0, "\n"});
  CHECK(seen[2].segment.number == 3);
  CHECK(seen[3].segment.elements.size() == 8);
  CHECK(seen[5].segment.elements == std::vector<std::string>{"1", "000000002"});
}

TEST_CASE("reader keeps what is not a terminator inside elements", "[reader]") {
  // '~' is not this file's terminator ('$' is), so N1..HL up to the next '$' is one segment.
  const auto seen = read_all(corpus("invalid/856_stupidedi_mixed_terminators.edi"));
  REQUIRE(seen.size() == 26);
  CHECK(seen[12].segment.tag == "N1");
  CHECK(seen[12].segment.element(4) == "010020001-ABCINC~\n\nN3");
  CHECK(seen[12].segment.elements.back() == "1");
  CHECK(seen[13].segment.tag == "PRF");
}

TEST_CASE("reader gives the same segments whatever the chunk size", "[reader]") {
  for (const std::string folder : {"x12", "invalid"}) {
    for (const auto& file : corpus_files(folder)) {
      const std::string bytes = read_file(file);
      const std::string whole = transcript(bytes, 0);
      for (std::size_t chunk : {1, 2, 3, 7, 64}) {
        INFO(file.filename().string() << " in chunks of " << chunk);
        CHECK(transcript(bytes, chunk) == whole);
      }
    }
  }
}

TEST_CASE("reader rejects input that is not an interchange", "[reader][unusable]") {
  CHECK(std::string(unusable("").what()) == "empty input");
  CHECK(std::string(unusable(" \r\n\t\n").what()) == "no interchange: the input holds only blanks");

  const auto garbage = unusable(corpus("invalid/nonedi_ediengine_garbage.edi"));
  CHECK(std::string(garbage.what()).find("not X12") != std::string::npos);
  CHECK(garbage.segment == 1);
  CHECK(garbage.byte_offset == 0);

  std::string binary;
  for (int i = 0; i < 512; ++i) binary += static_cast<char>(i * 37);
  CHECK(std::string(unusable(binary).what()).find("not X12") != std::string::npos);

  CHECK(std::string(unusable("ISAX*00").what()).find("not X12") != std::string::npos);
}

TEST_CASE("reader rejects an ISA that is not fixed-width, naming the position", "[reader][unusable]") {
  {  // ISA08 has 16 characters: position 69 holds a blank instead of '*'
    const auto e = unusable(corpus("invalid/850_stupidedi_isa08_16_chars.edi"));
    CHECK(std::string(e.what()) ==
          "ISA segment at byte 0 is not fixed-width: expected the element separator '*' at position 69 after ISA08 "
          "(15 characters), found ' '");
    CHECK(e.segment == 1);
    CHECK(e.byte_offset == 69);
  }
  {  // ISA06 has 12 characters: ISA06 ends at 46, its '*' at 47 is inside the 15-character field
    const auto e = unusable(corpus("invalid/997_stupidedi_isa06_12_chars_newline.edi"));
    CHECK(std::string(e.what()) ==
          "ISA segment at byte 0 is not fixed-width: found '*' at position 47 inside ISA06 (15 characters from "
          "position 35)");
    CHECK(e.byte_offset == 47);
  }
  {  // ISA02 is one blank: the next '*' comes at 8
    const auto e = unusable(corpus("invalid/856_stupidedi_isa_not_fixed_width_s_t_i_p.edi"));
    CHECK(std::string(e.what()).find("found '*' at position 8 inside ISA02") != std::string::npos);
  }
  {  // wrapped at 80 columns: a LF in ISA10
    const auto e = unusable(corpus("invalid/210_staedi_wrapped_80_columns.edi"));
    CHECK(std::string(e.what()).find("found LF at position 80 inside ISA10") != std::string::npos);
    CHECK(e.byte_offset == 80);
  }
}

TEST_CASE("a wrapped interchange reads once its line breaks are removed", "[reader]") {
  std::string bytes = corpus("invalid/210_staedi_wrapped_80_columns.edi");
  std::erase(bytes, '\n');
  const auto seen = read_all(bytes);
  REQUIRE(seen.size() == 35);
  CHECK(seen[32].segment.tag == "SE");
  CHECK(seen[32].segment.elements == std::vector<std::string>{"31", "1305"});
}

TEST_CASE("reader rejects truncated and unusable ISA delimiters", "[reader][unusable]") {
  const std::string valid = corpus("x12/810_x12types_minimal_5010.edi");
  for (std::size_t cut : {3, 50, 105}) {
    INFO("cut at " << cut);
    const auto e = unusable(valid.substr(0, cut));
    CHECK(std::string(e.what()) ==
          "input ends inside the ISA segment at byte 0 after " + std::to_string(cut) + " of 106 characters");
  }
  std::string isa = kIsa;
  isa[104] = 'X';  // component separator is a letter
  CHECK(std::string(unusable(isa).what()).find("ISA16 component element separator 'X'") != std::string::npos);
  isa = kIsa;
  isa[105] = '*';  // terminator equals the element separator
  CHECK(std::string(unusable(isa).what()).find("ISA segment terminator '*'") != std::string::npos);
  isa = kIsa;
  isa[82] = '>';  // repetition equals component separator
  CHECK(std::string(unusable(isa).what()).find("ISA11 repetition separator '>'") != std::string::npos);
  isa = kIsa;
  isa[105] = '\xE2';  // a UTF-8 lead byte cut by the end of input
  CHECK(std::string(unusable(isa).what()).find("ends inside the ISA segment terminator") != std::string::npos);
}

TEST_CASE("reader takes CR alone as terminator when no LF follows", "[reader]") {
  std::string isa = kIsa;
  isa.back() = '\r';
  const auto seen = read_all(isa + "IEA*0*000000001\r");
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].delimiters.segment == "\r");
  CHECK(seen[1].segment.elements == std::vector<std::string>{"0", "000000001"});
}

TEST_CASE("reader bounds segment length and element count", "[reader][unusable]") {
  const std::string long_segment = kIsa + "GS*" + std::string((1u << 20) + 10, 'A') + "~";
  for (std::size_t chunk : {std::size_t{0}, std::size_t{65536}}) {
    try {
      read_all(long_segment, chunk);
      FAIL("accepted");
    } catch (const UnusableInput& e) {
      CHECK(std::string(e.what()) ==
            "segment at byte 106 is longer than 1048576 bytes without a segment terminator \"~\"");
      CHECK(e.segment == 2);
    }
  }
  std::string many = kIsa + "REF";
  for (int i = 0; i < 1025; ++i) many += "*1";
  CHECK(std::string(unusable(many + "~").what()) == "segment REF at byte 106 has more than 1024 elements");
}

TEST_CASE("reader counts segments and bytes", "[reader]") {
  Recorder recorder;
  Reader reader(recorder);
  const std::string bytes = corpus("x12/997_staedi_three_interchanges.edi");
  reader.feed(bytes);
  reader.finish();
  CHECK(reader.segments_read() == 36);
  CHECK(reader.bytes_read() == bytes.size());
  CHECK(recorder.seen[24].segment.tag == "ISA");
  CHECK(recorder.seen[24].segment.number == 25);
}
