// End-to-end behaviour of `edihub run --once` and the archive commands, driven through
// the binary as a user would: delivery, duplicates, control-number reuse, unknown
// senders, unusable and broken files, files still being written, archive queries.
#include <algorithm>
#include <atomic>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive/raw_store.h"
#include "tests/supplier_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;

namespace {

json query(const TempDir& dir, std::vector<std::string> filters) {
  std::vector<std::string> args{"archive", "query", "--config", dir.path().string(), "--json"};
  args.insert(args.end(), filters.begin(), filters.end());
  auto r = run_edihub(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out)["rows"];
}

json exceptions(const TempDir& dir) {
  auto r = run_edihub({"exceptions", "--config", dir.path().string(), "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out)["rows"];
}

size_t count_outputs(const fs::path& erp) {
  size_t n = 0;
  if (fs::exists(erp))
    for (const auto& e : fs::directory_iterator(erp)) n += e.path().filename().string()[0] != '.';
  return n;
}

}  // namespace

TEST_CASE("run archives, maps and delivers every ship notice, then empties the inbox", "[pipeline]") {
  TempDir dir;
  write_supplier_config(dir.path());
  for (unsigned n = 1; n <= 3; ++n) write_file(dir / ("inbox/asn-" + std::to_string(n) + ".edi"), sample_856(n));
  auto summary = run_once_json(dir);
  CHECK(summary["files_received"] == 3);
  CHECK(summary["sets_delivered"] == 3);
  CHECK(summary["exceptions"].empty());
  CHECK(fs::is_empty(dir / "inbox"));
  REQUIRE(count_outputs(dir / "erp") == 3);
  auto doc = json::parse(read_file(dir / "erp" / "supplier_000000002_2_0002.json"));
  CHECK(doc["idempotency_key"] == "supplier/000000002/2/0002");
  CHECK(doc["target"] == "inbound_delivery");
  CHECK(doc["source"]["sender"] == "ZZ:SUPPLIER1");
  CHECK(doc["transaction"]["shipment_id"] == "SHP0000002");
  std::vector<fs::path> transactions;
  for (const auto& e : fs::directory_iterator(dir / "erp")) {
    transactions.push_back(dir / ("tx-" + e.path().filename().string()));
    write_file(transactions.back(), json::parse(read_file(e.path()))["transaction"].dump());
  }
  auto valid = validate_json_files(source_dir() / "docs/inbound_delivery.schema.json", transactions);
  INFO(valid.out << valid.err);
  CHECK(valid.exit_code == 0);

  // A second run finds nothing new and delivers nothing again.
  auto again = run_once_json(dir);
  CHECK(again["files_received"] == 0);
  CHECK(again["sets_delivered"] == 0);
  CHECK(count_outputs(dir / "erp") == 3);
}

TEST_CASE("archive query filters by partner, type, time, control number, business key and status", "[pipeline][archive]") {
  TempDir dir;
  write_supplier_config(dir.path());
  for (unsigned n = 1; n <= 3; ++n) write_file(dir / ("inbox/asn-" + std::to_string(n) + ".edi"), sample_856(n));
  run_once_json(dir);
  CHECK(query(dir, {}).size() == 3);
  CHECK(query(dir, {"--partner", "supplier"}).size() == 3);
  CHECK(query(dir, {"--partner", "nobody"}).empty());
  CHECK(query(dir, {"--type", "856"}).size() == 3);
  CHECK(query(dir, {"--type", "850"}).empty());
  CHECK(query(dir, {"--since", "2000-01-01"}).size() == 3);
  CHECK(query(dir, {"--until", "2000-01-01"}).empty());
  CHECK(query(dir, {"--since", "2999-01-01"}).empty());
  auto by_isa13 = query(dir, {"--control", "000000002"});
  REQUIRE(by_isa13.size() == 1);
  CHECK(by_isa13[0]["interchange_control"] == "000000002");
  CHECK(query(dir, {"--control", "2"}).size() == 1);       // unpadded matches padded
  CHECK(query(dir, {"--control", "0003"}).size() == 1);    // ST02
  auto by_po = query(dir, {"--key", "po_number=PO0000003"});
  REQUIRE(by_po.size() == 1);
  CHECK(by_po[0]["keys"]["shipment_id"][0] == "SHP0000003");
  CHECK(query(dir, {"--key", "bol=BOL0000001"}).size() == 1);
  CHECK(query(dir, {"--key", "tracking_number=PRO0000001"}).size() == 1);
  CHECK(query(dir, {"--status", "delivered"}).size() == 3);
  CHECK(query(dir, {"--status", "failed"}).empty());
  CHECK(query(dir, {"--partner", "supplier", "--type", "856", "--key", "po_number=PO0000001"}).size() == 1);

  auto bad_key = run_edihub({"archive", "query", "--config", dir.path().string(), "--key", "po_number"});
  CHECK(bad_key.exit_code == 2);
  CHECK_THAT(bad_key.err, Catch::Contains("NAME=VALUE"));
}

TEST_CASE("archive show prints the raw transaction set, the mapped output and the events", "[pipeline][archive]") {
  TempDir dir;
  write_supplier_config(dir.path());
  write_file(dir / "inbox/asn-1.edi", sample_856(1));
  run_once_json(dir);
  auto id = std::to_string(query(dir, {})[0]["id"].get<int>());
  auto raw = run_edihub({"archive", "show", "--config", dir.path().string(), id, "--raw"});
  CHECK(raw.exit_code == 0);
  CHECK_THAT(raw.out, Catch::StartsWith("ST*856*0001~"));
  CHECK_THAT(raw.out, Catch::Contains("BSN*00*SHP0000001*20261127*1015*0001~"));
  CHECK_THAT(raw.out, Catch::EndsWith("SE*22*0001~\n"));
  auto mapped = run_edihub({"archive", "show", "--config", dir.path().string(), id, "--mapped"});
  CHECK(json::parse(mapped.out)["idempotency_key"] == "supplier/000000001/1/0001");
  auto events = run_edihub({"archive", "show", "--config", dir.path().string(), id, "--events"});
  for (const char* step : {"mapped", "delivered"}) CHECK_THAT(events.out, Catch::Contains(step));
  auto file = run_edihub({"archive", "show", "--config", dir.path().string(), "F1", "--raw"});
  CHECK(file.out == sample_856(1));
  auto missing = run_edihub({"archive", "show", "--config", dir.path().string(), "999"});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("no transaction set 999"));
}

TEST_CASE("the same interchange received twice is a duplicate and is not delivered again", "[pipeline]") {
  TempDir dir;
  write_supplier_config(dir.path());
  write_file(dir / "inbox/asn-1.edi", sample_856(1));
  run_once_json(dir);
  write_file(dir / "inbox/asn-1-resent.edi", sample_856(1));
  auto summary = run_once_json(dir);
  CHECK(summary["files_received"] == 1);
  CHECK(summary["duplicates"] == 1);
  CHECK(summary["sets_delivered"] == 0);
  CHECK(count_outputs(dir / "erp") == 1);
  // The resent set has a row of its own, in status duplicate (findable by its keys), beside the delivered one.
  auto rows = query(dir, {});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["status"] == "duplicate");
  CHECK(rows[1]["status"] == "delivered");
  auto list = exceptions(dir);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["kind"] == "duplicate");
  CHECK_THAT(list[0]["reason"].get<std::string>(), Catch::Contains("asn-1-resent.edi") && Catch::Contains("000000001"));
}

