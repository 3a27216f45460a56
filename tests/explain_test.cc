// `edihub explain` through the binary, on real files of tests/data and the demo; the
// expected names and meanings were read off the files and the X12 definitions by hand.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace edihub::testing;
using nlohmann::json;

namespace {

// The object of segment `number` in `explain --json` output.
const json& segment(const json& all, std::uint64_t number) {
  REQUIRE(all.is_array());
  REQUIRE(number >= 1);
  REQUIRE(number <= all.size());
  const json& s = all.at(number - 1);
  REQUIRE(s.at("segment") == number);
  return s;
}

const json& element(const json& s, const std::string& reference) {
  for (const auto& e : s.at("elements"))
    if (e.at("reference") == reference) return e;
  FAIL("no " << reference << " in " << s.dump());
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("explain: the demo ASN as an inspector shows it") {
  const auto file = source_dir() / "examples/demo/inbox/northwind/ASN_SH-4500012345.edi";
  auto r = run_edihub({"explain", file.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const std::string& out = r.out;
  CHECK(out.find("     1  ISA  Interchange Control Header · interchange envelope\n") != std::string::npos);
  CHECK(out.find("     3  ST   Transaction Set Header · 856 #1 · transaction set envelope\n") != std::string::npos);
  CHECK(out.find("    10  N1   Name · 856 #8 · loop HL[S] > N1\n") != std::string::npos);
  CHECK(out.find("          N101      98    Entity Identifier Code" + std::string(23, ' ') + "ST = Ship To\n") != std::string::npos);
  CHECK(out.find("          N102      93    Name" + std::string(41, ' ') + "Acme Toledo DC\n") != std::string::npos);
  CHECK(out.find("SF = Ship From") != std::string::npos);
  CHECK(out.find("ISA02") == std::string::npos);  // ten spaces of padding: nothing to read
  CHECK(out.find("REF01     128   Reference Identification Qualifier" + std::string(11, ' ') + "BM = Bill of Lading Number") != std::string::npos);
  CHECK(out.find("    14  HL   Hierarchical Level · 856 #12 · loop HL[S] > HL[O] > HL[I]\n") != std::string::npos);
  CHECK(out.find("SN103     355   Unit or Basis for Measurement Code" + std::string(11, ' ') + "EA = Each") != std::string::npos);
  CHECK(out.find("    23  CTT  Transaction Totals · 856 #21\n") != std::string::npos);
  // The same with the demo configuration (Northwind's schemas): the same placement.
  auto with_config = run_edihub({"explain", file.string(), "--config", (source_dir() / "examples/demo").string()});
  REQUIRE(with_config.exit_code == 0);
  CHECK(with_config.out == out);
}

TEST_CASE("explain --json: an 810 with its N1 loops and a 997 with its error codes") {
  auto invoice = run_edihub({"explain", "--json", (data_dir() / "corpus/x12/810_staedi_two_invoices.edi").string()});
  REQUIRE(invoice.exit_code == 0);
  const json all = json::parse(invoice.out);
  const json& big = segment(all, 4);
  CHECK(big.at("tag") == "BIG");
  CHECK(big.at("name") == "Beginning Segment for Invoice");
  CHECK(big.at("position") == 2);
  CHECK(big.at("set") == "810");
  CHECK(element(big, "BIG02").at("name") == "Invoice Number");
  CHECK(element(big, "BIG02").at("value") == "00001");
  const json& ship_to = segment(all, 5);
  CHECK(ship_to.at("loop") == "N1");
  CHECK(element(ship_to, "N101").at("meaning") == "Ship To");
  CHECK(element(ship_to, "N103").at("meaning") == "D-U-N-S+4, D-U-N-S Number with Four Character Suffix");
  CHECK(segment(all, 6).at("loop") == "N1");  // N3 of the ship-to
  CHECK(element(segment(all, 8), "N101").at("meaning") == "Bill-to-Party");
  CHECK(element(segment(all, 11), "N101").at("meaning") == "Party to receive commercial invoice remittance");

  auto ack = run_edihub({"explain", "--json", (data_dir() / "corpus/x12/997_staedi_rejected_ak3_ak4.edi").string()});
  REQUIRE(ack.exit_code == 0);
  const json acks = json::parse(ack.out);
  REQUIRE(acks.size() == 12);
  const json& ak3 = segment(acks, 6);
  CHECK(ak3.at("loop") == "AK2 > AK3");
  CHECK(element(ak3, "AK304").at("meaning") == "Segment has data element errors");
  const json& ak4 = segment(acks, 7);
  CHECK(ak4.at("loop") == "AK2 > AK3");
  CHECK(element(ak4, "AK401").at("composite") == "C030");
  CHECK(element(ak4, "AK401").at("components").at(0).at("value") == "8");
  CHECK(element(ak4, "AK403").at("meaning") == "Invalid code value");
  CHECK(element(segment(acks, 8), "AK501").at("meaning") == "Rejected");
  CHECK(element(segment(acks, 9), "AK901").at("meaning") == "Rejected");
  CHECK(element(segment(acks, 1), "ISA11").at("name") == "Repetition Separator");
}

TEST_CASE("explain: unusable input names the file and the position, exit 2") {
  TempDir dir;
  write_file(dir / "garbage.edi", "PK\x03\x04 not an interchange");
  auto r = run_edihub({"explain", (dir / "garbage.edi").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("garbage.edi: unusable input at segment 1, byte 0: not X12") != std::string::npos);
  auto missing = run_edihub({"explain", (dir / "none.edi").string()});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("none.edi: cannot open: No such file or directory") != std::string::npos);
}

TEST_CASE("explain: partner-controlled text is escaped in text and JSON") {
  TempDir dir;
  write_file(dir / "escape.edi",
             "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00401*000000001*0*P*>~"
             "GS*PO*SENDER*RECEIVER*20240101*1200*1*X*004010~ST*850*0001~BEG*00*SA*PO-1**20240101~"
             "N1*ST*Evil\x1b[31m Corp \xff*92*1~SE*4*0001~GE*1*1~IEA*1*000000001~");
  auto text = run_edihub({"explain", (dir / "escape.edi").string()});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find('\x1b') == std::string::npos);
  CHECK(text.out.find("Evil\\x1b[31m Corp") != std::string::npos);
  auto as_json = run_edihub({"explain", "--json", (dir / "escape.edi").string()});
  REQUIRE(as_json.exit_code == 0);
  const json all = json::parse(as_json.out);  // invalid UTF-8 replaced, so it parses
  CHECK(element(segment(all, 5), "N102").at("value") == "Evil\x1b[31m Corp \xEF\xBF\xBD");
}
