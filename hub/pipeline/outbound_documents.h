// Outbound documents: an ERP transaction (JSON) picked up from a partner's erp.outbound
// folder is mapped by the partner's outbound mapping, validated against the partner's
// schema before anything is numbered, enveloped with the partner's settings and the next
// control numbers, queued in the outbox and tracked (awaited acknowledgment rows) until
// the partner acknowledges it. A purchase_order becomes an open order to reconcile
// against (hub/reconcile), a warehouse_order (940) an order of kind warehouse its 945s
// are reconciled with; a purchase_order in the partner's erp.open_orders folder is only recorded,
// never sent. send_queued hands the outbox's queued files to their
// channels and marks their transaction sets sent.
#pragma once

#include <nlohmann/json.hpp>

#include "hub/pipeline/context.h"

namespace edihub::hub {

class OutboundDocuments {
 public:
  explicit OutboundDocuments(PipelineContext& context) : ctx_(context) {}

  // One ERP transaction file (direction erp), inside the caller's transaction: ends
  // processed, duplicate (its ERP idempotency key was sent before) or exception.
  void process_erp_document(const archive::FileRecord& file, RunSummary& summary);
  // Sends what the outbox holds; counts acknowledgments and documents sent.
  void send_queued(RunSummary& summary);

 private:
  // One document enveloped for sending, and which acknowledgments of it to await.
  struct Enveloped {
    std::string bytes;
    std::string interchange, group, set;  // control numbers as written (group empty: EDIFACT, no UNG)
    bool interchange_ack = false;         // TA1 / CONTRL UCI awaited
    bool set_acks = false;                // 997/999 group and set rows, or CONTRL UCM
  };
  Enveloped envelope_x12(const partners::Profile& partner, const mapping::OutboundMapping& mapping,
                         const std::vector<x12::Segment>& body, const ControlNumbers& numbers,
                         std::chrono::system_clock::time_point at) const;
  Enveloped envelope_edifact(const partners::Profile& partner, const mapping::OutboundMapping& mapping,
                             const std::string& version, const std::vector<x12::Segment>& body,
                             const ControlNumbers& numbers, std::chrono::system_clock::time_point at) const;
  void await_acks(const partners::Profile& partner, const Enveloped& sent, const std::string& set_type,
                  const std::string& functional_id, std::int64_t file_id, std::int64_t set_id, const std::string& now,
                  const std::string& due);
  void record_open_order(const partners::Profile& partner, const archive::FileRecord& file, const nlohmann::json& doc,
                         RunSummary& summary);
  PipelineContext& ctx_;
};

}  // namespace edihub::hub
