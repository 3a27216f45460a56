// GET /metrics of `edihub serve` (hub/service/metrics.h): the real service on loopback,
// checked by Prometheus's own `promtool check metrics` and against the files we fed it.
#include <signal.h>

#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "tests/fixtures/serve.h"
#include "tests/sample_856.h"
#include "tests/supplier_config.h"
#include "tests/test_support.h"

using namespace edihub::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// The value of the sample `series` (name and labels exactly as exposed), or nullopt.
std::optional<double> sample(const std::string& text, const std::string& series) {
  auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return std::nullopt;
  return std::stod(text.substr(at + series.size() + 2));
}

// Scrapes until `ready` holds for the text (bounded), returning the last scrape.
std::string scrape_until(const std::string& url, const std::function<bool(const std::string&)>& ready) {
  auto deadline = std::chrono::steady_clock::now() + 30s;
  std::string text;
  do {
    auto r = http_get(url);
    REQUIRE(r.status == 200);
    text = r.body;
    if (ready(text)) break;
    std::this_thread::sleep_for(200ms);
  } while (std::chrono::steady_clock::now() < deadline);
  return text;
}

}  // namespace

TEST_CASE("/metrics: counters, histograms and gauges by partner, well-formed for promtool", "[serve][metrics][e2e]") {
  TempDir dir;
  write_supplier_config(dir.path(), 500, 0);
  write_file(dir / "edihub.yaml", read_file(dir / "edihub.yaml") +
                                      "service:\n  health: {port: 0}\n  poll_every: 1s\n  housekeeping_every: 1s\n");
  // A second partner whose inbox turns into a file once the service runs: every poll fails.
  write_second_partner(dir.path(), "broken", "Broken \"Inbox\" Ltd", "BROKEN1", "inbox-broken", "erp");
  fs::create_directories(dir / "inbox-broken");
  const std::string asn1 = sample_856(1), asn2 = sample_856(2);
  write_file(dir / "inbox/asn-1.edi", asn1);
  write_file(dir / "inbox/asn-2.edi", asn2);
  const std::string garbage = "this is not an interchange\n";  // archived, never validated
  write_file(dir / "inbox/garbage.edi", garbage);

  ServeProcess serve(dir.path());
  const std::string health = serve.health_url();
  fs::remove(dir / "inbox-broken");
  write_file(dir / "inbox-broken", "not a folder");
  const std::string url = health.substr(0, health.rfind('/')) + "/metrics";
  std::string text = scrape_until(url, [](const std::string& t) {
    auto delivered = sample(t, R"(edihub_transaction_sets{partner="supplier",direction="in",status="delivered"})");
    auto failing = sample(t, R"(edihub_poll_failing{partner="broken"})");
    return delivered && *delivered == 2 && failing && *failing == 1;
  });
  INFO(text);

  // Three files of the supplier, their exact sizes; nothing from the broken partner.
  CHECK(sample(text, R"(edihub_files_received_total{partner="supplier",channel="folder"})") == 3);
  CHECK(sample(text, R"(edihub_received_bytes_total{partner="supplier",channel="folder"})") ==
        static_cast<double>(asn1.size() + asn2.size() + garbage.size()));
  CHECK_FALSE(sample(text, R"(edihub_files_received_total{partner="broken",channel="folder"})"));
  // Each stage seen once per file that reached it (all 3 archived; the 2 ASNs validated,
  // the garbage never: its exception, state and raised, is no stage) and once per delivered
  // set; every observation is in the +Inf bucket and, on loopback folders, within a minute.
  for (auto [stage, n] : {std::pair{"archived", 3}, {"validated", 2}, {"delivered", 2}}) {
    INFO(stage);
    CHECK(sample(text, fmt::format(R"(edihub_stage_latency_seconds_count{{partner="supplier",stage="{}"}})", stage)) == n);
    CHECK(sample(text, fmt::format(R"(edihub_stage_latency_seconds_bucket{{partner="supplier",stage="{}",le="+Inf"}})",
                                   stage)) == n);
    CHECK(sample(text, fmt::format(R"(edihub_stage_latency_seconds_bucket{{partner="supplier",stage="{}",le="60"}})",
                                   stage)) == n);
  }
  // Gauges for every configured partner, zero included.
  CHECK(sample(text, R"(edihub_erp_deliveries_pending{partner="supplier"})") == 0);
  CHECK(sample(text, R"(edihub_erp_deliveries_pending{partner="broken"})") == 0);
  CHECK(sample(text, R"(edihub_files_backlog{partner="supplier"})") == 0);
  CHECK(sample(text, R"(edihub_acknowledgments_overdue{partner="broken"})") == 0);
  CHECK(sample(text, R"(edihub_poll_failing{partner="supplier"})") == 0);
  CHECK(sample(text, R"(edihub_exceptions_open{partner="broken",kind="hub_error"})") == 1);
  auto age = sample(text, R"(edihub_last_successful_poll_age_seconds{partner="supplier"})");
  REQUIRE(age);
  CHECK(*age < 60);

  // Prometheus's own checker: syntax, types, HELP, naming conventions.
  write_file(dir / "metrics.txt", text);
  auto check = run_program({"sh", "-c", "promtool check metrics < '" + (dir / "metrics.txt").string() + "'"}, 60);
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.err.empty());

  // The alerting rules shipped for these metrics load in Prometheus's checker.
  auto rules = run_program({"promtool", "check", "rules", (source_dir() / "deploy/prometheus/edihub-rules.yml").string()}, 60);
  INFO(rules.out << rules.err);
  CHECK(rules.exit_code == 0);
  CHECK(rules.out.find("SUCCESS: 5 rules found") != std::string::npos);

  // Counters never go down: a new process reading the same archive starts from its rows.
  serve.signal(SIGTERM);
  REQUIRE(serve.wait_exit(25s));
  fs::remove(dir / "inbox-broken");
  fs::create_directories(dir / "inbox-broken");
  ServeProcess again(dir.path());
  const std::string health2 = again.health_url();
  auto second = http_get(health2.substr(0, health2.rfind('/')) + "/metrics");
  REQUIRE(second.status == 200);
  CHECK(sample(second.body, R"(edihub_files_received_total{partner="supplier",channel="folder"})") == 3);
}
