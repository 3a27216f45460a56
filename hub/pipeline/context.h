// What the pipeline's collaborators (Intake, AckTracker, ErpDelivery, OutboundDocuments)
// share, instead of reaching back into the Pipeline: the configuration, the clock, the
// archive (raw store and index), the outbox, the bytes of files received in the current
// batch, and the one way to raise an exception. While a file is processed its exceptions
// are held (hold_file) and recorded when it is done (flush_held), so a flood of one kind
// (100,000 broken interchanges) becomes one exception with counts. Not thread-safe: the
// Pipeline's mutex serializes all use.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/outbox/outbox.h"
#include "hub/pipeline/run_summary.h"
#include "hub/reconcile/reconciler.h"

namespace edihub::hub {

class PipelineContext {
 public:
  PipelineContext(const Config& config, const Clock& clock, archive::RawStore& store, archive::Index& index,
                  Outbox& outbox)
      : config(config), clock(clock), store(store), index(index), outbox(outbox) {}

  const Config& config;
  const Clock& clock;
  archive::RawStore& store;
  archive::Index& index;
  Outbox& outbox;
  Reconciler reconciler{index, clock};
  // Bytes of files received in the current batch, so processing need not read them again.
  std::map<std::int64_t, std::string> fresh_content;

  // Ends the processing of a received file in `to` (processed, duplicate or exception),
  // with its event (step: the status's name), inside the caller's transaction.
  void finish_file(const archive::FileRecord& file, archive::FileStatus to, const std::string& detail);
  // Records `exception` and its event (inside the caller's transaction) and counts it in
  // `summary`; an exception of the held file is held instead.
  void raise(RunSummary& summary, archive::ExceptionRecord exception);
  // Raises the outcome's findings; `set` (a mapped set, or nullptr) is held or marked
  // duplicate as the outcome says (reconciliation.cc).
  void apply(RunSummary& summary, archive::TransactionSetRecord* set, Reconciler::Outcome outcome);
  // Holds the exceptions of `file_id` from now on, until flush_held or drop_held.
  void hold_file(std::int64_t file_id);
  // Records the held exceptions: up to kListedPerKind of a kind one by one, more as one
  // exception of that kind for the file (how many, and the first ones' reasons).
  void flush_held(const std::string& file_name, RunSummary& summary);
  void drop_held();  // the file's work was rolled back: its exceptions with it
  static constexpr std::size_t kListedPerKind = 20;

 private:
  struct FileExceptions {
    std::int64_t file_id = 0;
    std::map<std::string, std::vector<archive::ExceptionRecord>> first;  // by kind, at most kListedPerKind
    std::map<std::string, std::size_t> count;
  };
  std::optional<FileExceptions> held_;
};

// The pipeline's lock, held for index and store work.
using PipelineLock = std::unique_lock<std::mutex>;
// Releases the pipeline's lock for its lifetime (network waits) and takes it back after.
struct Unlocked {
  explicit Unlocked(PipelineLock& lock) : lock_(lock) { lock_.unlock(); }
  ~Unlocked() { lock_.lock(); }
  Unlocked(const Unlocked&) = delete;
  Unlocked& operator=(const Unlocked&) = delete;
  PipelineLock& lock_;
};

// The channel name of a local folder: "folder:" and its path relative to the config folder.
std::string folder_channel(const std::filesystem::path& folder, const std::filesystem::path& config_dir);

}  // namespace edihub::hub
