// The dashboard of `edihub serve` (docs/dashboard.md), end to end: the real binary serving
// the demo archive (examples/demo run once, so there are exceptions and an order), spoken
// to over loopback with libcurl, and in a real browser (Debian's chromium driven by
// playwright-core, tests/browser/dashboard.js) that leaves its screenshots in the build
// tree under test-artifacts/dashboard/.
#include <curl/curl.h>
#include <signal.h>

#include <algorithm>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/fixtures/npm_peers.h"
#include "tests/fixtures/serve.h"
#include "tests/test_support.h"

using namespace edihub::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

constexpr const char* kAliceToken = "alice-7c1e0f3a9b5d42e8a61f";
constexpr const char* kBobToken = "bob-0d93be27f4a1c65e8b72";
constexpr const char* kScriptName = "<script>alert(1)</script>";

struct Http {
  long status = 0;  // 0: no answer
  std::string body;
  std::multimap<std::string, std::string> headers;  // names in lower case

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Calls name only the fields they set ({.headers = ...}); GCC 12 warns about the others
// although each has its default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
struct Call {
  std::string method = "GET";
  std::vector<std::string> headers;  // "Name: value"
  std::string form;                  // a POST's urlencoded body
  std::string ca_file;               // trust for https
};

// One request with libcurl, bounded to 10 s, never through a proxy.
Http http(const std::string& url, const Call& call = {}) {
  Http result;
  CURL* curl = curl_easy_init();
  REQUIRE(curl);
  curl_slist* headers = nullptr;
  for (const auto& h : call.headers) headers = curl_slist_append(headers, h.c_str());
  auto on_body = +[](char* data, size_t size, size_t n, void* out) {
    static_cast<Http*>(out)->body.append(data, size * n);
    return size * n;
  };
  auto on_header = +[](char* data, size_t size, size_t n, void* out) {
    std::string line(data, size * n);
    if (auto colon = line.find(':'); colon != std::string::npos) {
      std::string name = line.substr(0, colon), value = line.substr(colon + 1);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
      while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
      static_cast<Http*>(out)->headers.emplace(name, value);
    }
    return size * n;
  };
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result);
  if (call.method == "POST") curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.form.c_str());
  if (!call.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, call.ca_file.c_str());
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return result;
}

std::string bearer(const std::string& token) { return "Authorization: Bearer " + token; }