TEST_CASE("a different file reusing an ISA13 is an exception, never silently dropped", "[pipeline]") {
  TempDir dir;
  write_supplier_config(dir.path());
  write_file(dir / "inbox/a.edi", sample_856(5));
  run_once_json(dir);
  std::string reused = sample_856(5);
  reused.replace(reused.find("SHP0000005"), 10, "SHP9999999");
  write_file(dir / "inbox/b.edi", reused);
  auto summary = run_once_json(dir);
  CHECK(summary["sets_delivered"] == 0);
  REQUIRE(summary["exceptions"].size() == 1);
  CHECK(summary["exceptions"][0]["kind"] == "envelope_error");
  CHECK_THAT(summary["exceptions"][0]["reason"].get<std::string>(),
             Catch::Contains("b.edi") && Catch::Contains("000000005") && Catch::Contains("already used"));
  CHECK(count_outputs(dir / "erp") == 1);
}

TEST_CASE("a file from an unknown sender becomes an exception and stays in the archive", "[pipeline]") {
  TempDir dir;
  write_supplier_config(dir.path());
  write_file(dir / "inbox/stranger.edi", sample_856(7, "STRANGER"));
  auto summary = run_once_json(dir);
  REQUIRE(summary["exceptions"].size() == 1);
  CHECK(summary["exceptions"][0]["kind"] == "unknown_partner");
  CHECK(summary["exceptions"][0]["partner"] == "supplier");  // the queue of the channel it came in on
  CHECK_THAT(summary["exceptions"][0]["reason"].get<std::string>(), Catch::Contains("ZZ:STRANGER"));
  CHECK(fs::is_empty(dir / "inbox"));
  auto raw = run_edihub({"archive", "show", "--config", dir.path().string(), "F1", "--raw"});
  CHECK(raw.out == sample_856(7, "STRANGER"));
}

