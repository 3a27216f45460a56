// Poison input at the validation level (issue 13), through the binary: element values
// that are not text in the partner's character set, envelope values the acknowledgment
// must answer although it cannot copy them, malformed TA1s, GS dates and times, and a
// flood of errors. For each: `validate` and `run` agree, the run goes on (exit 0), and the
// acknowledgment the hub builds is one its own reader and schemas accept.
// The inputs are the hand-made files of tests/data/poison (see its MANIFEST); every
// expected segment below was worked out by hand from them.
#include <map>
#include <regex>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "formats/ack_reader.h"
#include "formats/parsed_file.h"
#include "formats/validation.h"
#include "tests/trading_config.h"

namespace fs = std::filesystem;
using namespace edihub;
using namespace edihub::testing;
using nlohmann::json;
using Catch::Contains;

namespace {

const char* kMorning = "2026-11-27T08:00:00Z";

fs::path poison(const std::string& name) { return data_dir() / "poison" / name; }

RunResult validate(const TempDir& dir, const std::string& name, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"validate", poison(name).string(), "--config", dir.path().string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_edihub_at(kMorning, args);
}

// `run --once` with the file in the supplier's inbox: must finish (exit 0) whatever it holds.
json run_with(const TempDir& dir, const std::string& name) {
  fs::copy_file(poison(name), dir / ("inbox/" + name));
  auto r = run_edihub_at(kMorning, {"run", "--config", dir.path().string(), "--once", "--json"});
  INFO(r.err << r.out);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

// The one acknowledgment in the outbox.
std::string the_ack(const TempDir& dir) {
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(dir / "outbox"))
    if (e.path().filename().string()[0] != '.') found.push_back(read_file(e.path()));
  REQUIRE(found.size() == 1);
  return found.front();
}

// An acknowledgment we built, checked the way we check a partner's: no envelope issue,
// every 997/999 valid against the library's schema and readable, every TA1 without deviation.
void check_ack_is_valid(const std::string& ack) {
  INFO(ack);
  const auto parsed = x12::parse_bytes(ack);
  CHECK(parsed.issues.empty());
  const auto report = x12::validate(ack, [](const x12::InterchangeHeader&, const x12::GroupHeader& g,
                                               const x12::TransactionSet& set) {
    return x12::SchemaLibrary::builtin().find(set.id, g.version);
  });
  CHECK(report.valid());
  for (const auto& interchange : parsed.interchanges) {
    for (const auto& segment : interchange.interchange_segments) CHECK(x12::read_ta1(segment).deviations.empty());
    for (const auto& group : interchange.groups)
      for (const auto& set : group.sets) CHECK_NOTHROW(x12::read_functional_ack(set));
  }
}

// The TA1 of an acknowledgment: "TA1*...".
std::string ta1_of(const std::string& ack) {
  const auto parsed = x12::parse_bytes(ack);
  REQUIRE(parsed.interchanges.size() == 1);
  REQUIRE(parsed.interchanges[0].interchange_segments.size() == 1);
  const auto& ta1 = parsed.interchanges[0].interchange_segments[0];
  std::string text = ta1.tag;
  for (const auto& e : ta1.elements) text += "*" + e;
  return text;
}

std::string erp_document(const TempDir& dir) {
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(dir / "erp"))
    if (e.is_regular_file() && e.path().extension() == ".json") found.push_back(read_file(e.path()));
  REQUIRE(found.size() == 1);
  return found.front();
}

}  // namespace

