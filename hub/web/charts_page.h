// The dashboard's charts page (docs/dashboard.md): GET /charts[?volume=files|sets]
// [&latency=p90|median]. Two line charts over the last 30 UTC days (today included), one
// series per partner: the volume received (transaction sets, or files) and the latency
// from receipt to delivery to the ERP (p90 or median, nearest rank: archive::Index::
// daily_stats), with the figures as a table below. Drawn on the server as inline SVG: no
// script and no asset from outside the binary. Partner names are escaped like all text.
#pragma once

#include "hub/web/page.h"

namespace edihub::hub::web {

Response charts_page(const PageContext& ctx, const Request& req);

}  // namespace edihub::hub::web
