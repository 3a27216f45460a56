// /search: the filters of `edihub archive query` (partner, type, since, until, control,
// key NAME=VALUE, status, direction) and a business document (po:N, shipment:ID,
// invoice:N) over the archive's transaction sets, newest first, paging through every
// match (Index::query + count). Each set links to its document page; its business keys
// that name a document link to that document's page.
#include <fmt/format.h>

#include "archive/index.h"
#include "hub/cli/document_timeline.h"
#include "hub/web/html.h"
#include "hub/web/pages.h"
#include "hub/web/widgets.h"

namespace edihub::hub::web {

namespace {

// A business key as a link to its document page when it names one (po_number -> po:N).
std::string key_html(const std::string& name, const std::string& value, const std::string& partner) {
  for (const auto kind : kDocumentKinds)
    if (auto document = parse_document(std::string(kind) + ":" + value); document && document->key == name)
      return document_link(document->text(), partner);
  return escape(name + "=" + value);
}

std::string row_html(const archive::DocumentRow& row) {
  const auto& s = row.set;
  std::string keys;
  for (const auto& [name, value] : row.keys) keys += (keys.empty() ? "" : " ") + key_html(name, value, s.partner);
  return fmt::format(R"(<tr><td class="num">{}</td><td>{}</td><td>{}</td><td>{}</td><td class="mono">{} / {} / {}</td>)"
                     R"(<td>{}</td><td>{}</td><td>{}</td></tr>)",
                     set_link(s.id, std::to_string(s.id)), escape(s.received_at), escape(s.partner), escape(s.direction),
                     escape(s.interchange_control), escape(s.group_control), escape(s.control_number),
                     escape(s.type), tag(to_string(s.status)), keys);
}

}  // namespace

Response search_page(const PageContext& context, const Request& request) {
  std::string body =
      R"(<form method="get" action="/search" class="filters">)" +
      text_field(request, "document", "business document", "po:4500012345") +
      select_field(request, "partner", "partner", partner_ids(context)) + text_field(request, "type", "type", "856") +
      text_field(request, "since", "since", "2026-11-27") + text_field(request, "until", "until", "2026-11-28T12:00Z") +
      text_field(request, "control", "control number", "ISA13, GS06 or ST02") +
      text_field(request, "key", "key", "NAME=VALUE") + text_field(request, "status", "status", "delivered") +
      select_field(request, "direction", "direction", {"in", "out"}) + R"(<button type="submit">Search</button></form>)";
  auto error = [&](const std::string& message) {
    body += fmt::format(R"(<p class="error">{}</p>)", escape(message));
    return html_response(layout("Search", "Search", request.user, body), 400);
  };
  archive::Query q;
  auto given = [&](const char* name) -> std::optional<std::string> {
    auto v = request.param(name);
    return v.empty() ? std::nullopt : std::optional(v);
  };
  q.partner = given("partner");
  q.type = given("type");
  q.since = given("since");
  q.until = given("until");
  q.control = given("control");
  q.status = given("status");
  q.direction = given("direction");
  if (auto key = given("key")) {
    auto eq = key->find('=');
    if (eq == std::string::npos || eq == 0) return error("key expects NAME=VALUE, e.g. po_number=4500012345");
    q.key = std::make_pair(key->substr(0, eq), key->substr(eq + 1));
  }
  if (auto text = given("document")) {
    auto document = parse_document(*text);
    if (!document) return error(std::string("a business document is ") + kDocumentForms + ", not " + *text);
    if (q.key) return error("give a business document or a key, not both");
    q.key = std::make_pair(document->key, document->value);
  }
  if (request.query.empty()) {  // nothing asked yet: the form only
    body += R"(<p class="muted">Every filter is optional; results are transaction sets, newest first.</p>)";
    return html_response(layout("Search", "Search", request.user, body));
  }
  const auto page = list_page(request);
  q.limit = page.limit;
  q.offset = page.offset;
  std::vector<archive::DocumentRow> rows;
  std::int64_t total = 0;
  try {
    rows = context.index.query(q);
    total = context.index.count(q);
  } catch (const std::invalid_argument& e) {
    return error(e.what());
  }
  body += "<table class=\"results\"><tr><th>set</th><th>received</th><th>partner</th><th>direction</th>"
          "<th>ISA13 / GS06 / ST02</th><th>type</th><th>status</th><th>business keys</th></tr>";
  for (const auto& row : rows) body += row_html(row);
  body += "</table>" + pager(request, rows.size(), total, page);
  return html_response(layout("Search", "Search", request.user, body));
}

}  // namespace edihub::hub::web
