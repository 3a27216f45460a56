// GET /metrics on the dashboard's port: the same exposition as the health port's
// (hub/service/metrics.h), behind the dashboard's authentication.

#include "hub/service/metrics.h"
#include "hub/web/pages.h"

namespace edihub::hub::web {

Response metrics_page(const PageContext& context, const Request&) {
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = process_metrics().exposition(context.index, context.config, context.clock);
  return response;
}

}  // namespace edihub::hub::web
