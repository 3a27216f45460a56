#include "hub/pipeline/ack_tracker.h"

#include <map>

#include <fmt/format.h>

#include "formats/ack.h"
#include "formats/ack_reader.h"
#include "formats/contrl.h"
#include "formats/edifact_writer.h"
#include "hub/as2_agreement.h"
#include "hub/pipeline/set_rows.h"

namespace edihub::hub {

using archive::AckState;
using archive::As2State;
using archive::AwaitedAck;
using archive::ExceptionState;
using archive::SetStatus;
using archive::ExceptionRecord;
using archive::FileRecord;

namespace {

bool wants_ta1(const partners::Profile& partner, const x12::InterchangeResult& result) {
  const auto& policy = partner.acks.ta1;
  return policy == "always" || (policy == "on_request" && result.header.ack_requested) ||
         (policy == "on_error" && result.note_code != "000");
}

// The first group we would acknowledge decides 997 or 999 for the whole interchange.
std::string ack_kind_for(const partners::Profile& partner, const x12::InterchangeResult& result) {
  for (const auto& group : result.groups)
    if (x12::acknowledged(group)) return partner.ack_for(group.header.version);
  return "none";
}

AckState state_of(const std::string& code) {
  if (code == "A") return AckState::accepted;
  if (code == "E") return AckState::accepted_with_errors;
  if (code == "P") return AckState::partially_accepted;
  return AckState::rejected;
}

std::string set_ack_text(const x12::SetAck& set) {
  std::string text = "AK5 " + set.ack_code;
  for (const auto& code : set.codes) text += " " + code;
  for (const auto& segment : set.segments) {
    text += fmt::format("; {} at {} code {}", segment.tag, segment.position, segment.code);
    for (const auto& element : segment.elements)
      text += fmt::format(" [{}{:02} code {}{}]", segment.tag, element.position, element.code,
                          element.bad_value.empty() ? "" : " '" + element.bad_value + "'");
  }
  return text;
}

// EDIFACT: `acknowledgments.contrl` against UNB 0031 and the verdicts.
bool wants_contrl(const partners::Profile& partner, const x12::InterchangeResult& result) {
  const auto& policy = partner.acks.contrl;
  auto clean = [&] {
    for (const auto& group : result.groups) {
      if (group.ack_code != "A") return false;
      for (const auto& set : group.sets)
        if (set.ack_code != "A") return false;
    }
    return result.ack_code == "A";
  };
  return policy == "always" || (policy == "on_request" && result.header.ack_requested) ||
         (policy == "on_error" && !clean());
}

// A (all accepted), P (some messages rejected) or R: how the index shows our CONTRL's verdict.
std::string contrl_code(const x12::InterchangeResult& result, std::size_t& messages, std::size_t& accepted) {
  messages = accepted = 0;
  for (const auto& group : result.groups)
    for (const auto& set : group.sets) {
      if (set.id == edifact::kContrl) continue;
      ++messages;
      accepted += set.accepted() && group.ack_code != "R";
    }
  if (!result.accepted() || (messages > 0 && accepted == 0)) return "R";
  return accepted < messages ? "P" : "A";
}

bool same_control(const std::string& a, const std::string& b) {
  auto trim = [](const std::string& s) { return s.substr(std::min(s.find_first_not_of('0'), s.size())); };
  return trim(a) == trim(b);
}

}  // namespace

void AckTracker::acknowledge(const FileRecord& file, const partners::Profile& partner,
                           const x12::InterchangeResult& result) {
  if (!partner.outbound) return;
  // A replay does not acknowledge again what the partner already has an answer for.
  if (file.replay_of && !ctx_.index.acks_answering(file.replay_of).empty()) return;
  if (result.header.standard == x12::Standard::Edifact) return acknowledge_contrl(file, partner, result);
  const std::string kind = ack_kind_for(partner, result);
  x12::AckRequest request;
  request.kind = kind == "999" ? x12::AckKind::Implementation999 : x12::AckKind::Functional997;
  request.functional_acks = kind == "997" || kind == "999";
  request.ta1 = wants_ta1(partner, result);
  if (!result.accepted() && partner.acks.ta1 == "never") return;
  const std::size_t sets = x12::ack_set_count(result, request);
  if (sets == 0 && !request.ta1 && result.accepted()) return;

  auto numbers = ctx_.outbox.take(partner, sets);
  auto at = ctx_.clock.now();
  x12::AckEnvelope envelope;
  envelope.version = result.header.version;
  envelope.delimiters = x12::ack_delimiters(result.header.delimiters, envelope.version);
  envelope.suffix = partner.envelope.line_breaks ? "\n" : "";
  envelope.date = x12_utc(at, "%Y%m%d");
  envelope.time = x12_utc(at, "%H%M");
  envelope.usage = result.header.usage;
  envelope.interchange_control = numbers.interchange;
  envelope.group_control = numbers.group;
  envelope.first_set_control = numbers.first_set;
  std::string bytes = x12::build_ack(result, request, envelope);
  if (bytes.empty()) return;

  const std::string now = ctx_.clock.iso_now();
  const std::string isa13 = fmt::format("{:09}", numbers.interchange);
  const std::string what = sets > 0 ? kind : "TA1";
  auto out = ctx_.outbox.queue(partner, fmt::format("{}-{}-{}.edi", partner.id, isa13, what), bytes);
  // The ack is archived like any document: its interchange, group and sets are queryable.
  record_sent(ctx_.index, ctx_.clock, partner, out, bytes, "ack/" + partner.id + "/" + isa13);
  const auto& h = result.header;
  if (request.ta1 || !result.accepted())
    ctx_.index.add_ack({0, "sent", "TA1", partner.id, out.id, file.id, h.control_number, "", result.ack_code,
                     fmt::format("TA1 {} note {}", result.ack_code, result.note_code), now});
  if (result.accepted() && request.functional_acks)
    for (const auto& group : result.groups) {
      if (!x12::acknowledged(group)) continue;
      ctx_.index.add_ack({0, "sent", kind, partner.id, out.id, file.id, h.control_number, group.header.control_number,
                       group.ack_code,
                       fmt::format("AK9 {}: {} of {} set(s) accepted", group.ack_code, group.sets_accepted,
                                   group.sets_received),
                       now});
    }
  ctx_.index.add_event({0, file.id, 0, now, "acknowledged",
                     fmt::format("interchange {}: {} queued as F{} ({})", h.control_number, what, out.id, out.source_name)});
}

void AckTracker::acknowledge_contrl(const FileRecord& file, const partners::Profile& partner,
                                    const x12::InterchangeResult& result) {
  if (!wants_contrl(partner, result) || !edifact::contrl_answers(result)) return;
  // One interchange of one message: UNB 0020 and UNH 0062 from the counters the 997 uses.
  auto numbers = ctx_.outbox.take(partner, 1);
  auto at = ctx_.clock.now();
  edifact::ContrlEnvelope envelope;
  envelope.date = x12_utc(at, "%Y%m%d");
  envelope.time = x12_utc(at, "%H%M");
  envelope.interchange_reference = edifact::reference(numbers.interchange);
  envelope.message_reference = edifact::reference(numbers.first_set);
  envelope.suffix = partner.envelope.line_breaks ? "\n" : "";
  const std::string bytes = edifact::build_contrl(result, envelope);
  if (bytes.empty()) return;

  const std::string now = ctx_.clock.iso_now();
  const std::string& reference = envelope.interchange_reference;
  auto out = ctx_.outbox.queue(partner, fmt::format("{}-{}-CONTRL.edi", partner.id, reference), bytes);
  record_sent(ctx_.index, ctx_.clock, partner, out, bytes, "ack/" + partner.id + "/" + reference);
  const auto& h = result.header;
  std::size_t messages = 0, accepted = 0;
  const std::string code = contrl_code(result, messages, accepted);
  const std::string detail =
      result.accepted() ? fmt::format("UCI 7: {} of {} message(s) accepted", accepted, messages)
                        : fmt::format("UCI 4: interchange rejected, note {}", result.note_code);
  ctx_.index.add_ack({0, "sent", "CONTRL", partner.id, out.id, file.id, h.control_number, "", code, detail, now});
  ctx_.index.add_event({0, file.id, 0, now, "acknowledged",
                        fmt::format("interchange {}: CONTRL queued as F{} ({})", h.control_number, out.id, out.source_name)});
}

void AckTracker::reconcile_ta1(const FileRecord& file, const partners::Profile& partner, const x12::Segment& segment,
                             RunSummary& summary) {
  const std::string now = ctx_.clock.iso_now();
  ExceptionRecord problem;
  problem.partner = partner.id;
  problem.file_id = file.id;
  x12::InterchangeAck ta1;
  try {
    ta1 = x12::read_ta1(segment);
  } catch (const std::exception& e) {
    problem.kind = "validation_error";
    problem.reason = fmt::format("{}: segment {} TA1: {}", file.source_name, segment.number, e.what());
    return ctx_.raise(summary, problem);
  }
  std::string detail = x12::describe(ta1);
  ctx_.index.add_ack({0, "received", "TA1", partner.id, file.id, 0, ta1.control_number, "", ta1.ack_code, detail, now});
  auto rows = ctx_.index.awaited_for(partner.id, fmt::format("{:09}", ta1.control_value), "");
  if (rows.empty()) {
    problem.kind = "unmatched_ack";
    problem.reason = fmt::format("{}: segment {}: TA1 for interchange {}, which we never sent to {}: {}", file.source_name,
                                 segment.number, ta1.control_number, partner.id, detail);
    return ctx_.raise(summary, problem);
  }
  AwaitedAck row = rows.front();
  settle(row, state_of(ta1.ack_code), file, detail, summary);
}

void AckTracker::reconcile_functional_ack(const FileRecord& file, const partners::Profile& partner,
                                        const x12::TransactionSet& set, archive::TransactionSetRecord& rec,
                                        RunSummary& summary) {
  const std::string now = ctx_.clock.iso_now();
  ExceptionRecord problem;
  problem.partner = partner.id;
  problem.file_id = file.id;
  problem.set_id = rec.id;
  x12::FunctionalAck ack;
  try {
    ack = x12::read_functional_ack(set);
  } catch (const std::exception& e) {
    problem.kind = "validation_error";
    problem.reason = fmt::format("{}: {} {} (segment {}): {}", file.source_name, set.id, set.control_number,
                                 rec.first_segment, e.what());
    ctx_.index.transition_set(rec, SetStatus::failed, {now, "failed", "an unreadable acknowledgment"});
    return ctx_.raise(summary, problem);
  }
  rec.target = "acknowledgment";
  std::string detail = x12::describe(ack);
  ctx_.index.transition_set(rec, SetStatus::reconciled, {now, "reconciled", detail});
  ctx_.index.add_ack({0, "received", set.id, partner.id, file.id, 0, "", ack.group_control, ack.ack_code, detail, now});

  auto rows = ctx_.index.awaited_for(partner.id, "", ack.group_control);
  const AwaitedAck* group_row = nullptr;
  for (const auto& row : rows)
    if (row.level == "group") {
      group_row = &row;
      break;
    }
  if (!group_row) {
    problem.kind = "unmatched_ack";
    problem.reason = fmt::format("{}: {} {} answers group {} ({}), which we never sent to {}: {}", file.source_name, set.id,
                                 set.control_number, ack.group_control, ack.functional_id, partner.id, detail);
    return ctx_.raise(summary, problem);
  }
  AwaitedAck group = *group_row;
  // The set rows of the very interchange the group row belongs to.
  for (auto row : rows) {
    if (row.level != "set" || row.interchange_control != group.interchange_control) continue;
    const x12::SetAck* answer = nullptr;
    for (const auto& s : ack.sets)
      if (same_control(s.control_number, row.set_control)) answer = &s;
    // A 997 lists only sets with errors: the others are accepted unless the group is rejected.
    std::string code = answer ? answer->ack_code : (ack.ack_code == "R" ? "R" : "A");
    std::string set_detail = answer ? set_ack_text(*answer) : fmt::format("not listed; AK9 {}", ack.ack_code);
    settle(row, state_of(code), file, set_detail, summary);
  }
  settle(group, state_of(ack.ack_code), file, detail, summary);
  summary.acks_reconciled++;
}

void AckTracker::reconcile_contrl(const FileRecord& file, const partners::Profile& partner, const x12::TransactionSet& set,
                                  archive::TransactionSetRecord& rec, RunSummary& summary) {
  const std::string now = ctx_.clock.iso_now();
  ExceptionRecord problem;
  problem.partner = partner.id;
  problem.file_id = file.id;
  problem.set_id = rec.id;
  edifact::ContrlAck ack;
  try {
    ack = edifact::read_contrl(set);
  } catch (const std::exception& e) {
    problem.kind = "validation_error";
    problem.reason = fmt::format("{}: CONTRL {} (segment {}): {}", file.source_name, set.control_number,
                                 rec.first_segment, e.what());
    ctx_.index.transition_set(rec, SetStatus::failed, {now, "failed", "an unreadable acknowledgment"});
    return ctx_.raise(summary, problem);
  }
  rec.target = "acknowledgment";
  const std::string detail = edifact::describe(ack);
  ctx_.index.transition_set(rec, SetStatus::reconciled, {now, "reconciled", detail});

  auto rows = ctx_.index.awaited_in_interchange(partner.id, ack.interchange_reference);
  // A reused reference (the counter wrapped) answers the newest interchange that carried it.
  if (!rows.empty())
    std::erase_if(rows, [newest = rows.front().file_id](const AwaitedAck& row) { return row.file_id != newest; });
  // Without UCF the messages stand directly under the UCI, whatever group row we keep.
  const bool by_group = !ack.groups.empty();
  auto action_of = [&](const AwaitedAck& row) {
    return edifact::message_action(ack, row.set_control, by_group ? row.group_control : "");
  };
  // A, P or R over our messages when we await them, else over the ones it lists.
  std::size_t answered = 0, rejected = 0;
  for (const auto& row : rows)
    if (row.level == "set") ++answered, rejected += action_of(row) == edifact::kRejected;
  if (answered == 0)
    for (const auto& m : ack.messages) ++answered, rejected += m.rejected();
  const std::string code = ack.rejected() || (answered > 0 && rejected == answered) ? "R" : rejected > 0 ? "P" : "A";
  ctx_.index.add_ack({0, "received", "CONTRL", partner.id, file.id, rows.empty() ? 0 : rows.front().file_id,
                      ack.interchange_reference, "", code, detail, now});
  if (rows.empty()) {
    problem.kind = "unmatched_ack";
    problem.reason = fmt::format("{}: CONTRL {} answers interchange {}, which we never sent to {}: {}", file.source_name,
                                 set.control_number, ack.interchange_reference, partner.id, detail);
    return ctx_.raise(summary, problem);
  }
  // A second CONTRL for the same interchange settles nothing again (a row is settled once).
  std::erase_if(rows, [](const AwaitedAck& row) { return row.state != AckState::awaiting && row.state != AckState::overdue; });
  std::map<std::string, std::pair<std::size_t, std::size_t>> per_group;  // group control -> (messages, rejected)
  for (auto row : rows) {
    if (row.level != "set") continue;
    const auto action = action_of(row);
    const edifact::MessageAck* listed = nullptr;
    for (const auto& m : ack.messages)
      if (same_control(m.reference, row.set_control)) listed = &m;
    auto& [messages, rejected_here] = per_group[row.group_control];
    ++messages;
    rejected_here += action == edifact::kRejected;
    const std::string text = listed ? fmt::format("UCM {} {}{}", listed->reference, listed->action,
                                                  listed->error.empty() ? "" : " code " + listed->error)
                                    : fmt::format("not listed; UCI {}", ack.action);
    settle(row, action == edifact::kRejected ? AckState::rejected : AckState::accepted, file, text, summary);
  }
  for (auto row : rows) {
    if (row.level == "set") continue;
    AckState state = ack.rejected() ? AckState::rejected : AckState::accepted;
    if (row.level == "group" && !ack.rejected()) {
      for (const auto& g : ack.groups)
        if (same_control(g.reference, row.group_control) && g.rejected()) state = AckState::rejected;
      const auto [messages, rejected_here] = per_group[row.group_control];
      if (state != AckState::rejected && rejected_here > 0)
        state = rejected_here == messages ? AckState::rejected : AckState::partially_accepted;
    }
    settle(row, state, file, detail, summary);
  }
  summary.acks_reconciled++;
}

// Records the partner's verdict on one awaited row; a rejection is an exception, and an
// overdue exception of the same document is resolved by the late acknowledgment.
void AckTracker::settle(AwaitedAck& row, AckState state, const FileRecord& ack_file, const std::string& detail,
                        RunSummary& summary) {
  const std::string now = ctx_.clock.iso_now();
  bool was_overdue = row.state == AckState::overdue;
  row.ack_file_id = ack_file.id;
  row.detail = detail;
  std::string what = row.level == "set" ? fmt::format("{} {}", row.set_type, row.set_control)
                   : row.level == "group" ? fmt::format("group {} ({})", row.group_control, row.functional_id)
                                          : fmt::format("interchange {}", row.interchange_control);
  ctx_.index.transition_awaited_ack(
      row, state,
      {now, "acknowledged", fmt::format("{} {} by F{} ({}): {}", what, to_string(state), ack_file.id, ack_file.source_name, detail)});
  if (was_overdue)
    for (const auto& e : ctx_.index.exceptions_of_file(row.file_id))
      if (e.kind == "overdue_ack" && e.state == ExceptionState::open && e.reason.starts_with(row.level + " "))
        ctx_.index.close_exception(e.id, ExceptionState::resolved, "edihub",
                                   fmt::format("acknowledged late by F{}: {}", ack_file.id, to_string(state)), now);
  if (state == AckState::rejected && row.level != "set") {
    ExceptionRecord rejected;
    rejected.partner = row.partner;
    rejected.file_id = row.file_id;
    rejected.kind = "ack_rejected";
    rejected.reason = fmt::format("{} sent {} in F{} ({}) was rejected by {}: {}", what, row.sent_at, row.file_id,
                                  row.interchange_control, row.partner, detail);
    ctx_.raise(summary, rejected);
  }
}

void AckTracker::flag_overdue(RunSummary& summary) {
  const std::string now = ctx_.clock.iso_now();
  auto due = ctx_.index.awaited_due(now);
  if (due.empty()) return;
  archive::Index::Transaction tx(ctx_.index);
  for (auto& row : due) {
    ctx_.index.transition_awaited_ack(row, AckState::overdue, {now, "overdue", "no acknowledgment by " + row.due_at});
    summary.acks_overdue++;
    if (row.level == "set") continue;  // one exception per group (or interchange awaiting a TA1)
    ExceptionRecord overdue;
    overdue.partner = row.partner;
    overdue.file_id = row.file_id;
    const auto* partner = ctx_.config.partners.find(row.partner);
    const bool contrl = partner && partner->acks.expect == "contrl";
    std::string expected = contrl ? "CONTRL" : row.level == "interchange" ? "TA1" : (partner ? partner->acks.expect : "997/999");
    overdue.kind = "overdue_ack";
    overdue.reason = fmt::format("{} {} (interchange {}) sent to {} at {}: no {} by {}",
                                 row.level == "group" ? "group" : "interchange",
                                 row.level == "group" ? row.group_control + " (" + row.functional_id + ")" : row.interchange_control,
                                 row.interchange_control, row.partner, row.sent_at, expected, row.due_at);
    ctx_.raise(summary, overdue);
  }
  tx.commit();
}

void AckTracker::flag_overdue_mdns(RunSummary& summary) {
  const std::string now = ctx_.clock.iso_now();
  auto due = ctx_.index.as2_mdns_due(now);
  if (due.empty()) return;
  archive::Index::Transaction tx(ctx_.index);
  for (auto& row : due) {
    ctx_.index.transition_as2_message(row, As2State::mdn_overdue, {now, "as2_mdn_overdue", "no async MDN by " + row.due_at});
    ctx_.raise(summary, exception_record(row.partner, row.file_id, "mdn_overdue",
                                         fmt::format("AS2 message {} sent to {} at {}: no async MDN by {}", row.message_id,
                                                     row.partner, row.sent_at, row.due_at)));
  }
  tx.commit();
}

}  // namespace edihub::hub
