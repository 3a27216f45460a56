#include "hub/pipeline/intake.h"

#include <catch2/catch.hpp>

#include "tests/pipeline_context_fixture.h"

namespace fs = std::filesystem;
using namespace edihub;

namespace {

void no_sleep(std::chrono::milliseconds) {}

}  // namespace

TEST_CASE("a folder channel's settled files are archived and handed over in batches", "[pipeline][intake]") {
  testing::PipelineContextFixture f(2);  // batch_files: 2
  for (int n = 1; n <= 5; ++n) testing::write_file(f.dir / fmt::format("inbox/asn-{}.edi", n), testing::sample_856(n));
  hub::Intake intake(f.context, no_sleep);
  std::mutex mu;
  hub::PipelineLock lock(mu);
  hub::RunSummary summary;
  std::vector<std::size_t> batches;
  const auto& partner = *f.config.partners.find("supplier");
  intake.take_in(partner, *partner.inbound, "in", lock, summary,
                 [&](const std::vector<archive::FileRecord>& files, hub::RunSummary&) {
                   batches.push_back(files.size());
                   for (const auto& file : files) {
                     CHECK(file.status == archive::FileStatus::received);
                     CHECK(f.store->contains(file.sha256));  // published before processing
                     CHECK(f.context.fresh_content.count(file.id));  // its bytes at hand
                   }
                 });
  CHECK(batches == std::vector<std::size_t>{2, 2, 1});
  CHECK(summary.files_received == 5);
  CHECK(summary.partners["supplier"].files == 5);
  CHECK(fs::is_empty(f.dir / "inbox"));
  auto files = f.index->files_with_status(edihub::archive::FileStatus::received);
  REQUIRE(files.size() == 5);
  CHECK(files[0].channel == "folder:inbox");
  CHECK(files[0].source_removed);
  CHECK(f.index->events_of_file(files[0].id).front().step == "received");
  CHECK(f.store->pending_claims().size() == 5);  // watched for a while (kClaimWatch), then retired
}

TEST_CASE("a claim a crash left before its row is recorded by recover_claims", "[pipeline][intake]") {
  testing::PipelineContextFixture f;
  testing::write_file(f.dir / "inbox/asn-1.edi", testing::sample_856(1));
  const std::string claim = hub::claim_name("supplier", "asn-1.edi");
  f.store->claim_file(f.dir / "inbox/asn-1.edi", claim);  // the crash came here: no row
  hub::Intake intake(f.context, no_sleep);
  CHECK_FALSE(intake.claims_recovered());
  hub::RunSummary summary;
  intake.recover_claims(summary);
  CHECK(intake.claims_recovered());
  auto file = f.index->file_by_claim(claim);
  REQUIRE(file);
  CHECK(file->source_name == "asn-1.edi");
  CHECK(file->channel == "folder:inbox");
  CHECK(file->status == archive::FileStatus::received);
  CHECK(f.store->contains(file->sha256));
  CHECK(summary.files_received == 1);
  hub::RunSummary again;
  intake.recover_claims(again);  // recorded once
  CHECK(again.files_received == 0);
}

TEST_CASE("a long file name is claimed under a shortened name", "[pipeline][intake]") {
  const std::string name = std::string(200, 'a') + ".edi";
  const std::string claim = hub::claim_name("supplier", name);
  CHECK(claim.starts_with("supplier/"));
  CHECK(claim.size() < 200);
  CHECK(claim.find("__" + std::string(120, 'a') + "~") != std::string::npos);
  CHECK(hub::claim_name("supplier+erp", "po.json").starts_with("supplier+erp/"));
}
