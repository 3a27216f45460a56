// `edihub parse` and `edihub validate` over every corpus file, through the binary: valid
// interchanges parse and validate; broken ones fail with the exit code and the message
// (segment number, element, expected value) worked out by hand from each file.
#include <map>

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
  // Envelopes are consistent in every file of x12/ (its MANIFEST's rule); these seven break
  // the transaction-set schemas, each for a reason checked by hand in the file:
  const std::map<std::string, std::string> schema_findings = {
      {"810_oopfactory_walmart_newline_terminator.edi", "TA1 R note 017"},  // ISA12 is 00040
      {"810_stupidedi_aerospace_x348_gs01_sc.edi", "(AK5 R 6)"},           // 810 under GS01 SC, not IN
      {"850_stupidedi_aerospace_x357_mixed_lines.edi", "(AK5 R 6)"},       // 850 under GS01 SC, not PO
      {"810_stupidedi_pipe_element_separator.edi", "(AK4 2 at IT103)"},   // IT102+IT104 without IT103 (P020304)
      {"856_oopfactory_pipe_component_flat_hl.edi", "(AK4 5 at N402)"},   // N402 'LOCSTATE', a 2-letter code
      {"997_staedi_repeated_ak3_ak4_elements.edi", "(AK4 12 at AK302)"},  // repeats in a non-repeating element
      {"214_omniparser_canadapost_19_st.edi", "(AK4 2 at N102)"},        // 'N1*ST*': no name, no id (R0203)
  };
  auto files = corpus("x12");
  REQUIRE(files.size() == 35);  // 33 from the shared corpus, 2 warehouse reports (issue 17)
  for (const auto& file : files) {
    INFO(file.filename());
    auto v = run_edihub({"validate", file.string(), "--json"});
    auto result = nlohmann::json::parse(v.out);
    CHECK(result["errors"].empty());  // the envelope
    auto finding = schema_findings.find(file.filename().string());
    if (finding == schema_findings.end()) {
      CHECK(v.exit_code == 0);
      CHECK(result["valid"] == true);
    } else {
      CHECK(v.exit_code == 1);
      CHECK_THAT(run_edihub({"validate", file.string()}).out, Catch::Contains(finding->second));
    }
    auto p = run_edihub({"parse", file.string(), "--segments"});
    REQUIRE(p.exit_code == 0);
    // One line per segment, the first an ISA with exactly 16 elements.
    CHECK(static_cast<std::size_t>(std::count(p.out.begin(), p.out.end(), '\n')) == result["segments"].get<std::size_t>());
    auto first = p.out.substr(0, p.out.find('\n'));
    CHECK(first.rfind("ISA*", 0) == 0);
    CHECK(std::count(first.begin(), first.end(), '*') == 16);
  }
}

TEST_CASE("element and segment errors are reported with AK3/AK4 codes and positions", "[cli][corpus]") {
  // Expectations read off the files by hand (see the corpus MANIFEST notes).
  auto text = [](const char* name) { return run_edihub({"validate", (data_dir() / "corpus/invalid" / name).string()}); };
  auto syntax = text("850_ediengine_syntax_note_errors.edi");
  CHECK(syntax.exit_code == 1);
  // PO106 present without PO107 (paired P0607); PO405 present without PO406 (C0506).
  CHECK_THAT(syntax.out, Catch::Contains("segment 15 (position 13 in set 000000010) PO1, loop PO1") &&
                             Catch::Contains("(AK4 2 at PO107)") && Catch::Contains("(AK4 2 at PO406)"));
  auto elements = text("940_ediengine_two_groups_element_errors.edi");
  CHECK(elements.exit_code == 1);
  CHECK_THAT(elements.out, Catch::Contains("segment 18 (position 7 in set 20067) N9, loop W01") &&
                               Catch::Contains("(AK4 1 at N901)") && Catch::Contains("'43.00' is too long") &&
                               Catch::Contains("(AK4 5 at W6606)"));
  auto codes = run_edihub({"validate", (data_dir() / "corpus/invalid/997_staedi_bad_code_values.edi").string(), "--json"});
  auto report = nlohmann::json::parse(codes.out)["report"];
  const auto& set = report["interchanges"][0]["groups"][0]["sets"][0];
  CHECK(set["ack_code"] == "R");
  bool non_numeric = false;
  for (const auto& segment : set["segments"])
    for (const auto& element : segment["elements"])
      non_numeric |= segment["tag"] == "AK4" && element["position"] == 2 && element["code"] == "6";
  CHECK(non_numeric);  // AK402 '66 NON NUMERIC' in an N0 element
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
