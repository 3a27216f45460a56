#include "archive/states.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive/index.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using Catch::Matchers::Contains;

TEST_CASE("every state's name reads back as the same state", "[states]") {
  for (auto s : {FileStatus::received, FileStatus::processed, FileStatus::duplicate, FileStatus::exception,
                 FileStatus::queued, FileStatus::sent, FileStatus::recovered})
    CHECK(parse_state<FileStatus>(to_string(s)) == s);
  for (auto s : {SetStatus::received, SetStatus::mapped, SetStatus::delivered, SetStatus::failed, SetStatus::rejected,
                 SetStatus::dead_letter, SetStatus::queued, SetStatus::sent, SetStatus::reconciled, SetStatus::duplicate,
                 SetStatus::unknown_partner, SetStatus::recovered})
    CHECK(parse_state<SetStatus>(to_string(s)) == s);
  for (auto s : {AckState::awaiting, AckState::accepted, AckState::accepted_with_errors, AckState::partially_accepted,
                 AckState::rejected, AckState::overdue})
    CHECK(parse_state<AckState>(to_string(s)) == s);
  for (auto s : {As2State::received, As2State::sending, As2State::delivered, As2State::awaiting_mdn, As2State::sent_no_mdn,
                 As2State::negative_mdn, As2State::mdn_mismatch, As2State::mdn_overdue})
    CHECK(parse_state<As2State>(to_string(s)) == s);
  for (auto s : {ExceptionState::open, ExceptionState::resolved, ExceptionState::ignored})
    CHECK(parse_state<ExceptionState>(to_string(s)) == s);
  CHECK(to_string(SetStatus::dead_letter) == "dead_letter");
  CHECK(to_string(SetStatus::unknown_partner) == "unknown_partner");
  CHECK(to_string(AckState::accepted_with_errors) == "accepted_with_errors");
  CHECK(nlohmann::json(SetStatus::delivered) == "delivered");  // JSON shows the name, not a number
}

TEST_CASE("an unknown state name is an error naming it and what was expected", "[states]") {
  REQUIRE_THROWS_MATCHES(parse_state<FileStatus>("lost"), ArchiveStateError,
                         Catch::Matchers::Message("unknown file status 'lost' (expected one of: received, processed, "
                                                  "duplicate, exception, queued, sent, recovered)"));
  REQUIRE_THROWS_WITH(parse_state<SetStatus>("Delivered"), Contains("unknown transaction set status 'Delivered'"));
  REQUIRE_THROWS_WITH(parse_state<AckState>(""), Contains("unknown awaited acknowledgment state ''"));
  REQUIRE_THROWS_WITH(parse_state<As2State>("lost"), Contains("unknown AS2 message state 'lost'"));
  REQUIRE_THROWS_WITH(parse_state<ExceptionState>("closed"), Contains("(expected one of: open, resolved, ignored)"));
}

