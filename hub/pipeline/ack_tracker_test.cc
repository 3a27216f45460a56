#include "hub/pipeline/ack_tracker.h"

#include <catch2/catch.hpp>

#include "formats/edifact.h"
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

namespace {

// An EDIFACT ORDERS interchange 42 we sent with messages 1 and 2 (no UNG: the group row
// stands for the messages directly in the interchange), awaiting the supplier's CONTRL.
std::vector<archive::AwaitedAck> await_contrl(testing::PipelineContextFixture& f, std::int64_t file_id) {
  archive::AwaitedAck row;
  row.partner = "supplier";
  row.file_id = file_id;
  row.interchange_control = "42";
  row.group_control = "42";
  row.functional_id = "ORDERS";
  row.sent_at = "2026-11-27T08:00:00.000Z";
  row.due_at = "2026-11-28T08:00:00Z";
  row.updated_at = row.sent_at;
  row.level = "group";
  std::vector<archive::AwaitedAck> rows{row};
  for (const std::string reference : {"1", "2"}) {
    archive::AwaitedAck set = row;
    set.level = "set";
    set.set_control = reference;
    set.set_type = "ORDERS";
    rows.push_back(set);
  }
  for (auto& r : rows) r.id = f.index->add_awaited_ack(r);
  return rows;
}

// The partner's CONTRL message as the reader holds it (UNH = position 1, composites
// joined by edifact::kComponent), and its row in the index.
x12::TransactionSet contrl(const std::vector<std::vector<std::string>>& segments) {
  x12::TransactionSet set;
  set.id = "CONTRL";
  set.control_number = "77";
  std::uint32_t position = 0;
  for (const auto& s : segments) {
    x12::Segment segment{s[0], {s.begin() + 1, s.end()}};
    for (auto& e : segment.elements) std::replace(e.begin(), e.end(), ':', edifact::kComponent);
    segment.position = ++position;
    set.segments.push_back(segment);
  }
  return set;
}

archive::TransactionSetRecord contrl_row(testing::PipelineContextFixture& f, std::int64_t file_id,
                                         const std::string& key = "supplier/CONTRL/77") {
  archive::TransactionSetRecord rec;
  rec.file_id = file_id;
  rec.partner = "supplier";
  rec.type = "CONTRL";
  rec.control_number = "77";
  rec.idempotency_key = key;
  rec.received_at = rec.updated_at = "2026-11-27T09:00:00.000Z";
  rec.id = f.index->add_transaction_set(rec);
  return rec;
}

}  // namespace

TEST_CASE("a CONTRL rejecting one of two messages settles each message and the group partially", "[pipeline][ack_tracker][contrl]") {
  testing::PipelineContextFixture f;
  const auto sent = f.add_file("supplier-42-ORDERS.edi", "out", archive::FileStatus::sent);
  const auto rows = await_contrl(f, sent);
  const auto file = *f.index->file(f.add_file("contrl.edi"));
  auto rec = contrl_row(f, file.id);
  hub::AckTracker acks(f.context);
  hub::RunSummary summary;
  acks.reconcile_contrl(file, *f.config.partners.find("supplier"),
                        contrl({{"UNH", "77", "CONTRL:D:3:UN"},
                                {"UCI", "42", "BUYER:14", "SUPPLIER1:ZZ", "7"},
                                {"UCM", "0002", "ORDERS:D:96A:UN", "4"},
                                {"UCS", "4", "13"},
                                {"UNT", "5", "77"}}),
                        rec, summary);
  CHECK(summary.acks_reconciled == 1);
  CHECK(summary.exceptions.empty());  // a partial rejection is the set rows' business, as with a 997
  CHECK(f.index->awaited_ack(rows[0].id)->state == archive::AckState::partially_accepted);
  CHECK(f.index->awaited_ack(rows[1].id)->state == archive::AckState::accepted);  // not listed under UCI 7
  CHECK(f.index->awaited_ack(rows[1].id)->detail == "not listed; UCI 7");
  CHECK(f.index->awaited_ack(rows[2].id)->state == archive::AckState::rejected);
  CHECK(f.index->awaited_ack(rows[2].id)->detail == "UCM 0002 4");
  CHECK(f.index->transaction_set(rec.id)->status == archive::SetStatus::reconciled);
  const auto received = f.index->acks_of_partner("supplier");
  REQUIRE(received.size() == 1);
  CHECK(received[0].kind == "CONTRL");
  CHECK(received[0].answers_file_id == sent);
  CHECK(received[0].answers_interchange_control == "42");
  CHECK(received[0].code == "P");  // one of our two messages rejected
  CHECK(received[0].detail == "UCI 42 7: 1 of 1 message(s) rejected; 0002 ORDERS 4 (UCS 4 code 13)");
}

