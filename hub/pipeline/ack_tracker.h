// The acknowledgment tracker: the 997/999/TA1 (CONTRL for EDIFACT) we send for a partner's interchange (built
// from its validation report, numbered from the partner's counters, queued in the outbox,
// linked to the file it answers); the partner's 997/999/TA1 for what we sent (reconciled
// to the awaited rows, rejections raised as exceptions, late ones closing their overdue
// exception; a partner's CONTRL likewise for our EDIFACT interchanges); and the deadlines that turn a missing acknowledgment (overdue_ack) or a
// missing async AS2 MDN (mdn_overdue) into an exception. All inside the caller's index
// transaction, except flag_overdue and flag_overdue_mdns, which commit their own.
#pragma once

#include "formats/parsed_file.h"
#include "formats/validation.h"
#include "hub/pipeline/context.h"

namespace edihub::hub {

class AckTracker {
 public:
  explicit AckTracker(PipelineContext& context) : ctx_(context) {}

  // Queues our acknowledgment of an interchange of `file` as the partner's policy asks
  // (nothing for a partner without an outbound channel, nor again for a replay): for an
  // EDIFACT interchange (header.standard Edifact) a CONTRL, as `acknowledgments.contrl` asks.
  void acknowledge(const archive::FileRecord& file, const partners::Profile& partner,
                   const x12::InterchangeResult& result);
  // A TA1 the partner sent in `file`: settles the awaited interchange row.
  void reconcile_ta1(const archive::FileRecord& file, const partners::Profile& partner, const x12::Segment& ta1,
                     RunSummary& summary);
  // A 997/999 the partner sent (its row `rec`, set reconciled or failed): settles the
  // awaited group and set rows of the group it answers.
  void reconcile_functional_ack(const archive::FileRecord& file, const partners::Profile& partner,
                                const x12::TransactionSet& ack, archive::TransactionSetRecord& rec, RunSummary& summary);
  // A CONTRL the partner sent (its message row `rec`, set reconciled or failed): settles
  // the awaited interchange, group and message rows of the interchange its UCI names.
  void reconcile_contrl(const archive::FileRecord& file, const partners::Profile& partner, const x12::TransactionSet& contrl,
                        archive::TransactionSetRecord& rec, RunSummary& summary);
  // Records the partner's verdict `state` on one awaited row; a rejection of an
  // interchange or group is an ack_rejected exception, and an overdue_ack exception of
  // the same row is resolved by the late acknowledgment.
  void settle(archive::AwaitedAck& row, archive::AckState state, const archive::FileRecord& ack_file,
              const std::string& detail, RunSummary& summary);
  // Awaited rows past their deadline become overdue: one overdue_ack per interchange or group.
  void flag_overdue(RunSummary& summary);
  // Outbound AS2 messages awaiting an async MDN past their deadline: mdn_overdue, one exception each.
  void flag_overdue_mdns(RunSummary& summary);

 private:
  void acknowledge_contrl(const archive::FileRecord& file, const partners::Profile& partner,
                          const x12::InterchangeResult& result);
  PipelineContext& ctx_;
};

}  // namespace edihub::hub