TEST_CASE("a state stored that no enum knows is an error when the row is read", "[states][index]") {
  edihub::testing::TempDir dir;
  auto index = Index::open(dir / "index.db");
  FileRecord file;
  file.sha256 = std::string(64, 'a');
  file.partner = "acme";
  file.channel = "folder:inbox";
  const auto id = index->add_file(file);
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open((dir / "index.db").c_str(), &raw) == SQLITE_OK);
  REQUIRE(sqlite3_exec(raw, "UPDATE files SET status = 'lost'", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  REQUIRE_THROWS_WITH(index->file(id), Contains("unknown file status 'lost'"));
}

TEST_CASE("file transitions: received ends processed, duplicate or exception, queued ends sent", "[states]") {
  using S = FileStatus;
  for (auto to : {S::processed, S::duplicate, S::exception}) CHECK(allowed(S::received, to));
  CHECK(allowed(S::queued, S::sent));
  // Final states stay final; a replay is a new file, not a way back.
  for (auto from : {S::processed, S::duplicate, S::exception, S::sent, S::recovered})
    for (auto to : {S::received, S::processed, S::duplicate, S::exception, S::queued, S::sent})
      CHECK_FALSE(allowed(from, to));
  CHECK_FALSE(allowed(S::received, S::sent));
  CHECK_FALSE(allowed(S::queued, S::processed));
  CHECK_FALSE(allowed(S::received, S::received));
}

TEST_CASE("transaction set transitions: processing, delivery, a replay's second chance, sending", "[states]") {
  using S = SetStatus;
  for (auto to : {S::mapped, S::failed, S::rejected, S::reconciled, S::duplicate, S::unknown_partner})
    CHECK(allowed(S::received, to));
  for (auto to : {S::delivered, S::failed, S::dead_letter}) CHECK(allowed(S::mapped, to));
  // Streamed: a set is mapped at its SE, before its group's GE or interchange's IEA says
  // whether the envelope was accepted; a rejected envelope rejects it after all.
  CHECK(allowed(S::mapped, S::rejected));
  CHECK(allowed(S::queued, S::sent));
  // A replay takes again what did not reach the ERP...
  for (auto from : {S::failed, S::rejected, S::dead_letter, S::duplicate, S::unknown_partner, S::recovered})
    CHECK(allowed(from, S::mapped));
  // ...never what did, nor a reconciled acknowledgment.
  for (auto from : {S::delivered, S::reconciled, S::sent})
    for (auto to : {S::received, S::mapped, S::delivered, S::failed, S::rejected, S::dead_letter})
      CHECK_FALSE(allowed(from, to));
  CHECK_FALSE(allowed(S::received, S::delivered));  // mapped first
  CHECK_FALSE(allowed(S::mapped, S::mapped));
  CHECK_FALSE(allowed(S::queued, S::delivered));
  CHECK_FALSE(allowed(S::received, S::sent));
  CHECK_FALSE(allowed(S::failed, S::delivered));
}

TEST_CASE("awaited acknowledgment transitions: settled once, overdue in between", "[states]") {
  using S = AckState;
  for (auto from : {S::awaiting, S::overdue})
    for (auto to : {S::accepted, S::accepted_with_errors, S::partially_accepted, S::rejected}) CHECK(allowed(from, to));
  CHECK(allowed(S::awaiting, S::overdue));
  CHECK_FALSE(allowed(S::overdue, S::overdue));
  CHECK_FALSE(allowed(S::overdue, S::awaiting));
  for (auto from : {S::accepted, S::accepted_with_errors, S::partially_accepted, S::rejected})
    for (auto to : {S::awaiting, S::accepted, S::rejected, S::overdue}) CHECK_FALSE(allowed(from, to));
}

TEST_CASE("AS2 message transitions: sending to an MDN's verdict, async MDNs late or not", "[states]") {
  using S = As2State;
  for (auto to : {S::delivered, S::awaiting_mdn, S::sent_no_mdn, S::negative_mdn, S::mdn_mismatch})
    CHECK(allowed(S::sending, to));
  for (auto from : {S::awaiting_mdn, S::mdn_overdue})
    for (auto to : {S::delivered, S::negative_mdn, S::mdn_mismatch}) CHECK(allowed(from, to));
  CHECK(allowed(S::awaiting_mdn, S::mdn_overdue));
  CHECK_FALSE(allowed(S::sending, S::mdn_overdue));
  CHECK_FALSE(allowed(S::received, S::delivered));  // a message we received has no MDN to wait for
  for (auto from : {S::delivered, S::sent_no_mdn, S::negative_mdn, S::mdn_mismatch})
    for (auto to : {S::sending, S::delivered, S::awaiting_mdn, S::mdn_overdue}) CHECK_FALSE(allowed(from, to));
}

TEST_CASE("notification transitions: a pending notification is sent or failed, once", "[states]") {
  using S = NotificationState;
  CHECK(allowed(S::pending, S::sent));
  CHECK(allowed(S::pending, S::failed));
  CHECK_FALSE(allowed(S::sent, S::pending));  // sent is final: a crash before the mark re-sends, never after
  CHECK_FALSE(allowed(S::failed, S::pending));
  CHECK_FALSE(allowed(S::sent, S::failed));
  CHECK(parse_state<NotificationState>("failed") == S::failed);
  REQUIRE_THROWS_WITH(parse_state<NotificationState>("queued"),
                      "unknown notification state 'queued' (expected one of: pending, sent, failed)");
}

TEST_CASE("exception transitions: an open exception is resolved or ignored, once", "[states]") {
  using S = ExceptionState;
  CHECK(allowed(S::open, S::resolved));
  CHECK(allowed(S::open, S::ignored));
  CHECK_FALSE(allowed(S::open, S::open));
  CHECK_FALSE(allowed(S::resolved, S::open));
  CHECK_FALSE(allowed(S::resolved, S::ignored));
  CHECK_FALSE(allowed(S::ignored, S::resolved));
  REQUIRE_THROWS_WITH(check_transition(S::resolved, S::open, "exception 4"),
                      "exception 4: resolved -> open is not an allowed transition");
}
