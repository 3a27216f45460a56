// / (partners): one row per configured partner: its channel health (the last poll that
// worked, the last error and since when polls fail: Index::partner_polls), what came in
// today (UTC) and how much of it ended in error, and what is waiting right now (our
// documents' acknowledgments awaited and overdue, open exceptions, ERP deliveries pending
// and dead-lettered, files not processed yet: Index::partner_counts). A partner's name
// comes from its profile and is shown as text.
#include <map>

#include <fmt/format.h>

#include "archive/index.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/web/html.h"
#include "hub/web/pages.h"
#include "hub/web/widgets.h"

namespace edihub::hub::web {

namespace {

std::string percent(std::int64_t part, std::int64_t whole) {
  return whole ? fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole)) : "-";
}

std::string health_html(const archive::PartnerPollRecord* poll) {
  if (!poll) return R"(<td class="muted">not polled yet</td><td></td>)";
  std::string last_ok = poll->last_ok_at.empty() ? R"(<span class="muted">never</span>)" : escape(poll->last_ok_at);
  std::string error;
  if (!poll->failing_since.empty())
    error = fmt::format(R"({}<div class="muted">failing since {}</div><div>{}</div>)", tag("failing"),
                        escape(poll->failing_since), escape(poll->last_error));
  else if (!poll->last_error_at.empty())
    error = fmt::format(R"(<span class="muted">{}: {}</span>)", escape(poll->last_error_at), escape(poll->last_error));
  return fmt::format("<td>{}</td><td>{}</td>", last_ok, error);
}

// A count linking to the list it counts, "0" plain.
std::string count_link(std::int64_t n, const std::string& href) {
  return n ? fmt::format(R"(<a href="{}">{}</a>)", escape(href), n) : "0";
}

}  // namespace

Response partners_page(const PageContext& context, const Request& request) {
  const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(context.clock.now())};
  const std::string since = fmt::format("{:04}-{:02}-{:02}T00:00:00Z", static_cast<int>(today.year()),
                                        static_cast<unsigned>(today.month()), static_cast<unsigned>(today.day()));
  std::map<std::string, archive::PartnerPollRecord> polls;
  for (auto& p : context.index.partner_polls()) polls.emplace(p.partner, std::move(p));
  std::map<std::string, archive::Index::PartnerCounts> counts;
  for (auto& c : context.index.partner_counts(since)) counts.emplace(c.partner, std::move(c));

  std::string body = fmt::format(
      R"(<p class="muted">Today is counted from {} (UTC).</p>)"
      "<table class=\"partners\"><tr><th>partner</th><th>last good poll</th><th>last error</th><th>files today</th>"
      "<th>sets today</th><th>error rate</th><th>acks awaited</th><th>acks overdue</th><th>open exceptions</th>"
      "<th>ERP deliveries pending</th><th>dead letters</th><th>not processed</th></tr>",
      escape(since));
  for (const auto& profile : context.config.partners.profiles()) {
    const auto poll = polls.find(profile.id);
    const auto c = counts.contains(profile.id) ? counts.at(profile.id) : archive::Index::PartnerCounts{};
    const bool failing = poll != polls.end() && !poll->second.failing_since.empty();
    const bool bad = failing || c.acks_overdue || c.dead_letters;
    const std::string p = url_encode(profile.id);
    body += fmt::format(
        R"(<tr{}><td><strong>{}</strong><div class="muted mono">{}</div></td>{}<td class="num">{}</td><td class="num">{}</td>)"
        R"(<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>)"
        R"(<td class="num">{}</td><td class="num">{}</td></tr>)",
        bad ? R"( class="bad")" : c.exceptions_open ? R"( class="warn")" : "", escape(profile.name), escape(profile.id),
        health_html(poll == polls.end() ? nullptr : &poll->second), c.files_in,
        count_link(c.sets_in, "/search?partner=" + p + "&since=" + since), percent(c.sets_in_error, c.sets_in),
        c.acks_awaiting, c.acks_overdue, count_link(c.exceptions_open, "/exceptions?state=open&partner=" + p),
        count_link(c.deliveries_pending, "/search?status=mapped&partner=" + p),
        count_link(c.dead_letters, "/search?status=dead_letter&partner=" + p), c.backlog_files);
  }
  body += "</table>";
  return html_response(layout("Partners", "Partners", request.user, body));
}

}  // namespace edihub::hub::web
