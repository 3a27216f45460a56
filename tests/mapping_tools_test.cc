// `edihub mapping run` and `edihub mapping diff` as a user runs them: the demo mappings on
// corpus documents, and the demo archive compared with deliberately changed mappings.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive/index.h"
#include "hub/pipeline/archive_lookup.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;

namespace {

const std::string kNow = "2026-11-27T08:00:00Z";

fs::path corpus(const std::string& name) { return data_dir() / "corpus/x12" / name; }

// A copy of the demo configuration folder.
void copy_demo(const TempDir& dir) { copy_tree(source_dir() / "examples/demo", dir.path()); }

// Replaces the one occurrence of `from` in `file` by `to`.
void edit(const fs::path& file, const std::string& from, const std::string& to) {
  auto text = read_file(file);
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(from, at + 1) == std::string::npos);
  text.replace(at, from.size(), to);
  write_file(file, text);
}

}  // namespace

TEST_CASE("mapping run prints the ERP transaction of every 856 the demo mapping accepts", "[mapping-tools]") {
  TempDir dir;
  copy_demo(dir);
  const auto mapping = (dir / "mappings/x12-856-inbound-delivery.yaml").string();
  auto run = run_edihub({"mapping", "run", "--config", dir.path().string(), mapping,
                         corpus("856_oopfactory_vics_s_o_p_i.edi").string(), "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto result = json::parse(run.out);
  CHECK(result["direction"] == "inbound");
  REQUIRE(result["sets"].size() == 1);
  const auto& set = result["sets"][0];
  CHECK(set["status"] == "mapped");
  CHECK(set["partner"] == "northwind");  // by the interchange sender 12:2125931122
  CHECK(set["control"] == "0001");
  CHECK(set["keys"]["shipment_id"] == json::array({"521649209219"}));
  // The same transaction the demo delivers for that file.
  auto golden = json::parse(read_file(data_dir() / "demo-golden/northwind_000000005_5_0001.json"));
  CHECK(set["transaction"] == golden["transaction"]);

  auto text = run_edihub({"mapping", "run", "--config", dir.path().string(), mapping,
                          corpus("856_oopfactory_vics_s_o_p_i.edi").string()});
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::StartsWith("856 0001 (segment 3, interchange 000000005, group 5, partner northwind): mapped "
                                         "to inbound_delivery\n  keys: shipment_id=521649209219 po_number=SO/VINCE1 "
                                         "bol=521649209219 tracking_number=521649209219\n  {\n"));
  CHECK_THAT(text.out, Catch::Contains("    \"shipment_id\": \"521649209219\",\n"));
  CHECK_THAT(text.out, Catch::EndsWith("}\n1 mapped, 0 skipped, 0 error(s)\n"));
}

TEST_CASE("mapping run lists the sets of other types as skipped", "[mapping-tools]") {
  TempDir dir;
  copy_demo(dir);
  auto run = run_edihub({"mapping", "run", "--config", dir.path().string(),
                         (dir / "mappings/x12-856-inbound-delivery.yaml").string(),
                         corpus("810_850_staedi_two_groups.edi").string()});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains(": skipped, the mapping takes 856 003060|004010|004060|005010\n"));
  CHECK_THAT(run.out, Catch::StartsWith("810 ") || Catch::StartsWith("850 "));
  CHECK_THAT(run.out, Catch::EndsWith("0 mapped, 3 skipped, 0 error(s)\n"));
}

TEST_CASE("mapping run reports a mapping error with the mapping line and the segment, exit 1", "[mapping-tools]") {
  TempDir dir;
  copy_demo(dir);
  const auto mapping = dir / "mappings/x12-856-inbound-delivery.yaml";
  // Line 23 of the demo mapping: BSN06 is absent in the sample, so a required field fails.
  edit(mapping, "  shipment_id: {from: BSN02, required: true}\n", "  shipment_id: {from: BSN06, required: true}\n");
  auto run = run_edihub({"mapping", "run", "--config", dir.path().string(), mapping.string(),
                         corpus("856_oopfactory_vics_s_o_p_i.edi").string()});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.out, Catch::Contains("856 0001 (segment 3, interchange 000000005, group 5, partner northwind): error: " +
                                      mapping.string() + ":23: "));
  CHECK_THAT(run.out, Catch::Contains("BSN06") && Catch::Contains("856 control 0001, segment 2 BSN"));
  CHECK_THAT(run.out, Catch::EndsWith("0 mapped, 0 skipped, 1 error(s)\n"));
}