TEST_CASE("a Latin-1 N102 is an invalid character (AK4 6) by default, in validate and in run", "[poison][encoding]") {
  TempDir dir;
  write_trading_config(dir.path());
  auto v = validate(dir, "latin1-n102.edi");
  CHECK(v.exit_code == 1);
  CHECK_THAT(v.out, Contains("N1, loop N1: N102 (93): 'CAF\\xC9 M\\xDCNCHEN': byte 0xC9 at offset 3 is not a character of "
                             "UTF-8 (the default); the partner profile's `encoding:` can declare the character set it sends"));
  CHECK_THAT(v.out, Contains("(AK4 6 at N102)"));
  // The 999 preview says the same: IK4 code 6 at N102, the bad bytes replaced by U+FFFD.
  auto preview = validate(dir, "latin1-n102.edi", {"--ack", "999"});
  CHECK_THAT(preview.out, Contains("IK3*N1*9*N1*8~\nIK4*2*93*6*CAF\xEF\xBF\xBD M\xEF\xBF\xBDNCHEN~\nIK5*R*5~\nAK9*R*1*1*0~"));
  check_ack_is_valid(preview.out);

  auto summary = run_with(dir, "latin1-n102.edi");
  CHECK(summary["sets_delivered"] == 0);
  REQUIRE(summary["exceptions"].size() == 1);
  CHECK(summary["exceptions"][0]["kind"] == "validation_error");
  CHECK_THAT(summary["exceptions"][0]["reason"].get<std::string>(), Contains("byte 0xC9 at offset 3"));
  const auto ack = the_ack(dir);
  CHECK_THAT(ack, Contains("AK2*856*1301~\nAK3*N1*9*N1*8~\nAK4*2*93*6*CAF\xEF\xBF\xBD M\xEF\xBF\xBDNCHEN~\nAK5*R*5~\nAK9*R*1*1*0~"));
  check_ack_is_valid(ack);
}

TEST_CASE("with encoding: iso-8859-1 the Latin-1 N102 is valid and reaches the ERP as UTF-8", "[poison][encoding]") {
  TempDir dir;
  write_trading_config(dir.path(), "encoding: iso-8859-1\n");
  auto v = validate(dir, "latin1-n102.edi");
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.out, Contains(": valid:"));
  auto summary = run_with(dir, "latin1-n102.edi");
  CHECK(summary["sets_delivered"] == 1);
  CHECK(summary["exceptions"].empty());
  const auto doc = json::parse(erp_document(dir));
  CHECK(doc["transaction"]["ship_from"]["name"] == "CAF\xC3\x89 M\xC3\x9CNCHEN");  // CAFÉ MÜNCHEN in UTF-8
  // The archive keeps the bytes as received.
  auto raw = run_edihub({"archive", "show", "F1", "--raw", "--config", dir.path().string()});
  CHECK_THAT(raw.out, Contains("N1*SF*CAF\xC9 M\xDCNCHEN*92*SUP1"));
}

TEST_CASE("a 0xFF byte in BSN02 is rejected with AK4 6 and the run goes on", "[poison][encoding]") {
  TempDir dir;
  write_trading_config(dir.path());
  auto v = validate(dir, "ff-bsn02.edi");
  CHECK(v.exit_code == 1);
  CHECK_THAT(v.out, Contains("BSN02 (396): 'SHP\\xFF000001': byte 0xFF at offset 3 is not a character of UTF-8"));
  auto summary = run_with(dir, "ff-bsn02.edi");
  CHECK(summary["sets_delivered"] == 0);
  const auto ack = the_ack(dir);
  CHECK_THAT(ack, Contains("AK3*BSN*2**8~\nAK4*2*396*6*SHP\xEF\xBF\xBD" "000001~\nAK5*R*5~"));
  check_ack_is_valid(ack);
}

TEST_CASE("an unknown encoding is a profile error with its line", "[poison][encoding]") {
  TempDir dir;
  write_trading_config(dir.path(), "encoding: klingon-8\n");
  auto r = run_edihub({"check", "--config", dir.path().string()});
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.out + r.err, Contains("supplier.yaml:29: encoding 'klingon-8' is not a character set iconv knows"));
}

