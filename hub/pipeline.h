// The inbound pipeline: take settled files from every partner's inbound channel, archive
// them durably, parse and envelope-check them, route each interchange to its partner,
// recognise duplicates, map every transaction set and deliver it to the partner's ERP
// sink exactly once. Each stage works on batches and ends in one durable sync plus one
// index commit (group commit); a crash at any point is resumed from the index on the
// next run without losing or repeating anything.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "hub/clock.h"
#include "hub/config.h"

namespace edihub::hub {

struct PartnerCounts {
  std::size_t files = 0;
  std::size_t delivered = 0;
  std::size_t failed = 0;
  std::size_t exceptions = 0;
};

struct RunSummary {
  std::size_t files_received = 0;
  std::size_t files_processed = 0;
  std::size_t duplicates = 0;
  std::size_t sets_mapped = 0;
  std::size_t sets_delivered = 0;
  std::size_t sets_failed = 0;
  std::size_t sets_rejected = 0;
  std::vector<archive::ExceptionRecord> exceptions;  // raised in this run
  std::map<std::string, PartnerCounts> partners;
};

class Pipeline {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  // Takes an exclusive lock on the archive: a second hub on the same archive is refused.
  Pipeline(const Config& config, const Clock& clock, Sleep sleep);
  ~Pipeline();

  // One pass: resume unfinished work, poll every inbound channel, process, deliver.
  RunSummary run_once();

  // One mapped transaction set on its way to its partner's ERP sink.
  struct Delivery {
    archive::TransactionSetRecord set;
    std::filesystem::path sink;
    std::string name;     // derived from the idempotency key
    std::string content;
  };

 private:
  // A received file on its way into the archive.
  struct Receipt {
    std::string partner, channel, source_name, claim;
    std::filesystem::path source;  // where it came from, when that is a local path
    archive::Staged staged;
    std::int64_t file_id = 0;
  };
  std::vector<archive::FileRecord> record_receipts(std::vector<Receipt>& receipts, RunSummary& summary);
  void recover_claims(RunSummary& summary);
  void finish_source_removals();
  void intake(RunSummary& summary);
  void process_batch(const std::vector<archive::FileRecord>& files, RunSummary& summary);
  void finish_deliveries(RunSummary& summary);
  void process_file(const archive::FileRecord& file, RunSummary& summary, std::vector<Delivery>& deliveries);
  std::optional<Delivery> delivery_for(const archive::TransactionSetRecord& set, std::string content,
                                       RunSummary& summary);
  void record_deliveries(std::vector<Delivery>& batch, RunSummary& summary);
  void deliver_mapped(RunSummary& summary);
  void raise(RunSummary& summary, archive::ExceptionRecord exception);

  const Config& config_;
  const Clock& clock_;
  Sleep sleep_;
  int lock_fd_ = -1;
  std::unique_ptr<archive::RawStore> store_;
  std::unique_ptr<archive::Index> index_;
  // The batch whose outputs the delivery thread is writing.
  std::vector<Delivery> in_flight_;
  // Bytes of files received in the current batch, so processing need not read them again.
  std::map<std::int64_t, std::string> fresh_content_;
  std::future<void> writing_;
};

// The ERP transaction as delivered: the mapped document wrapped with where it came from.
std::string idempotency_key(const std::string& partner, const std::string& isa13, const std::string& gs06,
                            const std::string& st02);

}  // namespace edihub::hub