// The demo configuration run once (exceptions, an order, acknowledgments), Pacific's
// profile named with a script, and a dashboard with two users' tokens plus `extra`.
void seed_demo(const fs::path& dir, const std::string& dashboard_extra = "") {
  copy_tree(source_dir() / "examples/demo", dir);
  std::string pacific = read_file(dir / "partners/pacific.yaml");
  auto name = pacific.find("name: Pacific Components");
  REQUIRE(name != std::string::npos);
  pacific.replace(name, std::string("name: Pacific Components").size(), fmt::format("name: \"{}\"", kScriptName));
  write_file(dir / "partners/pacific.yaml", pacific);
  auto run = run_edihub({"run", "--config", dir.string(), "--once"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  write_file(dir / "dashboard-tokens", fmt::format("# who, then their token\nalice {}\n\nbob {}\n", kAliceToken, kBobToken));
  write_file(dir / "edihub.yaml", read_file(dir / "edihub.yaml") +
                                      "service:\n  health: {port: 0}\n  poll_every: 1h\n  housekeeping_every: 1h\n"
                                      "dashboard:\n  port: 0\n  tokens_file: dashboard-tokens\n" + dashboard_extra);
}

// The dashboard's URL from the serve_started line (bounded wait).
std::string dashboard_url(const ServeProcess& serve) {
  auto started = serve.wait_for_event("serve_started", 30s);
  INFO(serve.log_text());
  REQUIRE(started);
  std::string url = (*started)["dashboard"].get<std::string>();
  REQUIRE(!url.empty());
  return url.back() == '/' ? url.substr(0, url.size() - 1) : url;
}

// The first open exception (newest first) as the bearer API sees it: its id from the page's row anchor.
std::string first_open_exception(const std::string& url) {
  auto page = http(url + "/exceptions", {.headers = {bearer(kAliceToken)}});
  REQUIRE(page.status == 200);
  auto at = page.body.find("<tr id=\"e");
  REQUIRE(at != std::string::npos);
  return page.body.substr(at + 9, page.body.find('"', at + 9) - at - 9);
}

// The session cookie ("edihub_session=...") the login form sets, and the CSRF token of a page.
std::string login(const std::string& url, const std::string& token) {
  auto r = http(url + "/login", {.method = "POST", .headers = {"Content-Type: application/x-www-form-urlencoded"},
                                 .form = "token=" + token});
  REQUIRE(r.status == 303);
  const std::string cookie = r.header("set-cookie");
  CHECK_THAT(cookie, Contains("HttpOnly") && Contains("SameSite=Strict"));
  return cookie.substr(0, cookie.find(';'));
}

std::string csrf_of(const std::string& html) {
  const std::string field = "name=\"csrf\" value=\"";
  auto at = html.find(field);
  REQUIRE(at != std::string::npos);
  return html.substr(at + field.size(), html.find('"', at + field.size()) - at - field.size());
}

}  // namespace

TEST_CASE("dashboard: tokens and sessions, CSRF, escaping and security headers over loopback", "[dashboard][e2e]") {
  TempDir dir;
  seed_demo(dir.path());
  ServeProcess serve(dir.path());
  const std::string url = dashboard_url(serve);

  SECTION("no token or a wrong one is 401; a browser gets the login page") {
    auto none = http(url + "/exceptions");
    CHECK(none.status == 401);
    CHECK(none.header("www-authenticate") == "Bearer realm=\"edihub\"");
    CHECK_THAT(none.body, !Contains("asn_over_shipment"));
    auto wrong = http(url + "/exceptions", {.headers = {bearer("alice-7c1e0f3a9b5d42e8a61X")}});
    CHECK(wrong.status == 401);
    auto browser = http(url + "/", {.headers = {"Accept: text/html,application/xhtml+xml"}});
    CHECK(browser.status == 401);
    CHECK_THAT(browser.body, Contains("<form method=\"post\" action=\"/login\""));
    auto bad_login = http(url + "/login", {.method = "POST", .headers = {"Content-Type: application/x-www-form-urlencoded"},
                                           .form = std::string("token=") + kBobToken + "x"});
    CHECK(bad_login.status == 401);
    CHECK(bad_login.header("set-cookie").empty());
  }

  SECTION("a bearer token reads every page, with the security headers") {
    for (const char* page : {"/", "/exceptions", "/orders", "/search", "/search?document=po:4500012345"}) {
      auto r = http(url + page, {.headers = {bearer(kAliceToken)}});
      INFO(page);
      CHECK(r.status == 200);
      CHECK(r.header("content-security-policy").starts_with("default-src 'self'; script-src 'self';"));
      CHECK_THAT(r.header("content-security-policy"), Contains("frame-ancestors 'none'"));
      CHECK(r.header("x-content-type-options") == "nosniff");
      CHECK(r.header("cache-control") == "no-store");
    }
    // /metrics (the lead's exposition) is behind the same token here.
    CHECK(http(url + "/metrics").status == 401);
    auto metrics = http(url + "/metrics", {.headers = {bearer(kAliceToken)}});
    CHECK(metrics.status == 200);
    CHECK(metrics.header("content-type").starts_with("text/plain"));
    // The demo's findings: Northwind's ASN ships 30 of the 24 ordered on PO 4500012345 line 1.
    auto exceptions = http(url + "/exceptions?partner=northwind&kind=asn_over_shipment", {.headers = {bearer(kAliceToken)}});
    CHECK_THAT(exceptions.body, Contains("ordered 24 EA, shipped 30 EA"));
    CHECK_THAT(exceptions.body, !Contains("<td>abc-co</td>"));  // abc-co's validation_error, filtered out
    CHECK_THAT(exceptions.body, Contains("rows 1-1 of 1"));
    auto search = http(url + "/search?document=po:4500012345", {.headers = {bearer(kAliceToken)}});
    CHECK_THAT(search.body, Contains("<a href=\"/document?key=po%3A4500012345&amp;partner=northwind\">po:4500012345</a>"));
    auto orders = http(url + "/orders?partner=northwind", {.headers = {bearer(kAliceToken)}});
    CHECK_THAT(orders.body, Contains("po:4500012345</a>"));
    CHECK_THAT(orders.body, Contains("<span class=\"tag over_shipped\">over_shipped</span>"));
  }

  SECTION("a partner named <script> is shown as text") {
    auto partners = http(url + "/", {.headers = {bearer(kAliceToken)}});
    REQUIRE(partners.status == 200);
    CHECK_THAT(partners.body, Contains("<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>"));
    CHECK_THAT(partners.body, !Contains(kScriptName));
    CHECK_THAT(partners.body, !Contains("<script"));
    // ABC Co sent two interchanges of one 856 each today, the second with a bad BSN03 date
    // (rejected): 2 files, 2 sets, half of them in error, its validation_error open.
    auto abc = partners.body.substr(partners.body.find("<strong>ABC Co</strong>"));
    abc = abc.substr(0, abc.find("</tr>"));
    CHECK_THAT(abc, Contains("</td><td class=\"num\">2</td><td class=\"num\"><a href=\"/search?partner=abc-co&amp;since="));
    CHECK_THAT(abc, Contains("<td class=\"num\">50.0%</td>"));
    CHECK_THAT(abc, Contains("<a href=\"/exceptions?state=open&amp;partner=abc-co\">1</a>"));
  }

  SECTION("a forged POST without the CSRF token is 403 and changes nothing; with it the exception is resolved") {
    const std::string id = first_open_exception(url);
    const std::string cookie = login(url, kBobToken);
    const std::vector<std::string> form_headers{"Cookie: " + cookie, "Content-Type: application/x-www-form-urlencoded"};
    const std::string close = "id=" + id + "&state=resolved&note=forged";
    auto forged = http(url + "/exceptions/close", {.method = "POST", .headers = form_headers, .form = close});
    CHECK(forged.status == 403);
    auto wrong = http(url + "/exceptions/close", {.method = "POST", .headers = form_headers, .form = close + "&csrf=0123abcd"});
    CHECK(wrong.status == 403);
    // A bearer POST needs X-Requested-By, which no cross-site form can send.
    auto bare = http(url + "/exceptions/close", {.method = "POST", .headers = {bearer(kAliceToken)}, .form = close});
    CHECK(bare.status == 403);
    // From another site, even with the right token: refused on its Origin.
    auto page = http(url + "/exceptions?id=" + id, {.headers = {"Cookie: " + cookie}});
    const std::string csrf = csrf_of(page.body);
    auto cross = http(url + "/exceptions/close",
                      {.method = "POST", .headers = {"Cookie: " + cookie, "Origin: http://evil.example",
                                                     "Content-Type: application/x-www-form-urlencoded"},
                       .form = close + "&csrf=" + csrf});
    CHECK(cross.status == 403);
    auto still = http(url + "/exceptions?id=" + id, {.headers = {bearer(kAliceToken)}});
    CHECK_THAT(still.body, Contains("<span class=\"tag open\">open</span>"));
    CHECK_THAT(still.body, !Contains("forged"));

    auto done = http(url + "/exceptions/close", {.method = "POST", .headers = form_headers,
                                                 .form = "id=" + id + "&state=resolved&note=called+them&csrf=" + csrf});
    CHECK(done.status == 200);
    CHECK_THAT(done.body, Contains("Exception " + id + " resolved by bob."));
    CHECK_THAT(done.body, Contains("<span class=\"tag resolved\">resolved</span><div class=\"muted\">by bob at "));
    CHECK_THAT(done.body, Contains("called them"));
    // The file's history says who did it, and the request log too.
    CHECK_THAT(done.body, Contains("exception " + id + " resolved by bob: called them"));
    CHECK(serve.wait_for_log([&](const nlohmann::json& j) {
      return j.value("event", "") == "dashboard_request" && j.value("path", "") == "/exceptions/close" &&
             j.value("status", 0) == 200 && j.value("user", "") == "bob";
    }, 5s));
    // Once closed it cannot be closed again.
    auto again = http(url + "/exceptions/close", {.method = "POST", .headers = form_headers,
                                                  .form = "id=" + id + "&state=ignored&note=again&csrf=" + csrf});
    CHECK_THAT(again.body, Contains("is already resolved (by bob at "));

    // Signing out ends the session.
    auto out = http(url + "/logout", {.method = "POST", .headers = form_headers, .form = "csrf=" + csrf});
    CHECK(out.status == 303);
    CHECK(http(url + "/exceptions", {.headers = {"Cookie: " + cookie}}).status == 401);
  }

  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(30s) == 0);
}

