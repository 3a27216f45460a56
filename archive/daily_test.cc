#include <catch2/catch.hpp>

#include <stdexcept>

#include "archive/index.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using edihub::testing::TempDir;

namespace {

struct Archive {
  TempDir dir;
  std::unique_ptr<Index> index = Index::open(dir / "index.db");
  int sets = 0;

  std::int64_t file(const std::string& partner, const std::string& at, const std::string& direction = "in") {
    FileRecord f;
    f.sha256 = std::string(64, 'a');
    f.size = 10;
    f.partner = partner;
    f.channel = "folder:inbox/" + partner;
    f.source_name = "in.edi";
    f.received_at = at;
    f.direction = direction;
    return index->add_file(f);
  }

  std::int64_t set(std::int64_t file_id, const std::string& partner, const std::string& at,
                   const std::string& direction = "in") {
    TransactionSetRecord s;
    s.file_id = file_id;
    s.partner = partner;
    s.type = "856";
    s.control_number = std::to_string(++sets);
    s.version = "004010";
    s.idempotency_key = partner + "/1/1/" + s.control_number;
    s.received_at = s.updated_at = at;
    s.direction = direction;
    return index->add_transaction_set(s);
  }

  void delivered(std::int64_t set_id, const std::string& at) { index->add_event({0, 0, set_id, at, "delivered", "erp"}); }
};

}  // namespace

TEST_CASE("daily stats: files, sets and delivery latency per partner and day", "[index][daily]") {
  Archive a;
  // Before `since`: not counted.
  auto old_file = a.file("acme", "2026-11-25T23:00:00.000Z");
  a.delivered(a.set(old_file, "acme", "2026-11-25T23:00:00.000Z"), "2026-11-25T23:00:01.000Z");
  // acme on the 26th: two files, five sets, four delivered after 30 s, 120 s, 10 s and 600 s.
  auto f2 = a.file("acme", "2026-11-26T08:00:00.000Z");
  auto s1 = a.set(f2, "acme", "2026-11-26T08:00:00.000Z");
  auto s2 = a.set(f2, "acme", "2026-11-26T08:00:00.000Z");
  a.set(f2, "acme", "2026-11-26T08:00:00.000Z");  // never delivered
  a.delivered(s1, "2026-11-26T08:00:30.000Z");
  a.delivered(s2, "2026-11-26T08:02:00.000Z");
  a.delivered(s2, "2026-11-26T09:00:00.000Z");  // a later delivery (a replay): the first one counts
  auto f3 = a.file("acme", "2026-11-26T09:00:00.000Z");
  a.delivered(a.set(f3, "acme", "2026-11-26T09:00:00.000Z"), "2026-11-26T09:00:10.000Z");
  a.delivered(a.set(f3, "acme", "2026-11-26T09:00:00.000Z"), "2026-11-26T09:10:00.000Z");
  // What we sent is not volume in.
  auto sent = a.file("acme", "2026-11-26T10:00:00.000Z", "out");
  a.set(sent, "acme", "2026-11-26T10:00:00.000Z", "out");
  // acme on the 27th: one set, not delivered yet; globex: one set delivered after 5 s.
  a.set(a.file("acme", "2026-11-27T10:00:00.000Z"), "acme", "2026-11-27T10:00:00.000Z");
  a.delivered(a.set(a.file("globex", "2026-11-27T12:00:00.000Z"), "globex", "2026-11-27T12:00:00.000Z"),
              "2026-11-27T12:00:05.000Z");

  const auto days = a.index->daily_stats("2026-11-26");
  REQUIRE(days.size() == 3);
  CHECK(days[0].partner == "acme");
  CHECK(days[0].day == "2026-11-26");
  CHECK(days[0].files_in == 2);
  CHECK(days[0].sets_in == 5);
  CHECK(days[0].delivered == 4);
  // In order 10, 30, 120, 600: the median is rank ceil(0.5 * 4) = 2, the p90 rank ceil(0.9 * 4) = 4.
  CHECK(days[0].median_seconds == 30);
  CHECK(days[0].p90_seconds == 600);

  CHECK(days[1].partner == "acme");
  CHECK(days[1].day == "2026-11-27");
  CHECK(days[1].files_in == 1);
  CHECK(days[1].sets_in == 1);
  CHECK(days[1].delivered == 0);
  CHECK(days[1].median_seconds == 0);

  CHECK(days[2].partner == "globex");
  CHECK(days[2].day == "2026-11-27");
  CHECK(days[2].delivered == 1);
  CHECK(days[2].median_seconds == 5);  // rank ceil(0.5) = 1
  CHECK(days[2].p90_seconds == 5);

  // A later `since` leaves the 26th out; a malformed one is refused.
  CHECK(a.index->daily_stats("2026-11-27T00:00:00Z").size() == 2);
  CHECK_THROWS_AS(a.index->daily_stats("last month"), std::invalid_argument);
}
