#include "hub/web/widgets.h"

#include <algorithm>

#include <fmt/format.h>

#include "hub/config.h"
#include "hub/web/html.h"

namespace edihub::hub::web {

namespace {

std::int64_t number_param(const Request& request, const std::string& name, std::int64_t fallback, std::int64_t low,
                          std::int64_t high) {
  const std::string text = request.param(name);
  if (text.empty() || text.size() > 18 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return fallback;
  return std::clamp<std::int64_t>(std::stoll(text), low, high);
}

}  // namespace

Response html_response(std::string html, int status) {
  Response r;
  r.status = status;
  r.body = std::move(html);
  return r;
}

archive::Page list_page(const Request& request) {
  return {static_cast<int>(number_param(request, "limit", 50, 1, 500)),
          number_param(request, "offset", 0, 0, std::int64_t(1) << 52)};
}

std::string link_with(const Request& request, const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& changes) {
  std::string query;
  auto add = [&](const std::string& name, const std::string& value) {
    query += (query.empty() ? "?" : "&") + url_encode(name) + "=" + url_encode(value);
  };
  // A parameter given empty stays: "state=" (any state) is not the same as no state.
  for (const auto& [name, value] : request.query)
    if (std::none_of(changes.begin(), changes.end(), [&](const auto& c) { return c.first == name; })) add(name, value);
  for (const auto& [name, value] : changes)
    if (!value.empty()) add(name, value);
  return path + query;
}

std::string pager(const Request& request, std::size_t shown, std::int64_t total, const archive::Page& page) {
  const std::int64_t first = page.offset + 1, last = page.offset + static_cast<std::int64_t>(shown);
  std::string html = shown ? fmt::format("rows {}-{} of {}", first, last, total) : fmt::format("no rows here: {} in all", total);
  if (page.offset > 0)
    html += fmt::format(R"( · <a href="{}">previous</a>)",
                        escape(link_with(request, request.path,
                                         {{"offset", std::to_string(std::max<std::int64_t>(0, page.offset - page.limit))}})));
  if (last < total)
    html += fmt::format(R"( · <a href="{}" rel="next">next</a>)",
                        escape(link_with(request, request.path, {{"offset", std::to_string(last)}})));
  return R"(<p class="pager">)" + html + "</p>";
}

std::string text_field(const Request& request, const std::string& name, const std::string& label,
                       const std::string& placeholder) {
  return fmt::format(R"(<label>{}<input name="{}" value="{}" placeholder="{}"></label>)", escape(label), escape(name),
                     escape(request.param(name)), escape(placeholder));
}

std::string select_field(const Request& request, const std::string& name, const std::string& label,
                         const std::vector<std::string>& choices) {
  const std::string current = request.param(name);
  std::string options = R"(<option value="">any</option>)";
  for (const auto& c : choices)
    options += fmt::format(R"(<option value="{0}"{1}>{0}</option>)", escape(c), c == current ? " selected" : "");
  return fmt::format(R"(<label>{}<select name="{}">{}</select></label>)", escape(label), escape(name), options);
}

std::vector<std::string> partner_ids(const PageContext& context) {
  std::vector<std::string> ids;
  for (const auto& p : context.config.partners.profiles()) ids.push_back(p.id);
  return ids;
}

std::string tag(std::string_view state) {
  return fmt::format(R"(<span class="tag {0}">{0}</span>)", escape(state));
}

std::string document_link(const std::string& document, const std::string& partner) {
  return fmt::format(R"(<a href="/document?key={}&amp;partner={}">{}</a>)", url_encode(document), url_encode(partner),
                     escape(document));
}

std::string set_link(std::int64_t set_id, const std::string& text) {
  return fmt::format(R"(<a href="/document?set={}">{}</a>)", set_id, escape(text));
}

}  // namespace edihub::hub::web
