// HTML output of the dashboard. Partner data (names, file names, element values, reasons)
// is untrusted: it reaches a page only through escape() or url_encode(), so a partner
// named "<script>" is shown as text. The layout is the one frame every page shares:
// navigation, title, the embedded stylesheet (no asset from outside the binary: the
// machines that run the hub often have no internet).
#pragma once

#include <string>
#include <string_view>

namespace edihub::hub::web {

// Text for an element body or a quoted attribute value: & < > " ' escaped; C0/C1 control
// characters shown as escapes (hub/text_escape.h); invalid UTF-8 replaced by U+FFFD.
std::string escape(std::string_view text);

// A query-string component: every byte but unreserved ones as %XX.
std::string url_encode(std::string_view text);
// The reverse (also '+' as space); malformed escapes are kept as they are.
std::string url_decode(std::string_view text);

// A whole page: `body_html` (already escaped by the caller) inside the shared frame.
// `active_nav` is the menu label to highlight ("" for none); `user` is shown beside
// the logout button.
std::string layout(std::string_view title, std::string_view active_nav, std::string_view user,
                   std::string_view body_html);

// A hidden form field carrying the session's CSRF token, for every POST form.
std::string csrf_field(std::string_view token);

}  // namespace edihub::hub::web
