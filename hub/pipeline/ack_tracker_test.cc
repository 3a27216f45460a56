#include "hub/pipeline/ack_tracker.h"

#include <catch2/catch.hpp>

#include "tests/pipeline_context_fixture.h"

using namespace edihub;

namespace {

// An 850 we sent in file `file_id`, awaiting the supplier's 997: its group row and its set row.
std::pair<archive::AwaitedAck, archive::AwaitedAck> await_997(testing::PipelineContextFixture& f, std::int64_t file_id,
                                                              const std::string& due_at) {
  archive::AwaitedAck row;
  row.partner = "supplier";
  row.file_id = file_id;
  row.interchange_control = "000000042";
  row.group_control = "42";
  row.functional_id = "PO";
  row.sent_at = "2026-11-27T08:00:00.000Z";
  row.due_at = due_at;
  row.updated_at = row.sent_at;
  row.level = "group";
  row.id = f.index->add_awaited_ack(row);
  archive::AwaitedAck set = row;
  set.level = "set";
  set.set_control = "0001";
  set.set_type = "850";
  set.id = f.index->add_awaited_ack(set);
  return {row, set};
}

}  // namespace

TEST_CASE("an acknowledgment past its deadline is overdue: one overdue_ack per group", "[pipeline][ack_tracker]") {
  testing::PipelineContextFixture f;  // the clock stands at 2026-11-27T10:00:00Z
  const auto sent = f.add_file("supplier-000000042-850.edi", "out", archive::FileStatus::sent);
  await_997(f, sent, "2026-11-27T09:00:00Z");
  const auto later = f.add_file("supplier-000000043-850.edi", "out", archive::FileStatus::sent);
  await_997(f, later, "2026-11-27T11:00:00Z");  // not due yet
  hub::AckTracker acks(f.context);
  hub::RunSummary summary;
  acks.flag_overdue(summary);
  CHECK(summary.acks_overdue == 2);  // the group row and its set row
  REQUIRE(summary.exceptions.size() == 1);
  CHECK(summary.exceptions[0].kind == "overdue_ack");
  CHECK(summary.exceptions[0].reason ==
        "group 42 (PO) (interchange 000000042) sent to supplier at 2026-11-27T08:00:00.000Z: no 997 by "
        "2026-11-27T09:00:00Z");
  CHECK(f.index->awaited_acks("supplier", std::string("overdue")).size() == 2);
  CHECK(f.index->awaited_acks("supplier", std::string("awaiting")).size() == 2);
  hub::RunSummary again;
  acks.flag_overdue(again);  // flagged once, not on every pass
  CHECK(again.acks_overdue == 0);
}

TEST_CASE("a late acknowledgment settles the row and resolves its overdue_ack", "[pipeline][ack_tracker]") {
  testing::PipelineContextFixture f;
  const auto sent = f.add_file("supplier-000000042-850.edi", "out", archive::FileStatus::sent);
  auto [group, set] = await_997(f, sent, "2026-11-27T09:00:00Z");
  hub::AckTracker acks(f.context);
  hub::RunSummary summary;
  acks.flag_overdue(summary);
  REQUIRE(summary.exceptions.size() == 1);
  const auto ack_file_id = f.add_file("997.edi");
  auto ack_file = *f.index->file(ack_file_id);
  group = *f.index->awaited_ack(group.id);
  acks.settle(group, archive::AckState::accepted, ack_file, "AK9 A 1 1 1", summary);
  auto settled = f.index->awaited_ack(group.id);
  CHECK(settled->state == archive::AckState::accepted);
  CHECK(settled->ack_file_id == ack_file_id);
  CHECK(settled->detail == "AK9 A 1 1 1");
  auto overdue = f.index->exception(summary.exceptions[0].id);
  CHECK(overdue->state == archive::ExceptionState::resolved);
  CHECK(overdue->note == fmt::format("acknowledged late by F{}: accepted", ack_file_id));
  CHECK(summary.exceptions.size() == 1);  // an acceptance raises nothing
}

TEST_CASE("a rejected group is an ack_rejected exception, a rejected set only its row", "[pipeline][ack_tracker]") {
  testing::PipelineContextFixture f;
  const auto sent = f.add_file("supplier-000000042-850.edi", "out", archive::FileStatus::sent);
  auto [group, set] = await_997(f, sent, "2026-11-28T09:00:00Z");
  const auto ack_file = *f.index->file(f.add_file("997.edi"));
  hub::AckTracker acks(f.context);
  hub::RunSummary summary;
  acks.settle(set, archive::AckState::rejected, ack_file, "AK5 R 5", summary);
  CHECK(summary.exceptions.empty());
  acks.settle(group, archive::AckState::rejected, ack_file, "AK9 R 1 1 0", summary);
  REQUIRE(summary.exceptions.size() == 1);
  CHECK(summary.exceptions[0].kind == "ack_rejected");
  CHECK(summary.exceptions[0].reason.starts_with("group 42 (PO) sent 2026-11-27T08:00:00.000Z in F"));
  CHECK(f.index->awaited_acks("supplier", std::string("rejected")).size() == 2);
}

TEST_CASE("AK901 P settles a group partially_accepted, a state the index used to refuse", "[pipeline][ack_tracker]") {
  testing::PipelineContextFixture f;
  const auto sent = f.add_file("supplier-000000042-850.edi", "out", archive::FileStatus::sent);
  auto [group, set] = await_997(f, sent, "2026-11-28T09:00:00Z");
  const auto ack_file = *f.index->file(f.add_file("997.edi"));
  hub::AckTracker acks(f.context);
  hub::RunSummary summary;
  acks.settle(group, archive::AckState::partially_accepted, ack_file, "AK9 P 2 2 1", summary);
  CHECK(f.index->awaited_ack(group.id)->state == archive::AckState::partially_accepted);
  CHECK(f.index->events_of_file(sent).back().detail ==
        fmt::format("group 42 (PO) partially_accepted by F{} (997.edi): AK9 P 2 2 1", ack_file.id));
  CHECK(summary.exceptions.empty());
  // Settled once: a second verdict on the same row is refused by the state machine.
  REQUIRE_THROWS_AS(acks.settle(group, archive::AckState::accepted, ack_file, "AK9 A", summary),
                    archive::ArchiveStateError);
}
