// The page functions routes.cc lists (hub/web/page.h: what each is given and returns).
#pragma once

#include "hub/web/page.h"

namespace edihub::hub::web {

Response metrics_page(const PageContext& context, const Request& request);  // text/plain, Prometheus

}  // namespace edihub::hub::web
