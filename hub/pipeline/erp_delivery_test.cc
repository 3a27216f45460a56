#include "hub/pipeline/erp_delivery.h"

#include <catch2/catch.hpp>

#include "tests/pipeline_context_fixture.h"

namespace fs = std::filesystem;
using namespace edihub;

namespace {

// A mapped inbound 856 of `partner` with its ERP document, as the inbound processing leaves it.
archive::TransactionSetRecord add_mapped(testing::PipelineContextFixture& f, std::int64_t file_id, int n,
                                         const std::string& partner = "supplier") {
  archive::TransactionSetRecord set;
  set.file_id = file_id;
  set.partner = partner;
  set.type = "856";
  set.control_number = fmt::format("{:04}", n);
  set.interchange_control = "000000001";
  set.group_control = "1";
  set.version = "004010";
  set.status = archive::SetStatus::mapped;
  set.target = "inbound_delivery";
  set.idempotency_key = fmt::format("{}/000000001/1/{:04}", partner, n);
  set.received_at = set.updated_at = "2026-11-27T09:00:00.000Z";
  set.id = f.index->add_transaction_set(set);
  f.index->put_mapped_output(set.id, fmt::format("{{\"shipment\": {}}}\n", n));
  return set;
}

std::size_t files_in(const fs::path& folder) {
  std::size_t n = 0;
  if (fs::exists(folder))
    for (const auto& e : fs::directory_iterator(folder)) n += e.path().filename().string()[0] != '.';
  return n;
}

}  // namespace

TEST_CASE("sets left mapped are delivered page by page from the index", "[pipeline][erp_delivery]") {
  testing::PipelineContextFixture f;
  const auto file = f.add_file("asn.edi");
  for (int n = 1; n <= 7; ++n) add_mapped(f, file, n);
  // The index hands them out in bounded pages: never all at once.
  CHECK(f.index->transaction_sets_with_status(edihub::archive::SetStatus::mapped, 0, 3).size() == 3);
  CHECK(f.index->transaction_sets_with_status(edihub::archive::SetStatus::mapped, 6, 3).size() == 1);

  hub::ErpDelivery delivery(f.context);
  hub::RunSummary summary;
  delivery.deliver_mapped(summary, 3);
  CHECK(summary.sets_delivered == 7);
  CHECK(summary.partners["supplier"].delivered == 7);
  CHECK(summary.exceptions.empty());
  CHECK(f.index->transaction_sets_with_status(edihub::archive::SetStatus::mapped).empty());
  CHECK(f.index->transaction_sets_with_status(edihub::archive::SetStatus::delivered).size() == 7);
  REQUIRE(files_in(f.dir / "erp") == 7);
  CHECK(testing::read_file(f.dir / "erp" / "supplier_000000001_1_0003.json") == "{\"shipment\": 3}\n");
  auto set = f.index->transaction_set_by_key("supplier/000000001/1/0005");
  REQUIRE(set);
  CHECK(set->delivered_to == "folder:erp/supplier_000000001_1_0005.json");
  CHECK(f.index->events_of_set(set->id).back().step == "delivered");
}

TEST_CASE("a set whose partner has no ERP sink stays mapped with a delivery_error", "[pipeline][erp_delivery]") {
  testing::PipelineContextFixture f;
  const auto file = f.add_file("asn.edi");
  add_mapped(f, file, 1, "gone");  // its profile was removed after mapping
  add_mapped(f, file, 2);
  hub::ErpDelivery delivery(f.context);
  hub::RunSummary summary;
  delivery.deliver_mapped(summary, 1);
  CHECK(summary.sets_delivered == 1);
  REQUIRE(summary.exceptions.size() == 1);
  CHECK(summary.exceptions[0].kind == "delivery_error");
  CHECK(summary.exceptions[0].reason ==
        "transaction set 856 0001: partner 'gone' has no ERP sink in its profile; kept mapped for later delivery");
  auto left = f.index->transaction_sets_with_status(edihub::archive::SetStatus::mapped);
  REQUIRE(left.size() == 1);
  CHECK(left[0].partner == "gone");
}

TEST_CASE("a set is offered to its sink once per pass, and again in the next pass", "[pipeline][erp_delivery]") {
  testing::PipelineContextFixture f;
  const auto file = f.add_file("asn.edi");
  add_mapped(f, file, 1, "gone");  // no sink: stays mapped
  hub::ErpDelivery delivery(f.context);
  hub::RunSummary summary;
  delivery.deliver_mapped(summary);
  CHECK(summary.exceptions.size() == 1);
  add_mapped(f, file, 2);  // a later batch of the same pass
  delivery.deliver_mapped(summary);
  CHECK(summary.sets_delivered == 1);
  CHECK(summary.exceptions.size() == 1);  // the set without a sink was not offered twice in one pass
  delivery.new_pass();
  delivery.deliver_mapped(summary);
  CHECK(summary.exceptions.size() == 2);
  CHECK(summary.sets_delivered == 1);
  CHECK(files_in(f.dir / "erp") == 1);
}
