// `edihub serve` end to end: the real binary with its JSON log, /healthz, per-partner
// schedules, SIGHUP reloads and SIGTERM shutdowns.
#include <signal.h>

#include <sstream>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "archive/raw_store.h"
#include "hub/clock.h"
#include "tests/fixtures/serve.h"
#include "tests/supplier_config.h"

using namespace edihub::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::size_t count_files(const fs::path& dir) {
  if (!fs::exists(dir)) return 0;
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

// Waits (bounded) until `dir` holds `n` files.
bool wait_for_files(const fs::path& dir, std::size_t n, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (count_files(dir) < n && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  return count_files(dir) >= n;
}

// The supplier config with a service section and the supplier polled every second.
void write_service_config(const fs::path& dir, double settle_seconds = 0) {
  write_supplier_config(dir, 500, settle_seconds);
  write_file(dir / "edihub.yaml", read_file(dir / "edihub.yaml") +
                                      "service:\n  health: {port: 0}\n  poll_every: 1h\n  housekeeping_every: 1s\n  shutdown_grace: 20s\n");
  write_file(dir / "partners/supplier.yaml", read_file(dir / "partners/supplier.yaml") + "schedule: {poll_every: 1s}\n");
}

// A second partner with its own inbox and ERP folder.
void add_partner(const fs::path& dir, const std::string& id, const std::string& isa_id, const std::string& extra) {
  fs::create_directories(dir / ("inbox-" + id));
  fs::create_directories(dir / ("erp-" + id));
  write_file(dir / ("partners/" + id + ".yaml"), fmt::format(R"(id: {0}
name: Partner {0}
identities: [{{isa_qualifier: ZZ, isa_id: {1}}}]
inbound: {{folder: {{path: inbox-{0}, settle_seconds: 0}}}}
erp: {{folder: {{path: erp-{0}}}}}
mappings:
  - {{transaction_set: "856", versions: ["004010"], file: mappings/x12-856-inbound-delivery.yaml}}
code_tables:
  uom: {{EA: EA}}
  transport_mode: {{M: truck}}
{2})", id, isa_id, extra));
}

nlohmann::json health(const std::string& url) {
  auto r = http_get(url);
  INFO(r.body);
  REQUIRE(r.status != 0);
  auto j = nlohmann::json::parse(r.body);
  j["http_status"] = r.status;
  return j;
}

}  // namespace

TEST_CASE("serve polls each partner on its own schedule, delivers what arrives, reports /healthz and stops on SIGTERM",
          "[serve][e2e]") {
  TempDir dir;
  write_service_config(dir.path());
  // A partner whose only window opens two hours from now (UTC, on the hour): never polled here.
  auto now = std::chrono::system_clock::now();
  auto next_hour = std::chrono::ceil<std::chrono::hours>(now) + 1h;
  auto hour = std::chrono::duration_cast<std::chrono::hours>(next_hour - std::chrono::floor<std::chrono::days>(next_hour)).count();
  add_partner(dir.path(), "nightly", "NIGHTLY1",
              fmt::format("schedule: {{poll_every: 1s, windows: [\"{:02}:00-{:02}:30\"]}}\n", hour, hour));
  write_file(dir / "inbox-nightly/early.edi", sample_856(900, "NIGHTLY1"));

  ServeProcess serve(dir.path());
  const auto url = serve.health_url();
  write_file(dir / "inbox/asn-1.edi", sample_856(1));
  REQUIRE(wait_for_files(dir / "erp", 1, 20s));
  // Polled again and again at its one-second interval.
  REQUIRE(serve.wait_for_log([](const nlohmann::json& j) { return j.value("event", "") == "poll_finished"; }, 10s));
  auto deadline = std::chrono::steady_clock::now() + 15s;
  nlohmann::json h;
  do {
    std::this_thread::sleep_for(200ms);
    h = health(url);
  } while (h["partners"]["supplier"]["polls"].get<int>() < 3 && std::chrono::steady_clock::now() < deadline);
  CHECK(h["http_status"] == 200);
  CHECK(h["status"] == "ok");
  CHECK(h["partners"]["supplier"]["polls"].get<int>() >= 3);
  CHECK(h["partners"]["supplier"]["files_received"] == 1);
  CHECK(h["partners"]["supplier"]["last_result"] == "ok");
  CHECK(h["partners"]["nightly"]["polls"] == 0);
  CHECK(h["partners"]["nightly"]["next_poll"] == edihub::hub::iso_utc(next_hour));
  CHECK(fs::exists(dir / "inbox-nightly/early.edi"));
  CHECK(http_get(url.substr(0, url.rfind('/')) + "/other").status == 404);

  serve.signal(SIGTERM);
  auto code = serve.wait_exit(25s);
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(serve.wait_for_event("stopped", 1s));
  CHECK(count_files(dir / "erp") == 1);
  // Every line is one JSON object with time, level and event.
  for (const auto& line : serve.log()) {
    CHECK(line.contains("time"));
    CHECK(line.contains("level"));
    CHECK(line.contains("event"));
  }
}

TEST_CASE("SIGHUP swaps in a configuration only after it checks, a broken one is refused and the running one kept",
          "[serve][e2e]") {
  TempDir dir;
  write_service_config(dir.path());
  ServeProcess serve(dir.path());
  serve.health_url();

  const std::string good = read_file(dir / "partners/supplier.yaml");
  write_file(dir / "partners/supplier.yaml", good + "colour: blue\n");
  serve.signal(SIGHUP);
  auto refused = serve.wait_for_event("reload_refused", 10s);
  REQUIRE(refused);
  CHECK((*refused)["problems"].dump().find("supplier.yaml:16: unknown key 'colour'") != std::string::npos);
  // Still running the configuration it had.
  write_file(dir / "inbox/asn-1.edi", sample_856(1));
  CHECK(wait_for_files(dir / "erp", 1, 20s));

  write_file(dir / "partners/supplier.yaml", good);
  add_partner(dir.path(), "second", "SECOND1", "schedule: {poll_every: 1s}\n");
  serve.signal(SIGHUP);
  auto reloaded = serve.wait_for_event("reloaded", 20s);
  REQUIRE(reloaded);
  CHECK((*reloaded)["partners"] == 2);
  write_file(dir / "inbox-second/asn-2.edi", sample_856(2, "SECOND1"));
  CHECK(wait_for_files(dir / "erp-second", 1, 20s));
  write_file(dir / "inbox/asn-3.edi", sample_856(3));
  CHECK(wait_for_files(dir / "erp", 2, 20s));

  serve.signal(SIGTERM);
  auto code = serve.wait_exit(25s);
  REQUIRE(code);
  CHECK(*code == 0);
}

TEST_CASE("SIGTERM abandons a settle wait at once: nothing is taken half-way and the file waits for the next start",
          "[serve][e2e]") {
  TempDir dir;
  write_service_config(dir.path(), /*settle_seconds=*/60);
  write_file(dir / "inbox/asn-1.edi", sample_856(1));
  ServeProcess serve(dir.path());
  serve.health_url();
  std::this_thread::sleep_for(1500ms);  // the poll is now inside its 60 s settle wait
  auto asked = std::chrono::steady_clock::now();
  serve.signal(SIGTERM);
  auto code = serve.wait_exit(10s);
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(std::chrono::steady_clock::now() - asked < 5s);
  CHECK(serve.wait_for_event("poll_abandoned", 1s, "supplier"));
  CHECK(fs::exists(dir / "inbox/asn-1.edi"));
  CHECK(count_files(dir / "erp") == 0);

  // The next start takes it (settle 0 this time).
  write_service_config(dir.path(), 0);
  ServeProcess again(dir.path());
  CHECK(wait_for_files(dir / "erp", 1, 20s));
  again.signal(SIGTERM);
  CHECK(again.wait_exit(25s) == std::optional<int>(0));
}

TEST_CASE("the shipped service configuration checks and the systemd unit parses", "[serve][deploy]") {
  auto checked = run_edihub({"check", "--config", (source_dir() / "deploy/config").string()});
  INFO(checked.out << checked.err);
  CHECK(checked.exit_code == 0);
  auto verify = run_program({"sh", "-c", "command -v systemd-analyze"});
  if (verify.exit_code != 0) {
    WARN("systemd-analyze is not installed: the unit's syntax was not verified");
    return;
  }
  // The only complaint allowed is that edihub is not installed on this machine's PATH.
  auto r = run_program({"systemd-analyze", "verify", (source_dir() / "deploy/edihub.service").string()});
  std::istringstream lines(r.out + r.err);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.find("Command edihub is not executable") != std::string::npos);
  }
}