TEST_CASE("mapping run refuses an unusable mapping file or document with its position, exit 2", "[mapping-tools]") {
  TempDir dir;
  copy_demo(dir);
  const auto mapping = dir / "mappings/x12-856-inbound-delivery.yaml";
  const auto sample = corpus("856_oopfactory_vics_s_o_p_i.edi").string();

  write_file(dir / "broken.yaml", read_file(mapping) + "  frm: BSN02\n");
  auto broken = run_edihub({"mapping", "run", "--config", dir.path().string(), (dir / "broken.yaml").string(), sample});
  CHECK(broken.exit_code == 2);
  CHECK_THAT(broken.err, Catch::StartsWith((dir / "broken.yaml").string() + ":"));

  write_file(dir / "not-x12.edi", "ISA*00*short~");
  auto unusable = run_edihub({"mapping", "run", "--config", dir.path().string(), mapping.string(),
                              (dir / "not-x12.edi").string()});
  CHECK(unusable.exit_code == 2);
  CHECK_THAT(unusable.err, Catch::StartsWith((dir / "not-x12.edi").string() + ": unusable X12 at segment 1, byte "));
  CHECK(unusable.out.empty());

  auto no_partner = run_edihub({"mapping", "run", "--config", dir.path().string(), mapping.string(), sample,
                                "--partner", "nobody"});
  CHECK(no_partner.exit_code == 2);
  CHECK_THAT(no_partner.err, Catch::Contains("--partner nobody: no such partner"));
}

TEST_CASE("mapping run on an outbound mapping prints the X12 segments in the partner's delimiters", "[mapping-tools]") {
  TempDir dir;
  copy_demo(dir);
  const auto mapping = (dir / "mappings/x12-850-purchase-order-outbound.yaml").string();
  const auto po = (dir / "erp/to-northwind/PO-4500012345.json").string();
  auto run = run_edihub({"mapping", "run", "--config", dir.path().string(), mapping, po, "--partner", "northwind"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::StartsWith("850 (partner northwind): mapped\n  keys: po_number=4500012345\n"
                                        "  BEG*00*SA*4500012345**20240318~\n"));
  CHECK_THAT(run.out, Catch::EndsWith("1 mapped, 0 skipped, 0 error(s)\n"));

  // With another partner's delimiters.
  edit(dir / "partners/northwind.yaml", R"(delimiters: {element: "*", component: ">", segment: "~"})",
       R"(delimiters: {element: "|", component: ">", segment: "!"})");
  auto piped = run_edihub({"mapping", "run", "--config", dir.path().string(), mapping, po, "--partner", "northwind"});
  REQUIRE(piped.exit_code == 0);
  CHECK_THAT(piped.out, Catch::Contains("\n  BEG|00|SA|4500012345||20240318!\n"));

  write_file(dir / "bad.json", "{\n  \"po_number\": 1,\n  oops\n}\n");
  auto bad = run_edihub({"mapping", "run", "--config", dir.path().string(), mapping, (dir / "bad.json").string()});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::StartsWith((dir / "bad.json").string() + ": line 3, column 3: not JSON"));
}

