// Alerts end to end, through the binary (docs/alerts.md): rules in edihub.yaml and in a
// profile, a real SMTP server on loopback (Debian's python3-aiosmtpd) and a webhook
// receiver (the HTTP peer of the ERP tests), the hub's clock set by EDIHUB_NOW. One
// notification per event and channel, retried across passes, never lost when the process
// is killed after queueing them.
#include <stdlib.h>

#include <algorithm>
#include <iostream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fixtures/http_erp.h"
#include "tests/fixtures/smtp_server.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/pipeline/pipeline.h"
#include "tests/supplier_config.h"
#include "tests/trading_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;
using Catch::Contains;

namespace {

const char* kMorning = "2026-12-07T08:00:00Z";

// edihub.yaml's alerts: an e-mail and a webhook channel, and `rules` (YAML list items).
void write_alerts(const TempDir& dir, const SmtpServer& smtp, const HttpErp& hook, const std::string& rules) {
  const std::string yaml = "alerts:\n"
                           "  channels:\n"
                           "    ops-mail:\n"
                           "      email: {smtp: \"" + smtp.url() + "\", from: edihub@hub.example, to: [edi-team@buyer.example]}\n"
                           "    ops-hook:\n"
                           "      webhook: {url: \"" + hook.url("/hooks/edihub") + "\", token_env: EDIHUB_TEST_HOOK_TOKEN}\n"
                           "  rules:\n" + rules;
  write_file(dir / "edihub.yaml", read_file(dir / "edihub.yaml") + yaml);
}

void add_to_profile(const TempDir& dir, const std::string& yaml) {
  write_file(dir / "partners/supplier.yaml", read_file(dir / "partners/supplier.yaml") + yaml);
}

// edihub with the webhook's token in its environment (the configuration needs it).
RunResult edihub_with_token(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv{"env", "EDIHUB_TEST_HOOK_TOKEN=hook-secret-1"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(edihub_binary().string());
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

RunResult run_at(const TempDir& dir, const std::string& now, const std::vector<std::string>& env = {}) {
  std::vector<std::string> with_now{"EDIHUB_NOW=" + now};
  with_now.insert(with_now.end(), env.begin(), env.end());
  return edihub_with_token({"run", "--config", dir.path().string(), "--once", "--json"}, with_now);
}

json notifications(const TempDir& dir) {
  auto r = edihub_with_token({"alerts", "--config", dir.path().string(), "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out)["rows"];
}

json exceptions_of_kind(const TempDir& dir, const std::string& kind) {
  auto r = edihub_with_token({"exceptions", "--config", dir.path().string(), "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto list = json::parse(r.out);
  json found = json::array();
  for (const auto& e : list["rows"])
    if (e["kind"] == kind) found.push_back(e);
  return found;
}

// Where a test keeps what a peer received, beside the binaries (a build artifact).
fs::path artifact(const std::string& name) {
  const fs::path dir = edihub_binary().parent_path() / "test-artifacts";
  fs::create_directories(dir);
  return dir / name;
}

// A hub whose supplier dropped a file that is no interchange (an unusable_file exception),
// with one rule in edihub.yaml about that kind, sending to `send`; the webhook answers
// `hook_replies` first, then 200.
struct UnusableFileHub {
  TempDir dir;
  SmtpServer smtp{dir / "smtp.out"};
  HttpErp hook;
  explicit UnusableFileHub(const std::string& send, const std::vector<int>& hook_replies = {}) {
    write_supplier_config(dir.path());
    for (int status : hook_replies) hook.reply(HttpErp::status(status));
    write_alerts(dir, smtp, hook,
                 "    - {name: unusable-files, on: exception, kinds: [unusable_file], send: [" + send + "]}\n");
    write_file(dir / "inbox/garbage.edi", "this is not an interchange\n");
  }
};

}  // namespace

TEST_CASE("an exception of a chosen kind sends one e-mail and one webhook, other kinds and later passes none",
          "[alerts]") {
  UnusableFileHub hub("ops-mail, ops-hook");
  auto& [dir, smtp, hook] = hub;
  add_to_profile(dir, "alerts:\n  - {name: mapping-trouble, on: exception, kinds: [mapping_error], send: [ops-mail]}\n");
  std::string broken = sample_856(9);
  broken.replace(broken.find("SE*22*"), 6, "SE*99*");  // an envelope_error: no rule watches that kind
  write_file(dir / "inbox/broken.edi", broken);

  auto first = run_at(dir, kMorning);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(exceptions_of_kind(dir, "envelope_error").size() == 1);
  const auto unusable = exceptions_of_kind(dir, "unusable_file");
  REQUIRE(unusable.size() == 1);
  const auto id = unusable[0]["id"].get<std::int64_t>();

  const auto mails = smtp.messages();
  REQUIRE(mails.size() == 1);
  const auto requests = hook.requests();
  REQUIRE(requests.size() == 1);
  const auto body = json::parse(requests[0].body);
  const std::string delivery_id = body["id"];
  CHECK(delivery_id.starts_with("edihub-"));
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/hooks/edihub");
  CHECK(requests[0].header("Idempotency-Key") == delivery_id);
  CHECK(requests[0].header("Authorization") == "Bearer hook-secret-1");
  CHECK(requests[0].header("Content-Type") == "application/json");
  CHECK(body["rule"] == "unusable-files");
  CHECK(body["on"] == "exception");
  CHECK(body["partner"] == "supplier");
  CHECK(body["event"] == "exception:" + std::to_string(id));
  CHECK(body["exception"]["id"] == id);
  CHECK(body["exception"]["kind"] == "unusable_file");
  CHECK_THAT(body["exception"]["reason"].get<std::string>(), Contains("garbage.edi"));
  CHECK(body["subject"] == "unusable_file exception #" + std::to_string(id) + " opened");

  const std::string& mail = mails[0];
  CHECK_THAT(mail, Contains("From: edihub@hub.example\n"));
  CHECK_THAT(mail, Contains("To: edi-team@buyer.example\n"));
  CHECK_THAT(mail, Contains("Subject: [edihub] supplier: unusable_file exception #" + std::to_string(id) + " opened\n"));
  CHECK_THAT(mail, Contains("Partner: supplier\nRule: unusable-files\n"));
  CHECK_THAT(mail, Contains("Exception: #" + std::to_string(id) + " unusable_file\n"));
  CHECK_THAT(mail, Contains("Reason: ") && Contains("garbage.edi"));
  write_file(artifact("alert-email.txt"), mail);
  std::cout << "alert e-mail as received by the SMTP server: " << artifact("alert-email.txt").string() << "\n";

  auto rows = notifications(dir);
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) {
    CHECK(row["state"] == "sent");
    CHECK(row["attempts"] == 1);
    CHECK(row["rule"] == "unusable-files");
    // Each channel's id is derived from rule, channel and event: the webhook's id, the e-mail's Message-ID.
    if (row["channel"] == "ops-mail")
      CHECK_THAT(mail, Contains("Message-ID: <" + row["delivery_id"].get<std::string>() + "@edihub>\n"));
    else
      CHECK(row["delivery_id"] == delivery_id);
  }

  // Another pass, and a later one: the same events are not alerted again.
  REQUIRE(run_at(dir, kMorning).exit_code == 0);
  REQUIRE(run_at(dir, "2026-12-07T09:00:00Z").exit_code == 0);
  CHECK(smtp.messages().size() == 1);
  CHECK(hook.requests().size() == 1);
  CHECK(notifications(dir).size() == 2);
}

TEST_CASE("a webhook answering 500 is tried again on a later pass with the same id, and delivered once", "[alerts]") {
  UnusableFileHub hub("ops-hook", {500});
  auto& [dir, smtp, hook] = hub;

  REQUIRE(run_at(dir, kMorning).exit_code == 0);
  REQUIRE(hook.requests().size() == 1);
  auto rows = notifications(dir);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["state"] == "pending");
  CHECK(rows[0]["attempts"] == 1);
  CHECK_THAT(rows[0]["last_error"].get<std::string>(), Contains("500"));
  CHECK(rows[0]["next_try_at"] == "2026-12-07T08:00:30.000Z");  // 30 s after the first failure

  // Not due yet at 08:00:10; due at 08:01.
  REQUIRE(run_at(dir, "2026-12-07T08:00:10Z").exit_code == 0);
  CHECK(hook.requests().size() == 1);
  REQUIRE(run_at(dir, "2026-12-07T08:01:00Z").exit_code == 0);
  const auto requests = hook.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].header("Idempotency-Key") == requests[0].header("Idempotency-Key"));
  CHECK(requests[1].body == requests[0].body);
  rows = notifications(dir);
  CHECK(rows[0]["state"] == "sent");
  CHECK(rows[0]["attempts"] == 2);

  REQUIRE(run_at(dir, "2026-12-07T10:00:00Z").exit_code == 0);
  CHECK(hook.requests().size() == 2);
  CHECK(smtp.messages().empty());
}

TEST_CASE("a webhook refusing with 400 is not retried: the notification fails", "[alerts]") {
  UnusableFileHub hub("ops-hook", {400});
  auto& [dir, smtp, hook] = hub;
  REQUIRE(run_at(dir, kMorning).exit_code == 0);
  REQUIRE(run_at(dir, "2026-12-07T12:00:00Z").exit_code == 0);
  CHECK(hook.requests().size() == 1);
  const auto rows = notifications(dir);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["state"] == "failed");
  CHECK_THAT(rows[0]["last_error"].get<std::string>(), Contains("HTTP 400"));
}

TEST_CASE("an acknowledgment turning overdue sends one alert", "[alerts]") {
  TempDir dir;
  write_trading_config(dir.path());  // our 850s to the supplier, its 997 due within 4 hours
  auto po = json::parse(read_file(data_dir() / "erp/purchase_order_standard.json"));
  po["po_number"] = "4500000077";
  po["idempotency_key"] = "po-4500000077";
  write_file(dir / "erp-out/po.json", po.dump(2));
  SmtpServer smtp(dir / "smtp.out");
  HttpErp hook;
  write_alerts(dir, smtp, hook, "    - {name: late-acks, on: overdue_ack, send: [ops-hook]}\n");

  auto sent = run_at(dir, kMorning);
  INFO(sent.err);
  REQUIRE(sent.exit_code == 0);
  REQUIRE(run_at(dir, "2026-12-07T11:59:59Z").exit_code == 0);
  CHECK(hook.requests().empty());
  REQUIRE(run_at(dir, "2026-12-07T12:00:01Z").exit_code == 0);
  const auto overdue = exceptions_of_kind(dir, "overdue_ack");
  REQUIRE(overdue.size() == 1);
  auto requests = hook.requests();
  REQUIRE(requests.size() == 1);
  const auto body = json::parse(requests[0].body);
  CHECK(body["rule"] == "late-acks");
  CHECK(body["on"] == "overdue_ack");
  CHECK(body["exception"]["kind"] == "overdue_ack");
  CHECK(body["exception"]["id"] == overdue[0]["id"]);
  CHECK_THAT(body["subject"].get<std::string>(), Contains("acknowledgment overdue"));
  REQUIRE(run_at(dir, "2026-12-07T13:00:00Z").exit_code == 0);
  CHECK(hook.requests().size() == 1);
}

TEST_CASE("polls failing for longer than the rule's threshold send one alert per run of failures", "[alerts]") {
  TempDir dir;
  write_supplier_config(dir.path());
  SmtpServer smtp(dir / "smtp.out");
  HttpErp hook;
  write_alerts(dir, smtp, hook, "    - {name: channel-down, on: polls_failing, failing_for: 30m, send: [ops-mail]}\n");
  ::setenv("EDIHUB_TEST_HOOK_TOKEN", "hook-secret-1", 1);
  const auto config = edihub::hub::Config::load(dir.path());
  // The inbox becomes unlistable after the configuration was checked: every poll throws.
  auto break_inbox = [&] {
    fs::remove(dir / "inbox");
    write_file(dir / "inbox", "a file where the inbox folder should be");
  };
  break_inbox();
  edihub::hub::FixedClock clock(edihub::hub::parse_iso_utc("2026-12-07T08:00:00Z"));
  {
    edihub::hub::Pipeline pipeline(config, clock, [](std::chrono::milliseconds) {});
    auto pass_at = [&](const char* now) {
      clock.set(edihub::hub::parse_iso_utc(now));
      pipeline.run_once();
    };
    pass_at("2026-12-07T08:00:00Z");
    pass_at("2026-12-07T08:29:59Z");
    CHECK(smtp.messages().empty());
    pass_at("2026-12-07T08:30:00Z");
    auto mails = smtp.messages();
    REQUIRE(mails.size() == 1);
    CHECK_THAT(mails[0], Contains("Subject: [edihub] supplier: polls failing for 30 min\n"));
    CHECK_THAT(mails[0], Contains("Failing since: 2026-12-07T08:00:00.000Z\n"));
    CHECK_THAT(mails[0], Contains("Last error: ") && Contains("inbox"));
    pass_at("2026-12-07T09:30:00Z");
    CHECK(smtp.messages().size() == 1);
    // It works again, then fails again: a new run of failures, a new alert once it lasts.
    fs::remove(dir / "inbox");
    fs::create_directories(dir / "inbox");
    pass_at("2026-12-07T10:00:00Z");
    break_inbox();
    pass_at("2026-12-07T10:05:00Z");
    pass_at("2026-12-07T10:34:00Z");
    CHECK(smtp.messages().size() == 1);
    pass_at("2026-12-07T10:35:00Z");
    CHECK(smtp.messages().size() == 2);
  }
  fs::remove(dir / "inbox");
  fs::create_directories(dir / "inbox");
  const auto rows = notifications(dir);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["event"] == "polls_failing:supplier:2026-12-07T10:05:00.000Z");
  CHECK(rows[1]["event"] == "polls_failing:supplier:2026-12-07T08:00:00.000Z");
}

