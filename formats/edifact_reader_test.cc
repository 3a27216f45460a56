#include "formats/edifact_reader.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "formats/edifact.h"
#include "tests/test_support.h"

using edihub::edifact::kComponent;
using edihub::edifact::kRepetition;
using edihub::edifact::Reader;
using edihub::testing::data_dir;
using edihub::testing::read_file;
namespace x12 = edihub::x12;

namespace {

std::string sample(const std::string& name) { return read_file(data_dir() / "edifact" / name); }

struct Seen {
  x12::Segment segment;
  std::uint64_t byte_offset;
};

class Recorder : public x12::SegmentHandler {
 public:
  void on_segment(const x12::SegmentView& view) override {
    CHECK(view.delimiters == &edihub::edifact::unescaped_delimiters());
    seen.push_back({x12::to_owned(view), view.byte_offset});
  }
  std::vector<Seen> seen;
};

std::vector<Seen> read_all(std::string_view bytes, std::size_t chunk = 0) {
  Recorder recorder;
  Reader reader(recorder);
  if (chunk == 0) chunk = bytes.size();
  for (std::size_t at = 0; at < bytes.size(); at += chunk) reader.feed(bytes.substr(at, chunk));
  reader.finish();
  CHECK(reader.segments_read() == recorder.seen.size());
  CHECK(reader.bytes_read() == bytes.size());
  return recorder.seen;
}

// Everything read (or the error it stopped with) as one comparable text; separators
// shown as '|' (component) and '^' (repetition).
std::string transcript(std::string_view bytes, std::size_t chunk = 0) {
  std::string out;
  try {
    for (const Seen& s : read_all(bytes, chunk)) {
      out += std::to_string(s.segment.number) + "@" + std::to_string(s.byte_offset) + " " + s.segment.tag;
      for (const std::string& e : s.segment.elements) {
        out += " [";
        for (char c : e) out += c == kComponent ? '|' : c == kRepetition ? '^' : c;
        out += "]";
      }
      out += "\n";
    }
  } catch (const x12::UnusableInput& e) {
    out += "unusable at segment " + std::to_string(e.segment) + " byte " + std::to_string(e.byte_offset) + ": " +
           e.what() + "\n";
  }
  return out;
}

std::string elements(const Seen& s) {
  std::string out;
  for (const std::string& e : s.segment.elements) {
    out += "[";
    for (char c : e) out += c == kComponent ? '|' : c == kRepetition ? '^' : c;
    out += "]";
  }
  return out;
}

}  // namespace

TEST_CASE("edifact reader splits a default interchange into unescaped segments", "[edifact][reader]") {
  const std::string input =
      "UNB+UNOC:3+SENDER:14+RECEIVER:14+240101:1200+REF1'"
      "UNH+1+ORDERS:D:96A:UN:EAN008'BGM+220+PO 1+9'UNT+3+1'UNZ+1+REF1'";
  CHECK(transcript(input) ==
        "1@0 UNB [UNOC|3] [SENDER|14] [RECEIVER|14] [240101|1200] [REF1]\n"
        "2@50 UNH [1] [ORDERS|D|96A|UN|EAN008]\n"
        "3@79 BGM [220] [PO 1] [9]\n"
        "4@94 UNT [3] [1]\n"
        "5@102 UNZ [1] [REF1]\n");
}

