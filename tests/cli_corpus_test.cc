// `edihub parse` and `edihub validate` over every corpus file, through the binary: valid
// interchanges parse and validate; broken ones fail with the exit code and the message
// (segment number, element, expected value) worked out by hand from each file.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;

namespace {

std::vector<fs::path> corpus(const std::string& folder) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(data_dir() / "corpus" / folder)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("every valid corpus interchange validates and parses segment by segment", "[cli][corpus]") {
  auto files = corpus("x12");
  REQUIRE(files.size() == 33);
  for (const auto& file : files) {
    INFO(file.filename());
    auto v = run_edihub({"validate", file.string(), "--json"});
    CHECK(v.exit_code == 0);
    auto result = nlohmann::json::parse(v.out);
    CHECK(result["valid"] == true);
    auto p = run_edihub({"parse", file.string(), "--segments"});
    REQUIRE(p.exit_code == 0);
    // One line per segment, the first an ISA with exactly 16 elements.
    CHECK(static_cast<std::size_t>(std::count(p.out.begin(), p.out.end(), '\n')) == result["segments"].get<std::size_t>());
    auto first = p.out.substr(0, p.out.find('\n'));
    CHECK(first.rfind("ISA*", 0) == 0);
    CHECK(std::count(first.begin(), first.end(), '*') == 16);
  }
}

TEST_CASE("parse --segments joins elements by '*', components by ':' and repetitions by '^'", "[cli][corpus]") {
  // Element separator '~', terminator '*', component '`': the ISA stays exactly as it stands.
  auto tilde = run_edihub({"parse", (data_dir() / "corpus/x12/856_oopfactory_tilde_elem_star_seg_s_o_i.edi").string(), "--segments"});
  CHECK_THAT(tilde.out, Catch::StartsWith("ISA*00*          *00*          *01*201495124      *01*207663412      "
                                          "*010420*1312*U*00401*000000001*1*P*`\nGS*SH*207663412*201495124*20010420*1312*1*X*004010\n"));
  // Components written with '>' in the file come out with ':'.
  auto sln = run_edihub({"parse", (data_dir() / "corpus/x12/850_ediengine_sln_composite.edi").string(), "--segments"});
  CHECK_THAT(sln.out, Catch::Contains("\nSLN*1.1**I*10000*PC:11.1:12.2:EA:13.3:14.4*1.56*TP**VC*P-875OS*UI*09999982001\n"));
  // ISA11 '-' with 00406: a repetition separator, so REF*BM*999999-001 comes out as two repeats.
  auto dash = run_edihub({"parse", (data_dir() / "corpus/x12/856_nodex12_s_o_i_isa11_dash.edi").string(), "--segments"});
  CHECK_THAT(dash.out, Catch::Contains("\nREF*BM*999999^001\n"));
  // U+2026 terminator followed by CRLF, BOM and indentation.
  auto ellipsis = run_edihub({"parse", (data_dir() / "corpus/x12/856_oopfactory_ellipsis_terminator_s_i.edi").string(), "--segments"});
  CHECK_THAT(ellipsis.out, Catch::Contains("\nBSN*00*146940*20050412*2052\nDTM*011*20050412*2052\n"));
}

TEST_CASE("broken corpus files fail validation with the position and what was expected", "[cli][corpus]") {
  struct Expectation {
    const char* file;
    int exit_code;
    std::vector<const char*> messages;
  };
  const std::vector<Expectation> expectations = {
      {"210_staedi_wrapped_80_columns.edi", 2, {"byte 80", "ISA10"}},
      {"850_stupidedi_isa08_16_chars.edi", 2, {"position 69", "ISA08"}},
      {"997_stupidedi_isa06_12_chars_newline.edi", 2, {"ISA06"}},
      {"856_stupidedi_isa_not_fixed_width_s_t_i_p.edi", 2, {"ISA02"}},
      {"nonedi_ediengine_garbage.edi", 2, {"not X12"}},
      {"856_stupidedi_mixed_terminators.edi", 1, {"segment 24 SE01: declares 25 but found 22"}},
      {"940_ediengine_control_number_mismatch.edi", 1,
       {"segment 7 SE02: control number 0002 does not match ST02 0001",
        "segment 8 GE02: control number 3315 does not match GS06 3314",
        "segment 9 IEA02: control number 000003439 does not match ISA13 000003438"}},
      {"940_ediengine_se01_count_wrong.edi", 1, {"segment 11 SE01: declares 12 but found 9"}},
      {"940_ediengine_two_isa_iea02_unpadded.edi", 1, {"segment 21 IEA02", "segment 42 IEA02", "not padded"}},
      {"940_ediengine_wrong_ge_iea_counts.edi", 1, {"segment 8 GE01: declares 2 but found 1", "segment 9 IEA01: declares 2 but found 1"}},
      {"945_oopfactory_gs_extra_element.edi", 1, {"segment 20 GE02: control number 31 does not match GS06 20021104"}},
      {"945_x12types_se01_mismatch.edi", 1, {"segment 18 SE01: declares 12 but found 16"}},
      {"997_staedi_bad_gs_date_ge_control.edi", 1, {"segment 7 GE02"}},
      {"999_imsweb_iea_control_mismatch.edi", 1, {"segment 10 IEA02: control number 000000001 does not match ISA13 000000286"}},
      {"999_staedi_ik5_out_of_place.edi", 1, {"segment 20 SE01: declares 16 but found 18"}},
      {"ta1_staedi_accepted_iea01_wrong.edi", 1, {"segment 3 IEA01: declares 1 but found 0"}},
  };
  for (const auto& e : expectations) {
    auto path = data_dir() / "corpus/invalid" / e.file;
    INFO(e.file);
    auto r = run_edihub({"validate", path.string()});
    CHECK(r.exit_code == e.exit_code);
    for (const char* message : e.messages) {
      CHECK_THAT(r.out + r.err, Catch::Contains(message));
      CHECK_THAT(r.out + r.err, Catch::Contains(e.file));  // every error names the file
    }
  }
}

TEST_CASE("validate tells an empty, binary or truncated file apart from an invalid one", "[cli]") {
  TempDir dir;
  write_file(dir / "empty.edi", "");
  write_file(dir / "binary.edi", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  const std::string isa = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261127*1015*U*00401*000000001*0*P*:~";
  write_file(dir / "truncated.edi", isa.substr(0, 60));
  write_file(dir / "no_iea.edi", isa + "GS*SH*S*R*20261127*1015*1*X*004010~ST*856*0001~BSN*00*1*20261127*1015~");
  for (const char* name : {"empty.edi", "binary.edi", "truncated.edi"}) {
    INFO(name);
    auto r = run_edihub({"validate", (dir / name).string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(name));
  }
  auto open = run_edihub({"validate", (dir / "no_iea.edi").string(), "--json"});
  CHECK(open.exit_code == 1);
  auto result = nlohmann::json::parse(open.out);
  CHECK(result["valid"] == false);
  bool premature_end = false;
  for (const auto& e : result["errors"]) premature_end |= e["code"] == "023";
  CHECK(premature_end);
  auto missing = run_edihub({"validate", (dir / "absent.edi").string()});
  CHECK(missing.exit_code != 0);
  CHECK_THAT(missing.err, Catch::Contains("absent.edi"));
}
