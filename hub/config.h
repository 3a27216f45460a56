// The hub's configuration folder: edihub.yaml (archive location, pipeline settings, the
// AS2 receiver, alerts), partners/*.yaml and mappings/*.yaml. Every path is relative to the folder.
// AS2 certificates and keys are loaded here, so a bad one is a configuration error
// (file:line) in `edihub check`, not a failure of the first message.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hub/alerts/settings.h"
#include "partners/profile.h"
#include "transports/as2.h"

namespace edihub::hub {

// edihub.yaml `service:`, read by `edihub serve` (docs/serve.md).
struct ServiceSettings {
  std::size_t workers = 4;                       // partner polls running at once
  std::chrono::seconds poll_every{60};           // a partner's default poll interval
  std::chrono::seconds housekeeping_every{30};   // resume, process, retry deliveries, send, flag overdue
  std::chrono::seconds shutdown_grace{30};       // SIGTERM: how long in-flight work may take to finish
  std::string health_address = "127.0.0.1";      // GET /healthz
  unsigned short health_port = 8081;             // 0: any free port (logged)
  std::string log_level = "info";                // debug, info, warn, error
};

// A server's TLS certificate and key (edihub.yaml `tls: {cert, key, passphrase_env |
// passphrase_file}`), shared by the AS2 receiver and the dashboard.
struct TlsSettings {
  std::filesystem::path cert, key;  // PEM, absolute after loading
  std::string key_passphrase;       // from passphrase_env / passphrase_file
};

// edihub.yaml `as2:`: where the hub's AS2 receiver listens and who we are (docs/as2.md).
struct As2Settings {
  std::string address = "127.0.0.1";  // loopback unless configured: expose it behind TLS or a reverse proxy
  unsigned short port = 4080;
  std::string path = "/as2";
  using Tls = TlsSettings;
  std::optional<Tls> tls;
  std::size_t max_body_bytes = 100u * 1024 * 1024;
  std::size_t max_concurrent_uploads = 4;  // more at once: 503 with Retry-After
  std::chrono::seconds read_timeout{60};
  transports::as2::As2Identity identity;
  std::string async_mdn_url;  // what we put in Receipt-Delivery-Option when asking for async MDNs
};

// edihub.yaml `dashboard:`: the web dashboard `edihub serve` runs (docs/dashboard.md).
// Tokens come from `tokens_file` (one "name token" per line) and/or the variable named by
// `token_env` (its user is the variable's name), never from a partner profile.
struct DashboardSettings {
  std::string address = "127.0.0.1";  // a non-loopback address needs a token (the server refuses otherwise)
  unsigned short port = 8443;         // 0: any free port (logged)
  struct Token {
    std::string user, token;
  };
  std::vector<Token> tokens;
  std::optional<TlsSettings> tls;
  std::chrono::seconds session_lifetime{8 * 3600};  // a browser session, from its login
  std::size_t max_connections = 32;                 // more at once are closed at accept
};

struct Config {
  std::filesystem::path dir;           // the config folder, absolute
  std::filesystem::path archive_dir;   // raw store and index live here
  std::size_t batch_files = 500;       // files per group commit
  // edihub.yaml `limits: max_transaction_set_bytes`: a larger set (ST through SE) is rejected
  // by its size and never read into memory.
  std::uint64_t max_transaction_set_bytes = 16ull << 20;
  ServiceSettings service;
  partners::Directory partners;
  std::optional<As2Settings> as2;
  std::optional<DashboardSettings> dashboard;
  alerts::Settings alerts;             // edihub.yaml `alerts:` (docs/alerts.md)
  // The AS2 agreement of every partner with one, certificates loaded, by partner id.
  std::map<std::string, transports::as2::As2Partner> as2_partners;

  std::filesystem::path index_file() const { return archive_dir / "index.db"; }

  // Loads and checks everything; throws partners::ConfigError listing every problem.
  static Config load(const std::filesystem::path& dir);
};

}  // namespace edihub::hub
