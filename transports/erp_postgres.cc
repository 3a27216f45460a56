#include "transports/erp_postgres.h"
#include "transports/redact.h"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

namespace edihub::transports {

namespace {

struct ClearResult {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ClearResult>;

std::string quote_identifier(const std::string& name) {
  if (name.empty() || name.find('\0') != std::string::npos)
    throw std::invalid_argument("ERP PostgreSQL sink: invalid schema or table name '" + name + "'");
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

bool succeeded(const Result& r) {
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

// Server errors that say nothing about the data: the same batch may well succeed later.
bool is_transient(const std::string& sqlstate) {
  if (sqlstate.empty()) return true;  // client-side failure (lost connection) has no SQLSTATE
  if (sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("53", 0) == 0) return true;  // connection, resources
  for (const char* s : {"57P01", "57P02", "57P03", "57014", "40001", "40P01", "55P03"})
    if (sqlstate == s) return true;  // shutdown, cannot connect now, statement timeout, serialisation, deadlock, lock
  return false;
}

// Errors caused by one row's values (data exception, integrity constraint), as opposed to
// the setup (missing table, privileges) where no row is at fault.
bool is_data_error(const std::string& sqlstate) { return sqlstate.rfind("22", 0) == 0 || sqlstate.rfind("23", 0) == 0; }

}  // namespace

std::string_view to_string(BatchState state) {
  switch (state) {
    case BatchState::delivered: return "delivered";
    case BatchState::rejected: return "rejected";
    case BatchState::retry_later: return "retry_later";
  }
  return "unknown";
}

std::string_view to_string(RowOutcome outcome) {
  switch (outcome) {
    case RowOutcome::inserted: return "inserted";
    case RowOutcome::duplicate: return "duplicate";
    case RowOutcome::conflict: return "conflict";
  }
  return "unknown";
}

PostgresSink::PostgresSink(PostgresSinkSettings settings)
    : settings_(std::move(settings)),
      table_(quote_identifier(settings_.schema) + "." + quote_identifier(settings_.table)) {}

PostgresSink::~PostgresSink() { disconnect(); }

std::string PostgresSink::create_schema_sql(const PostgresSinkSettings& settings) {
  const std::string schema = quote_identifier(settings.schema);
  const std::string table = schema + "." + quote_identifier(settings.table);
  return "CREATE SCHEMA IF NOT EXISTS " + schema + ";\n"
         "CREATE TABLE IF NOT EXISTS " + table + " (\n"
         "  idempotency_key text PRIMARY KEY,\n"
         "  partner text NOT NULL CHECK (partner <> ''),\n"
         "  target text NOT NULL CHECK (target <> ''),\n"
         "  document jsonb NOT NULL,\n"
         "  source jsonb,\n"
         "  received_at timestamptz,\n"
         "  delivered_at timestamptz NOT NULL DEFAULT now(),\n"
         "  attempts integer NOT NULL DEFAULT 1 CHECK (attempts >= 1)\n"
         ");\n"
         "CREATE INDEX IF NOT EXISTS " + quote_identifier(settings.table + "_partner_target") + " ON " + table +
         " (partner, target, delivered_at);\n";
}

bool PostgresSink::connect(std::string& error) {
  // libpq lets OpenSSL ask the terminal for an encrypted sslkey's passphrase unless a hook is
  // set; the default hook answers with the conninfo's sslpassword, or nothing: never a prompt.
  static const bool no_prompt = (PQsetSSLKeyPassHook_OpenSSL(PQdefaultSSLKeyPassHook_OpenSSL), true);
  (void)no_prompt;
  // Our defaults first: with expand_dbname the conninfo comes later and overrides them.
  const std::string timeout = std::to_string(settings_.connect_timeout.count());
  const char* keywords[] = {"connect_timeout", "application_name", "client_encoding", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), "edihub", "UTF8", settings_.conninfo.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    error = "cannot connect to the ERP database: " + redact_secrets(trimmed(conn_ ? PQerrorMessage(conn_) : "out of memory"));
    disconnect();
    return false;
  }
  // Server notices ("relation already exists, skipping") are not for the hub's output.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  const std::string ms = std::to_string(settings_.statement_timeout.count());
  const char* params[] = {ms.c_str()};
  Result r(PQexecParams(conn_, "SELECT set_config('statement_timeout', $1, false)", 1, nullptr, params, nullptr,
                        nullptr, 0));
  if (!succeeded(r)) {
    error = "cannot set statement_timeout: " + trimmed(PQerrorMessage(conn_));
    disconnect();
    return false;
  }
  return true;
}

void PostgresSink::disconnect() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

void PostgresSink::init_db() {
  std::string error;
  if (!conn_ && !connect(error)) throw std::runtime_error("ERP PostgreSQL sink: " + error);
  // DDL carries no values, only quoted identifiers: one simple-query round trip.
  const std::string script = "BEGIN;\n" + create_schema_sql(settings_) + "COMMIT;";
  Result r(PQexec(conn_, script.c_str()));
  if (!succeeded(r)) {
    error = trimmed(PQerrorMessage(conn_));
    if (PQstatus(conn_) == CONNECTION_BAD) disconnect();
    else PQclear(PQexec(conn_, "ROLLBACK"));
    throw std::runtime_error("ERP PostgreSQL sink: cannot create " + table_ + ": " + error);
  }
}

BatchResult PostgresSink::deliver_batch(const std::vector<ErpRow>& rows) {
  BatchResult out;
  if (rows.empty()) {
    out.state = BatchState::delivered;
    return out;
  }
  auto exec = [&](const std::string& sql, std::initializer_list<const char*> params) {
    std::vector<const char*> values(params);
    return Result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                               nullptr, 0));
  };
  auto fail = [&](const Result& r, std::optional<std::size_t> item) {
    const char* sqlstate = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    out.sqlstate = sqlstate ? sqlstate : "";
    out.error = trimmed(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_));
    if (out.error.empty()) out.error = trimmed(PQerrorMessage(conn_));
    const bool lost = PQstatus(conn_) == CONNECTION_BAD;
    out.state = lost || is_transient(out.sqlstate) ? BatchState::retry_later : BatchState::rejected;
    if (out.state == BatchState::rejected && is_data_error(out.sqlstate)) out.failed_item = item;
    if (lost) disconnect();
    else PQclear(PQexec(conn_, "ROLLBACK"));
    out.rows.clear();
    return out;
  };