TEST_CASE("a partner whose poll keeps failing shows in /healthz with its error and since when, raises one hub_error, "
          "and the others go on",
          "[serve][e2e][isolation]") {
  TempDir dir;
  write_service_config(dir.path());
  add_partner(dir.path(), "broken", "BROKEN1", "schedule: {poll_every: 1s}\n");
  ServeProcess serve(dir.path());
  const auto url = serve.health_url();
  // Its inbox becomes unlistable after the configuration was checked: every poll throws.
  fs::remove(dir / "inbox-broken");
  write_file(dir / "inbox-broken", "a file where the inbox folder should be");
  write_file(dir / "inbox/asn-1.edi", sample_856(1));
  REQUIRE(wait_for_files(dir / "erp", 1, 20s));  // the other partner is not held up
  auto deadline = std::chrono::steady_clock::now() + 20s;
  nlohmann::json h;
  do {
    std::this_thread::sleep_for(200ms);
    h = health(url);
  } while (h["partners"]["broken"]["polls"].get<int>() < 3 && std::chrono::steady_clock::now() < deadline);
  const auto& broken = h["partners"]["broken"];
  CHECK(broken["polls"].get<int>() >= 3);
  CHECK(broken["last_result"] == "error");
  CHECK_THAT(broken["last_error"].get<std::string>(), Catch::Contains("inbox-broken"));
  CHECK_FALSE(broken["failing_since"].get<std::string>().empty());
  CHECK(broken["failing_since"].get<std::string>() <= broken["last_poll"].get<std::string>());
  CHECK(h["partners"]["supplier"]["last_result"] == "ok");
  CHECK(h["partners"]["supplier"]["failing_since"] == "");

  // One hub_error while it lasts, not one per poll (the log reports each exception raised).
  std::vector<nlohmann::json> raised;
  for (const auto& line : serve.log())
    if (line.value("event", "") == "exception" && line.value("partner", "") == "broken") raised.push_back(line);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0]["kind"] == "hub_error");
  CHECK_THAT(raised[0]["reason"].get<std::string>(), Catch::StartsWith("poll: ") && Catch::Contains("inbox-broken"));

  // Fixed: the next poll works, the exception is resolved and /healthz clears.
  fs::remove(dir / "inbox-broken");
  fs::create_directories(dir / "inbox-broken");
  deadline = std::chrono::steady_clock::now() + 20s;
  do {
    std::this_thread::sleep_for(200ms);
    h = health(url);
  } while (h["partners"]["broken"]["last_result"] != "ok" && std::chrono::steady_clock::now() < deadline);
  CHECK(h["partners"]["broken"]["failing_since"] == "");
  auto r = run_edihub({"exceptions", "--config", dir.path().string(), "--partner", "broken", "--state", "all", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto all = nlohmann::json::parse(r.out)["rows"];
  REQUIRE(all.size() == 1);
  CHECK(all[0]["state"] == "resolved");
  CHECK(all[0]["note"] == "poll works again");
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(25s) == 0);
}

