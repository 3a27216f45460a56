// edihub exceptions shows the business documents an exception is about; resolve and
// ignore go through hub::close_exception and say what became of the set it held.
#include <cstdlib>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hub/cli/commands.h"
#include "tests/support/business_archive.h"

using namespace edihub;
using namespace edihub::testing;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

CommandOutput exceptions(const BusinessArchive& a, bool as_json) {
  hub::ExceptionsOptions options;
  return call([&](std::ostream& out, std::ostream& err) {
    return hub::command_exceptions(a.config_dir(), options, as_json, out, err);
  });
}

CommandOutput close(const BusinessArchive& a, std::int64_t id, const std::string& state, bool as_json = false) {
  hub::CloseExceptionOptions options{id, state, "checked with the supplier", "ann"};
  setenv("EDIHUB_NOW", "2026-11-27T10:00:00Z", 1);
  auto r = call([&](std::ostream& out, std::ostream& err) {
    return hub::command_close_exception(a.config_dir(), options, as_json, out, err);
  });
  unsetenv("EDIHUB_NOW");
  return r;
}

// An ASN held from the ERP for its exception (reconcile.hold_on), as the pipeline leaves it.
std::int64_t held_asn(BusinessArchive& a, const std::string& shipment_id, const std::string& isa13) {
  using S = archive::SetStatus;
  auto file = a.add_file("856-" + shipment_id + ".edi", "in", "2026-11-26T12:00:00.000Z");
  auto set = a.add_set(file, "856", "in", isa13, "2026-11-26T12:00:00.000Z", {{"shipment_id", shipment_id}},
                       {{S::mapped, "2026-11-26T12:00:00.000Z", ""},
                        {S::held, "2026-11-26T12:00:00.000Z", "asn_over_shipment"}});
  archive::ExceptionRecord e;
  e.partner = "supplier";
  e.file_id = file;
  e.set_id = set.id;
  e.kind = "asn_over_shipment";
  e.reason = "held";
  e.created_at = "2026-11-26T12:00:00.000Z";
  e.documents = {"po:4500012345", "shipment:" + shipment_id};
  return a.index->add_exception(e);
}

}  // namespace

TEST_CASE("exceptions: the documents list in text and JSON, escaped in text", "[cli][exceptions]") {
  BusinessArchive a;
  a.seed_order();
  auto j = json::parse(exceptions(a, true).out);
  REQUIRE(j["rows"].size() == 1);
  CHECK(j["rows"][0]["documents"] == json::array({"po:4500012345", "shipment:SH-1"}));
  CHECK_THAT(exceptions(a, false).out, Contains("\n  documents: po:4500012345, shipment:SH-1\n"));

  archive::ExceptionRecord e;
  e.partner = "supplier";
  e.kind = "asn_unknown_po";
  e.reason = "r";
  e.created_at = "2026-11-27T00:00:00.000Z";
  e.documents = {"shipment:SH\x1b[2J"};
  a.index->add_exception(e);
  auto text = exceptions(a, false).out;
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK_THAT(text, Contains("documents: shipment:SH\\x1b[2J\n"));
}

TEST_CASE("exceptions resolve releases the set it held, ignore drops it, and both say so", "[cli][exceptions]") {
  BusinessArchive a;
  auto resolved = held_asn(a, "SH-2", "000000202");
  auto ignored = held_asn(a, "SH-3", "000000203");

  auto r = close(a, resolved, "resolved");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto released_set = a.index->exception(resolved)->set_id;
  CHECK(r.out == "exception " + std::to_string(resolved) + " resolved by ann at 2026-11-27T10:00:00.000Z\n"
                 "  transaction set " + std::to_string(released_set) + " released: delivered to the ERP on the next run\n");
  CHECK(a.index->transaction_set(released_set)->status == archive::SetStatus::mapped);

  auto d = close(a, ignored, "ignored", true);
  REQUIRE(d.exit_code == 0);
  auto j = json::parse(d.out);
  CHECK(j["state"] == "ignored");
  CHECK(j["set_status"] == "dropped");
  CHECK(j["set_id"] == a.index->exception(ignored)->set_id);
  CHECK(a.index->transaction_set(j["set_id"])->status == archive::SetStatus::dropped);

  // An exception that held nothing: no set line.
  a.seed_order();
  auto plain = close(a, a.over_shipment, "resolved", true);
  CHECK(json::parse(plain.out)["set_status"].is_null());
}