TEST_CASE("dashboard without tokens on loopback: everyone is local, forms still need the CSRF token",
          "[dashboard][e2e]") {
  TempDir dir;
  copy_tree(source_dir() / "examples/demo", dir.path());
  REQUIRE(run_edihub({"run", "--config", dir.path().string(), "--once"}).exit_code == 0);
  write_file(dir / "edihub.yaml", read_file(dir / "edihub.yaml") +
                                      "service:\n  health: {port: 0}\n  poll_every: 1h\n  housekeeping_every: 1h\n"
                                      "dashboard:\n  port: 0\n");
  ServeProcess serve(dir.path());
  const std::string url = dashboard_url(serve);
  auto page = http(url + "/exceptions?id=1");
  REQUIRE(page.status == 200);
  CHECK_THAT(page.body, Contains("<span class=\"user\">local · "));
  const std::string cookie = page.header("set-cookie").substr(0, page.header("set-cookie").find(';'));
  REQUIRE(cookie.starts_with("edihub_session="));
  const std::vector<std::string> headers{"Cookie: " + cookie, "Content-Type: application/x-www-form-urlencoded"};
  // Another site's page could post to 127.0.0.1 from the user's browser: refused without the token.
  auto forged = http(url + "/exceptions/close", {.method = "POST", .headers = headers, .form = "id=1&state=ignored&note=x"});
  CHECK(forged.status == 403);
  auto done = http(url + "/exceptions/close", {.method = "POST", .headers = headers,
                                               .form = "id=1&state=ignored&note=not+ours&csrf=" + csrf_of(page.body)});
  CHECK_THAT(done.body, Contains("Exception 1 ignored by local."));
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(30s) == 0);
}

