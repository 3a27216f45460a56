// ERP sinks end to end, through the binary, against real peers started by the fixtures:
// an HTTP ERP endpoint that fails on command, and a PostgreSQL cluster that is stopped
// and started. A transient failure leaves the transaction mapped for the next run; the
// endpoint sees the same Idempotency-Key each time; nothing is delivered twice.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fixtures/http_erp.h"
#include "tests/fixtures/postgres.h"
#include "tests/supplier_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;

namespace {

// The supplier configuration with its ERP folder sink replaced by `erp_yaml`.
void erp_config(const TempDir& dir, const std::string& erp_yaml) {
  write_supplier_config(dir.path());
  use_erp_sink(dir.path(), erp_yaml);
}

}  // namespace

TEST_CASE("HTTP ERP: 500 then 200 over two runs delivers once with one idempotency key", "[erp][http][e2e]") {
  HttpErp erp;
  erp.reply(HttpErp::status(500));
  TempDir dir;
  erp_config(dir, "erp:\n  http: {url: \"" + erp.url() + "\", max_attempts: 3, timeout_seconds: 5}\n");
  write_file(dir / "inbox/asn.edi", sample_856(21));
  auto first = run_once_json(dir);
  CHECK(first["sets_delivered"] == 0);
  CHECK(first["sets_delivery_pending"] == 1);
  CHECK(first["exceptions"].empty());
  auto second = run_once_json(dir);
  CHECK(second["sets_delivered"] == 1);
  auto requests = erp.requests();
  REQUIRE(requests.size() == 2);
  for (const auto& r : requests) {
    CHECK(r.method == "POST");
    CHECK(r.header("Idempotency-Key") == "supplier/000000021/21/0021");
    CHECK(json::parse(r.body)["idempotency_key"] == "supplier/000000021/21/0021");
  }
  CHECK(run_once_json(dir)["sets_delivered"] == 0);  // nothing left to deliver
  CHECK(erp.requests().size() == 2);
}

TEST_CASE("HTTP ERP: a 400 is not retried and a dead endpoint is dead-lettered", "[erp][http][e2e]") {
  HttpErp erp;
  erp.reply(HttpErp::status(400, R"({"error":"unknown plant 1000"})"));
  erp.reply(HttpErp::status(503), 3);
  TempDir dir;
  erp_config(dir, "erp:\n  http: {url: \"" + erp.url() + "\", max_attempts: 2}\n");
  write_file(dir / "inbox/a.edi", sample_856(31));
  auto first = run_once_json(dir);
  REQUIRE(first["exceptions"].size() == 1);
  CHECK_THAT(first["exceptions"][0]["reason"].get<std::string>(),
             Catch::Contains("refused it") && Catch::Contains("HTTP 400") && Catch::Contains("unknown plant 1000"));
  CHECK(first["sets_failed"] == 1);  // refused by the ERP
  CHECK(first["sets_dead_letter"] == 0);
  write_file(dir / "inbox/b.edi", sample_856(32));
  CHECK(run_once_json(dir)["sets_delivery_pending"] == 1);  // 503: attempt 1 of 2
  auto last = run_once_json(dir);                           // 503 again: attempt 2 of 2
  REQUIRE(last["exceptions"].size() == 1);
  CHECK_THAT(last["exceptions"][0]["reason"].get<std::string>(), Catch::Contains("dead letter"));
  // Counted as a dead letter, not as a failed mapping.
  CHECK(last["sets_dead_letter"] == 1);
  CHECK(last["sets_failed"] == 0);
  CHECK(last["partners"]["supplier"]["dead_letters"] == 1);
  CHECK(last["partners"]["supplier"]["failed"] == 0);
  auto dead = run_edihub({"archive", "query", "--config", dir.path().string(), "--status", "dead_letter", "--json"});
  CHECK(json::parse(dead.out)["rows"].size() == 1);
  CHECK(erp.requests().size() == 3);
}

TEST_CASE("PostgreSQL ERP: staged once, kept for the next run while the database is down", "[erp][postgres][e2e]") {
  PostgresServer pg;
  TempDir dir;
  erp_config(dir, "erp:\n  postgres: {conninfo: \"" + pg.conninfo() + "\", schema: erp_in, table: deliveries}\n");
  auto init = run_edihub({"erp", "init-db", "--config", dir.path().string()});
  INFO(init.err);
  REQUIRE(init.exit_code == 0);
  CHECK_THAT(init.out, Catch::Contains("supplier: staging table erp_in.deliveries ready"));
  write_file(dir / "inbox/a.edi", sample_856(41));
  CHECK(run_once_json(dir)["sets_delivered"] == 1);
  CHECK(pg.psql("select idempotency_key from erp_in.deliveries") == "supplier/000000041/41/0041");

  pg.stop();
  write_file(dir / "inbox/b.edi", sample_856(42));
  auto down = run_once_json(dir);
  CHECK(down["sets_delivered"] == 0);
  CHECK(down["sets_delivery_pending"] == 1);
  pg.start();
  CHECK(run_once_json(dir)["sets_delivered"] == 1);
  CHECK(pg.psql("select count(*) from erp_in.deliveries") == "2");
  CHECK(pg.psql("select document->'transaction'->>'shipment_id' from erp_in.deliveries order by idempotency_key") ==
        "SHP0000041\nSHP0000042");
}