TEST_CASE("unusable and envelope-broken files go to the exception queue with their position", "[pipeline]") {
  TempDir dir;
  write_supplier_config(dir.path());
  write_file(dir / "inbox/garbage.edi", "this is not an interchange\n");
  std::string broken = sample_856(9);
  broken.replace(broken.find("SE*22*"), 6, "SE*99*");  // segment 24 of the file
  write_file(dir / "inbox/broken.edi", broken);
  auto summary = run_once_json(dir);
  CHECK(summary["sets_delivered"] == 0);
  auto list = exceptions(dir);
  REQUIRE(list.size() == 2);
  std::map<std::string, std::string> by_kind;
  for (const auto& e : list) by_kind[e["kind"]] = e["reason"];
  CHECK_THAT(by_kind["unusable_file"], Catch::Contains("garbage.edi"));
  CHECK_THAT(by_kind["envelope_error"], Catch::Contains("broken.edi") && Catch::Contains("segment 24 SE01"));
  CHECK(count_outputs(dir / "erp") == 0);
}

TEST_CASE("a file still being written is left in the inbox until it settles", "[pipeline]") {
  TempDir dir;
  write_supplier_config(dir.path(), 500, 1.0);
  const std::string content = sample_856(11);
  auto path = dir / "inbox/growing.edi";
  std::atomic<bool> stop{false};
  // A slow uploader: the file grows every 100 ms for about 2.5 s.
  std::thread writer([&] {
    for (size_t written = 0; written < content.size() && !stop; written += content.size() / 25 + 1) {
      write_file(path, content.substr(0, written + content.size() / 25 + 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  auto during = run_once_json(dir);
  stop = true;
  writer.join();
  CHECK(during["files_received"] == 0);
  CHECK(fs::exists(path));
  write_file(path, content);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto after = run_once_json(dir);
  CHECK(after["files_received"] == 1);
  CHECK(after["sets_delivered"] == 1);
}

TEST_CASE("check reports every configuration mistake as file:line", "[config]") {
  TempDir dir;
  write_supplier_config(dir.path());
  auto ok = run_edihub({"check", "--config", dir.path().string()});
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains("configuration OK: 1 partner(s)"));

  write_file(dir / "partners/other.yaml", "id: other\nname: Other\ncolour: blue\nidentities:\n  - {isa_qualifier: ZZ, isa_id: SUPPLIER1}\n");
  write_file(dir / "partners/broken.yaml", "id: broken\nname: [unclosed\n");
  auto bad = run_edihub({"check", "--config", dir.path().string()});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("other.yaml:3: unknown key 'colour'"));
  CHECK_THAT(bad.err, Catch::Contains("supplier.yaml:1: identity ZZ:SUPPLIER1 is also claimed by partner 'other'"));
  CHECK_THAT(bad.err, Catch::Contains("broken.yaml:") && Catch::Contains("YAML error"));
  auto as_json = nlohmann::json::parse(run_edihub({"check", "--config", dir.path().string(), "--json"}).out);
  CHECK(as_json["valid"] == false);
  CHECK(as_json["problems"].size() >= 3);
  // The service refuses to run on a configuration that does not check.
  auto run = run_edihub({"run", "--config", dir.path().string(), "--once"});
  CHECK(run.exit_code == 2);
}

TEST_CASE("a claim left by a crash before its row was committed is recorded and delivered", "[pipeline][recovery]") {
  TempDir dir;
  write_supplier_config(dir.path());
  // What a run killed between moving a file in and committing its row leaves behind.
  write_file(dir / "archive/incoming/supplier/18c0-42-0__asn-3.edi", sample_856(3));
  auto summary = run_once_json(dir);
  CHECK(summary["files_received"] == 1);
  CHECK(summary["sets_delivered"] == 1);
  // The claim is kept a while (watched for later writes, docs/receiving.md); raw/ holds a copy.
  const auto sha = edihub::archive::sha256_hex(sample_856(3));
  CHECK(edihub::archive::sha256_file(dir / "archive/incoming/supplier/18c0-42-0__asn-3.edi") == sha);
  CHECK(fs::exists(dir / "archive/raw" / sha.substr(0, 2) / sha));
  auto rows = query(dir, {"--control", "3"});
  REQUIRE(rows.size() == 1);
  auto file = run_edihub({"archive", "show", "--config", dir.path().string(), "F1", "--json"});
  auto shown = json::parse(file.out);
  CHECK(shown["source_name"] == "asn-3.edi");
  // Taken up as crash recovery (event resumed), then the ordinary stages; its end state has its own event.
  std::vector<std::string> steps;
  for (const auto& e : shown["events"]) steps.push_back(e["step"]);
  CHECK(std::count(steps.begin(), steps.end(), "resumed") == 1);
  CHECK(std::count(steps.begin(), steps.end(), "batch") == 0);
  CHECK(std::count(steps.begin(), steps.end(), "processed") == 1);
  CHECK(shown["status"] == "processed");
}
