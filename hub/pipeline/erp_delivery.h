// ERP delivery: mapped transaction sets on their way into their partner's ERP sink
// (folder, HTTP or PostgreSQL). A batch's deliveries are written on a background thread
// (write_deliveries touches no index) while the pipeline processes the next batch; their
// outcomes are recorded afterwards in one index commit: delivered, failed (refused),
// dead_letter (gave up), or left mapped and tried again on the next run. Sets a run mapped
// but did not deliver are picked up from the index in bounded pages (deliver_mapped).
#pragma once

#include <filesystem>
#include <future>
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
  ~ErpDelivery();  // waits for a batch still being written

  // The delivery of a mapped set with its ERP document `content`; nothing (and a
  // delivery_error, the set left mapped) when its partner has no ERP sink.
  std::optional<Delivery> delivery_for(const archive::TransactionSetRecord& set, std::string content,
                                       RunSummary& summary);
  // Records each delivery's outcome in one index commit.
  void record_deliveries(std::vector<Delivery>& batch, RunSummary& summary);
  // Sets left mapped by an earlier run, read from the index `page` at a time (the
  // config's batch_files when 0), written and recorded page by page.
  void deliver_mapped(RunSummary& summary, std::size_t page = 0);
  // Starts writing `batch` on the background thread (after finishing the one before).
  void start(std::vector<Delivery> batch, RunSummary& summary);
  // Waits for the batch being written and records its outcomes.
  void finish(RunSummary& summary);
  // Where a delivery goes, as recorded in delivered_to: "folder:erp/<name>", "http:<url>", "postgres:<schema>.<table>".
  std::string sink_name(const Delivery& d) const;

 private:
  PipelineContext& ctx_;
  std::vector<Delivery> in_flight_;
  std::future<void> writing_;
};

}  // namespace edihub::hub
