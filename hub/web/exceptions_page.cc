// /exceptions: the exception queue, filtered by partner, kind and state (open unless the
// filter says otherwise), a page at a time; each open exception with its resolve / ignore
// form (a note is required) and, when it is about a file, a replay button. Who closed an
// exception, when and why is shown on its row. The buttons POST (with the CSRF token) to
// /exceptions/close and /exceptions/replay, which answer with the exception and the outcome.
#include <algorithm>

#include <fmt/format.h>

#include "archive/index.h"
#include "hub/web/html.h"
#include "hub/web/pages.h"
#include "hub/web/widgets.h"

namespace edihub::hub::web {

namespace {

std::string documents_html(const archive::ExceptionRecord& e) {
  std::string html;
  for (const auto& d : e.documents) html += (html.empty() ? "" : ", ") + document_link(d, e.partner);
  return html;
}

// The buttons of an open exception (none on a read-only dashboard).
std::string actions_html(const PageContext& context, const archive::ExceptionRecord& e) {
  if (!context.actions || e.state != archive::ExceptionState::open) return "";
  std::string html = fmt::format(
      R"(<form method="post" action="/exceptions/close" class="act">{}<input type="hidden" name="id" value="{}">)"
      R"html(<input name="note" placeholder="note (required)" required aria-label="note for exception {}">)html"
      R"(<button name="state" value="resolved">Resolve</button><button name="state" value="ignored">Ignore</button></form>)",
      csrf_field(context.csrf_token), e.id, e.id);
  if (e.file_id)
    html += fmt::format(R"(<form method="post" action="/exceptions/replay" class="act">{}<input type="hidden" name="id" value="{}">)"
                        R"(<button>Replay F{}</button></form>)",
                        csrf_field(context.csrf_token), e.id, e.file_id);
  return html;
}

std::string row_html(const PageContext& context, const archive::ExceptionRecord& e) {
  std::string state = tag(to_string(e.state));
  if (e.state != archive::ExceptionState::open)
    state += fmt::format(R"(<div class="muted">by {} at {}</div><div>{}</div>)", escape(e.closed_by), escape(e.closed_at),
                         escape(e.note));
  std::string about = e.set_id ? set_link(e.set_id, fmt::format("set {}", e.set_id))
                               : e.file_id ? fmt::format("F{}", e.file_id) : "";
  return fmt::format(R"(<tr id="e{0}"><td class="num"><a href="/exceptions?id={0}">{0}</a></td><td>{1}</td><td>{2}</td>)"
                     R"(<td>{3}</td><td>{4}</td><td>{5}</td><td class="reason">{6}</td><td class="state">{7}</td><td>{8}</td></tr>)",
                     e.id, escape(e.created_at), escape(e.partner), escape(e.kind), documents_html(e), about,
                     escape(e.reason), state, actions_html(context, e));
}

constexpr const char* kHead =
    "<table class=\"exceptions\"><tr><th>id</th><th>raised</th><th>partner</th><th>kind</th><th>documents</th>"
    "<th>about</th><th>reason</th><th>state</th><th></th></tr>";

// One exception with what happened to it, and the outcome of an action when there was one.
Response single(const PageContext& context, const Request& request, std::int64_t id, const std::string& notice,
                const std::string& error) {
  auto e = context.index.exception(id);
  if (!e)
    return html_response(
        layout("Exceptions", "Exceptions", request.user, fmt::format(R"(<p class="error">No exception {}.</p>)", id)), 404);
  std::string body;
  if (!notice.empty()) body += fmt::format(R"(<p class="notice">{}</p>)", escape(notice));
  if (!error.empty()) body += fmt::format(R"(<p class="error">{}</p>)", escape(error));
  body += kHead + row_html(context, *e) + "</table>";
  // The file's history: received, processed, closed by whom, replayed as what.
  if (e->file_id) {
    body += fmt::format("<h2>History of F{}</h2><table><tr><th>at</th><th>step</th><th>detail</th></tr>", e->file_id);
    for (const auto& ev : context.index.events_of_file(e->file_id))
      body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", escape(ev.at), escape(ev.step), escape(ev.detail));
    body += "</table>";
  }
  body += R"(<p><a href="/exceptions">all open exceptions</a></p>)";
  return html_response(layout(fmt::format("Exception {}", id), "Exceptions", request.user, body));
}

std::int64_t id_of(const std::string& text) {
  try {
    std::size_t used = 0;
    auto id = std::stoll(text, &used);
    if (used == text.size() && id > 0) return id;
  } catch (const std::logic_error&) {
  }
  return 0;
}

std::string form_value(const Request& request, const std::string& name) {
  auto it = request.form.find(name);
  return it == request.form.end() ? "" : it->second;
}

}  // namespace

Response exceptions_page(const PageContext& context, const Request& request) {
  if (auto id = id_of(request.param("id"))) return single(context, request, id, "", "");
  const auto page = list_page(request);
  auto filter = [&](const char* name) -> std::optional<std::string> {
    auto value = request.param(name);
    return value.empty() ? std::nullopt : std::optional(value);
  };
  // The queue shows what is open unless the state filter was set (to "any" too).
  auto state = request.query.contains("state") ? filter("state") : std::optional<std::string>("open");
  Request shown = request;
  if (!request.query.contains("state")) shown.query.emplace("state", "open");
  const auto partner = filter("partner"), kind = filter("kind");
  auto rows = context.index.exceptions(partner, state, page, kind);
  const auto total = context.index.count_exceptions(partner, state, kind);

  std::vector<std::string> kinds;
  for (const auto& t : context.index.open_exception_tally(std::nullopt))
    if (std::find(kinds.begin(), kinds.end(), t.name) == kinds.end()) kinds.push_back(t.name);
  std::string kind_list = R"(<datalist id="kinds">)";
  for (const auto& k : kinds) kind_list += fmt::format(R"(<option value="{}">)", escape(k));
  kind_list += "</datalist>";

  std::string body = R"(<form method="get" action="/exceptions" class="filters">)" +
                     select_field(shown, "partner", "partner", partner_ids(context)) +
                     fmt::format(R"(<label>kind<input name="kind" list="kinds" value="{}"></label>)", escape(request.param("kind"))) +
                     kind_list + select_field(shown, "state", "state", {"open", "resolved", "ignored"}) +
                     R"(<button type="submit">Filter</button></form>)";
  body += kHead;
  for (const auto& e : rows) body += row_html(context, e);
  body += "</table>" + pager(shown, rows.size(), total, page);
  return html_response(layout("Exceptions", "Exceptions", request.user, body));
}

Response close_exception_page(const PageContext& context, const Request& request) {
  const auto id = id_of(form_value(request, "id"));
  const std::string state = form_value(request, "state"), note = form_value(request, "note");
  if (!context.actions) return single(context, request, id, "", "This dashboard is read-only.");
  if (state != "resolved" && state != "ignored") return single(context, request, id, "", "Choose resolve or ignore.");
  if (note.find_first_not_of(" \t") == std::string::npos)
    return single(context, request, id, "", "A note is required: say why, for whoever looks at this next.");
  try {
    context.actions->close_exception(id, archive::parse_state<archive::ExceptionState>(state), note, request.user);
  } catch (const std::exception& e) {
    return single(context, request, id, "", e.what());
  }
  return single(context, request, id, fmt::format("Exception {} {} by {}.", id, state, request.user), "");
}

Response replay_page(const PageContext& context, const Request& request) {
  const auto id = id_of(form_value(request, "id"));
  if (!context.actions) return single(context, request, id, "", "This dashboard is read-only.");
  std::string outcome;
  try {
    outcome = context.actions->replay(id, request.user);
  } catch (const std::exception& e) {
    return single(context, request, id, "", e.what());
  }
  return single(context, request, id, outcome, "");
}

}  // namespace edihub::hub::web