TEST_CASE("edifact reader takes the separators of a UNA and hands the UNA over", "[edifact][reader]") {
  SECTION("the usual UNA") {
    const auto seen = read_all("UNA:+.? 'UNB+UNOC:3+S+R+240101:1200+1'UNZ+0+1'");
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].segment.tag == "UNA");
    CHECK(seen[0].segment.elements == std::vector<std::string>{":+.? '"});
    CHECK(seen[1].segment.number == 2);
    CHECK(seen[1].byte_offset == 9);
    CHECK(elements(seen[1]) == "[UNOC|3][S][R][240101|1200][1]");
  }
  SECTION("a file using | ^ and ! with LF between segments") {
    // component '^', element '|', decimal ',', release '!', repetition reserved, terminator '~'
    const std::string input = "UNA^|,! ~\nUNB|UNOC^3|S|R|240101^1200|7~\nFTX|AAI|||A!|B!^C!~D!!E^F~\nUNZ|0|7~\n";
    const auto seen = read_all(input);
    REQUIRE(seen.size() == 4);
    CHECK(seen[1].segment.tag == "UNB");
    CHECK(elements(seen[2]) == "[AAI][][][A|B^C~D!E|F]");
    CHECK(seen[3].segment.tag == "UNZ");
    CHECK(elements(seen[3]) == "[0][7]");
  }
  SECTION("a UNA with the standard's other characters keeps the defaults out") {
    // ':' and '+' are plain data here; '=' splits components and '*' elements.
    const auto seen = read_all("UNA=*.?^~UNB*UNOA=3*A:B+C*R*240101=1200*1~UNZ*0*1~");
    REQUIRE(seen.size() == 3);
    CHECK(elements(seen[1]) == "[UNOA|3][A:B+C][R][240101|1200][1]");
  }
}

TEST_CASE("edifact reader unescapes the release character", "[edifact][reader]") {
  const std::string head = "UNA:+.? 'UNB+UNOC:3+S+R+240101:1200+1'";
  const auto seen = read_all(head +
                             "FTX+A??+B?'C+D?+E+F?:G:H+???" "''"  // release before release, ', +, : and a release pair before '"
                             "UNZ+0+1'");
  REQUIRE(seen.size() == 4);
  CHECK(seen[2].segment.tag == "FTX");
  CHECK(elements(seen[2]) == "[A?][B'C][D+E][F:G|H][?']");
  CHECK(seen[3].segment.tag == "UNZ");
  SECTION("a release character dangling at the end of the input is kept as sent") {
    const auto last = read_all(head + "UNZ+0+1?");
    REQUIRE(last.size() == 3);
    CHECK(elements(last[2]) == "[0][1?]");
  }
}

TEST_CASE("edifact reader splits repetitions only in syntax 4", "[edifact][reader]") {
  SECTION("syntax 4 with the default repetition separator") {
    const auto seen = read_all("UNB+UNOC:4+S+R+20240101:1200+1'NAD+BY+A*B:C+X?*Y'UNZ+0+1'");
    REQUIRE(seen.size() == 3);
    CHECK(elements(seen[1]) == "[BY][A^B|C][X*Y]");
  }
  SECTION("syntax 3: the UNA's fifth character is reserved, '*' is data") {
    const auto seen = read_all("UNA:+.?*'UNB+UNOC:3+S+R+240101:1200+1'NAD+BY+A*B'UNZ+0+1'");
    REQUIRE(seen.size() == 4);
    CHECK(elements(seen[2]) == "[BY][A*B]");
  }
  SECTION("syntax 4 with a blank fifth UNA character has no repetitions") {
    const auto seen = read_all("UNA:+.? 'UNB+UNOC:4+S+R+20240101:1200+1'NAD+BY+A*B'UNZ+0+1'");
    REQUIRE(seen.size() == 4);
    CHECK(elements(seen[2]) == "[BY][A*B]");
  }
}

TEST_CASE("edifact reader tolerates a BOM, line ends between segments and a last segment without terminator",
          "[edifact][reader]") {
  const std::string input = "\xEF\xBB\xBF\r\nUNB+UNOC:3+S+R+240101:1200+1'\r\n  BGM+220'\r\nUNZ+0+1\r\n";
  CHECK(transcript(input) ==
        "1@5 UNB [UNOC|3] [S] [R] [240101|1200] [1]\n"
        "2@38 BGM [220]\n"
        "3@48 UNZ [0] [1]\n");
}

