// `edihub partner new` as a user onboards partners: corpus ship notices with different
// delimiters make profiles that pass `edihub check`, and the same samples dropped into the
// new inboxes are delivered as inbound_delivery transactions; an 855 and an 810 sample get
// the standard order acknowledgment and supplier invoice mappings the same way.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;

namespace {

fs::path corpus(const std::string& name) { return data_dir() / "corpus/x12" / name; }

// A config folder with nothing but edihub.yaml, as in examples/demo.
void fresh_config(const TempDir& dir) {
  write_file(dir / "edihub.yaml", "archive:\n  path: archive\npipeline:\n  batch_files: 500\n");
}

std::vector<fs::path> files_in(const fs::path& folder) {
  std::vector<fs::path> files;
  if (fs::exists(folder))
    for (const auto& entry : fs::directory_iterator(folder)) files.push_back(entry.path());
  return files;
}

// A sample from tests/data/mappings onboarded with `partner new` (id northwind, a config of
// its own): the standard mapping is adopted, and the sample, dropped in the new partner's
// inbox, reaches the ERP as `target` carrying key = value.
struct Sample {
  std::string file, set, version, standard_mapping, target, key, value;
};

void adopt_and_deliver(const Sample& sample) {
  INFO(sample.file);
  TempDir dir;
  fresh_config(dir);
  const std::string config = dir.path().string();
  const fs::path file = data_dir() / "mappings" / sample.file;
  auto made = run_edihub({"partner", "new", "--config", config, "--from-sample", file.string(), "--id", "northwind"});
  INFO(made.out << made.err);
  REQUIRE(made.exit_code == 0);
  CHECK_THAT(made.out, Catch::Contains("  wrote mappings/shared/" + sample.standard_mapping + "\n  wrote mappings/northwind-" +
                                       sample.set + ".yaml\n"));
  CHECK_THAT(made.out, Catch::Contains("configuration OK"));
  CHECK_THAT(read_file(dir / "partners/northwind.yaml"),
             Catch::Contains("  - {transaction_set: \"" + sample.set + "\", versions: [\"" + sample.version +
                             "\"], file: mappings/northwind-" + sample.set + ".yaml}\n"));
  CHECK(read_file(dir / ("mappings/shared/" + sample.standard_mapping)) ==
        read_file(source_dir() / "mappings/standard" / sample.standard_mapping));

  fs::copy_file(file, dir / "inbox/northwind" / sample.file);
  auto run = run_edihub_at("2026-11-27T08:00:00Z", {"run", "--config", config, "--once", "--json"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(json::parse(run.out)["sets_delivered"] == 1);
  auto delivered = files_in(dir / "erp/northwind");
  REQUIRE(delivered.size() == 1);
  auto doc = json::parse(read_file(delivered.front()));
  CHECK(doc["target"] == sample.target);
  CHECK(doc["transaction"][sample.key] == sample.value);
}

}  // namespace

TEST_CASE("partner new onboards senders with different delimiters and their samples are delivered", "[partner-new]") {
  struct Sample {
    std::string file, id, delimiters, line, mapping_rule;
  };
  const std::vector<Sample> samples{
      {"856_oopfactory_vics_s_o_p_i.edi", "2125931122",
       "  delimiters: element \"*\", component \">\", repetition none, segment terminator \"~\" (a line break after each)\n",
       "  sender: ISA05/06 12:2125931122, GS02 2125931122\n",
       "  - {transaction_set: \"856\", versions: [\"004010VICS\"], file: mappings/2125931122-856.yaml}\n"},
      {"856_oopfactory_tilde_elem_star_seg_s_o_i.edi", "201495124",
       "  delimiters: element \"~\", component \"`\", repetition none, segment terminator \"*\" (a line break after each)\n",
       "  sender: ISA05/06 01:201495124, GS02 207663412\n",
       "  - {transaction_set: \"856\", versions: [\"004010\"], file: mappings/201495124-856.yaml}\n"},
      {"856_oopfactory_ellipsis_terminator_s_i.edi", "123456789",
       "  delimiters: element \"*\", component \":\", repetition none, segment terminator \"\u2026\" (a line break after each)\n",
       "  receiver: ISA07/08 01:965061609, GS03 965061609\n",
       "  - {transaction_set: \"856\", versions: [\"004010\"], file: mappings/123456789-856.yaml}\n"},
      {"856_nodex12_s_o_i_isa11_dash.edi", "4405197800",
       "  delimiters: element \"*\", component \">\", repetition \"-\", segment terminator \"~\" (a line break after each)\n",
       "  versions: ISA12 00406, GS08 004060\n",
       "  - {transaction_set: \"856\", versions: [\"004060\"], file: mappings/4405197800-856.yaml}\n"},
  };
  TempDir dir;
  fresh_config(dir);
  const std::string config = dir.path().string();
  for (const auto& sample : samples) {
    INFO(sample.file);
    auto made = run_edihub({"partner", "new", "--config", config, "--from-sample", corpus(sample.file).string()});
    INFO(made.out << made.err);
    REQUIRE(made.exit_code == 0);
    CHECK_THAT(made.out, Catch::StartsWith(corpus(sample.file).string() + ": X12\n" + sample.delimiters));
    CHECK_THAT(made.out, Catch::Contains(sample.line) && Catch::Contains("  transaction sets: 856 x1\n"));
    CHECK_THAT(made.out, Catch::Contains("partner " + sample.id + ":\n  wrote partners/" + sample.id + ".yaml\n"));
    CHECK_THAT(made.out, Catch::Contains("  wrote mappings/" + sample.id + "-856.yaml\n  created inbox/" + sample.id + "/\n"));
    CHECK_THAT(made.out, Catch::Contains("configuration OK"));
    CHECK_THAT(read_file(dir / ("partners/" + sample.id + ".yaml")), Catch::Contains(sample.mapping_rule));
    // The partner's mapping is an override of the shared standard mapping, for it to edit.
    CHECK_THAT(read_file(dir / ("mappings/" + sample.id + "-856.yaml")),
               Catch::EndsWith("\nextends: shared/x12-856-inbound-delivery.yaml\n"));
    // The standard mapping is shared, written once.
    CHECK((sample.id == samples.front().id) ==
          (made.out.find("  wrote mappings/shared/x12-856-inbound-delivery.yaml\n") != std::string::npos));
    REQUIRE(run_edihub({"check", "--config", config}).exit_code == 0);
    fs::copy_file(corpus(sample.file), dir / ("inbox/" + sample.id + "/" + sample.file));
  }
  CHECK(read_file(dir / "mappings/shared/x12-856-inbound-delivery.yaml") ==
        read_file(source_dir() / "mappings/standard/x12-856-inbound-delivery.yaml"));

  auto run = run_edihub_at("2026-11-27T08:00:00Z", {"run", "--config", config, "--once", "--json"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(json::parse(run.out)["sets_delivered"] == 4);
  for (const auto& sample : samples) {
    INFO(sample.id);
    auto delivered = files_in(dir / ("erp/" + sample.id));
    REQUIRE(delivered.size() == 1);
    auto doc = json::parse(read_file(delivered.front()));
    CHECK(doc["target"] == "inbound_delivery");
    CHECK(doc["partner"] == sample.id);
    CHECK(doc["transaction"]["orders"].size() >= 1);
    CHECK(files_in(dir / ("outbox/" + sample.id)).size() == 1);  // our 997/999 in the partner's delimiters
  }

  // The partner's first edit to its override, checked against what was delivered.
  const auto& first = samples.front();
  auto same = run_edihub({"mapping", "diff", "--config", config, "--partner", first.id});
  CHECK(same.exit_code == 0);
  CHECK_THAT(same.out, Catch::EndsWith(": unchanged\n1 document(s): 0 changed, 1 unchanged, 0 error(s)\n"));
  write_file(dir / ("mappings/" + first.id + "-856.yaml"),
             read_file(dir / ("mappings/" + first.id + "-856.yaml")) + "remove: [carrier.routing]\n");
  auto edited = run_edihub({"mapping", "diff", "--config", config, "--partner", first.id});
  INFO(edited.out << edited.err);
  CHECK(edited.exit_code == 1);
  CHECK_THAT(edited.out, Catch::EndsWith(" 856 0001 (shipment_id 521649209219): 1 change(s)\n"
                                         "  - /carrier/routing: \"FEDX 2 DAY\"\n"
                                         "1 document(s): 1 changed, 0 unchanged, 0 error(s)\n"));
}

TEST_CASE("partner new refuses a taken id, a known sender, an unusable sample and existing files", "[partner-new]") {
  TempDir dir;
  fresh_config(dir);
  const std::string config = dir.path().string();
  const auto sample = corpus("856_oopfactory_vics_s_o_p_i.edi").string();

  auto dry = run_edihub({"partner", "new", "--config", config, "--from-sample", sample, "--id", "vics", "--name",
                         "Vics Supply", "--dry-run"});
  INFO(dry.out << dry.err);
  REQUIRE(dry.exit_code == 0);
  CHECK_THAT(dry.out, Catch::Contains("partner vics (dry run: nothing written):\n  would write partners/vics.yaml\n"));
  CHECK_THAT(dry.out, Catch::Contains("id: vics\nname: \"Vics Supply\"\n"));
  CHECK_FALSE(fs::exists(dir / "partners"));
  CHECK_FALSE(fs::exists(dir / "inbox"));

  REQUIRE(run_edihub({"partner", "new", "--config", config, "--from-sample", sample, "--id", "vics"}).exit_code == 0);

  auto taken = run_edihub({"partner", "new", "--config", config, "--from-sample",
                           corpus("856_nodex12_s_o_i_isa11_dash.edi").string(), "--id", "vics"});
  CHECK(taken.exit_code == 2);
  CHECK_THAT(taken.err, Catch::Contains("partners/vics.yaml: partner id 'vics' is already taken"));

  auto known = run_edihub({"partner", "new", "--config", config, "--from-sample", sample, "--id", "other"});
  CHECK(known.exit_code == 2);
  CHECK_THAT(known.err, Catch::Contains(sample + ": segment 1 ISA05/ISA06 12:2125931122 (GS02 2125931122) is already an "
                                                 "identity of partner 'vics'"));

  write_file(dir / "mappings/other-856.yaml", "# the user's own\n");
  auto existing = run_edihub({"partner", "new", "--config", config, "--from-sample",
                              corpus("856_nodex12_s_o_i_isa11_dash.edi").string(), "--id", "other"});
  CHECK(existing.exit_code == 2);
  CHECK_THAT(existing.err, Catch::Contains("mappings/other-856.yaml: already exists; not overwritten"));
  CHECK_FALSE(fs::exists(dir / "partners/other.yaml"));
  CHECK(read_file(dir / "mappings/other-856.yaml") == "# the user's own\n");

  write_file(dir / "order.json", "{\"po_number\": \"1\"}\n");
  auto unusable = run_edihub({"partner", "new", "--config", config, "--from-sample", (dir / "order.json").string()});
  CHECK(unusable.exit_code == 2);
  CHECK_THAT(unusable.err, Catch::Contains((dir / "order.json").string() + ": byte 0: not a document edihub reads"));

  write_file(dir / "cut.edi", read_file(sample).substr(0, 60));
  auto cut = run_edihub({"partner", "new", "--config", config, "--from-sample", (dir / "cut.edi").string()});
  CHECK(cut.exit_code == 2);
  CHECK_THAT(cut.err, Catch::Contains((dir / "cut.edi").string() + ": unusable X12 at segment 1, byte "));
}

TEST_CASE("partner new lists the transaction sets it has no standard mapping for", "[partner-new]") {
  TempDir dir;
  fresh_config(dir);
  auto made = run_edihub({"partner", "new", "--config", dir.path().string(), "--from-sample",
                          corpus("810_850_staedi_two_groups.edi").string(), "--id", "staedi"});
  INFO(made.out << made.err);
  REQUIRE(made.exit_code == 0);
  // The 810s (GS08 004010) get the standard supplier invoice mapping; the 850 group is 003010,
  // a release the standard sales order mapping (004010, 005010) does not accept.
  CHECK_THAT(made.out, Catch::Contains("  wrote mappings/staedi-810.yaml\n") &&
                           Catch::Contains("  not mapped yet: 850 (003010): no standard mapping for it\n"));
  CHECK(made.out.find("not mapped yet: 810") == std::string::npos);
  CHECK(run_edihub({"check", "--config", dir.path().string()}).exit_code == 0);
}

TEST_CASE("partner new adopts the standard 855, 810 and 945 mappings and their samples are delivered", "[partner-new]") {
  for (const Sample& sample : std::vector<Sample>{
      {"855_handmade_004010_quantity_changed_and_rejected.edi", "855", "004010", "x12-855-order-acknowledgment.yaml",
       "order_acknowledgment", "po_number", "4500012345"},
      {"810_handmade_005010_consolidated_two_pos.edi", "810", "005010", "x12-810-supplier-invoice.yaml", "supplier_invoice",
       "invoice_number", "INV-20240405-07"},
      {"945_handmade_004010_short_line_serials_sscc.edi", "945", "004010", "x12-945-warehouse-shipment.yaml",
       "warehouse_shipment", "depositor_order_number", "WO-7781"},
  })
    adopt_and_deliver(sample);
}

TEST_CASE("partner new adopts the standard 214 and inbound 850 mappings: a carrier and a customer", "[partner-new]") {
  adopt_and_deliver({"214_handmade_004010_pickup_delay_appointment.edi", "214", "004010", "x12-214-shipment-status.yaml",
                     "shipment_status", "shipment_id", "SH-1"});
  // An 850 from a customer is a sales order: the hub's own 850s go the other way.
  adopt_and_deliver({"850_handmade_005010_customer_order.edi", "850", "005010", "x12-850-sales-order.yaml", "sales_order",
                     "po_number", "CUST-PO-88"});
}

TEST_CASE("partner new adopts the standard 830 and 862 mappings: a customer's schedules", "[partner-new]") {
  adopt_and_deliver({"830_handmade_004010_every_qualifier.edi", "830", "004010", "x12-830-planning-schedule.yaml",
                     "planning_schedule", "schedule_number", "FC-2026-49"});
  adopt_and_deliver({"862_handmade_005010_times_and_cums.edi", "862", "005010", "x12-862-shipping-schedule.yaml",
                     "shipping_schedule", "schedule_number", "SS-2026-1205"});
}

TEST_CASE("partner new onboards an EDIFACT sender from its DESADV", "[partner-new][edifact]") {
  TempDir dir;
  fresh_config(dir);
  const std::string config = dir.path().string();
  const fs::path sample = data_dir() / "pairs/asn-1001.desadv.edi";
  auto made = run_edihub({"partner", "new", "--config", config, "--from-sample", sample.string(), "--id", "cobalt"});
  INFO(made.out << made.err);
  REQUIRE(made.exit_code == 0);
  // By hand from the sample: UNB+UNOC:3+0614141000012:14+0860001000023:14, UNH DESADV:D:96A.
  CHECK_THAT(made.out, Catch::StartsWith(sample.string() + ": EDIFACT (UNOC syntax 3)\n  directories: D96A\n"
                                         "  sender: UNB S002 0614141000012:14\n  recipient: UNB S003 0860001000023:14\n"
                                         "  messages: DESADV x1\n"));
  CHECK_THAT(made.out, Catch::Contains("  wrote mappings/shared/edifact-desadv-inbound-delivery.yaml\n"
                                       "  wrote mappings/cobalt-desadv.yaml\n"));
  CHECK_THAT(made.out, Catch::Contains("configuration OK"));
  const std::string profile = read_file(dir / "partners/cobalt.yaml");
  CHECK_THAT(profile, Catch::Contains("  - {unb_qualifier: \"14\", unb_id: \"0614141000012\"}\n"));
  CHECK_THAT(profile, Catch::Contains("  our_qualifier: \"14\"\n  our_id: \"0860001000023\"\n"));
  CHECK_THAT(profile, Catch::Contains("  - {message: DESADV, versions: [D96A], file: mappings/cobalt-desadv.yaml}\n"));
  CHECK_THAT(read_file(dir / "mappings/cobalt-desadv.yaml"),
             Catch::EndsWith("\nextends: shared/edifact-desadv-inbound-delivery.yaml\n"));
}