TEST_CASE("an ERP delivery that dead-letters alerts through the partner's own rule", "[alerts]") {
  TempDir dir;
  write_supplier_config(dir.path());
  HttpErp erp;
  erp.reply(HttpErp::status(503));
  use_erp_sink(dir.path(), "erp:\n  http: {url: \"" + erp.url() + "\", max_attempts: 1}\n");
  SmtpServer smtp(dir / "smtp.out");
  HttpErp hook;
  write_alerts(dir, smtp, hook, "    - {name: unusable-files, on: exception, kinds: [unusable_file], send: [ops-mail]}\n");
  add_to_profile(dir, "alerts:\n  - {name: erp-down, on: dead_letter, send: [ops-hook]}\n");
  write_file(dir / "inbox/asn.edi", sample_856(41));

  REQUIRE(run_at(dir, kMorning).exit_code == 0);
  REQUIRE(erp.requests().size() == 1);
  const auto requests = hook.requests();
  REQUIRE(requests.size() == 1);
  const auto body = json::parse(requests[0].body);
  CHECK(body["rule"] == "supplier/erp-down");
  CHECK(body["on"] == "dead_letter");
  CHECK(body["transaction_set"]["type"] == "856");
  CHECK_THAT(body["subject"].get<std::string>(), Contains("ERP delivery dead-lettered (transaction set 856"));
  CHECK(smtp.messages().empty());
  REQUIRE(run_at(dir, "2026-12-07T09:00:00Z").exit_code == 0);
  CHECK(hook.requests().size() == 1);
}

