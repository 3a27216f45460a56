// The dashboard's document, raw and charts pages (hub/web/document_page.h, charts_page.h),
// called as functions on an archive the demo configuration filled: two passes five hours
// apart, so the 850 we sent turns overdue and its timeline has a step that took time.
// Northwind is renamed "Northwind <script>alert(1)</script>": every page must show it as
// text. Expected values come from the demo's files, read by hand.
#include <filesystem>

#include <catch2/catch.hpp>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/web/charts_page.h"
#include "hub/web/document_page.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub;
using namespace edihub::testing;
using hub::web::Request;
using hub::web::Response;

namespace {

constexpr const char* kEscapedName = "Northwind &lt;script&gt;alert(1)&lt;/script&gt; (northwind)";

struct SeededArchive {
  TempDir dir;
  std::unique_ptr<hub::Config> config;
  std::unique_ptr<archive::Index> index;
  std::unique_ptr<archive::RawStore> store;
  hub::FixedClock clock{hub::parse_iso_utc("2026-12-01T14:00:00Z")};

  SeededArchive() {
    copy_tree(source_dir() / "examples/demo", dir.path());
    const fs::path profile = dir / "partners/northwind.yaml";
    std::string text = read_file(profile);
    text.replace(text.find("name: Northwind Supply"), 22, "name: \"Northwind <script>alert(1)</script>\"");
    write_file(profile, text);
    for (const char* now : {"2026-12-01T08:00:00Z", "2026-12-01T13:00:00Z"}) {
      auto run = run_edihub_at(now, {"run", "--config", dir.path().string(), "--once"});
      INFO(run.err);
      REQUIRE(run.exit_code == 0);
    }
    config = std::make_unique<hub::Config>(hub::Config::load(dir.path()));
    index = archive::Index::open(config->index_file());
    store = std::make_unique<archive::RawStore>(config->archive_dir);
  }

  hub::web::PageContext context() { return {*config, *index, *store, clock, "csrf-token", nullptr}; }

  // The inbound 856 carrying shipment SH-4500012345.
  archive::TransactionSetRecord asn() {
    archive::Query query;
    query.key = std::make_pair(std::string("shipment_id"), std::string("SH-4500012345"));
    auto rows = index->query(query);
    REQUIRE(rows.size() == 1);
    return rows.front().set;
  }
};

Request get(const std::string& path, std::multimap<std::string, std::string> query) {
  Request req;
  req.method = "GET";
  req.path = path;
  req.query = std::move(query);
  req.user = "tester";
  return req;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("document page: a PO's timeline with step times, its sets explained, mapped and acknowledged", "[web]") {
  SeededArchive a;
  auto ctx = a.context();
  Response r = hub::web::document_page(ctx, get("/document", {{"key", "po:4500012345"}, {"partner", "northwind"}}));
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "text/html; charset=utf-8");
  const std::string& html = r.body;
  CHECK(contains(html, "<title>po:4500012345 · edihub</title>"));
  // The partner's name, as text.
  CHECK(contains(html, std::string("<h2>") + kEscapedName + "</h2>"));
  CHECK_FALSE(contains(html, "<script>"));
  // The order's lines: line 1 ordered 24, shipped 30 (the demo's over-shipment).
  CHECK(contains(html, "<td>1</td><td class=\"mono\">B-1001</td><td>EA</td><td class=\"num\">24</td>"));
  CHECK(contains(html, "<td class=\"num\">30</td>"));
  // Timeline: our 850 went out at 08:00 and its 997 was overdue at the 13:00 pass.
  CHECK(contains(html, "<td>2026-12-01T08:00:00.000Z</td>"));
  CHECK(contains(html, "<td class=\"num\">+5h 00m</td>"));
  CHECK(contains(html, "850 acknowledgment overdue"));
  CHECK(contains(html, "delivered to the ERP"));
  CHECK(contains(html, "asn_over_shipment"));

  // The ASN's segments: names, element names as tooltips, code meanings.
  const auto asn = a.asn();
  CHECK(contains(html, "<details id=\"set-" + std::to_string(asn.id) + "\" open>"));
  CHECK(contains(html, "<td>Beginning Segment for Ship Notice</td>"));
  CHECK(contains(html, "<td class=\"muted\">HL[S] &gt; N1</td>"));
  CHECK(contains(html, "<span class=\"el\" title=\"N101 98 Entity Identifier Code\">ST</span>"
                       "<span class=\"meaning muted\"> (Ship To)</span>"));
  CHECK(contains(html, "(Bill of Lading Number)"));
  CHECK(contains(html, "<td class=\"muted\">HL[S] &gt; HL[O] &gt; HL[I]</td>"));
  CHECK(contains(html, "title=\"BSN02 396 Shipment Identification\">SH-4500012345</span>"));
  // Its ERP form, pretty and escaped, and the 997 we sent for its interchange.
  CHECK(contains(html, "&quot;shipment_id&quot;: &quot;SH-4500012345&quot;"));
  CHECK(contains(html, "<td>sent</td><td>997</td><td class=\"mono\">000000101</td>"));
}

TEST_CASE("document page: one set by id, and what it refuses", "[web]") {
  SeededArchive a;
  auto ctx = a.context();
  const auto asn = a.asn();
  Response r = hub::web::document_page(ctx, get("/document", {{"set", std::to_string(asn.id)}}));
  REQUIRE(r.status == 200);
  CHECK(contains(r.body, "856 Ship Notice/Manifest"));
  CHECK(contains(r.body, kEscapedName));
  CHECK(contains(r.body, "<a href=\"/document?key=shipment%3ASH-4500012345&amp;partner=northwind\">shipment_id=SH-4500012345</a>"));
  CHECK(contains(r.body, "<td>Transaction Totals</td>"));
  CHECK(contains(r.body, "<td>delivered</td>"));  // an event of the set

  Response ask = hub::web::document_page(ctx, get("/document", {}));
  CHECK(ask.status == 200);
  CHECK(contains(ask.body, "<form class=\"filters\" action=\"/document\" method=\"get\">"));
  CHECK(hub::web::document_page(ctx, get("/document", {{"key", "order:1"}})).status == 400);
  CHECK(hub::web::document_page(ctx, get("/document", {{"set", "x<1"}})).status == 400);
  CHECK_FALSE(contains(hub::web::document_page(ctx, get("/document", {{"set", "x<1"}})).body, "x<1"));
  CHECK(hub::web::document_page(ctx, get("/document", {{"set", "999999"}})).status == 404);
  CHECK(hub::web::document_page(ctx, get("/document", {{"key", "po:NOPE"}})).status == 404);
}

TEST_CASE("raw download: the bytes as received, and never a damaged object", "[web]") {
  SeededArchive a;
  auto ctx = a.context();
  const auto asn = a.asn();
  Response r = hub::web::raw_file(ctx, get("/raw", {{"file", std::to_string(asn.file_id)}}));
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "application/octet-stream");
  CHECK(r.body == read_file(source_dir() / "examples/demo/inbox/northwind/ASN_SH-4500012345.edi"));
  REQUIRE(r.headers.size() >= 1);
  CHECK(r.headers[0] == std::make_pair(std::string("Content-Disposition"),
                                       std::string("attachment; filename=\"ASN_SH-4500012345.edi\"")));

