#include "hub/web/html.h"

#include <fmt/format.h>

#include "formats/charset.h"
#include "hub/text_escape.h"
#include "hub/web/page.h"

namespace edihub::hub::web {

namespace {

// The stylesheet of every page, embedded: no request leaves the binary.
constexpr const char* kStyle = R"css(
body{font-family:system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;display:flex;align-items:center;gap:1.2em;padding:.5em 1em}
header a{color:#cfd6e4;text-decoration:none}header a.active,header a:hover{color:#fff;border-bottom:2px solid #6ea8fe}
header .brand{font-weight:700;color:#fff}header .user{margin-left:auto;color:#cfd6e4}
header form{display:inline;margin:0}
main{padding:1em 1.5em}h1{font-size:1.35em}
table{border-collapse:collapse;background:#fff;margin:.5em 0 1em}
th,td{border:1px solid #d5d9e0;padding:.25em .55em;text-align:left;vertical-align:top;font-size:.92em}
th{background:#e9ecf1}tr.bad>td{background:#fdecec}tr.warn>td{background:#fff6e0}
.num{text-align:right;font-variant-numeric:tabular-nums}
.mono,pre{font-family:ui-monospace,monospace;font-size:.88em}
.tag{display:inline-block;padding:0 .4em;border-radius:.3em;background:#e9ecf1}
.tag.open,.tag.failed,.tag.rejected,.tag.overdue,.tag.dead_letter{background:#f8d7da}
.tag.resolved,.tag.delivered,.tag.accepted{background:#d1e7dd}
form.filters{display:flex;flex-wrap:wrap;gap:.5em;align-items:end;margin-bottom:.6em}
form.filters label{display:flex;flex-direction:column;font-size:.85em}
.notice{padding:.5em .8em;background:#d1e7dd;border:1px solid #a3cfbb}
.error{padding:.5em .8em;background:#f8d7da;border:1px solid #f1aeb5}
.muted{color:#6b7280}
form.act{display:inline-flex;gap:.3em;margin:0 .3em .3em 0}td.reason{white-space:pre-line;min-width:30em;max-width:60em}
)css";

}  // namespace

std::string escape(std::string_view text) {
  std::string safe = x12::escape_invalid_utf8(escape_controls_keep_lines(text));
  std::string out;
  out.reserve(safe.size());
  for (char c : safe) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string url_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() + 0 && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string csrf_field(std::string_view token) {
  return fmt::format(R"(<input type="hidden" name="csrf" value="{}">)", escape(token));
}

std::string layout(std::string_view title, std::string_view active_nav, std::string_view user,
                   std::string_view body_html) {
  std::string nav;
  for (const Route& route : routes()) {
    if (!route.nav) continue;
    nav += fmt::format(R"(<a href="{}"{}>{}</a>)", route.path, active_nav == route.nav ? R"( class="active")" : "",
                       route.nav);
  }
  // Signing out is a POST (with the CSRF token), offered by the page /logout.
  std::string who =
      user.empty() ? "" : fmt::format(R"(<span class="user">{} · <a href="/logout">sign out</a></span>)", escape(user));
  return fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{} · edihub</title><style>{}</style></head>\n<body><header><span class=\"brand\">edihub</span>{}{}"
      "</header>\n<main><h1>{}</h1>\n{}\n</main></body></html>\n",
      escape(title), kStyle, nav, who, escape(title), body_html);
}

}  // namespace edihub::hub::web
