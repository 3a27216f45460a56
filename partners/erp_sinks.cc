// The `erp` section: where mapped inbound transactions go (exactly one of a folder, an HTTP
// endpoint or a PostgreSQL staging table; docs/erp-sinks.md) and the folder the ERP drops
// outbound transactions in. Secrets are read from the environment here.
#include "partners/sections.h"

namespace edihub::partners::detail {

namespace {

ErpHttp read_http(ProfileReader& r, const YAML::Node& http) {
  r.reject_unknown_keys(http,
                        {"url", "headers", "max_attempts", "connect_timeout_seconds", "timeout_seconds", "base_delay_ms",
                         "max_delay_seconds", "ca_file", "verify_tls"},
                        "'erp.http'");
  ErpHttp sink;
  sink.url = r.scalar(http["url"], "erp.http.url");
  if (!sink.url.empty() && sink.url.rfind("http://", 0) != 0 && sink.url.rfind("https://", 0) != 0)
    r.problem(http["url"], "erp.http.url must start with http:// or https://");
  if (http["headers"]) {
    if (!http["headers"].IsMap()) r.problem(http["headers"], "erp.http.headers must map header names to values or {env: NAME}");
    else
      for (const auto& h : http["headers"]) sink.headers[h.first.as<std::string>()] = r.value_or_env(h.second);
  }
  if (http["max_attempts"]) sink.max_attempts = r.bounded_int(http["max_attempts"], 1, 1000, "max_attempts");
  auto seconds = [&](const char* key, std::chrono::seconds& into, int high) {
    if (http[key]) into = std::chrono::seconds(r.bounded_int(http[key], 1, high, key));
  };
  seconds("connect_timeout_seconds", sink.connect_timeout, 600);
  seconds("timeout_seconds", sink.timeout, 3600);
  seconds("max_delay_seconds", sink.max_delay, 86400);
  if (http["base_delay_ms"])
    sink.base_delay = std::chrono::milliseconds(r.bounded_int(http["base_delay_ms"], 1, 600000, "base_delay_ms"));
  if (http["verify_tls"]) sink.verify_tls = r.boolean(http["verify_tls"], "verify_tls");
  if (http["ca_file"]) sink.ca_file = r.config_path(http["ca_file"], "erp.http.ca_file");
  return sink;
}

ErpPostgres read_postgres(ProfileReader& r, const YAML::Node& pg) {
  r.reject_unknown_keys(pg, {"conninfo", "conninfo_env", "schema", "table", "statement_timeout_seconds", "connect_timeout_seconds"},
                        "'erp.postgres'");
  ErpPostgres sink;
  if (pg["conninfo_env"]) sink.conninfo = r.environment(pg["conninfo_env"]);
  else sink.conninfo = r.scalar(pg["conninfo"], "erp.postgres.conninfo (or conninfo_env)");
  if (pg["schema"]) sink.schema = r.scalar(pg["schema"], "schema");
  if (pg["table"]) sink.table = r.scalar(pg["table"], "table");
  if (pg["statement_timeout_seconds"])
    sink.statement_timeout = std::chrono::seconds(r.bounded_int(pg["statement_timeout_seconds"], 1, 3600, "statement_timeout_seconds"));
  if (pg["connect_timeout_seconds"])
    sink.connect_timeout = std::chrono::seconds(r.bounded_int(pg["connect_timeout_seconds"], 1, 600, "connect_timeout_seconds"));
  return sink;
}

}  // namespace

void read_erp(ProfileReader& r, const YAML::Node& node, Profile& profile) {
  if (!node.IsDefined()) return;
  if (!node.IsMap()) return r.problem(node, "'erp' must be a mapping like {folder: {path: ...}}");
  r.reject_unknown_keys(node, {"folder", "http", "postgres", "outbound", "open_orders"}, "'erp'");
  if (int(bool(node["folder"])) + bool(node["http"]) + bool(node["postgres"]) > 1)
    r.problem(node, "'erp' names more than one sink: choose one of folder, http, postgres");
  if (node["folder"]) {
    r.reject_unknown_keys(node["folder"], {"path"}, "'erp.folder'");
    profile.erp = FolderSink{r.config_path(node["folder"]["path"], "erp.folder.path")};
  }
  if (const auto http = node["http"]) {
    if (!http.IsMap()) return r.problem(http, "'erp.http' must be a mapping {url, headers, ...}");
    profile.erp_http = read_http(r, http);
  }
  if (const auto pg = node["postgres"]) {
    if (!pg.IsMap()) return r.problem(pg, "'erp.postgres' must be a mapping {conninfo | conninfo_env, schema, table}");
    profile.erp_postgres = read_postgres(r, pg);
  }
  if (node["outbound"]) profile.erp_outbound = read_folder_channel(r, node["outbound"], "erp.outbound");
  if (node["open_orders"]) profile.erp_open_orders = read_folder_channel(r, node["open_orders"], "erp.open_orders");
}

}  // namespace edihub::partners::detail
