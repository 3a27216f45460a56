#include <catch2/catch.hpp>

#include "archive/index.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using edihub::testing::TempDir;

TEST_CASE("partner polls: the last success, the last error and since when it fails", "[index][polls]") {
  TempDir dir;
  auto index = Index::open(dir / "index.db");
  CHECK(index->partner_polls().empty());

  index->record_poll("globex", "2026-12-01T10:00:00.000Z", "");
  index->record_poll("acme", "2026-12-01T10:00:00.000Z", "connect to 127.0.0.1:1: refused");
  index->record_poll("acme", "2026-12-01T10:05:00.000Z", "connect to 127.0.0.1:1: timed out");
  auto polls = index->partner_polls();
  REQUIRE(polls.size() == 2);
  CHECK(polls[0].partner == "acme");  // by partner
  CHECK(polls[0].last_ok_at.empty());
  CHECK(polls[0].last_error_at == "2026-12-01T10:05:00.000Z");
  CHECK(polls[0].last_error == "connect to 127.0.0.1:1: timed out");
  CHECK(polls[0].failing_since == "2026-12-01T10:00:00.000Z");  // the first failure of the run
  CHECK(polls[1].partner == "globex");
  CHECK(polls[1].last_ok_at == "2026-12-01T10:00:00.000Z");
  CHECK(polls[1].failing_since.empty());

  // A poll that works ends the run of failures but keeps the last error to show.
  index->record_poll("acme", "2026-12-01T10:10:00.000Z", "");
  polls = index->partner_polls();
  CHECK(polls[0].last_ok_at == "2026-12-01T10:10:00.000Z");
  CHECK(polls[0].failing_since.empty());
  CHECK(polls[0].last_error == "connect to 127.0.0.1:1: timed out");
  // The next failure starts a new run.
  index->record_poll("acme", "2026-12-01T10:15:00.000Z", "refused");
  CHECK(index->partner_polls()[0].failing_since == "2026-12-01T10:15:00.000Z");
}
