#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <numeric>
#include <random>
#include <stdexcept>

#include "archive/index.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using edihub::testing::TempDir;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

struct Archive {
  TempDir dir;
  fs::path db_file = dir / "index.db";
  std::unique_ptr<Index> index = Index::open(db_file);

  std::int64_t add_file(const std::string& partner, const std::string& direction, char sha) {
    FileRecord file;
    file.sha256 = std::string(64, sha);
    file.partner = partner;
    file.channel = "folder:outbound/" + partner;
    file.received_at = "2026-11-27T10:00:00Z";
    file.direction = direction;
    return index->add_file(file);
  }
};

AwaitedAck awaited(const std::string& partner, const std::string& level, std::int64_t file_id, const std::string& isa13,
                   const std::string& gs06, const std::string& st02, const std::string& sent_at,
                   const std::string& due_at) {
  AwaitedAck a;
  a.partner = partner;
  a.level = level;
  a.file_id = file_id;
  a.interchange_control = isa13;
  a.group_control = gs06;
  a.set_control = st02;
  a.functional_id = level == "interchange" ? "" : "SH";
  a.set_type = level == "set" ? "856" : "";
  a.sent_at = sent_at;
  a.due_at = due_at;
  a.updated_at = sent_at;
  return a;
}

using Ids = std::vector<std::int64_t>;

template <class Record>
Ids ids_of(const std::vector<Record>& list) {
  Ids out;
  for (const auto& r : list) out.push_back(r.id);
  return out;
}

}  // namespace

TEST_CASE("control numbers: first, advance, per partner and kind, wrap", "[index][counters]") {
  Archive a;
  CHECK(a.index->next_control_number("acme", "ISA") == 1);
  CHECK(a.index->next_control_number("acme", "ISA") == 2);
  CHECK(a.index->next_control_number("acme", "ISA") == 3);
  CHECK(a.index->next_control_number("acme", "GS") == 1);
  CHECK(a.index->next_control_number("globex", "ISA", 100) == 100);
  CHECK(a.index->next_control_number("globex", "ISA", 100) == 101);
  CHECK(a.index->next_control_number("acme", "ISA") == 4);
  CHECK(a.index->next_control_number("acme", "GS") == 2);

  SECTION("wraps to first after last") {
    std::vector<std::uint64_t> got;
    for (int i = 0; i < 7; ++i) got.push_back(a.index->next_control_number("acme", "ST", 5, 7));
    CHECK(got == std::vector<std::uint64_t>{5, 6, 7, 5, 6, 7, 5});
  }

  SECTION("the default range wraps after 999999999") {
    CHECK(a.index->next_control_number("initech", "ISA", 999999998) == 999999998);
    CHECK(a.index->next_control_number("initech", "ISA", 999999998) == 999999999);
    CHECK(a.index->next_control_number("initech", "ISA", 999999998) == 999999998);
  }

  SECTION("a one-number range") {
    for (int i = 0; i < 3; ++i) CHECK(a.index->next_control_number("acme", "ST", 9, 9) == 9);
  }

  SECTION("a counter outside a changed range restarts at first") {
    CHECK(a.index->next_control_number("acme", "ISA", 1, 3) == 1);  // was at 5
    CHECK(a.index->next_control_number("acme", "ISA", 1, 3) == 2);
    CHECK(a.index->next_control_number("acme", "ISA", 10, 20) == 10);  // was at 3
  }

  SECTION("an empty range is refused") {
    REQUIRE_THROWS_AS(a.index->next_control_number("acme", "ISA", 5, 4), std::invalid_argument);
    CHECK(a.index->next_control_number("acme", "ISA") == 5);
  }
}

TEST_CASE("control numbers follow the caller's transaction and survive reopening", "[index][counters]") {
  Archive a;
  {
    Index::Transaction tx(*a.index);
    CHECK(a.index->next_control_number("acme", "ISA") == 1);
    CHECK(a.index->next_control_number("acme", "ISA") == 2);
    tx.commit();
  }
  {
    Index::Transaction tx(*a.index);
    CHECK(a.index->next_control_number("acme", "ISA") == 3);
    CHECK(a.index->next_control_number("acme", "GS") == 1);
  }  // rolled back: nothing was sent under these numbers
  CHECK(a.index->next_control_number("acme", "GS") == 1);
  {
    Index::Transaction tx(*a.index);
    CHECK(a.index->next_control_number("acme", "ISA") == 3);
    tx.commit();
  }
  a.index.reset();
  a.index = Index::open(a.db_file);
  CHECK(a.index->next_control_number("acme", "ISA") == 4);
  CHECK(a.index->next_control_number("acme", "GS") == 2);
}

