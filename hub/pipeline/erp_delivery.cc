// Delivery into the ERP sinks: folder files (staged, one sync, renamed), HTTP POSTs with
// the idempotency key (one attempt per run; the run count decides the dead letter), and
// one PostgreSQL transaction per partner and batch (upsert on the idempotency key).
#include <map>

#include <fmt/format.h>

#include "hub/pipeline/pipeline.h"
#include "transports/erp_http.h"
#include "transports/erp_postgres.h"
#include "transports/folder.h"

namespace edihub::hub {

namespace {

using Outcome = Pipeline::DeliveryOutcome;

void deliver_to_folders(std::vector<Pipeline::Delivery*>& batch, archive::Env& env) {
  std::map<std::filesystem::path, transports::FolderSink> sinks;
  try {
    for (auto* d : batch) sinks.try_emplace(d->sink, d->sink, env).first->second.stage(d->name, d->content);
    for (auto& [path, sink] : sinks) sink.commit();
  } catch (...) {
    archive::rethrow_in_step("ERP folder write");
  }
}

void deliver_over_http(std::vector<Pipeline::Delivery*>& batch) {
  std::map<const partners::Profile*, std::unique_ptr<transports::HttpSink>> sinks;
  for (auto* d : batch) {
    auto& sink = sinks[d->partner];
    if (!sink) {
      const auto& http = *d->partner->erp_http;
      transports::HttpSinkSettings settings;
      settings.url = http.url;
      settings.headers = http.headers;
      settings.max_attempts = http.max_attempts;
      settings.connect_timeout = http.connect_timeout;
      settings.timeout = http.timeout;
      settings.base_delay = http.base_delay;
      settings.max_delay = http.max_delay;
      settings.ca_file = http.ca_file;
      settings.verify_tls = http.verify_tls;
      sink = std::make_unique<transports::HttpSink>(settings);
    }
    auto result = sink->attempt_once(d->set.idempotency_key, d->content, d->attempts_made);
    using State = transports::HttpDeliveryState;
    d->outcome = result.state == State::delivered     ? Outcome::delivered
                 : result.state == State::rejected    ? Outcome::rejected
                 : result.state == State::dead_letter ? Outcome::dead_letter
                                                      : Outcome::retry_later;
    d->detail = fmt::format("attempt {}: {}{}{}", result.attempts,
                            result.http_status ? fmt::format("HTTP {}", result.http_status) : std::string("no answer"),
                            result.error.empty() ? "" : ", " + result.error,
                            result.response_excerpt.empty() ? "" : ", " + result.response_excerpt.substr(0, 200));
  }
}

void deliver_to_postgres(std::vector<Pipeline::Delivery*>& batch) {
  std::map<const partners::Profile*, std::vector<Pipeline::Delivery*>> by_partner;
  for (auto* d : batch) by_partner[d->partner].push_back(d);
  for (auto& [partner, deliveries] : by_partner) {
    const auto& pg = *partner->erp_postgres;
    transports::PostgresSink sink({pg.conninfo, pg.schema, pg.table, pg.statement_timeout, pg.connect_timeout});
    std::vector<transports::ErpRow> rows;
    for (auto* d : deliveries) rows.push_back({d->set.idempotency_key, d->set.partner, d->set.target, d->content, d->set.received_at, 1});
    auto result = sink.deliver_batch(rows);
    for (std::size_t i = 0; i < deliveries.size(); ++i) {
      auto* d = deliveries[i];
      if (result.state == transports::BatchState::delivered) {
        bool conflict = i < result.rows.size() && result.rows[i] == transports::RowOutcome::conflict;
        d->outcome = conflict ? Outcome::rejected : Outcome::delivered;
        if (conflict) d->detail = "a different document is already staged under this idempotency key; the row was left unchanged";
      } else if (result.state == transports::BatchState::rejected && result.failed_item == i) {
        d->outcome = Outcome::rejected;
        d->detail = fmt::format("SQLSTATE {}: {}", result.sqlstate, result.error);
      } else {
        // The transaction was rolled back: for a connection problem, or because of another row.
        d->outcome = Outcome::retry_later;
        d->detail = result.failed_item ? "rolled back with another row of its batch" : result.error;
      }
    }
  }
}

}  // namespace

void write_deliveries(std::vector<Pipeline::Delivery>& batch, archive::Env& env) {
  std::vector<Pipeline::Delivery*> folder, http, postgres;
  for (auto& d : batch)
    (d.partner && d.partner->erp_http ? http : d.partner && d.partner->erp_postgres ? postgres : folder).push_back(&d);
  deliver_to_folders(folder, env);
  deliver_over_http(http);
  deliver_to_postgres(postgres);
}

}  // namespace edihub::hub