TEST_CASE("dashboard refuses to listen beyond loopback without a token", "[dashboard][e2e]") {
  TempDir dir;
  copy_tree(source_dir() / "examples/demo", dir.path());
  write_file(dir / "edihub.yaml", read_file(dir / "edihub.yaml") +
                                      "service:\n  health: {port: 0}\ndashboard:\n  address: 0.0.0.0\n  port: 0\n");
  ServeProcess serve(dir.path());
  CHECK(serve.wait_exit(30s) == 2);
  auto failed = serve.wait_for_event("start_failed", 1s);
  INFO(serve.log_text());
  REQUIRE(failed);
  CHECK_THAT((*failed)["error"].get<std::string>(), Contains("will not listen on 0.0.0.0 without a token"));
}

TEST_CASE("dashboard tokens file problems are configuration errors with file and line", "[dashboard][e2e]") {
  TempDir dir;
  copy_tree(source_dir() / "examples/demo", dir.path());
  write_file(dir / "tokens", "alice short\ncarol\nbob bob-0d93be27f4a1c65e8b72\ndave bob-0d93be27f4a1c65e8b72\n");
  write_file(dir / "edihub.yaml", read_file(dir / "edihub.yaml") + "dashboard:\n  tokens_file: tokens\n");
  auto check = run_edihub({"check", "--config", dir.path().string()});
  CHECK(check.exit_code != 0);
  const std::string file = (dir / "tokens").string();
  CHECK_THAT(check.out + check.err, Contains(file + ":1: the token of alice is shorter than 16 characters"));
  CHECK_THAT(check.out + check.err, Contains(file + ":2: expected \"NAME TOKEN\""));
  CHECK_THAT(check.out + check.err, Contains(file + ":4: the token of dave is already given to someone else"));
  CHECK_THAT(check.out + check.err, !Contains("0d93be27"));  // a token never reaches a message
}