TEST_CASE("edifact reader reads several interchanges, each with its own delimiters", "[edifact][reader]") {
  const std::string input =
      "UNA:+.? 'UNB+UNOC:3+S+R+240101:1200+1'UNZ+0+1'\n"
      "UNA=*.?^~UNB*UNOC=4*S*R*20240101=1200*2~NAD*A^B=C~UNZ*0*2~\n"
      "UNB+UNOC:3+S+R+240101:1200+3'NAD+A*B'UNZ+0+3'";
  const auto seen = read_all(input);
  REQUIRE(seen.size() == 10);
  CHECK(elements(seen[5]) == "[A^B|C]");  // syntax 4 after the second UNA
  CHECK(seen[7].segment.tag == "UNB");
  CHECK(elements(seen[7]) == "[UNOC|3][S][R][240101|1200][3]");  // no UNA: the defaults again
  CHECK(elements(seen[8]) == "[A*B]");                             // and syntax 3: '*' is data
}

TEST_CASE("edifact reader holds reserved control characters in data as SUB", "[edifact][reader]") {
  const auto seen = read_all(std::string("UNB+UNOC:3+S+R+240101:1200+1'FTX+A\x1F" "B+C?\x1E" "D'UNZ+0+1'"));
  REQUIRE(seen.size() == 3);
  CHECK(seen[1].segment.elements == std::vector<std::string>{"A\x1A" "B", "C\x1A" "D"});
}

TEST_CASE("edifact reader gives the same segments whatever the chunk size", "[edifact][reader]") {
  for (const std::string name : {"invoic_d97b_una.edi", "desadv_d96a.edi", "orders_ung_d96b.edi"}) {
    const std::string input = sample(name) + "\r\nUNA:+.? 'UNB+UNOC:4+S+R+20240101:1200+9'FTX+A??+B?'C*D:E'UNZ+0+9";
    const std::string whole = transcript(input);
    REQUIRE(whole.find("unusable") == std::string::npos);
    for (std::size_t chunk = 1; chunk <= 64; ++chunk) {
      INFO(name << " in chunks of " << chunk);
      CHECK(transcript(input, chunk) == whole);
    }
  }
}

TEST_CASE("edifact reader reads the public samples", "[edifact][reader][samples]") {
  // Segment counts checked by hand: one segment a line in each file, UNA included.
  struct Expected {
    const char* file;
    std::size_t segments;
    const char* last_tag;
  };
  for (const Expected& e : {Expected{"desadv_d96a.edi", 23, "UNZ"}, Expected{"orders_d01b_ean010.edi", 602, "UNZ"},
                            Expected{"invoic_d97a.edi", 26, "UNZ"}, Expected{"orders_d96a_wikipedia_de.edi", 12, "UNZ"},
                            Expected{"invoic_d97b_una.edi", 27, "UNZ"}, Expected{"orders_ung_d96b.edi", 22, "UNZ"}}) {
    INFO(e.file);
    const auto seen = read_all(sample(e.file));
    REQUIRE(seen.size() == e.segments);
    CHECK(seen.back().segment.tag == e.last_tag);
  }
  // invoic_d97b_una.edi: UNA=*.?^~ and a released '?' inside a sender id.
  const auto invoic = read_all(sample("invoic_d97b_una.edi"));
  CHECK(elements(invoic[1]) == "[UNOA|3][005435656|1][006415160|1][060515|1434][00000000000778]");
  CHECK(elements(invoic[6]) == "[BY][792820524||16][][CUMMINS MID-RANGE ENGINE PLANT]");
  // orders_d01b_ean010.edi: "A?+A" is the name "A+A".
  const auto orders = read_all(sample("orders_d01b_ean010.edi"));
  CHECK(orders[7].segment.tag == "NAD");
  CHECK(orders[7].segment.element(4) == "A+A K\xEF\xBF\xBDlte GmbH");
}