TEST_CASE("mapping diff shows what a changed mapping and profile would change in the archived documents", "[mapping-tools]") {
  TempDir dir;
  copy_demo(dir);
  // One delivered Northwind ASN keeps the expected diff to one document.
  fs::remove(dir / "inbox/northwind/ASN_SH-4500012345.edi");
  const std::string config = dir.path().string();
  REQUIRE(run_edihub_at(kNow, {"run", "--config", config, "--once"}).exit_code == 0);
  // Northwind's delivered ASN (its broken file's set is there too, as unknown_partner).
  auto rows = json::parse(run_edihub({"archive", "query", "--config", config, "--partner", "northwind", "--type", "856",
                                      "--status", "delivered", "--key", "shipment_id=521649209219", "--json"})
                              .out)["rows"];
  REQUIRE(rows.size() == 1);
  const std::string doc = "F" + std::to_string(rows[0]["file_id"].get<int>()) + " 856 0001 (shipment_id 521649209219): ";
  const auto index_before = read_file(dir / "archive/index.db");

  // What `lookup:` fields read through mapping run and mapping diff: the partner's latest
  // transaction of a type carrying a key.
  {
    auto index = edihub::archive::Index::open(dir / "archive/index.db");
    auto lookup = edihub::hub::archive_lookup(*index, "northwind");
    auto golden = json::parse(read_file(data_dir() / "demo-golden/northwind_000000005_5_0001.json"));
    CHECK(lookup("inbound_delivery", "shipment_id", "521649209219") == golden["transaction"]);
    CHECK_FALSE(lookup("invoice", "shipment_id", "521649209219"));
    CHECK_FALSE(lookup("inbound_delivery", "shipment_id", "829716"));  // abc-co's
  }

  auto same = run_edihub({"mapping", "diff", "--config", config, "--partner", "northwind"});
  INFO(same.out << same.err);
  CHECK(same.exit_code == 0);
  CHECK(same.out == doc + "unchanged\n1 document(s): 0 changed, 1 unchanged, 0 error(s)\n");

  // Rename a field, drop a field, add an element, and change the partner's code table.
  const auto mapping = dir / "mappings/x12-856-inbound-delivery.yaml";
  edit(mapping, "      routing: TD505\n", "      route: TD505\n");
  edit(mapping, "  packaging_code: TD101 in shipment\n", "");
  edit(mapping, "    all: [REF02 where REF01=CN, MAN02 where MAN01=CP]\n",
       "    all: [REF02 where REF01=CN, MAN02 where MAN01=CP, DTM02 where DTM01=011]\n");  // an element more
  edit(dir / "partners/northwind.yaml", "    EA: EA\n", "    EA: EACH\n");
  auto changed = run_edihub({"mapping", "diff", "--config", config, "--partner", "northwind"});
  INFO(changed.out << changed.err);
  CHECK(changed.exit_code == 1);
  CHECK(changed.out == doc + "5 change(s)\n"
                             "  - /carrier/routing: \"FEDX 2 DAY\"\n"
                             "  + /carrier/route: \"FEDX 2 DAY\"\n"
                             "  ~ /orders/0/items/0/uom: \"EA\" -> \"EACH\"\n"
                             "  - /packaging_code: \"CTN25\"\n"
                             "  + /tracking_numbers/1: \"20120510\"\n"
                             "1 document(s): 1 changed, 0 unchanged, 0 error(s)\n");
  auto as_json = json::parse(run_edihub({"mapping", "diff", "--config", config, "--partner", "northwind", "--json"}).out);
  CHECK(as_json["totals"] == json{{"documents", 1}, {"changed", 1}, {"unchanged", 0}, {"errors", 0}});
  CHECK(as_json["documents"][0]["changes"][2] ==
        json{{"op", "~"}, {"path", "/orders/0/items/0/uom"}, {"before", "EA"}, {"after", "EACH"}});

  // A mapping that now fails.
  edit(mapping, "  shipment_id: {from: BSN02, required: true}\n", "  shipment_id: {from: BSN06, required: true}\n");
  auto failing = run_edihub({"mapping", "diff", "--config", config, "--partner", "northwind"});
  INFO(failing.out << failing.err);
  CHECK(failing.exit_code == 1);
  CHECK_THAT(failing.out, Catch::StartsWith(doc + "error: " + mapping.string() + ":23: ") &&
                              Catch::Contains("856 control 0001, segment 2 BSN") &&
                              Catch::EndsWith("1 document(s): 0 changed, 0 unchanged, 1 error(s)\n"));

  // Nothing received since then; the archive was never written to.
  auto later = run_edihub({"mapping", "diff", "--config", config, "--partner", "northwind", "--since", "2026-11-28"});
  CHECK(later.exit_code == 0);
  CHECK(later.out == "0 document(s): 0 changed, 0 unchanged, 0 error(s)\n");
  CHECK(read_file(dir / "archive/index.db") == index_before);
  CHECK(run_edihub({"mapping", "diff", "--config", config, "--partner", "nobody"}).exit_code == 2);
}