TEST_CASE("envelope values the TA1 cannot copy: validate rejects them and run answers with a valid TA1", "[poison][envelope]") {
  struct Case {
    const char* file;
    const char* validate_says;
    const char* ta1;
  };
  // TA101 the partner's ISA13, TA102/TA103 its ISA09/ISA10, R and the note code.
  const Case cases[] = {
      {"isa08-delimiter.edi", "TA1 R note 008: ISA08 'BUYER>PLANT' contains the delimiter '>'", "TA1*000001303*261127*1015*R*008"},
      {"isa12-bad.edi", "TA1 R note 017: ISA12 '00 01' is not a known interchange control version", "TA1*000001304*261127*1015*R*017"},
      {"isa15-x.edi", "TA1 R note 020: ISA15 'X' is not P, T or I", "TA1*000001305*261127*1015*R*020"},
  };
  for (const auto& c : cases) {
    SECTION(c.file) {
      TempDir dir;
      write_trading_config(dir.path());
      auto v = validate(dir, c.file);
      CHECK(v.exit_code == 1);
      CHECK_THAT(v.out, Contains(c.validate_says));
      auto preview = validate(dir, c.file, {"--ack", "ta1"});
      CHECK(ta1_of(preview.out) == c.ta1);
      auto summary = run_with(dir, c.file);
      CHECK(summary["sets_delivered"] == 0);
      REQUIRE(summary["exceptions"].size() == 1);
      CHECK(summary["exceptions"][0]["kind"] == "envelope_error");
      const auto ack = the_ack(dir);
      CHECK(ta1_of(ack) == c.ta1);
      check_ack_is_valid(ack);
      // Our ISA answers with usable values: the partner's ID without the delimiter,
      // version 00401 for an unusable ISA12, P for an unusable ISA15.
      CHECK_THAT(ack, Contains("*ZZ*SUPPLIER1      *"));
      CHECK_THAT(ack, Contains("*U*00401*000000001*0*P*>~"));
    }
  }
}

TEST_CASE("GS02 too long and GS04/GS05 not a date/time reject the group with a valid 997", "[poison][envelope]") {
  struct Case {
    const char* file;
    const char* validate_says;
    const char* gs;
  };
  const Case cases[] = {
      {"gs02-long.edi", "group 1306 (GS segment 2): AK9 R: segment 2 GS02 'SUPPLIER1-GS02-TOO-LONG' is 23 characters: expected 2..15",
       "GS*FA*BUYERPLANT*SUPPLIER1*20261127*0800*1*X*004010~"},
      {"gs04-gs05-bad.edi",
       "AK9 R: segment 2 GS04 '20261345' is not a valid date CCYYMMDD; segment 2 GS05 '2561' is not a valid time",
       "GS*FA*BUYERPLANT*SUPPLIER1*20261127*0800*1*X*004010~"},
  };
  for (const auto& c : cases) {
    SECTION(c.file) {
      TempDir dir;
      write_trading_config(dir.path());
      auto v = validate(dir, c.file);
      CHECK(v.exit_code == 1);
      CHECK_THAT(v.out, Contains(c.validate_says));
      auto summary = run_with(dir, c.file);
      CHECK(summary["sets_delivered"] == 0);
      REQUIRE(summary["exceptions"].size() == 1);
      CHECK(summary["exceptions"][0]["kind"] == "envelope_error");
      const auto ack = the_ack(dir);
      CHECK_THAT(ack, Contains(c.gs));
      CHECK_THAT(ack, Contains("AK9*R*1*1*0~"));
      check_ack_is_valid(ack);
    }
  }
}

TEST_CASE("a TA1 with a 4-digit TA101, an 8-digit TA102, no TA105 or a sixth element is invalid", "[poison][ta1]") {
  TempDir dir;
  write_trading_config(dir.path());
  auto v = validate(dir, "ta1-bad.edi");
  CHECK(v.exit_code == 1);
  CHECK_THAT(v.out, Contains("TA1 R note 024: segment 2 TA1: TA101 '0659' is not 9 digits; segment 2 TA1: TA102 '20261127' "
                             "is not YYMMDD; segment 2 TA1: TA105 note code missing"));
  auto extra = validate(dir, "ta1-extra.edi");
  CHECK(extra.exit_code == 1);
  CHECK_THAT(extra.out, Contains("TA1 R note 024: segment 2 TA1: 6 elements, a TA1 has 5"));
  auto summary = run_with(dir, "ta1-bad.edi");
  const auto ack = the_ack(dir);
  CHECK(ta1_of(ack) == "TA1*000001308*261127*1015*R*024");
  check_ack_is_valid(ack);
}