// The child takes numbers in committed transactions and reports each after its commit;
// SIGKILL lands at a random point, possibly inside a commit. No reported number may be
// handed out again, and at most one committed but unreported number is skipped.
TEST_CASE("control numbers committed before a SIGKILL are never handed out again", "[index][counters][crash]") {
  TempDir dir;
  const fs::path db = dir / "index.db";
  Index::open(db).reset();  // the child must not inherit an open SQLite connection
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    try {
      auto index = Index::open(db);
      for (int i = 0; i < 200000; ++i) {
        Index::Transaction tx(*index);
        std::uint64_t n = index->next_control_number("acme", "ISA");
        tx.commit();
        if (write(fds[1], &n, sizeof n) != sizeof n) _exit(2);
      }
    } catch (...) {
      _exit(1);
    }
    _exit(0);
  }
  close(fds[1]);

  using Clock = std::chrono::steady_clock;
  std::mt19937 rng(std::random_device{}());
  const int delay_ms = std::uniform_int_distribution<int>(20, 600)(rng);
  INFO("SIGKILL after " << delay_ms << " ms (or the first report)");
  const auto start = Clock::now();
  std::string bytes;
  bool open = true;
  auto drain = [&](int timeout_ms) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return;
    char buffer[4096];
    ssize_t got = read(fds[0], buffer, sizeof buffer);
    if (got > 0) bytes.append(buffer, static_cast<std::size_t>(got));
    if (got == 0) open = false;
  };
  // Wait for the delay and at least one report, 2 seconds at most.
  while (open && Clock::now() - start < std::chrono::seconds(2) &&
         (Clock::now() - start < std::chrono::milliseconds(delay_ms) || bytes.empty()))
    drain(10);
  kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  while (open) drain(-1);
  close(fds[0]);
  INFO("child status " << status);
  CHECK(((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) || (WIFEXITED(status) && WEXITSTATUS(status) == 0)));

  REQUIRE(bytes.size() % sizeof(std::uint64_t) == 0);
  std::vector<std::uint64_t> reported(bytes.size() / sizeof(std::uint64_t));
  std::memcpy(reported.data(), bytes.data(), bytes.size());
  REQUIRE_FALSE(reported.empty());
  std::vector<std::uint64_t> expected(reported.size());
  std::iota(expected.begin(), expected.end(), 1);
  REQUIRE(reported == expected);  // each number once, in order

  auto index = Index::open(db);
  const auto next = index->next_control_number("acme", "ISA");
  INFO(reported.size() << " numbers reported");
  CHECK(next > reported.back());
  CHECK(next <= reported.back() + 2);
}

TEST_CASE("awaited acknowledgments: round trip, update, lists", "[index][acks]") {
  Archive a;
  auto out = a.add_file("acme", "out", 'o');
  auto ack_file = a.add_file("acme", "in", 'k');
  auto first = awaited("acme", "interchange", out, "000000101", "", "", "2026-11-27T10:00:00Z", "2026-11-27T11:00:00Z");
  first.id = a.index->add_awaited_ack(first);
  auto set = awaited("acme", "set", out, "000000101", "101", "0001", "2026-11-27T10:00:00Z", "2026-11-28T10:00:00Z");
  set.id = a.index->add_awaited_ack(set);
  auto other = awaited("globex", "group", 0, "000000007", "7", "", "2026-11-27T09:00:00Z", "2026-11-27T10:30:00Z");
  other.id = a.index->add_awaited_ack(other);

  auto back = a.index->awaited_ack(set.id);
  REQUIRE(back);
  CHECK(back->partner == "acme");
  CHECK(back->level == "set");
  CHECK(back->file_id == out);
  CHECK(back->set_id == 0);
  CHECK(back->interchange_control == "000000101");
  CHECK(back->group_control == "101");
  CHECK(back->set_control == "0001");
  CHECK(back->functional_id == "SH");
  CHECK(back->set_type == "856");
  CHECK(back->sent_at == "2026-11-27T10:00:00Z");
  CHECK(back->due_at == "2026-11-28T10:00:00Z");
  CHECK(back->state == AckState::awaiting);
  CHECK(back->ack_file_id == 0);
  CHECK(back->detail.empty());
  CHECK_FALSE(a.index->awaited_ack(other.id + 1));

  CHECK(ids_of(a.index->awaited_acks(std::nullopt, std::nullopt)) == Ids{other.id, first.id, set.id});
  CHECK(ids_of(a.index->awaited_acks("acme", std::nullopt)) == Ids{first.id, set.id});
  CHECK(ids_of(a.index->awaited_acks("acme", "awaiting")) == Ids{first.id, set.id});

  first.ack_file_id = ack_file;
  first.detail = "TA104=E TA105=022";
  first.due_at = "2099-01-01T00:00:00Z";  // not updated
  a.index->transition_awaited_ack(first, AckState::accepted_with_errors, {"2026-11-27T10:20:00Z", "acknowledged", "TA1 E"});
  CHECK(first.state == AckState::accepted_with_errors);
  back = a.index->awaited_ack(first.id);
  CHECK(back->state == AckState::accepted_with_errors);
  CHECK(back->ack_file_id == ack_file);
  CHECK(back->detail == "TA104=E TA105=022");
  CHECK(back->updated_at == "2026-11-27T10:20:00Z");
  CHECK(back->due_at == "2026-11-27T11:00:00Z");
  CHECK(ids_of(a.index->awaited_acks("acme", "awaiting")) == Ids{set.id});
  CHECK(ids_of(a.index->awaited_acks(std::nullopt, "accepted_with_errors")) == Ids{first.id});

  auto missing = first;
  missing.id = 999;
  REQUIRE_THROWS_WITH(a.index->update_awaited_ack(missing), Contains("no awaited acknowledgment 999"));
  REQUIRE_THROWS_AS(a.index->transition_awaited_ack(first, AckState::awaiting, {"2026-11-27T10:21:00Z", "x", ""}),
                    ArchiveStateError);
  auto bad_level = other;
  bad_level.level = "file";
  REQUIRE_THROWS_WITH(a.index->add_awaited_ack(bad_level), Contains("CHECK"));
}

