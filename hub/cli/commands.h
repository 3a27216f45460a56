// The commands behind the CLI, each writing to the given streams and returning the exit
// code, so tests can call them directly as well as through the binary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "archive/index.h"
#include "hub/cli/paging.h"

namespace edihub::hub {

struct QueryOptions {
  std::optional<std::string> partner, type, since, until, control, key, status, direction;
  PageOptions page;
};

struct ShowOptions {
  std::string id;
  bool raw = false, mapped = false, events = false, mdn = false;
};

struct ExceptionsOptions {
  std::optional<std::string> partner;
  std::optional<std::string> state;
  PageOptions page;
};

// The archive index of a config folder, for read-only commands; throws when the config is
// broken or nothing was archived yet.
std::unique_ptr<archive::Index> open_index(const std::string& config_dir, std::filesystem::path* archive_dir = nullptr);

int command_parse(const std::string& file, std::ostream& out, std::ostream& err);
struct ValidateOptions {
  std::string file;
  bool json = false;
  std::string ack;         // "", "997", "999", "ta1": print that acknowledgment instead of the errors
  std::string config_dir;  // optional: apply the sending partner's tightened schemas
};

struct AcksOptions {
  std::optional<std::string> partner;
  bool overdue = false;
  PageOptions page;
};

struct CloseExceptionOptions {
  std::int64_t id = 0;
  std::string state;       // resolved or ignored
  std::string note;
  std::string by;          // defaults to $USER
};

// `edihub mapping run`: one mapping file on one document (docs/tools.md).
struct MappingRunOptions {
  std::string config_dir;
  std::string mapping;                // path as given (relative to the current directory)
  std::string file;                   // the document: X12 for an inbound mapping, ERP JSON for an outbound one
  std::optional<std::string> partner; // whose code tables (and delimiters, outbound); default: the X12 sender's
  bool json = false;
};

// `edihub mapping diff`: the partner's archived inbound sets mapped again with the current
// configuration, compared with what was mapped then. Reads the archive, never writes it.
struct MappingDiffOptions {
  std::string config_dir;
  std::string partner;
  std::optional<std::string> since;   // received at or after (ISO 8601)
  bool json = false;
};

// `edihub partner new`: a partner profile, mappings and folders from a sample document.
struct PartnerNewOptions {
  std::string config_dir;
  std::string sample;
  std::optional<std::string> id;      // default: from the sender id
  std::optional<std::string> name;    // default: the id
  bool dry_run = false;
};

// `edihub document po:NUMBER|shipment:ID|invoice:NUMBER`: the business document's timeline
// (docs/tools.md). Exit 0 shown, 1 no such document, 2 a malformed document name.
struct DocumentOptions {
  std::string document;
  std::optional<std::string> partner;  // without it, every partner with the document is shown
};

// `edihub orders`: the orders the hub knows (archive/business.h), newest first.
struct OrdersOptions {
  std::optional<std::string> partner;
  std::optional<std::string> state;    // an OrderState name; another is exit 2
  PageOptions page;
};

// `edihub orders import FILE --partner P`: an order the ERP placed another way (its
// purchase_order JSON), archived and recorded under the archive lock. Exit 0 recorded,
// 2 refused (unusable file, unknown partner; nothing written).
struct OrdersImportOptions {
  std::string file;
  std::string partner;
};

// `edihub status`: per partner, what is waiting on someone, with the oldest of each.
struct StatusOptions {
  std::optional<std::string> partner;
};

int command_document(const std::string& config_dir, const DocumentOptions& options, bool json, std::ostream& out,
                     std::ostream& err);
int command_orders(const std::string& config_dir, const OrdersOptions& options, bool json, std::ostream& out,
                   std::ostream& err);
int command_orders_import(const std::string& config_dir, const OrdersImportOptions& options, bool json,
                          std::ostream& out, std::ostream& err);
int command_status(const std::string& config_dir, const StatusOptions& options, bool json, std::ostream& out,
                   std::ostream& err);

// Exit codes: run 0 all mapped, 1 a mapping error, 2 unusable mapping file or document;
// diff 0 nothing would change, 1 something would change or fail, 2 unusable configuration;
// partner new 0 written and checked, 1 the check failed, 2 refused (nothing written).
int command_mapping_run(const MappingRunOptions& options, std::ostream& out, std::ostream& err);
int command_mapping_diff(const MappingDiffOptions& options, std::ostream& out, std::ostream& err);
int command_partner_new(const PartnerNewOptions& options, std::ostream& out, std::ostream& err);

int command_validate(const ValidateOptions& options, std::ostream& out, std::ostream& err);
int command_acks(const std::string& config_dir, const AcksOptions& options, bool json, std::ostream& out, std::ostream& err);
// `edihub alerts`: the notifications the alert rules queued, newest first, and their state.
int command_alerts(const std::string& config_dir, const PageOptions& page, bool json, std::ostream& out, std::ostream& err);
int command_close_exception(const std::string& config_dir, const CloseExceptionOptions& options, bool json,
                            std::ostream& out, std::ostream& err);
int command_erp_init_db(const std::string& config_dir, std::ostream& out, std::ostream& err);
// `edihub archive verify`: 0 sound, 1 problems (one line each), 2 cannot verify. Read-only.
int command_archive_verify(const std::string& config_dir, bool json, std::ostream& out, std::ostream& err);
// `edihub archive rebuild`: 0 rebuilt (and what was recovered printed), 2 cannot rebuild
// (e.g. the archive is locked by a running hub); the old index is kept aside.
int command_archive_rebuild(const std::string& config_dir, std::ostream& out, std::ostream& err);
int command_replay(const std::string& config_dir, const std::string& id, const std::string& by, bool json,
                   std::ostream& out, std::ostream& err);
// `edihub replay --open-exceptions`: the file of every open exception matching, each file
// replayed once (however many of its exceptions match), progress on `err` (hub/cli/progress.h),
// a summary at the end. Exceptions about no file or about a file we sent are skipped.
// 0 when every replay ran without a new exception, 1 otherwise.
struct ReplayOpenOptions {
  std::optional<std::string> partner;
  std::string kind;  // "": every kind
  std::string by;    // "": $USER
};
int command_replay_open_exceptions(const std::string& config_dir, const ReplayOpenOptions& options, bool json,
                                   std::ostream& out, std::ostream& err);
int command_check(const std::string& config_dir, bool json, std::ostream& out, std::ostream& err);
int command_run_once(const std::string& config_dir, bool json, std::ostream& out, std::ostream& err);
int command_archive_query(const std::string& config_dir, const QueryOptions& options, bool json, std::ostream& out,
                          std::ostream& err);
int command_archive_show(const std::string& config_dir, const ShowOptions& options, bool json, std::ostream& out,
                         std::ostream& err);
int command_exceptions(const std::string& config_dir, const ExceptionsOptions& options, bool json, std::ostream& out,
                       std::ostream& err);

}  // namespace edihub::hub
