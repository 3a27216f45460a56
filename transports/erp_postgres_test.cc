#include "transports/erp_postgres.h"

#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include "tests/fixtures/postgres.h"

using namespace std::chrono_literals;
using namespace edihub::testing;
using edihub::transports::BatchState;
using edihub::transports::ErpRow;
using edihub::transports::PostgresSink;
using edihub::transports::PostgresSinkSettings;
using edihub::transports::RowOutcome;

namespace {

PostgresSinkSettings settings_for(const PostgresServer& pg) {
  PostgresSinkSettings s;
  s.conninfo = pg.conninfo();
  s.statement_timeout = 5s;
  s.connect_timeout = 5s;
  return s;
}

ErpRow row(const std::string& st02, const std::string& po = "PO-1") {
  ErpRow r;
  r.idempotency_key = "ACME/000000905/905/" + st02;
  r.partner = "ACME";
  r.target = "inbound_delivery";
  r.json = R"({"idempotency_key":")" + r.idempotency_key +
           R"(","source":{"interchange_control":"000000905","transaction_set_control":")" + st02 +
           R"("},"transaction":{"po_number":")" + po + R"("}})";
  r.received_at = "2026-11-27T08:00:00Z";
  return r;
}

std::string count(const PostgresServer& pg) { return pg.psql("SELECT count(*) FROM edihub.erp_inbound"); }

}  // namespace