TEST_CASE("edifact reader rejects input that is not EDIFACT", "[edifact][reader][unusable]") {
  const auto error = [](std::string_view input) { return transcript(input); };
  CHECK(error("") == "unusable at segment 1 byte 0: empty input\n");
  CHECK(error(" \r\n") == "unusable at segment 1 byte 3: no interchange: the input holds only blanks\n");
  CHECK(error("ISA*00*") ==
        "unusable at segment 1 byte 0: not EDIFACT: expected an interchange starting with \"UNA\" or \"UNB\" and "
        "the element separator '+' at byte 0, found \"ISA*\"\n");
  CHECK(error("UNA:+.? ") ==
        "unusable at segment 1 byte 8: input ends inside the UNA service string advice at byte 0 after 8 of 9 "
        "characters\n");
  CHECK(error("UNA:::? 'UNB") ==
        "unusable at segment 1 byte 4: malformed UNA at byte 0: UNA2 data element separator \":\" is also the "
        "component data element separator\n");
  CHECK(error("UNA:+x? 'UNB") ==
        "unusable at segment 1 byte 5: malformed UNA at byte 0: UNA3 decimal mark \"x\" is not usable (expected "
        "'.' or ',')\n");
  CHECK(error("UNA:+.? 'UNH+1'") ==
        "unusable at segment 2 byte 9: expected the UNB interchange header after the UNA and the element "
        "separator '+' at byte 9, found \"UNH+\"\n");
  CHECK(error("UNA:+.? '") == "unusable at segment 2 byte 9: no interchange: a UNA without the UNB it announces\n");
  CHECK(error(std::string("UNB+UNOC:3+S+R+240101:1200+1'\x00\x01\x02\xFF'", 34)) ==
        "unusable at segment 2 byte 29: segment at byte 29 has the tag \"\\x00\\x01\\x02\\xFF\": not an EDIFACT "
        "segment tag (three letters or digits)\n");
}

TEST_CASE("edifact reader memory stays bounded by the longest segment over 50 MB", "[edifact][reader][memory]") {
  // One interchange of many messages, generated chunk by chunk, never held whole.
  class Counter : public x12::SegmentHandler {
   public:
    void on_segment(const x12::SegmentView& view) override {
      ++segments;
      if (view.tag == "LIN") ++lines;
    }
    std::uint64_t segments = 0, lines = 0;
  } counter;
  Reader reader(counter);
  reader.feed("UNA:+.? 'UNB+UNOC:3+SENDER:14+RECEIVER:14+240101:1200+BIG'\n");
  const std::string message =
      "UNH+1+ORDERS:D:96A:UN:EAN008'\nBGM+220+PO?+1+9'\nDTM+137:20240101:102'\n"
      "NAD+BY+5412345000013::9'\nLIN+1++4000862141404:SRS'\nQTY+21:48'\nUNS+S'\nUNT+8+1'\n";
  std::string chunk;
  while (chunk.size() < 60000) chunk += message;
  const std::size_t per_chunk = chunk.size() / message.size();
  std::size_t peak = 0;
  std::uint64_t fed = 0;
  // Chunks cut at an odd size so segments straddle them.
  const std::size_t cut = 4093;
  std::string pending;
  for (std::size_t n = 0; fed < 50u * 1000 * 1000; ++n) {
    pending += chunk;
    std::size_t at = 0;
    for (; pending.size() - at >= cut; at += cut) {
      reader.feed(std::string_view(pending).substr(at, cut));
      fed += cut;
    }
    pending.erase(0, at);
    peak = std::max(peak, reader.buffered_capacity());
  }
  reader.feed(pending);
  reader.feed("UNZ+1+BIG'");
  reader.finish();
  CHECK(counter.lines > 50u * 1000 * 1000 / message.size() - per_chunk);
  CHECK(counter.segments == 2 + counter.lines * 8 + 1);
  CHECK(peak < 16 * 1024);
}
