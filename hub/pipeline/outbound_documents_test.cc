#include "hub/pipeline/outbound_documents.h"

#include <catch2/catch.hpp>

#include "tests/pipeline_context_fixture.h"

using namespace edihub;

namespace {

// An ERP transaction picked up for the supplier, its bytes at hand as in the batch that took it.
archive::FileRecord erp_file(testing::PipelineContextFixture& f, const std::string& name, const std::string& bytes) {
  auto file = *f.index->file(f.add_file(name, "erp", archive::FileStatus::received));
  f.context.fresh_content[file.id] = bytes;
  return file;
}

}  // namespace

TEST_CASE("an ERP transaction that is not JSON ends in exception with its position", "[pipeline][outbound]") {
  testing::PipelineContextFixture f;
  auto file = erp_file(f, "po.json", "{\"transaction\": \"850\",\n  oops}");
  hub::OutboundDocuments outbound(f.context);
  hub::RunSummary summary;
  outbound.process_erp_document(file, summary);
  CHECK(summary.files_processed == 1);
  REQUIRE(summary.exceptions.size() == 1);
  CHECK(summary.exceptions[0].kind == "unusable_file");
  CHECK(summary.exceptions[0].reason.starts_with("po.json: not a JSON ERP transaction: "));
  CHECK(summary.exceptions[0].reason.find("line 2") != std::string::npos);
  CHECK(f.index->file(file.id)->status == archive::FileStatus::exception);
}

TEST_CASE("an ERP transaction without an outbound mapping is a mapping_error and sends nothing", "[pipeline][outbound]") {
  testing::PipelineContextFixture f;
  auto file = erp_file(f, "po.json", R"({"transaction": "850", "po_number": "PO1"})");
  hub::OutboundDocuments outbound(f.context);
  hub::RunSummary summary;
  outbound.process_erp_document(file, summary);
  REQUIRE(summary.exceptions.size() == 1);
  CHECK(summary.exceptions[0].kind == "mapping_error");
  CHECK(summary.exceptions[0].reason ==
        "po.json: no outbound mapping for ERP transaction type '850' in supplier.yaml (it has: none)");
  CHECK(f.index->file(file.id)->status == archive::FileStatus::exception);
  CHECK(f.index->files_in_direction("out").empty());
  outbound.send_queued(summary);  // nothing queued: nothing sent
  CHECK(summary.documents_sent + summary.acks_sent == 0);
}