TEST_CASE("killed after the notifications are queued, the next run sends each once", "[alerts][crash]") {
  UnusableFileHub hub("ops-mail, ops-hook");
  auto& [dir, smtp, hook] = hub;

  auto killed = run_at(dir, kMorning, {"EDIHUB_TEST_KILL_AFTER_ALERTS_QUEUED=1"});
  CHECK(killed.exit_code == -1);  // SIGKILL
  CHECK(smtp.messages().empty());
  CHECK(hook.requests().empty());
  auto rows = notifications(dir);
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) CHECK(row["state"] == "pending");

  REQUIRE(run_at(dir, kMorning).exit_code == 0);
  REQUIRE(run_at(dir, "2026-12-07T09:00:00Z").exit_code == 0);
  CHECK(smtp.messages().size() == 1);
  CHECK(hook.requests().size() == 1);
  for (const auto& row : notifications(dir)) CHECK(row["state"] == "sent");
}

TEST_CASE("edihub check names a bad alert rule and an undeclared channel with file and line", "[alerts]") {
  TempDir dir;
  write_supplier_config(dir.path());
  // edihub.yaml: line 1 archive, 2 pipeline, 3 alerts, 4 channels, 5 ops-hook, 6 webhook, 7 rules, 8 the rule.
  write_file(dir / "edihub.yaml", read_file(dir / "edihub.yaml") +
                                      "alerts:\n  channels:\n    ops-hook:\n      webhook: {url: \"http://127.0.0.1:9/x\"}\n"
                                      "  rules:\n    - {name: typo, on: exception, kinds: [unusable_fil], send: [ops-hook]}\n");
  const std::string before = read_file(dir / "partners/supplier.yaml");
  const auto profile_lines = std::count(before.begin(), before.end(), '\n');
  add_to_profile(dir, "alerts:\n  - name: paging\n    on: dead_letter\n    send: [pager]\n");
  auto r = run_edihub({"check", "--config", dir.path().string()});
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Contains("edihub.yaml:8: alert rule 'typo': unknown exception kind 'unusable_fil'"));
  CHECK_THAT(r.err, Contains("supplier.yaml:" + std::to_string(profile_lines + 4) +
                             ": alert rule 'supplier/paging' sends to channel 'pager', which edihub.yaml alerts.channels "
                             "does not declare"));
}