TEST_CASE("init_db creates the staging table and is idempotent", "[erp][postgres]") {
  PostgresServer pg;
  auto settings = settings_for(pg);
  const std::string sql = PostgresSink::create_schema_sql(settings);
  CHECK(sql.find(R"(CREATE TABLE IF NOT EXISTS "edihub"."erp_inbound")") != std::string::npos);

  PostgresSink sink(settings);
  sink.init_db();
  sink.init_db();
  PostgresSink(settings).init_db();  // a second hub, a second run: still fine
  CHECK(pg.psql("SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) "
                "FROM information_schema.columns WHERE table_schema = 'edihub' AND table_name = 'erp_inbound'") ==
        "idempotency_key:text,partner:text,target:text,document:jsonb,source:jsonb,"
        "received_at:timestamp with time zone,delivered_at:timestamp with time zone,attempts:integer");

  SECTION("schema and table names are quoted identifiers") {
    settings.schema = "erp \"stage\"";
    settings.table = "Inbound";
    PostgresSink quoted(settings);
    quoted.init_db();
    CHECK(quoted.deliver_batch({row("0001")}).state == BatchState::delivered);
    CHECK(pg.psql(R"(SELECT count(*) FROM "erp ""stage"""."Inbound")") == "1");
  }
}

TEST_CASE("a batch is written in one transaction with source, receipt time and attempts", "[erp][postgres]") {
  PostgresServer pg;
  PostgresSink sink(settings_for(pg));
  sink.init_db();
  auto third = row("0003");
  third.attempts = 4;
  auto result = sink.deliver_batch({row("0001"), row("0002"), third});
  REQUIRE(result.state == BatchState::delivered);
  CHECK(result.rows == std::vector<RowOutcome>(3, RowOutcome::inserted));
  CHECK(result.error.empty());
  CHECK(count(pg) == "3");
  CHECK(pg.psql("SELECT partner || '|' || target || '|' || (source->>'transaction_set_control') || '|' || "
                "(document->'transaction'->>'po_number') || '|' || attempts || '|' || "
                "to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
                "FROM edihub.erp_inbound WHERE idempotency_key = 'ACME/000000905/905/0003'") ==
        "ACME|inbound_delivery|0003|PO-1|4|2026-11-27 08:00");
  CHECK(sink.deliver_batch({}).state == BatchState::delivered);
}

TEST_CASE("a row the database refuses rolls back its whole batch", "[erp][postgres]") {
  PostgresServer pg;
  PostgresSink sink(settings_for(pg));
  sink.init_db();

  auto no_partner = row("0003");
  no_partner.partner = "";  // violates CHECK (partner <> '')
  auto result = sink.deliver_batch({row("0001"), row("0002"), no_partner});
  CHECK(result.state == BatchState::rejected);
  CHECK(result.sqlstate == "23514");
  CHECK(result.failed_item == std::optional<std::size_t>(2));
  CHECK(result.rows.empty());
  CHECK(count(pg) == "0");

  auto not_json = row("0004");
  not_json.json = "{not json";
  result = sink.deliver_batch({row("0001"), not_json});
  CHECK(result.state == BatchState::rejected);
  CHECK(result.sqlstate == "22P02");
  CHECK(result.failed_item == std::optional<std::size_t>(1));
  CHECK(count(pg) == "0");

  // The same connection goes on: the rest of the batch, without the bad rows, goes in.
  result = sink.deliver_batch({row("0001"), row("0002")});
  CHECK(result.state == BatchState::delivered);
  CHECK(count(pg) == "2");

  SECTION("a missing table is a setup error: rejected, no row to blame") {
    auto settings = settings_for(pg);
    settings.table = "never_created";
    auto missing = PostgresSink(settings).deliver_batch({row("0009")});
    CHECK(missing.state == BatchState::rejected);
    CHECK(missing.sqlstate == "42P01");
    CHECK_FALSE(missing.failed_item.has_value());
  }
}

TEST_CASE("redelivering the same transactions adds no rows and changes none", "[erp][postgres]") {
  PostgresServer pg;
  PostgresSink sink(settings_for(pg));
  sink.init_db();
  REQUIRE(sink.deliver_batch({row("0001"), row("0002")}).state == BatchState::delivered);
  const std::string before = pg.psql("SELECT string_agg(delivered_at::text, ',' ORDER BY idempotency_key) FROM edihub.erp_inbound");
  pg.psql("UPDATE edihub.erp_inbound SET attempts = 7");  // stands in for the ERP's own processing marks

  // A crash after the commit but before the hub recorded it: the whole batch comes again,
  // this time with a new transaction and a document formatted differently.
  auto reformatted = row("0002");
  reformatted.json = "{ \"transaction\": {\"po_number\": \"PO-1\"}, \"source\": {\"transaction_set_control\": \"0002\", "
                     "\"interchange_control\": \"000000905\"}, \"idempotency_key\": \"ACME/000000905/905/0002\" }";
  auto result = sink.deliver_batch({row("0001"), reformatted, row("0003")});
  REQUIRE(result.state == BatchState::delivered);
  CHECK(result.rows == std::vector<RowOutcome>{RowOutcome::duplicate, RowOutcome::duplicate, RowOutcome::inserted});
  CHECK(count(pg) == "3");
  CHECK(pg.psql("SELECT string_agg(delivered_at::text, ',' ORDER BY idempotency_key) FROM edihub.erp_inbound "
                "WHERE idempotency_key <> 'ACME/000000905/905/0003'") == before);
  CHECK(pg.psql("SELECT count(*) FROM edihub.erp_inbound WHERE attempts = 7") == "2");

  SECTION("the same key twice in one batch is one row") {
    auto twice = sink.deliver_batch({row("0004"), row("0004")});
    REQUIRE(twice.state == BatchState::delivered);
    CHECK(twice.rows == std::vector<RowOutcome>{RowOutcome::inserted, RowOutcome::duplicate});
    CHECK(count(pg) == "4");
  }
}

TEST_CASE("a different document under a delivered key is a conflict and the row stays as it was", "[erp][postgres]") {
  PostgresServer pg;
  PostgresSink sink(settings_for(pg));
  sink.init_db();
  REQUIRE(sink.deliver_batch({row("0001", "PO-1")}).state == BatchState::delivered);
  auto result = sink.deliver_batch({row("0001", "PO-2"), row("0002")});
  REQUIRE(result.state == BatchState::delivered);
  CHECK(result.rows == std::vector<RowOutcome>{RowOutcome::conflict, RowOutcome::inserted});
  CHECK(pg.psql("SELECT document->'transaction'->>'po_number' FROM edihub.erp_inbound "
                "WHERE idempotency_key = 'ACME/000000905/905/0001'") == "PO-1");
  CHECK(count(pg) == "2");
}

TEST_CASE("the sink reconnects after the ERP database restarts and nothing is duplicated", "[erp][postgres]") {
  PostgresServer pg;
  PostgresSink sink(settings_for(pg));
  sink.init_db();
  REQUIRE(sink.deliver_batch({row("0001"), row("0002")}).state == BatchState::delivered);

  SECTION("restarted between two deliveries") {
    pg.restart();
    // The kept connection died while idle; nothing was sent on it, so the sink
    // reconnects within the same call.
    auto result = sink.deliver_batch({row("0002"), row("0003")});
    REQUIRE(result.state == BatchState::delivered);
    CHECK(result.rows == std::vector<RowOutcome>{RowOutcome::duplicate, RowOutcome::inserted});
    CHECK(count(pg) == "3");
  }
  SECTION("down during a delivery: retry later, then delivered on the next call") {
    pg.stop();
    auto down = sink.deliver_batch({row("0002"), row("0003")});
    CHECK(down.state == BatchState::retry_later);
    CHECK_FALSE(down.error.empty());
    CHECK(down.rows.empty());
    CHECK(sink.deliver_batch({row("0003")}).state == BatchState::retry_later);  // still down: no hang, no throw
    CHECK_THROWS_AS(PostgresSink(settings_for(pg)).init_db(), std::runtime_error);
    pg.start();
    auto up = sink.deliver_batch({row("0002"), row("0003")});
    REQUIRE(up.state == BatchState::delivered);
    CHECK(up.rows == std::vector<RowOutcome>{RowOutcome::duplicate, RowOutcome::inserted});
    CHECK(count(pg) == "3");
  }
}

TEST_CASE("a statement held up past statement_timeout is retried later, not rejected", "[erp][postgres]") {
  PostgresServer pg;
  auto settings = settings_for(pg);
  settings.statement_timeout = 300ms;
  PostgresSink sink(settings);
  sink.init_db();

  // Another session (the ERP, say) holds the staging table locked.
  PGconn* erp = PQconnectdb(pg.conninfo().c_str());
  REQUIRE(PQstatus(erp) == CONNECTION_OK);
  PQclear(PQexec(erp, "BEGIN; LOCK TABLE edihub.erp_inbound IN ACCESS EXCLUSIVE MODE"));
  auto started = std::chrono::steady_clock::now();
  auto blocked = sink.deliver_batch({row("0001")});
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(blocked.state == BatchState::retry_later);
  CHECK(blocked.sqlstate == "57014");
  PQclear(PQexec(erp, "COMMIT"));
  PQfinish(erp);

  auto result = sink.deliver_batch({row("0001")});
  CHECK(result.state == BatchState::delivered);
  CHECK(count(pg) == "1");
}