TEST_CASE("dashboard over TLS with a loopback certificate: Secure session cookie", "[dashboard][e2e]") {
  TempDir dir;
  // A test-only certificate for 127.0.0.1 (as the AS2 TLS test makes), its key encrypted.
  auto made = run_program({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-passout", "pass:dash-secret", "-days", "2",
                           "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                           (dir / "tls.key").string(), "-out", (dir / "tls.crt").string()},
                          60);
  REQUIRE(made.exit_code == 0);
  TempDir config;
  seed_demo(config.path(), "  tls: {cert: tls.crt, key: tls.key, passphrase_env: DASH_TLS_PASS}\n");
  fs::copy_file(dir / "tls.crt", config / "tls.crt");
  fs::copy_file(dir / "tls.key", config / "tls.key");
  ServeProcess serve(config.path(), {"DASH_TLS_PASS=dash-secret"});
  const std::string url = dashboard_url(serve);
  REQUIRE(url.starts_with("https://127.0.0.1:"));
  const Call trusted{.headers = {bearer(kAliceToken)}, .ca_file = (dir / "tls.crt").string()};
  auto r = http(url + "/orders", trusted);
  CHECK(r.status == 200);
  CHECK_THAT(r.body, Contains("po:4500012345"));
  CHECK(http(url + "/orders", {.headers = {bearer(kAliceToken)}}).status == 0);  // untrusted certificate: no answer
  auto login = http(url + "/login", {.method = "POST", .headers = {"Content-Type: application/x-www-form-urlencoded"},
                                     .form = std::string("token=") + kAliceToken, .ca_file = (dir / "tls.crt").string()});
  CHECK(login.status == 303);
  CHECK_THAT(login.header("set-cookie"), Contains("; Secure"));
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(30s) == 0);
}

TEST_CASE("dashboard in a real browser: sign in, every page, resolve by clicking, search by PO, screenshots",
          "[dashboard][browser][e2e]") {
  if (!fs::exists("/usr/bin/chromium")) FAIL("Debian's chromium is not installed (scripts/install-deps.sh)");
  const std::string why = npm_peers_ready();
  if (!why.empty()) FAIL(why);
  TempDir dir;
  seed_demo(dir.path());
  ServeProcess serve(dir.path());
  const std::string url = dashboard_url(serve);
  const fs::path artifacts = edihub_binary().parent_path() / "test-artifacts" / "dashboard";
  fs::create_directories(artifacts);
  for (const auto& old : fs::directory_iterator(artifacts)) fs::remove(old.path());
  auto run = run_program({"env", "NODE_PATH=" + (npm_peers_dir() / "node_modules").string(), "node",
                          (source_dir() / "tests/browser/dashboard.js").string(), url, kAliceToken, artifacts.string(),
                          "4500012345", kScriptName},
                         180);
  INFO(run.err);
  INFO(run.out);
  REQUIRE(run.exit_code == 0);
  auto report = nlohmann::json::parse(run.out);
  for (const char* shot : {"login", "partners", "exceptions", "orders", "search", "exception-resolved", "search-po"}) {
    INFO(shot);
    REQUIRE(report["screenshots"].contains(shot));
    CHECK(fs::file_size(report["screenshots"][shot].get<std::string>()) > 1000);
  }
  // What the browser shows as the partner's name is the markup itself, as text.
  CHECK(std::find(report["partner_names"].begin(), report["partner_names"].end(), kScriptName) != report["partner_names"].end());
  CHECK(report["dialogs"].empty());
  // The click reached the archive: the exception is resolved by alice with the note typed.
  const std::string id = report["resolved"]["id"].get<std::string>();
  auto after = http(url + "/exceptions?id=" + id, {.headers = {bearer(kBobToken)}});
  CHECK_THAT(after.body, Contains("<span class=\"tag resolved\">resolved</span><div class=\"muted\">by alice at "));
  CHECK_THAT(after.body, Contains("checked with the supplier by phone"));
  for (const auto& [name, path] : report["screenshots"].items()) WARN("screenshot " << name << ": " << path.get<std::string>());
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(30s) == 0);
}