TEST_CASE("a housekeeping pass that keeps failing makes /healthz fail with since when and raises one hub_error, "
          "resolved when it works again",
          "[serve][e2e][isolation]") {
  TempDir dir;
  write_service_config(dir.path());
  ServeProcess serve(dir.path());
  const auto url = serve.health_url();
  write_file(dir / "inbox/asn-1.edi", sample_856(1));
  REQUIRE(wait_for_files(dir / "erp", 1, 20s));
  // The received file's raw object turns into a folder: housekeeping re-publishes it from
  // its claim (still watched under incoming/) on every pass, and every pass fails.
  const auto sha = edihub::archive::sha256_hex(sample_856(1));
  const auto object = dir / "archive/raw" / sha.substr(0, 2) / sha;
  fs::remove(object);
  fs::create_directories(object / "in-the-way");
  auto deadline = std::chrono::steady_clock::now() + 20s;
  nlohmann::json h;
  do {
    std::this_thread::sleep_for(200ms);
    h = health(url);
  } while (h["status"] != "failing" && std::chrono::steady_clock::now() < deadline);
  REQUIRE(h["status"] == "failing");
  CHECK(h["http_status"] == 503);
  CHECK_THAT(h["housekeeping"]["error"].get<std::string>(), Catch::Contains(sha));
  const auto since = h["housekeeping"]["failing_since"].get<std::string>();
  CHECK_FALSE(since.empty());
  std::this_thread::sleep_for(2500ms);  // more failing passes: the same start, one exception
  h = health(url);
  CHECK(h["housekeeping"]["failing_since"] == since);
  std::vector<nlohmann::json> raised;
  for (const auto& line : serve.log())
    if (line.value("event", "") == "exception" && line.value("kind", "") == "hub_error") raised.push_back(line);
  REQUIRE(raised.size() == 1);
  CHECK_THAT(raised[0]["reason"].get<std::string>(), Catch::StartsWith("housekeeping: "));

  fs::remove_all(object);  // the next pass publishes it again
  deadline = std::chrono::steady_clock::now() + 20s;
  do {
    std::this_thread::sleep_for(200ms);
    h = health(url);
  } while (h["status"] != "ok" && std::chrono::steady_clock::now() < deadline);
  CHECK(h["status"] == "ok");
  CHECK(h["housekeeping"]["failing_since"] == "");
  CHECK(edihub::archive::sha256_file(object) == sha);
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(25s) == 0);
  auto r = run_edihub({"exceptions", "--config", dir.path().string(), "--state", "all", "--json"});
  REQUIRE(r.exit_code == 0);
  auto all = nlohmann::json::parse(r.out)["rows"];
  REQUIRE(all.size() == 1);
  CHECK(all[0]["kind"] == "hub_error");
  CHECK(all[0]["state"] == "resolved");
}