TEST_CASE("a CONTRL rejecting the interchange rejects every row: ack_rejected", "[pipeline][ack_tracker][contrl]") {
  testing::PipelineContextFixture f;
  const auto sent = f.add_file("supplier-42-ORDERS.edi", "out", archive::FileStatus::sent);
  const auto rows = await_contrl(f, sent);
  const auto file = *f.index->file(f.add_file("contrl.edi"));
  auto rec = contrl_row(f, file.id);
  hub::AckTracker acks(f.context);
  hub::RunSummary summary;
  acks.reconcile_contrl(file, *f.config.partners.find("supplier"),
                        contrl({{"UNH", "77", "CONTRL:4:1:UN"}, {"UCI", "000042", "BUYER", "SUPPLIER1", "4", "29", "UNZ", "1"},
                                {"UNT", "3", "77"}}),
                        rec, summary);
  for (const auto& row : rows) CHECK(f.index->awaited_ack(row.id)->state == archive::AckState::rejected);
  REQUIRE(summary.exceptions.size() == 1);
  CHECK(summary.exceptions[0].kind == "ack_rejected");
  CHECK_THAT(summary.exceptions[0].reason, Catch::Matchers::EndsWith("rejected by supplier: UCI 000042 4 code 29 in UNZ"));
}

TEST_CASE("a CONTRL for an interchange we never sent, or a broken one, is an exception", "[pipeline][ack_tracker][contrl]") {
  testing::PipelineContextFixture f;
  const auto file = *f.index->file(f.add_file("contrl.edi"));
  auto rec = contrl_row(f, file.id);
  hub::AckTracker acks(f.context);
  hub::RunSummary summary;
  const auto& partner = *f.config.partners.find("supplier");
  acks.reconcile_contrl(file, partner, contrl({{"UNH", "77", "CONTRL:D:3:UN"}, {"UCI", "99", "A", "B", "7"}, {"UNT", "3", "77"}}),
                        rec, summary);
  REQUIRE(summary.exceptions.size() == 1);
  CHECK(summary.exceptions[0].kind == "unmatched_ack");
  CHECK(summary.exceptions[0].reason ==
        "contrl.edi: CONTRL 77 answers interchange 99, which we never sent to supplier: UCI 99 7");

  auto broken = contrl_row(f, file.id, "supplier/CONTRL/78");
  acks.reconcile_contrl(file, partner, contrl({{"UNH", "77", "CONTRL:D:3:UN"}, {"UCS", "2"}, {"UNT", "3", "77"}}), broken,
                        summary);
  REQUIRE(summary.exceptions.size() == 2);
  CHECK(summary.exceptions[1].kind == "validation_error");
  CHECK_THAT(summary.exceptions[1].reason, Catch::Matchers::Contains("CONTRL segment 2 (UCS): expected UCI first"));
  CHECK(f.index->transaction_set(broken.id)->status == archive::SetStatus::failed);
}

TEST_CASE("an overdue CONTRL is named as such", "[pipeline][ack_tracker][contrl]") {
  testing::PipelineContextFixture f;
  const auto profile = f.dir / "partners/supplier.yaml";
  testing::write_file(profile, testing::read_file(profile) + "acknowledgments: {expect: contrl}\n");
  f.config = hub::Config::load(f.dir.path());  // the context refers to f.config
  const auto sent = f.add_file("supplier-42-ORDERS.edi", "out", archive::FileStatus::sent);
  await_contrl(f, sent);
  f.clock.set(hub::parse_iso_utc("2026-11-28T09:00:00Z"));
  hub::AckTracker acks(f.context);
  hub::RunSummary summary;
  acks.flag_overdue(summary);
  REQUIRE(summary.exceptions.size() == 1);
  CHECK(summary.exceptions[0].reason ==
        "group 42 (ORDERS) (interchange 42) sent to supplier at 2026-11-27T08:00:00.000Z: no CONTRL by 2026-11-28T08:00:00Z");
}