  // Damage the object: the page refuses it and names the file.
  const auto file = a.index->file(asn.file_id);
  REQUIRE(file);
  const fs::path object = a.store->path_of(file->sha256);
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  write_file(object, "ISA*tampered~");
  Response damaged = hub::web::raw_file(ctx, get("/raw", {{"file", std::to_string(asn.file_id)}}));
  CHECK(damaged.status == 500);
  CHECK(contains(damaged.body, "File F" + std::to_string(asn.file_id) + " cannot be served"));
  CHECK_FALSE(contains(damaged.body, "tampered"));
  CHECK(hub::web::raw_file(ctx, get("/raw", {{"file", "0"}})).status == 400);
  CHECK(hub::web::raw_file(ctx, get("/raw", {{"file", "424242"}})).status == 404);
}

TEST_CASE("charts page: volume and latency per partner per day as inline SVG", "[web]") {
  SeededArchive a;
  auto ctx = a.context();
  Response r = hub::web::charts_page(ctx, get("/charts", {}));
  REQUIRE(r.status == 200);
  const std::string& html = r.body;
  const std::size_t partners = a.config->partners.profiles().size();
  CHECK(count(html, "<svg class=\"chart\"") == 2);
  CHECK(count(html, "<g class=\"series\"") == 2 * partners);  // one series per partner in each chart
  CHECK(count(html, "<g class=\"series\" data-partner=\"northwind\">") == 2);
  CHECK_FALSE(contains(html, "<script>"));
  CHECK(contains(html, std::string("<title>") + kEscapedName + "</title>"));
  CHECK(contains(html, "2026-11-02 to 2026-12-01"));  // 30 days, today included
  CHECK(contains(html, "<h2>Volume received: transaction sets</h2>"));
  // Northwind's three files came in on the first of December; everything was delivered in
  // the pass that received it, so the latency is 0 s.
  CHECK(contains(html, std::string("<tr><td>") + kEscapedName + "</td><td>2026-12-01</td><td class=\"num\">3</td>"));
  CHECK(contains(html, "<title>" + std::string(kEscapedName) + " · 2026-12-01: 0 s</title>"));
  CHECK_FALSE(contains(html, "<script"));
  // Axes in steps people read: at most 3 sets a day gives 0..4 by 1; latencies of 0 s give
  // the smallest duration step, 15 s.
  CHECK(contains(html, "text-anchor=\"end\" font-size=\"11\">4</text>"));
  CHECK(contains(html, "text-anchor=\"end\" font-size=\"11\">45 s</text>"));
  CHECK(contains(html, "text-anchor=\"end\" font-size=\"11\">1 min</text>"));

  Response files = hub::web::charts_page(ctx, get("/charts", {{"volume", "files"}, {"latency", "median"}}));
  CHECK(contains(files.body, "<h2>Volume received: files</h2>"));
  CHECK(contains(files.body, "Median latency per day"));
}