TEST_CASE("awaited_for: by ISA13 or by GS06 ignoring zero padding, newest interchange first", "[index][acks]") {
  Archive a;
  auto f1 = a.add_file("acme", "out", '1');
  auto f2 = a.add_file("acme", "out", '2');
  auto add = [&](const AwaitedAck& row) { return a.index->add_awaited_ack(row); };
  // Interchange 101 at 10:00 with group 101 and two sets; interchange 205 at 12:00 whose
  // group number is 101 again (the GS counter wrapped), written with zero padding.
  auto ic1 = add(awaited("acme", "interchange", f1, "000000101", "", "", "2026-11-27T10:00:00Z", "2026-11-27T11:00:00Z"));
  auto g1 = add(awaited("acme", "group", f1, "000000101", "101", "", "2026-11-27T10:00:00Z", "2026-11-28T10:00:00Z"));
  auto s1 = add(awaited("acme", "set", f1, "000000101", "101", "0001", "2026-11-27T10:00:00Z", "2026-11-28T10:00:00Z"));
  auto s2 = add(awaited("acme", "set", f1, "000000101", "101", "0002", "2026-11-27T10:00:00Z", "2026-11-28T10:00:00Z"));
  auto ic2 = add(awaited("acme", "interchange", f2, "000000205", "", "", "2026-11-27T12:00:00Z", "2026-11-27T13:00:00Z"));
  auto g2 = add(awaited("acme", "group", f2, "000000205", "000101", "", "2026-11-27T12:00:00Z", "2026-11-28T12:00:00Z"));
  auto s3 = add(awaited("acme", "set", f2, "000000205", "000101", "0001", "2026-11-27T12:00:00Z", "2026-11-28T12:00:00Z"));
  // Another partner's rows with the same numbers never match.
  add(awaited("globex", "interchange", 0, "000000101", "", "", "2026-11-27T13:00:00Z", "2026-11-27T14:00:00Z"));
  add(awaited("globex", "group", 0, "000000101", "101", "", "2026-11-27T13:00:00Z", "2026-11-28T13:00:00Z"));

  for (std::string gs06 : {"101", "0101", "000000101"}) {
    INFO(gs06);
    CHECK(ids_of(a.index->awaited_for("acme", "", gs06)) == Ids{g2, s3, g1, s1, s2});
  }
  // A 997 does not name the ISA13 it answers: the interchange control plays no part.
  CHECK(ids_of(a.index->awaited_for("acme", "000000999", "101")) == Ids{g2, s3, g1, s1, s2});
  CHECK(a.index->awaited_for("acme", "", "10").empty());
  CHECK(a.index->awaited_for("acme", "", "1010").empty());

  for (std::string isa13 : {"000000101", "101"}) {
    INFO(isa13);
    CHECK(ids_of(a.index->awaited_for("acme", isa13, "")) == Ids{ic1});
  }
  CHECK(ids_of(a.index->awaited_for("acme", "205", "")) == Ids{ic2});
  CHECK(a.index->awaited_for("acme", "000000102", "").empty());
  CHECK(a.index->awaited_for("initech", "000000101", "").empty());

  SECTION("a resent interchange with the same ISA13: the newest first") {
    auto ic3 = add(awaited("acme", "interchange", f2, "101", "", "", "2026-11-27T14:00:00Z", "2026-11-27T15:00:00Z"));
    CHECK(ids_of(a.index->awaited_for("acme", "000000101", "")) == Ids{ic3, ic1});
  }
}

