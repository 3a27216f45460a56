#include "hub/service/metrics.h"

#include <algorithm>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "archive/index.h"
#include "hub/clock.h"
#include "hub/config.h"

namespace edihub::hub {

namespace {

// Rows read per page when catching up, and pages per scrape: a first scrape of a big
// archive answers after a bounded amount of work and the next ones go on from there.
constexpr std::size_t kPage = 10000;
constexpr int kPagesPerScrape = 50;

using Labels = std::vector<std::pair<const char*, std::string>>;

std::string label_value(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

class Exposition {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(std::string_view name, const Labels& labels, double value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (std::size_t i = 0; i < labels.size(); ++i)
        out_ += fmt::format("{}{}=\"{}\"", i ? "," : "", labels[i].first, label_value(labels[i].second));
      out_ += '}';
    }
    out_ += fmt::format(" {}\n", value);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

Metrics& process_metrics() {
  static Metrics metrics;
  return metrics;
}

void Metrics::catch_up(const archive::Index& index) {
  for (int page = 0; page < kPagesPerScrape; ++page) {
    auto files = index.received_files_after(last_file_, kPage);
    for (const auto& f : files) {
      auto& r = received_[{f.partner, f.channel}];
      r.files += 1;
      r.bytes += static_cast<double>(f.bytes);
      last_file_ = f.id;
    }
    if (files.size() < kPage) break;
  }
  for (int page = 0; page < kPagesPerScrape; ++page) {
    auto timings = index.stage_timings_after(last_event_, kPage);
    for (const auto& t : timings) {
      auto& h = latency_[{t.partner, t.stage}];
      double seconds = std::max(0.0, t.seconds);
      auto bucket = std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds);
      if (bucket != kLatencyBuckets.end()) ++h.buckets[bucket - kLatencyBuckets.begin()];
      ++h.count;
      h.sum += seconds;
      last_event_ = t.event_id;
    }
    if (timings.size() < kPage) break;
  }
}

std::string Metrics::exposition(const archive::Index& index, const Config& config, const Clock& clock) {
  std::lock_guard lock(mu_);
  catch_up(index);
  const auto now = clock.now();
  std::set<std::string> partners;
  for (const auto& p : config.partners.profiles()) partners.insert(p.id);

  Exposition x;
  x.family("edihub_files_received_total", "counter", "Inbound files archived, by partner and channel kind.");
  for (const auto& [key, r] : received_) x.sample("edihub_files_received_total", {{"partner", key.first}, {"channel", key.second}}, r.files);
  x.family("edihub_received_bytes_total", "counter", "Bytes of inbound files archived, by partner and channel kind.");
  for (const auto& [key, r] : received_) x.sample("edihub_received_bytes_total", {{"partner", key.first}, {"channel", key.second}}, r.bytes);

  x.family("edihub_stage_latency_seconds", "histogram",
           "Seconds from a file's receipt to the end of a stage: archived, validated, delivered (to the ERP).");
  for (const auto& [key, h] : latency_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      x.sample("edihub_stage_latency_seconds_bucket",
               {{"partner", key.first}, {"stage", key.second}, {"le", fmt::format("{}", kLatencyBuckets[i])}},
               static_cast<double>(cumulative));
    }
    x.sample("edihub_stage_latency_seconds_bucket", {{"partner", key.first}, {"stage", key.second}, {"le", "+Inf"}},
             static_cast<double>(h.count));
    x.sample("edihub_stage_latency_seconds_sum", {{"partner", key.first}, {"stage", key.second}}, h.sum);
    x.sample("edihub_stage_latency_seconds_count", {{"partner", key.first}, {"stage", key.second}},
             static_cast<double>(h.count));
  }

  x.family("edihub_transaction_sets", "gauge", "Transaction sets by partner, direction and current status.");
  for (const auto& s : index.sets_by_status())
    x.sample("edihub_transaction_sets", {{"partner", s.partner}, {"direction", s.direction}, {"status", s.status}},
             static_cast<double>(s.count));

  x.family("edihub_exceptions_open", "gauge", "Open exceptions by partner and kind.");
  for (const auto& t : index.open_exception_tally(std::nullopt))
    x.sample("edihub_exceptions_open", {{"partner", t.partner}, {"kind", t.name}}, static_cast<double>(t.count));

  // The gauges every partner has, zero included.
  std::map<std::string, archive::Index::PartnerCounts> counts;
  for (const auto& p : partners) counts[p].partner = p;
  for (auto& c : index.partner_counts(iso_utc(now))) counts[c.partner] = std::move(c);
  struct Gauge {
    const char* name;
    const char* help;
    std::int64_t archive::Index::PartnerCounts::*field;
  };
  static constexpr Gauge kGauges[] = {
      {"edihub_acknowledgments_awaiting", "Groups we sent still awaiting the partner's 997/999 (overdue included).",
       &archive::Index::PartnerCounts::acks_awaiting},
      {"edihub_acknowledgments_overdue", "Groups we sent whose acknowledgment is past its deadline.",
       &archive::Index::PartnerCounts::acks_overdue},
      {"edihub_erp_deliveries_pending", "Inbound transaction sets mapped and not yet delivered to the ERP.",
       &archive::Index::PartnerCounts::deliveries_pending},
      {"edihub_erp_dead_letters", "Inbound transaction sets the ERP never accepted (dead_letter).",
       &archive::Index::PartnerCounts::dead_letters},
      {"edihub_files_backlog", "Files received and archived but not yet processed.",
       &archive::Index::PartnerCounts::backlog_files},
  };
  for (const auto& g : kGauges) {
    x.family(g.name, "gauge", g.help);
    for (const auto& [partner, c] : counts) x.sample(g.name, {{"partner", partner}}, static_cast<double>(c.*g.field));
  }

  std::map<std::string, archive::PartnerPollRecord> polls;
  for (auto& p : index.partner_polls()) polls[p.partner] = std::move(p);
  auto seconds_since_epoch = [](const std::string& at) {
    return std::chrono::duration<double>(parse_iso_utc(at).time_since_epoch()).count();
  };
  const double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
  x.family("edihub_last_successful_poll_timestamp_seconds", "gauge",
           "When a partner's inbound channels were last polled without error (Unix time; absent: never).");
  for (const auto& [partner, p] : polls)
    if (!p.last_ok_at.empty())
      x.sample("edihub_last_successful_poll_timestamp_seconds", {{"partner", partner}}, seconds_since_epoch(p.last_ok_at));
  x.family("edihub_last_successful_poll_age_seconds", "gauge",
           "Seconds since a partner's last successful poll (absent: never polled successfully).");
  for (const auto& [partner, p] : polls)
    if (!p.last_ok_at.empty())
      x.sample("edihub_last_successful_poll_age_seconds", {{"partner", partner}},
               std::max(0.0, now_s - seconds_since_epoch(p.last_ok_at)));
  x.family("edihub_poll_failing", "gauge", "1 while a partner's polls keep failing, 0 otherwise.");
  for (const auto& partner : partners) {
    auto it = polls.find(partner);
    x.sample("edihub_poll_failing", {{"partner", partner}}, it != polls.end() && !it->second.failing_since.empty() ? 1 : 0);
  }
  return x.take();
}

}  // namespace edihub::hub
