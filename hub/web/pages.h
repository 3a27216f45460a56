// The page functions routes.cc lists (hub/web/page.h: what each is given and returns).
#pragma once

#include "hub/web/page.h"

namespace edihub::hub::web {

Response partners_page(const PageContext& context, const Request& request);         // partners_page.cc
Response exceptions_page(const PageContext& context, const Request& request);       // exceptions_page.cc
Response close_exception_page(const PageContext& context, const Request& request);  // POST: resolve / ignore
Response replay_page(const PageContext& context, const Request& request);           // POST: replay
Response orders_page(const PageContext& context, const Request& request);           // orders_page.cc
Response search_page(const PageContext& context, const Request& request);           // search_page.cc
Response metrics_page(const PageContext& context, const Request& request);  // text/plain, Prometheus

}  // namespace edihub::hub::web