  const bool reused = conn_ != nullptr;
  if (!conn_ && !connect(out.error)) return out;
  Result begin = exec("BEGIN", {});
  if (!succeeded(begin) && reused && PQstatus(conn_) == CONNECTION_BAD) {
    // The kept connection died while idle (ERP database restarted): nothing of the batch
    // was sent yet, so one fresh connection is tried at once.
    disconnect();
    if (!connect(out.error)) return out;
    begin = exec("BEGIN", {});
  }
  if (!succeeded(begin)) return fail(begin, std::nullopt);

  const std::string insert = "INSERT INTO " + table_ +
                             " (idempotency_key, partner, target, document, source, received_at, attempts)"
                             " VALUES ($1, $2, $3, $4::jsonb, $4::jsonb -> 'source', NULLIF($5, '')::timestamptz,"
                             " $6::integer) ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1";
  const std::string compare = "SELECT document = $2::jsonb FROM " + table_ + " WHERE idempotency_key = $1";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const ErpRow& row = rows[i];
    const std::string attempts = std::to_string(row.attempts);
    Result r = exec(insert, {row.idempotency_key.c_str(), row.partner.c_str(), row.target.c_str(), row.json.c_str(),
                             row.received_at.c_str(), attempts.c_str()});
    if (!succeeded(r)) return fail(r, i);
    if (PQntuples(r.get()) == 1) {
      out.rows.push_back(RowOutcome::inserted);
      continue;
    }
    // A separate statement sees a row another session committed while we waited on it.
    Result same = exec(compare, {row.idempotency_key.c_str(), row.json.c_str()});
    if (!succeeded(same)) return fail(same, i);
    if (PQntuples(same.get()) != 1) {
      // The ERP removed the row between our insert and this look: try the batch again.
      PQclear(PQexec(conn_, "ROLLBACK"));
      out.rows.clear();
      out.error = "row " + row.idempotency_key + " changed while it was being delivered";
      return out;
    }
    out.rows.push_back(std::string_view(PQgetvalue(same.get(), 0, 0)) == "t" ? RowOutcome::duplicate
                                                                             : RowOutcome::conflict);
  }
  // A connection lost during COMMIT leaves the outcome unknown: retry_later, and the
  // redelivery finds the rows as duplicates if the commit did happen.
  Result commit = exec("COMMIT", {});
  if (!succeeded(commit)) return fail(commit, std::nullopt);
  out.state = BatchState::delivered;
  return out;
}

}  // namespace edihub::transports