TEST_CASE("an error-dense 9 MB file: errors capped, a valid 997 of bounded size, memory bounded", "[poison][caps]") {
  TempDir dir;
  write_trading_config(dir.path());
  // One 856 with a million DTM segments whose DTM01 is no code: an AK3 each, uncapped.
  constexpr int kSegments = 1'000'000;
  std::string file =
      "ISA*00*          *00*          *ZZ*SUPPLIER1      *ZZ*BUYERPLANT     *261127*1015*U*00401*000001310*0*P*>~\n"
      "GS*SH*SUPPLIER1*BUYERPLANT*20261127*1015*1310*X*004010~\nST*856*1310~\nBSN*00*SHP1310*20261127*1015*0001~\n";
  file.reserve(file.size() + kSegments * 9 + 100);
  for (int i = 0; i < kSegments; ++i) file += "DTM*999~\n";
  file += fmt::format("SE*{}*1310~\nGE*1*1310~\nIEA*1*000001310~\n", kSegments + 3);
  const fs::path path = dir / "dense.edi";
  write_file(path, file);
  REQUIRE(fs::file_size(path) > 9'000'000);

  auto timed = run_program({"env", memory_measured_env(), "/usr/bin/time", "-v", edihub_binary().string(), "validate",
                            path.string(), "--config", dir.path().string()},
                           300);
  CHECK(timed.exit_code == 1);
  std::smatch peak;
  REQUIRE(std::regex_search(timed.err, peak, std::regex("Maximum resident set size \\(kbytes\\): (\\d+)")));
  const auto peak_kib = std::stoul(peak[1]);
  INFO("peak RSS " << peak_kib << " KiB");
  CHECK(peak_kib < 200 * 1024 * kMemoryBoundFactor);  // 765 MB before the caps (plain build)
  // 1,000,000 DTM errors + the HL loop missing at the end, 100 of them listed.
  CHECK_THAT(timed.out, Contains("102 error(s) (999901 more not listed)"));

  auto preview = run_edihub_at(kMorning, {"validate", path.string(), "--config", dir.path().string(), "--ack", "997"}, 300);
  INFO(preview.err);
  CHECK(preview.out.size() < 64 * 1024);
  check_ack_is_valid(preview.out);
  std::size_t ak3 = 0;
  for (std::size_t at = 0; (at = preview.out.find("AK3*", at)) != std::string::npos; ++at) ++ak3;
  CHECK(ak3 == 100);  // acknowledgments.max_errors_per_set
  CHECK_THAT(preview.out, Contains("AK5*R*5~\nAK9*R*1*1*0~"));
}

TEST_CASE("run: a set with more errors than the cap is rejected with a valid 997 and an exception that says so",
          "[poison][caps]") {
  TempDir dir;
  write_trading_config(dir.path());
  auto profile = read_file(dir / "partners/supplier.yaml");
  const std::string overdue = "  overdue_after: 4h\n";
  profile.replace(profile.find(overdue), overdue.size(), overdue + "  max_errors_per_set: 20\n");
  write_file(dir / "partners/supplier.yaml", profile);
  std::string file =
      "ISA*00*          *00*          *ZZ*SUPPLIER1      *ZZ*BUYERPLANT     *261127*1015*U*00401*000001311*0*P*>~\n"
      "GS*SH*SUPPLIER1*BUYERPLANT*20261127*1015*1311*X*004010~\nST*856*1311~\nBSN*00*SHP1311*20261127*1015*0001~\n";
  for (int i = 0; i < 2000; ++i) file += "DTM*999~\n";
  file += "SE*2003*1311~\nGE*1*1311~\nIEA*1*000001311~\n";
  write_file(dir / "inbox/dense.edi", file);
  auto r = run_edihub_at(kMorning, {"run", "--config", dir.path().string(), "--once", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto summary = json::parse(r.out);
  CHECK(summary["sets_delivered"] == 0);
  REQUIRE(summary["exceptions"].size() == 1);
  // 2000 DTM errors and the missing HL loop; 20 listed.
  CHECK_THAT(summary["exceptions"][0]["reason"].get<std::string>(),
             Contains("set 856 1311: 1981 error(s) found beyond the caps are not listed"));
  const auto ack = the_ack(dir);
  std::size_t ak3 = 0;
  for (std::size_t at = 0; (at = ack.find("AK3*", at)) != std::string::npos; ++at) ++ak3;
  CHECK(ak3 == 20);
  check_ack_is_valid(ack);
}
