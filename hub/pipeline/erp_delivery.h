// ERP delivery: mapped transaction sets on their way into their partner's ERP sink
// (folder, HTTP or PostgreSQL). Mapped sets wait in the index (their output stored there)
// and are read back in bounded pages after each batch commits (deliver_mapped), written
// (write_deliveries touches no index), and their outcomes recorded in one index commit per
// page: delivered, failed (refused), dead_letter (gave up), or left mapped and tried again
// on the next pass.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "hub/pipeline/context.h"

namespace edihub::hub {

enum class DeliveryOutcome { delivered, retry_later, rejected, dead_letter };

// One mapped transaction set on its way to its partner's ERP sink; the outcome is filled
// in by write_deliveries.
struct Delivery {
  archive::TransactionSetRecord set;
  std::filesystem::path sink;   // folder sinks
  std::string name;             // derived from the idempotency key
  std::string content;
  const partners::Profile* partner = nullptr;
  int attempts_made = 0;        // failed attempts of earlier runs (HTTP)
  DeliveryOutcome outcome = DeliveryOutcome::delivered;
  std::string detail;           // why, when not delivered
};

// Writes a batch of deliveries into their sinks (folder files, HTTP POSTs, one PostgreSQL
// transaction per partner) and sets each one's outcome. Touches no index. Folder sinks
// reach the filesystem through `env`.
void write_deliveries(std::vector<Delivery>& batch, archive::Env& env);

class ErpDelivery {
 public:
  explicit ErpDelivery(PipelineContext& context) : ctx_(context) {}
  ErpDelivery(const ErpDelivery&) = delete;
  ErpDelivery& operator=(const ErpDelivery&) = delete;

  // The delivery of a mapped set with its ERP document `content`; nothing (and a
  // delivery_error, the set left mapped) when its partner has no ERP sink.
  std::optional<Delivery> delivery_for(const archive::TransactionSetRecord& set, std::string content,
                                       RunSummary& summary);
  // Records each delivery's outcome in one index commit.
  void record_deliveries(std::vector<Delivery>& batch, RunSummary& summary);
  // Mapped sets not yet offered to their sinks in this pass (after a batch: its sets; at
  // the start of a pass: those an earlier one did not get to deliver), read from the index
  // `page` at a time (the config's batch_files when 0), written and recorded page by page,
  // so a file of half a million sets is never held in memory. A set that fails
  // transiently is offered again in the next pass.
  void deliver_mapped(RunSummary& summary, std::size_t page = 0);
  // A new pass: every set still mapped is offered again.
  void new_pass() { offered_up_to_ = 0; }
  // Where a delivery goes, as recorded in delivered_to: "folder:erp/<name>", "http:<url>", "postgres:<schema>.<table>".
  std::string sink_name(const Delivery& d) const;

 private:
  PipelineContext& ctx_;
  std::int64_t offered_up_to_ = 0;  // mapped sets with ids up to this one were offered in this pass
};

}  // namespace edihub::hub
