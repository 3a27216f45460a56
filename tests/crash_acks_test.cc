// Crash recovery of what we send: `edihub run` is killed with SIGKILL at random moments
// while the supplier keeps sending ship notices (each answered by a 997) and the ERP keeps
// dropping purchase orders (each sent as an 850). After a final clean run, no ISA13,
// GS06 or ST02 was ever used twice, every interchange was acknowledged once, every
// purchase order was sent once, and what was sent is exactly what the archive holds.

#include <chrono>
#include <map>
#include <random>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "formats/parsed_file.h"
#include "tests/trading_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;

namespace {

void drop(const fs::path& folder, const std::string& name, const std::string& content) {
  auto temp = folder / ("." + name + ".tmp");
  write_file(temp, content);
  fs::rename(temp, folder / name);
}

}  // namespace

TEST_CASE("SIGKILL while sending never repeats a control number nor sends anything twice", "[crash][acks]") {
  TempDir dir;
  write_trading_config(dir.path());
  auto po_template = nlohmann::json::parse(read_file(data_dir() / "erp/purchase_order_standard.json"));
  const unsigned rounds = 25, per_round = 4;
  std::mt19937 rng(static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
  unsigned next = 1;
  auto drop_round = [&] {
    for (unsigned i = 0; i < per_round; ++i, ++next) {
      drop(dir / "inbox", fmt::format("asn-{}.edi", next), sample_856(next));
      auto po = po_template;
      po["po_number"] = fmt::format("45{:08}", next);
      po["idempotency_key"] = fmt::format("po-{}", next);
      drop(dir / "erp-out", fmt::format("po-{}.json", next), po.dump());
    }
  };
  drop_round();
  REQUIRE(run_edihub({"run", "--config", dir.path().string(), "--once"}).exit_code == 0);  // creates the archive
  // Kill moments are spread over the length of an uninterrupted run on this machine.
  drop_round();
  auto timed_start = std::chrono::steady_clock::now();
  REQUIRE(run_edihub({"run", "--config", dir.path().string(), "--once"}).exit_code == 0);
  auto run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - timed_start);
  std::uniform_int_distribution<long> delay_ms(0, std::max<long>(20, run_ms.count()));
  int killed = 0;
  for (unsigned round = 0; round < rounds; ++round) {
    drop_round();
    killed += kill_edihub_after({"run", "--config", dir.path().string(), "--once"}, std::chrono::milliseconds(delay_ms(rng)));
  }
  auto final_run = run_edihub({"run", "--config", dir.path().string(), "--once"}, 300);
  INFO(final_run.err);
  REQUIRE(final_run.exit_code == 0);
  INFO("killed mid-run: " << killed << " of " << rounds << ", a clean run took " << run_ms.count() << " ms");
  CHECK(killed > static_cast<int>(rounds) / 3);
  const unsigned documents = next - 1;

  auto index = edihub::archive::Index::open(dir / "archive" / "index.db");
  edihub::archive::RawStore store(dir / "archive");
  CHECK(index->files_with_status(edihub::archive::FileStatus::queued).empty());
  std::set<std::string> isa13s, gs06s, st02s;
  std::map<std::string, int> acked_groups, sent_pos;
  auto sent = index->files_with_status(edihub::archive::FileStatus::sent);
  for (const auto& file : sent) {
    const std::string bytes = store.read(file.sha256);
    // What the partner got is what we archived.
    CHECK(read_file(dir / "outbox" / file.source_name) == bytes);
    auto parsed = edihub::x12::parse_bytes(bytes);
    CHECK(parsed.issues.empty());
    for (const auto& interchange : parsed.interchanges) {
      CHECK(isa13s.insert(interchange.header.control_number).second);
      for (const auto& group : interchange.groups) {
        CHECK(gs06s.insert(group.header.control_number).second);
        for (const auto& set : group.sets) {
          CHECK(st02s.insert(set.control_number).second);
          for (const auto& segment : set.segments) {
            if (segment.tag == "AK1") acked_groups[std::string(segment.element(2))]++;
            if (segment.tag == "BEG") sent_pos[std::string(segment.element(3))]++;
          }
        }
      }
    }
  }
  // Nothing else reached the outbox: no file from a killed run under a number we reused.
  std::size_t in_outbox = 0;
  for (const auto& entry : fs::directory_iterator(dir / "outbox")) in_outbox += entry.path().filename().string()[0] != '.';
  CHECK(in_outbox == sent.size());
  CHECK(acked_groups.size() == documents);
  for (const auto& [group, times] : acked_groups) CHECK(times == 1);
  CHECK(sent_pos.size() == documents);
  for (const auto& [po, times] : sent_pos) CHECK(times == 1);
  CHECK(index->exceptions(std::nullopt, std::string("open")).empty());
}
