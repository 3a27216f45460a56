#include <catch2/catch.hpp>

#include "archive/index.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using edihub::testing::TempDir;
using Catch::Matchers::Contains;

namespace {

As2MessageRecord message(const std::string& direction, const std::string& partner, const std::string& id,
                         As2State state, std::int64_t file_id) {
  As2MessageRecord m;
  m.file_id = file_id;
  m.partner = partner;
  m.direction = direction;
  m.message_id = id;
  m.mic = "abc=, sha-256";
  m.mdn_mode = "sync";
  m.state = state;
  m.sent_at = m.updated_at = "2026-11-27T10:00:00.000Z";
  return m;
}

std::vector<std::int64_t> ids_of(const std::vector<As2MessageRecord>& rows) {
  std::vector<std::int64_t> ids;
  for (const auto& r : rows) ids.push_back(r.id);
  return ids;
}

}  // namespace

TEST_CASE("AS2 messages: round trip, lookups, unique per direction and partner", "[index][as2]") {
  TempDir dir;
  auto index = Index::open(dir / "index.db");
  FileRecord file;
  file.sha256 = std::string(64, 'a');
  file.partner = "globex";
  file.channel = "as2:GLOBEX";
  file.received_at = "2026-11-27T10:00:00Z";
  auto file_id = index->add_file(file);

  auto out = message("out", "globex", "<1@edihub.local>", As2State::sending, file_id);
  out.id = index->add_as2_message(out);
  auto in = message("in", "globex", "<1@edihub.local>", As2State::received, file_id);  // same id, other direction
  in.id = index->add_as2_message(in);
  auto other = message("out", "acme", "<1@edihub.local>", As2State::sending, 0);      // same id, other partner
  other.id = index->add_as2_message(other);
  REQUIRE_THROWS_WITH(index->add_as2_message(out), Contains("UNIQUE"));

  auto back = index->as2_message("out", "globex", "<1@edihub.local>");
  REQUIRE(back);
  CHECK(back->id == out.id);
  CHECK(back->file_id == file_id);
  CHECK(back->mic == "abc=, sha-256");
  CHECK(back->state == As2State::sending);
  CHECK_FALSE(index->as2_message("out", "globex", "<2@edihub.local>"));
  CHECK(ids_of(index->as2_messages_by_id("out", "<1@edihub.local>")) == std::vector<std::int64_t>{other.id, out.id});
  CHECK(ids_of(index->as2_messages_of_file(file_id)) == std::vector<std::int64_t>{out.id, in.id});
  CHECK(ids_of(index->as2_messages_in_state(As2State::sending)) == std::vector<std::int64_t>{out.id, other.id});

  out.mdn_mode = "async";
  out.due_at = "2026-11-27T11:00:00.000Z";
  out.attempts = 2;
  out.detail = "posted";
  out.mdn_sha256 = std::string(64, 'b');
  index->transition_as2_message(out, As2State::awaiting_mdn, {"2026-11-27T10:00:01.000Z", "as2_sent", "posted"});
  back = index->as2_message("out", "globex", "<1@edihub.local>");
  CHECK(back->state == As2State::awaiting_mdn);
  CHECK(back->attempts == 2);
  CHECK(back->mdn_sha256 == std::string(64, 'b'));
  CHECK(index->as2_mdns_due("2026-11-27T10:59:59Z").empty());
  CHECK(ids_of(index->as2_mdns_due("2026-11-27T11:00:01Z")) == std::vector<std::int64_t>{out.id});
  REQUIRE_THROWS_AS(index->as2_mdns_due("soon"), std::invalid_argument);

  // sending -> delivered is allowed, but the row is awaiting_mdn by now: a stale record
  auto stale = out;
  stale.state = As2State::sending;
  REQUIRE_THROWS_WITH(index->transition_as2_message(stale, As2State::delivered, {"2026-11-27T10:00:02.000Z", "as2_mdn", ""}),
                      Contains("AS2 message " + std::to_string(out.id) + ": sending -> delivered from a stale record: "
                               "the index holds awaiting_mdn"));
  auto missing = out;
  missing.id = 999;
  REQUIRE_THROWS_WITH(index->update_as2_message(missing), Contains("no AS2 message 999"));
  REQUIRE_THROWS_WITH(index->transition_as2_message(missing, As2State::delivered, {"2026-11-27T10:00:02.000Z", "as2_mdn", ""}),
                      Contains("no AS2 message 999"));
}
