#include "hub/pipeline/context.h"

#include <catch2/catch.hpp>

#include "tests/pipeline_context_fixture.h"

using namespace edihub;

namespace {

archive::ExceptionRecord broken(std::int64_t file_id, int n) {
  archive::ExceptionRecord e;
  e.partner = "supplier";
  e.file_id = file_id;
  e.kind = "envelope_error";
  e.reason = fmt::format("asn.edi: interchange {} broken", n);
  return e;
}

}  // namespace

TEST_CASE("a held file's exceptions are recorded one by one up to the listed number", "[pipeline][context]") {
  testing::PipelineContextFixture f;
  hub::RunSummary summary;
  const auto file = f.add_file("asn.edi");
  f.context.hold_file(file);
  for (int n = 1; n <= 3; ++n) f.context.raise(summary, broken(file, n));
  CHECK(summary.exceptions.empty());  // held until the file is done
  f.context.flush_held("asn.edi", summary);
  REQUIRE(summary.exceptions.size() == 3);
  CHECK(summary.exceptions[2].reason == "asn.edi: interchange 3 broken");
  CHECK(f.index->exceptions("supplier", std::nullopt).size() == 3);
}

TEST_CASE("a flood of one kind for a held file becomes one exception that counts every one", "[pipeline][context]") {
  testing::PipelineContextFixture f;
  hub::RunSummary summary;
  const auto file = f.add_file("asn.edi"), other = f.add_file("other.edi");
  f.context.hold_file(file);
  // 25 > kListedPerKind (20): every raise counts, also those not listed.
  for (int n = 1; n <= 25; ++n) f.context.raise(summary, broken(file, n));
  f.context.raise(summary, broken(other, 99));  // another file's exception is not held
  REQUIRE(summary.exceptions.size() == 1);
  f.context.flush_held("asn.edi", summary);
  REQUIRE(summary.exceptions.size() == 2);
  const auto& flood = summary.exceptions[1];
  CHECK(flood.reason.starts_with("asn.edi: 25 envelope_error exceptions in this file; the first 20:"));
  CHECK(flood.reason.find("interchange 20 broken") != std::string::npos);
  CHECK(flood.reason.find("interchange 21 broken") == std::string::npos);
  CHECK(flood.reason.ends_with("... and 5 more, not listed"));
}

TEST_CASE("dropped held exceptions are never recorded", "[pipeline][context]") {
  testing::PipelineContextFixture f;
  hub::RunSummary summary;
  const auto file = f.add_file("asn.edi");
  f.context.hold_file(file);
  f.context.raise(summary, broken(file, 1));
  f.context.drop_held();
  f.context.flush_held("asn.edi", summary);
  CHECK(summary.exceptions.empty());
  CHECK(f.index->exceptions(std::nullopt, std::nullopt).empty());
}
