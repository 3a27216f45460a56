// Delivery into the ERP sinks: folder files (staged, one sync, renamed), HTTP POSTs with
// the idempotency key (one attempt per run; the run count decides the dead letter), and
// one PostgreSQL transaction per partner and batch (upsert on the idempotency key).
#include "hub/pipeline/erp_delivery.h"

#include <cctype>
#include <map>

#include <fmt/format.h>

#include "transports/redact.h"
#include "transports/erp_http.h"
#include "transports/erp_postgres.h"
#include "transports/folder.h"

namespace edihub::hub {

namespace {

using Outcome = DeliveryOutcome;
using archive::ExceptionRecord;

// ERP file names come from the idempotency key, never from anything a partner chose
// freely: '/' becomes '_', other characters outside [A-Za-z0-9_-] become '-'.
std::string delivery_name(const std::string& key) {
  std::string name;
  for (char c : key) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : (c == '/' ? '_' : '-');
  return name + ".json";
}

void deliver_to_folders(std::vector<Delivery*>& batch, archive::Env& env) {
  std::map<std::filesystem::path, transports::FolderSink> sinks;
  try {
    for (auto* d : batch) sinks.try_emplace(d->sink, d->sink, env).first->second.stage(d->name, d->content);
    for (auto& [path, sink] : sinks) sink.commit();
  } catch (...) {
    archive::rethrow_in_step("ERP folder write");
  }
}

void deliver_over_http(std::vector<Delivery*>& batch) {
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

void deliver_to_postgres(std::vector<Delivery*>& batch) {
  std::map<const partners::Profile*, std::vector<Delivery*>> by_partner;
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

void write_deliveries(std::vector<Delivery>& batch, archive::Env& env) {
  std::vector<Delivery*> folder, http, postgres;
  for (auto& d : batch)
    (d.partner && d.partner->erp_http ? http : d.partner && d.partner->erp_postgres ? postgres : folder).push_back(&d);
  deliver_to_folders(folder, env);
  deliver_over_http(http);
  deliver_to_postgres(postgres);
}

std::optional<Delivery> ErpDelivery::delivery_for(const archive::TransactionSetRecord& set, std::string content,
                                                  RunSummary& summary) {
  const auto* partner = ctx_.config.partners.find(set.partner);
  if (!partner || !partner->has_erp_sink()) {
    // Left mapped: it is delivered once the profile names a sink again.
    ExceptionRecord missing;
    missing.partner = set.partner;
    missing.file_id = set.file_id;
    missing.set_id = set.id;
    missing.kind = "delivery_error";
    missing.reason = fmt::format("transaction set {} {}: partner '{}' has no ERP sink in its profile; kept mapped for later delivery",
                                 set.type, set.control_number, set.partner);
    ctx_.raise(summary, missing);
    return std::nullopt;
  }
  Delivery d;
  d.set = set;
  d.name = delivery_name(set.idempotency_key);
  d.content = std::move(content);
  d.partner = partner;
  if (partner->erp) {
    d.sink = partner->erp->path;
  } else {
    // Failed attempts since the set was last mapped (a replay maps it again) count toward
    // the HTTP sink's limit.
    for (const auto& e : ctx_.index.events_of_set(set.id))
      d.attempts_made = e.step == "mapped" ? 0 : d.attempts_made + (e.step == "delivery_failed");
  }
  return d;
}

std::string ErpDelivery::sink_name(const Delivery& d) const {
  if (d.partner->erp) return folder_channel(d.sink, ctx_.config.dir) + "/" + d.name;
  if (d.partner->erp_http) return "http:" + transports::redact_url(d.partner->erp_http->url);
  return "postgres:" + d.partner->erp_postgres->schema + "." + d.partner->erp_postgres->table;
}

void ErpDelivery::record_deliveries(std::vector<Delivery>& batch, RunSummary& summary) {
  if (batch.empty()) return;
  archive::Index::Transaction tx(ctx_.index);
  std::string now = ctx_.clock.iso_now();
  for (auto& d : batch) {
    d.set.updated_at = now;
    if (d.outcome == Outcome::retry_later) {
      ctx_.index.add_event({0, d.set.file_id, d.set.id, now, "delivery_failed",
                            fmt::format("{}: {}; tried again on the next run", sink_name(d), d.detail)});
      summary.sets_delivery_pending++;
      continue;
    }
    if (d.outcome != Outcome::delivered) {
      ExceptionRecord failed;
      failed.partner = d.set.partner;
      failed.file_id = d.set.file_id;
      failed.set_id = d.set.id;
      failed.kind = "delivery_error";
      failed.reason = fmt::format("transaction set {} {} ({}): {} {}: {}", d.set.type, d.set.control_number,
                                  d.set.idempotency_key, sink_name(d),
                                  d.outcome == Outcome::dead_letter ? "gave up (dead letter)" : "refused it", d.detail);
      const bool dead = d.outcome == Outcome::dead_letter;
      ctx_.index.transition_set(d.set, dead ? archive::SetStatus::dead_letter : archive::SetStatus::failed,
                                {now, dead ? "dead_letter" : "delivery_refused", sink_name(d) + ": " + d.detail});
      ctx_.raise(summary, failed);
      if (d.outcome == Outcome::dead_letter) {
        summary.sets_dead_letter++;
        summary.partners[d.set.partner].dead_letters++;
      } else {
        summary.sets_failed++;
        summary.partners[d.set.partner].failed++;
      }
      continue;
    }
    d.set.delivered_to = sink_name(d);
    ctx_.index.transition_set(d.set, archive::SetStatus::delivered, {now, "delivered", d.set.delivered_to});
    summary.sets_delivered++;
    summary.partners[d.set.partner].delivered++;
  }
  tx.commit();
}

// Sets mapped by an earlier run that did not get to deliver them: a page at a time, so
// a backlog of half a million mapped sets is never all in memory.
void ErpDelivery::deliver_mapped(RunSummary& summary, std::size_t page) {
  if (page == 0) page = ctx_.config.batch_files;
  for (;;) {
    auto mapped = ctx_.index.transaction_sets_with_status(archive::SetStatus::mapped, offered_up_to_, page);
    if (mapped.empty()) return;
    offered_up_to_ = mapped.back().id;
    std::vector<Delivery> batch;
    {
      archive::Index::Transaction tx(ctx_.index);
      for (const auto& set : mapped)
        if (auto d = delivery_for(set, ctx_.index.mapped_output(set.id).value_or(""), summary)) batch.push_back(std::move(*d));
      tx.commit();
    }
    write_deliveries(batch, ctx_.store.env());
    record_deliveries(batch, summary);
  }
}

}  // namespace edihub::hub
