// Pieces the dashboard's list pages share: filter forms, paging links that keep the
// filters, links to a business document's page, state tags. Every value passes through
// html.h's escape() or url_encode() here, so a caller hands over raw partner data.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "archive/index.h"
#include "hub/web/page.h"

namespace edihub::hub::web {

// A whole HTML page (html.h layout) as an answer.
Response html_response(std::string html, int status = 200);

// The page a list asks for: `limit` (1..500, default 50) and `offset` (>= 0) from the query.
archive::Page list_page(const Request& request);

// "rows 1-50 of 1234" with links to the previous and next page; the request's other
// parameters are kept.
std::string pager(const Request& request, std::size_t shown, std::int64_t total, const archive::Page& page);

// `path` with the request's query parameters (empty ones too), `changes` replacing (or,
// "" values, dropping) some.
std::string link_with(const Request& request, const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& changes);

// A labelled text input holding the request's value of `name`.
std::string text_field(const Request& request, const std::string& name, const std::string& label,
                       const std::string& placeholder = "");
// A labelled drop-down of `choices` (value shown as is) with an "any" first choice.
std::string select_field(const Request& request, const std::string& name, const std::string& label,
                         const std::vector<std::string>& choices);
// The partners of the configuration, for a partner drop-down.
std::vector<std::string> partner_ids(const PageContext& context);

// A state or status as a coloured tag (the stylesheet colours open, failed, resolved, ...).
std::string tag(std::string_view state);

// The business document page (another part writes /document): "po:4500012345" of a partner.
std::string document_link(const std::string& document, const std::string& partner);
// The page of transaction set `id` (its document page).
std::string set_link(std::int64_t set_id, const std::string& text);

}  // namespace edihub::hub::web