TEST_CASE("awaited_due: awaiting rows due by now, earliest first", "[index][acks]") {
  Archive a;
  auto out = a.add_file("acme", "out", 'o');
  auto add = [&](const std::string& partner, const std::string& due_at) {
    return a.index->add_awaited_ack(
        awaited(partner, "interchange", out, "000000001", "", "", "2026-11-27T09:00:00Z", due_at));
  };
  auto late = add("acme", "2026-11-27T11:00:00Z");
  auto early = add("globex", "2026-11-27T10:00:00Z");
  auto exact = add("acme", "2026-11-27T10:30:00Z");
  auto future = add("acme", "2026-11-27T10:30:01Z");
  auto settled = add("acme", "2026-11-27T09:30:00Z");
  auto overdue = add("acme", "2026-11-27T09:45:00Z");
  auto row = *a.index->awaited_ack(settled);
  a.index->transition_awaited_ack(row, AckState::accepted, {"2026-11-27T09:40:00Z", "acknowledged", ""});
  row = *a.index->awaited_ack(overdue);
  // already reported: not due again
  a.index->transition_awaited_ack(row, AckState::overdue, {"2026-11-27T09:50:00Z", "overdue", ""});

  CHECK(a.index->awaited_due("2026-11-27T09:59:59Z").empty());
  CHECK(ids_of(a.index->awaited_due("2026-11-27T10:30:00Z")) == Ids{early, exact});
  CHECK(ids_of(a.index->awaited_due("2026-11-28T00:00:00Z")) == Ids{early, exact, future, late});
  CHECK_THROWS_AS(a.index->awaited_due("now"), std::invalid_argument);
}

TEST_CASE("acknowledgments sent and received", "[index][acks]") {
  Archive a;
  auto in = a.add_file("acme", "in", 'i');
  auto our_997 = a.add_file("acme", "out", '9');
  auto out = a.add_file("acme", "out", 'o');
  auto their_ta1 = a.add_file("acme", "in", 't');
  auto sent = a.index->add_ack(
      {0, "sent", "997", "acme", our_997, in, "000003438", "1", "A", "AK901=A", "2026-11-27T10:00:05Z"});
  auto received = a.index->add_ack(
      {0, "received", "TA1", "acme", their_ta1, out, "000000101", "", "A", "TA104=A", "2026-11-27T09:00:00Z"});
  auto unmatched = a.index->add_ack({0, "received", "997", "acme", their_ta1, 0, "000000999", "9", "R", "AK901=R",
                                     "2026-11-27T11:00:00Z"});
  a.index->add_ack({0, "received", "997", "globex", 0, 0, "1", "1", "A", "", "2026-11-27T08:00:00Z"});

  auto answering = a.index->acks_answering(in);
  REQUIRE(answering.size() == 1);
  CHECK(answering[0].id == sent);
  CHECK(answering[0].direction == "sent");
  CHECK(answering[0].kind == "997");
  CHECK(answering[0].partner == "acme");
  CHECK(answering[0].file_id == our_997);
  CHECK(answering[0].answers_file_id == in);
  CHECK(answering[0].answers_interchange_control == "000003438");
  CHECK(answering[0].answers_group_control == "1");
  CHECK(answering[0].code == "A");
  CHECK(answering[0].detail == "AK901=A");
  CHECK(answering[0].at == "2026-11-27T10:00:05Z");
  CHECK(ids_of(a.index->acks_answering(out)) == Ids{received});
  CHECK(a.index->acks_answering(their_ta1).empty());
  CHECK(a.index->acks_of_partner("acme")[2].answers_file_id == 0);

  CHECK(ids_of(a.index->acks_of_partner("acme")) == Ids{received, sent, unmatched});
  CHECK(a.index->acks_of_partner("globex").size() == 1);
  CHECK(a.index->acks_of_partner("initech").empty());
  REQUIRE_THROWS_WITH(a.index->add_ack({0, "lost", "997", "acme", 0, 0, "", "", "", "", ""}), Contains("CHECK"));
}
