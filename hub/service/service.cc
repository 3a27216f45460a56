#include "hub/service/service.h"

#include <pthread.h>
#include <signal.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>

#include "archive/index.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/service/health_server.h"
#include "hub/service/metrics.h"
#include "hub/service/log.h"
#include "hub/pipeline/pipeline.h"
#include "hub/service/scheduler.h"
#include "hub/text_escape.h"
#include "hub/web/server.h"
#include "transports/as2_server.h"
#include "transports/redact.h"

namespace edihub::hub {

namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;

// Thrown out of a settle wait when the service stops: the poll had not taken anything yet.
struct Abandoned : std::runtime_error {
  Abandoned() : std::runtime_error("abandoned: the service is stopping") {}
};

struct PollHealth {
  std::string last_at, last_result = "not yet", last_error, failing_since;
  std::uint64_t polls = 0, files_received = 0, exceptions = 0;
};

nlohmann::json summary_fields(const RunSummary& s) {
  return {{"files_received", s.files_received}, {"files_processed", s.files_processed}, {"duplicates", s.duplicates},
          {"sets_delivered", s.sets_delivered}, {"sets_failed", s.sets_failed}, {"sets_dead_letter", s.sets_dead_letter},
          {"sets_rejected", s.sets_rejected}, {"sets_held", s.sets_held}, {"business_duplicates", s.business_duplicates},
          {"sets_delivery_pending", s.sets_delivery_pending}, {"acks_sent", s.acks_sent},
          {"acks_reconciled", s.acks_reconciled}, {"documents_sent", s.documents_sent},
          {"acks_overdue", s.acks_overdue}, {"exceptions", s.exceptions.size()}};
}

bool worth_logging(const RunSummary& s) {
  return s.files_received || s.files_processed || s.sets_delivered || s.sets_delivery_pending || s.acks_sent ||
         s.documents_sent || s.acks_reconciled || s.acks_overdue || !s.exceptions.empty();
}

// The dashboard's actions (hub/web/page.h), run on the service's pipeline: under its lock,
// so they are serialized with the polls and housekeeping.
class PipelineActions : public web::Actions {
 public:
  PipelineActions(Pipeline& pipeline, const Config& config) : pipeline_(pipeline), config_(config) {}

  void close_exception(std::int64_t id, archive::ExceptionState state, const std::string& note,
                       const std::string& by) override {
    pipeline_.close_exception(id, state, by, note);
    log::info("exception_closed", {{"id", id}, {"state", archive::to_string(state)}, {"by", by}, {"note", note}});
  }

  std::string replay(std::int64_t id, const std::string& by) override {
    std::int64_t file_id = 0;
    {
      auto index = archive::Index::open(config_.index_file());
      auto exception = index->exception(id);
      if (!exception) throw std::runtime_error(fmt::format("no exception {}", id));
      if (!exception->file_id) throw std::runtime_error(fmt::format("exception {} is about no file: nothing to replay", id));
      file_id = exception->file_id;
    }
    auto s = pipeline_.replay(file_id, by);
    log::info("replayed", {{"exception", id}, {"file_id", file_id}, {"by", by}, {"exceptions", s.exceptions.size()}});
    return fmt::format("F{} replayed by {}: {} transaction set(s) delivered, {} failed, {} rejected, {} new exception(s){}",
                       file_id, by, s.sets_delivered, s.sets_failed, s.sets_rejected, s.exceptions.size(),
                       s.exceptions.empty() ? "; its open exceptions are resolved" : "");
  }

 private:
  Pipeline& pipeline_;
  const Config& config_;
};

class Service {
 public:
  Service(fs::path dir, const Clock& clock) : dir_(std::move(dir)), clock_(clock) {}

  int run() {
    try {
      config_ = std::make_unique<Config>(Config::load(dir_));
    } catch (const partners::ConfigError& e) {
      log::error("config_invalid", {{"config", dir_.string()}, {"problems", e.problems}});
      return 2;
    }
    log::init(config_->service.log_level);
    // Signals are taken by one thread with sigwait; every other thread blocks them.
    sigset_t signals;
    sigemptyset(&signals);
    for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    try {
      start_pipeline();
      start_as2();
      start_dashboard();
      // /metrics has no authentication: served here only on a loopback address (else on the
      // dashboard's port, behind its token).
      boost::system::error_code not_an_address;
      const bool loopback =
          boost::asio::ip::make_address(config_->service.health_address, not_an_address).is_loopback() && !not_an_address;
      health_ = std::make_unique<HealthServer>(config_->service.health_address, config_->service.health_port,
                                               [this] { return health_report(); },
                                               loopback ? std::function<std::string()>([this] { return metrics_text(); })
                                                        : nullptr);
      health_->start();
    } catch (const std::exception& e) {
      log::error("start_failed", {{"config", dir_.string()}, {"error", e.what()}});
      return 2;
    }
    std::thread signal_thread([this, signals] { take_signals(signals); });
    signal_thread.detach();  // it ends with the first SIGTERM/SIGINT; the process may end first
    boost::asio::thread_pool pool(config_->service.workers + 1);  // + housekeeping
    log::info("serve_started", {{"config", dir_.string()},
                                {"partners", config_->partners.profiles().size()},
                                {"workers", config_->service.workers},
                                {"health", fmt::format("http://{}:{}/healthz", config_->service.health_address, health_->port())},
                                {"as2", as2_ ? as2_->url(config_->as2->path) : ""},
                                {"dashboard", dashboard_ ? dashboard_->url() : ""}});
    schedule(pool);
    return stop(pool);
  }

