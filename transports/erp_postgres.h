// ERP PostgreSQL sink: writes mapped ERP transactions into a staging table the ERP reads
// (schema.table, one row per transaction set, keyed by the hub's idempotency key).
//
// Exactly-once effect: every row is inserted with ON CONFLICT (idempotency_key) DO NOTHING.
// A redelivery (after a crash, a lost connection, an unknown COMMIT outcome) therefore never
// adds a second row and never touches a row the ERP may already have processed. The
// existing row is compared with the redelivered document (jsonb equality, so formatting
// and key order do not matter): the same document is a `duplicate` (fine), a different one
// is a `conflict` the hub must raise as an exception (a control number reused for other
// content), and the row is left as it is.
//
// A batch is one transaction: all its rows are committed or none. Every statement carrying
// data is parameterised (PQexecParams); schema and table names are quoted identifiers.
// Failures are classified:
//  * retry_later: the connection is gone or could not be made, or the server cancelled
//    the statement (statement_timeout, deadlock, serialisation, shutdown). Nothing of the
//    batch is known to be committed; deliver the same batch again later (idempotent). The
//    next call reconnects.
//  * rejected: any other SQL error; the batch was rolled back. When one row's values
//    caused it (invalid JSON or timestamp, a constraint: SQLSTATE classes 22 and 23)
//    `failed_item` names that row and the rest can be delivered without it; otherwise the
//    setup is at fault (missing table: run `edihub erp init-db`; privileges) and no row is.
// One PostgresSink holds one connection; use it from one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;

namespace edihub::transports {

struct PostgresSinkSettings {
  std::string conninfo;  // "host=127.0.0.1 port=5432 dbname=erp user=edihub" or a postgresql:// URI
  std::string schema = "edihub";
  std::string table = "erp_inbound";
  std::chrono::milliseconds statement_timeout{30000};
  std::chrono::seconds connect_timeout{10};  // used unless the conninfo sets connect_timeout
};

// One ERP transaction for the staging table.
struct ErpRow {
  std::string idempotency_key;  // partner/ISA13/GS06/ST02 (or the XML document id)
  std::string partner;
  std::string target;           // the ERP transaction type, e.g. "inbound_delivery"
  std::string json;             // the document; its "source" member is copied to the source column
  std::string received_at;      // ISO 8601 time the hub received the file; empty when unknown
  int attempts = 1;             // delivery attempts the hub made, this one included
};

enum class BatchState {
  delivered,    // committed; see the per-row outcomes
  rejected,     // rolled back because of the data; see failed_item
  retry_later,  // connection or server trouble; deliver the batch again later
};
std::string_view to_string(BatchState state);

enum class RowOutcome {
  inserted,   // new row
  duplicate,  // the row was already there with the same document
  conflict,   // the row was already there with a different document; left unchanged
};
std::string_view to_string(RowOutcome outcome);

struct BatchResult {
  BatchState state = BatchState::retry_later;
  std::vector<RowOutcome> rows;          // parallel to the batch when delivered
  std::string error;                     // server or libpq message; empty when delivered
  std::string sqlstate;                  // e.g. "23514"; empty for connection failures
  std::optional<std::size_t> failed_item;  // when rejected for one row's values: its index
};

class PostgresSink {
 public:
  explicit PostgresSink(PostgresSinkSettings settings);  // connects lazily
  ~PostgresSink();
  PostgresSink(const PostgresSink&) = delete;
  PostgresSink& operator=(const PostgresSink&) = delete;

  // The DDL of the staging schema, table and index (CREATE ... IF NOT EXISTS).
  static std::string create_schema_sql(const PostgresSinkSettings& settings);

  // Creates the schema and table when missing (idempotent, one transaction). Throws
  // std::runtime_error on any failure.
  void init_db();

  // Writes the rows in one transaction. An empty batch is delivered without a round trip.
  BatchResult deliver_batch(const std::vector<ErpRow>& rows);

 private:
  bool connect(std::string& error);
  void disconnect();
  PostgresSinkSettings settings_;
  std::string table_;  // quoted "schema"."table"
  pg_conn* conn_ = nullptr;
};

}  // namespace edihub::transports
