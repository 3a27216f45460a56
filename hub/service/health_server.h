// The `/healthz` endpoint of `edihub serve`: a small HTTP/1.1 listener (Boost.Beast) on
// its own thread. GET /healthz answers with what `report` returns (status code and a JSON
// body); GET /metrics, when a `metrics` function is given, with its Prometheus text (serve
// gives one only on a loopback address: this port has no authentication); anything else
// is 404. Each connection is bounded by a 5 s timeout; stop() closes
// the listener and waits for the thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace edihub::hub {

struct HealthReport {
  int status = 200;  // 503 when the service is not healthy
  std::string json;
};

class HealthServer {
 public:
  HealthServer(const std::string& address, unsigned short port, std::function<HealthReport()> report,
               std::function<std::string()> metrics = nullptr);
  ~HealthServer();
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  void start();  // binds and listens; throws std::runtime_error naming the address when it cannot
  unsigned short port() const;
  void stop();   // idempotent

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace edihub::hub