 private:
  void take_signals(sigset_t signals) {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      std::lock_guard lock(mu_);
      if (sig == SIGHUP) {
        reload_requested_ = true;
        cv_.notify_all();
        continue;
      }
      log::info("stop_requested", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      stopping_ = true;
      cv_.notify_all();
      return;
    }
  }

  void start_pipeline() {
    pipeline_ = std::make_unique<Pipeline>(*config_, clock_, [this](std::chrono::milliseconds d) {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, d, [this] { return stopping_; })) throw Abandoned();
    });
    std::vector<Scheduler::Entry> entries;
    for (const auto& p : config_->partners.profiles())
      entries.push_back({p.id, p.schedule.poll_every.value_or(config_->service.poll_every), p.schedule});
    scheduler_.emplace(entries, system_clock::now());
    next_housekeeping_ = system_clock::now();
  }

  // The AS2 receiver, when edihub.yaml has `as2:`. Its handlers use pipeline_, so it is
  // stopped before the pipeline is swapped or closed.
  void start_as2() {
    if (!config_->as2) return;
    namespace as2 = transports::as2;
    auto c = pipeline_->as2_server_config();
    c.handler = [this, receive = std::move(c.handler)](const as2::ReceivedMessage& m) {
      auto result = receive(m);
      log::info("as2_received", {{"from", m.as2_from}, {"message_id", m.message_id}, {"bytes", m.payload.size()},
                                 {"outcome", result.outcome == as2::As2Result::Outcome::accepted ? "accepted" : "refused"},
                                 {"note", result.modifier}});
      // Process it now rather than at the next housekeeping interval.
      std::lock_guard lock(mu_);
      next_housekeeping_ = system_clock::now();
      cv_.notify_all();
      return result;
    };
    c.on_rejected = [](const as2::ReceivedMessage& m) {
      log::warn("as2_rejected", {{"from", m.as2_from}, {"message_id", m.message_id}, {"error", m.error},
                                 {"reason", m.error_text}});
    };
    c.on_mdn = [receive = std::move(c.on_mdn)](const as2::Headers& h, const std::string& body) {
      receive(h, body);
      log::info("as2_mdn_received", {{"original_message_id", as2::peek_mdn_original_message_id(h, body)}});
    };
    c.on_async_mdn_sent = [](const as2::AsyncMdnDelivery& d) {
      bool ok = d.result.error == as2::PostResult::Error::none && d.result.http_status / 100 == 2;
      (ok ? log::info : log::warn)("as2_async_mdn_sent", {{"message_id", d.message_id}, {"url", transports::redact_url(d.url)},
                                                          {"http_status", d.result.http_status}, {"reason", d.result.reason}});
    };
    as2_ = std::make_unique<as2::As2Server>(std::move(c));
    as2_->start();
  }

  // The dashboard, when edihub.yaml has `dashboard:`. Its actions use pipeline_ and its
  // pages config_, so it is stopped before either is swapped or closed.
  void start_dashboard() {
    if (!config_->dashboard) return;
    actions_ = std::make_unique<PipelineActions>(*pipeline_, *config_);
    web::ServerOptions options;
    options.config = config_.get();
    options.clock = &clock_;
    options.actions = actions_.get();
    options.on_request = [](const web::RequestLog& r) {
      log::info("dashboard_request", {{"method", r.method}, {"path", r.path}, {"status", r.status}, {"user", r.user},
                                      {"ms", r.took.count()}});
    };
    dashboard_ = std::make_unique<web::Server>(std::move(options));
    dashboard_->start();
  }

  // The scheduling loop: runs until stopping_.
  void schedule(boost::asio::thread_pool& pool) {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      if (reload_requested_) {
        reload_requested_ = false;
        reload(lock);
        continue;
      }
      auto now = system_clock::now();
      if (!housekeeping_running_ && now >= next_housekeeping_) {
        housekeeping_running_ = true;
        ++in_flight_;
        boost::asio::post(pool, [this] { housekeep(); });
      }
      for (const auto& id : scheduler_->take_due(now)) {
        ++in_flight_;
        boost::asio::post(pool, [this, id] { poll(id); });
      }
      auto wake = std::min({scheduler_->next_due(), next_housekeeping_, now + std::chrono::seconds(5)});
      cv_.wait_until(lock, wake);
    }
  }

  void poll(const std::string& id) {
    const auto* partner = config_->partners.find(id);  // config_ is not swapped while polls run
    auto started = std::chrono::steady_clock::now();
    RunSummary summary;
    std::string result = "ok", error;
    try {
      summary = pipeline_->poll_partner(*partner);
    } catch (const Abandoned&) {
      result = "abandoned";
    } catch (const std::exception& e) {
      result = "error";
      error = e.what();
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    if (result != "abandoned") record_stage("poll", id, error, summary);
    report(summary);
    auto fields = summary_fields(summary);
    fields["partner"] = id;
    fields["ms"] = ms;
    if (result == "error") log::error("poll_failed", {{"partner", id}, {"ms", ms}, {"error", error}});
    else if (result == "abandoned") log::info("poll_abandoned", {{"partner", id}, {"ms", ms}});
    else if (worth_logging(summary)) log::info("poll_finished", fields);
    else log::debug("poll_finished", fields);
    std::lock_guard lock(mu_);
    auto& h = polls_[id];
    h.last_at = iso_utc(system_clock::now());
    h.last_result = result;
    h.last_error = transports::redact_secrets(error);
    if (error.empty()) h.failing_since.clear();
    else if (h.failing_since.empty()) h.failing_since = h.last_at;
    h.polls++;
    h.files_received += summary.files_received;
    h.exceptions += summary.exceptions.size();
    scheduler_->finished(id, system_clock::now());
    --in_flight_;
    cv_.notify_all();
  }

  void housekeep() {
    RunSummary summary;
    std::string error;
    try {
      summary = pipeline_->housekeeping();
    } catch (const std::exception& e) {
      error = e.what();
    }
    record_stage("housekeeping", "", error, summary);
    report(summary);
    if (!error.empty()) log::error("housekeeping_failed", {{"error", error}});
    else if (worth_logging(summary)) log::info("housekeeping_finished", summary_fields(summary));
    std::lock_guard lock(mu_);
    housekeeping_at_ = system_clock::now();
    housekeeping_error_ = transports::redact_secrets(error);
    if (error.empty()) housekeeping_failing_since_.clear();
    else if (housekeeping_failing_since_.empty()) housekeeping_failing_since_ = iso_utc(*housekeeping_at_);
    housekeeping_running_ = false;
    next_housekeeping_ = *housekeeping_at_ + config_->service.housekeeping_every;
    --in_flight_;
    cv_.notify_all();
  }

  // A failing stage raises one hub_error while it lasts (resolved when it works again), so
  // a stage that fails on every pass is in the exception queue, not only in the log.
  void record_stage(const std::string& stage, const std::string& partner, const std::string& error,
                    RunSummary& summary) {
    try {
      if (error.empty()) pipeline_->stage_ok(stage, partner);
      else if (auto raised = pipeline_->stage_failed(stage, partner, error)) summary.add_exception(std::move(*raised));
    } catch (const std::exception& e) {
      log::error("exception_not_recorded", {{"stage", stage}, {"partner", partner}, {"error", e.what()}});
    }
  }
  static void report(const RunSummary& summary) {
    for (const auto& e : summary.exceptions)
      log::warn("exception", {{"id", e.id}, {"partner", e.partner}, {"kind", e.kind}, {"file_id", e.file_id},
                              {"reason", e.reason}});
  }

  // Loads and checks the folder; swaps it in once nothing is in flight. Called with mu_ held.
  void reload(std::unique_lock<std::mutex>& lock) {
    std::unique_ptr<Config> fresh;
    lock.unlock();
    try {
      fresh = std::make_unique<Config>(Config::load(dir_));
    } catch (const partners::ConfigError& e) {
      lock.lock();
      log::warn("reload_refused", {{"config", dir_.string()}, {"problems", e.problems},
                                   {"note", "the running configuration is kept"}});
      return;
    }
    lock.lock();
    cv_.wait(lock, [this] { return in_flight_ == 0 || stopping_; });
    if (stopping_) return;
    if (fresh->service.health_address != config_->service.health_address ||
        fresh->service.health_port != config_->service.health_port || fresh->service.workers != config_->service.workers)
      log::warn("reload_partial", {{"note", "service.health and service.workers take effect at the next start"}});
    lock.unlock();  // AS2 handlers take mu_ while the receiver stops
    as2_.reset();
    dashboard_.reset();
    actions_.reset();
    lock.lock();
    pipeline_.reset();  // releases the archive lock before the new pipeline takes it
    config_ = std::move(fresh);
    log::init(config_->service.log_level);
    start_pipeline();
    try {
      start_as2();
    } catch (const std::exception& e) {
      log::error("as2_start_failed", {{"error", e.what()}, {"note", "AS2 is not received until the next reload"}});
    }
    try {
      start_dashboard();
    } catch (const std::exception& e) {
      dashboard_.reset();
      log::error("dashboard_start_failed", {{"error", e.what()}, {"note", "the dashboard is off until the next reload"}});
    }
    polls_.clear();
    log::info("reloaded", {{"config", dir_.string()}, {"partners", config_->partners.profiles().size()}});
  }

  // A connection of its own: the scrape reads beside the pipeline's writer (WAL).
  std::string metrics_text() {
    std::lock_guard lock(mu_);
    auto index = archive::Index::open(config_->index_file());
    return process_metrics().exposition(*index, *config_, clock_);
  }

  HealthReport health_report() {
    std::lock_guard lock(mu_);
    auto now = system_clock::now();
    nlohmann::json partners = nlohmann::json::object();
    for (const auto& p : config_->partners.profiles()) {
      const auto& h = polls_[p.id];
      auto due = scheduler_->due_at(p.id);
      partners[p.id] = {{"polling", scheduler_->polling(p.id)}, {"last_poll", h.last_at}, {"last_result", h.last_result},
                        {"last_error", h.last_error}, {"failing_since", h.failing_since}, {"polls", h.polls}, {"files_received", h.files_received},
                        {"exceptions", h.exceptions},
                        {"next_poll", due == Scheduler::TimePoint::max() ? "" : iso_utc(due)}};
    }
    // Late: housekeeping has not finished for three intervals (a stuck archive or disk).
    bool late = housekeeping_at_ && now - *housekeeping_at_ > 3 * config_->service.housekeeping_every + std::chrono::seconds(60);
    std::string status = stopping_ ? "stopping" : !housekeeping_error_.empty() ? "failing" : late ? "late" : "ok";
    nlohmann::json body = {{"status", status},
                           {"config", dir_.string()},
                           {"in_flight", in_flight_},
                           {"housekeeping", {{"last", housekeeping_at_ ? iso_utc(*housekeeping_at_) : ""},
                                             {"error", housekeeping_error_},
                                             {"failing_since", housekeeping_failing_since_}}},
                           {"partners", partners}};
    return {status == "ok" ? 200 : 503, dump_json(body)};
  }

  int stop(boost::asio::thread_pool& pool) {
    as2_.reset();  // no new messages; those being received finish first (bounded by its stop_timeout)
    dashboard_.reset();  // pages being rendered finish first (bounded)
    std::unique_lock lock(mu_);
    log::info("stopping", {{"in_flight", in_flight_}, {"grace_seconds", config_->service.shutdown_grace.count()}});
    if (!cv_.wait_for(lock, config_->service.shutdown_grace, [this] { return in_flight_ == 0; })) {
      // Like a crash: the next start resumes from the archive's durable state.
      log::error("stop_abandoned", {{"in_flight", in_flight_}, {"note", "work still running after shutdown_grace; the next start resumes it"}});
      std::_Exit(3);
    }
    lock.unlock();
    pool.join();
    health_->stop();
    pipeline_.reset();
    log::info("stopped");
    return 0;
  }

  const fs::path dir_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool reload_requested_ = false;
  std::size_t in_flight_ = 0;
  bool housekeeping_running_ = false;
  system_clock::time_point next_housekeeping_;
  std::optional<system_clock::time_point> housekeeping_at_;
  std::string housekeeping_error_, housekeeping_failing_since_;
  std::unique_ptr<Config> config_;
  std::unique_ptr<Pipeline> pipeline_;
  std::optional<Scheduler> scheduler_;
  std::map<std::string, PollHealth> polls_;
  std::unique_ptr<HealthServer> health_;
  std::unique_ptr<transports::as2::As2Server> as2_;
  std::unique_ptr<PipelineActions> actions_;
  std::unique_ptr<web::Server> dashboard_;
};

}  // namespace

int serve(const fs::path& config_dir, const Clock& clock) { return Service(fs::absolute(config_dir), clock).run(); }

}  // namespace edihub::hub
