// The dashboard's document page and raw download (docs/dashboard.md).
//   GET /document?key=po:NUMBER[&partner=P] (also shipment:ID, invoice:NUMBER): the business
//     document's timeline (hub/cli/document_timeline.h, as `edihub document` shows it) with the
//     time each step took and, for an order, its lines; then every transaction set of the
//     timeline: its segments explained (formats/explain.h: segment names, element names as
//     tooltips, code meanings), its mapped ERP JSON, its events, and the acknowledgments
//     and AS2 MDNs of its file.
//   GET /document?set=ID: one transaction set the same way. GET /document alone: a form
//     asking for the document.
//   GET /raw?file=ID: the archived bytes as received, as an attachment; RawStore re-hashes
//     them while reading, so a damaged object is refused, never served.
// Read-only. Everything from a partner or a file goes through escape().
#pragma once

#include "hub/web/page.h"

namespace edihub::hub::web {

Response document_page(const PageContext& ctx, const Request& req);
Response raw_file(const PageContext& ctx, const Request& req);

}  // namespace edihub::hub::web