TEST_CASE("an EDIFACT interchange asking for a CONTRL gets one, numbered from the partner's counters",
          "[pipeline][ack_tracker][contrl]") {
  testing::PipelineContextFixture f;
  partners::Profile partner = *f.config.partners.find("supplier");
  partner.outbound = partners::OutboundChannel{partners::FolderSink{f.dir / "out"}, {}, false, ""};
  x12::InterchangeResult result;
  auto& h = result.header;
  h.standard = x12::Standard::Edifact;
  h.syntax_identifier = "UNOC";
  h.version = "3";
  h.delimiters = edifact::default_delimiters(3);
  h.sender_id = "SUPPLIER1";
  h.sender_qualifier = "ZZ";
  h.receiver_id = "BUYER";
  h.receiver_qualifier = "14";
  h.control_number = "5001";
  h.usage = "P";
  x12::GroupResult group;
  group.header.implicit = true;
  group.header.functional_id = "DESADV";
  group.header.version = "D96A";
  x12::SetResult desadv;
  desadv.id = "DESADV";
  desadv.control_number = "1";
  group.sets = {desadv};
  result.groups = {group};
  const auto file = *f.index->file(f.add_file("desadv.edi"));
  hub::AckTracker acks(f.context);

  acks.acknowledge(file, partner, result);  // UNB 0031 not 1: on_request sends nothing
  CHECK(f.index->acks_answering(file.id).empty());

  result.header.ack_requested = true;
  acks.acknowledge(file, partner, result);
  const auto sent = f.index->acks_answering(file.id);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].kind == "CONTRL");
  CHECK(sent[0].direction == "sent");
  CHECK(sent[0].answers_interchange_control == "5001");
  CHECK(sent[0].code == "A");
  CHECK(sent[0].detail == "UCI 7: 1 of 1 message(s) accepted");
  const auto out = *f.index->file(sent[0].file_id);
  CHECK(out.source_name == "supplier-1-CONTRL.edi");
  f.outbox->publish_staged();
  // The fixture's clock stands at 2026-11-27T10:00Z; syntax 3 dates are YYMMDD.
  CHECK(f.store->read(out.sha256) ==
        "UNB+UNOC:3+BUYER:14+SUPPLIER1:ZZ+261127:1000+1'UNH+1+CONTRL:D:3:UN'UCI+5001+SUPPLIER1:ZZ+BUYER:14+7'"
        "UCM+1+DESADV:D:96A:UN+7'UNT+4+1'UNZ+1+1'");

  // The CONTRL we sent is archived like any document we send: its message row.
  const auto rows = f.index->transaction_sets_of_file(out.id);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].type == "CONTRL");
}

TEST_CASE("a second CONTRL for the same interchange changes nothing", "[pipeline][ack_tracker][contrl]") {
  testing::PipelineContextFixture f;
  const auto sent = f.add_file("supplier-42-ORDERS.edi", "out", archive::FileStatus::sent);
  const auto rows = await_contrl(f, sent);
  const auto file = *f.index->file(f.add_file("contrl.edi"));
  const auto& partner = *f.config.partners.find("supplier");
  const auto accepted = contrl({{"UNH", "77", "CONTRL:D:3:UN"}, {"UCI", "42", "A", "B", "7"}, {"UNT", "3", "77"}});
  hub::AckTracker acks(f.context);
  hub::RunSummary summary;
  auto first = contrl_row(f, file.id);
  acks.reconcile_contrl(file, partner, accepted, first, summary);
  auto again = contrl_row(f, file.id, "supplier/CONTRL/78");
  acks.reconcile_contrl(file, partner, accepted, again, summary);
  CHECK(summary.exceptions.empty());
  for (const auto& row : rows) CHECK(f.index->awaited_ack(row.id)->state == archive::AckState::accepted);
  CHECK(f.index->acks_of_partner("supplier").size() == 2);  // both recorded as received
}
