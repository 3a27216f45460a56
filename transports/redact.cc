#include "transports/redact.h"

#include <cctype>

namespace edihub::transports {

namespace {

constexpr std::string_view kMask = "***";

bool scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// Where the authority of the URL whose "://" is at `sep` ends: the first '/', '?', '#' or
// whitespace after it.
std::size_t authority_end(std::string_view text, std::size_t sep) {
  std::size_t i = sep + 3;
  while (i < text.size() && text[i] != '/' && text[i] != '?' && text[i] != '#' &&
         !std::isspace(static_cast<unsigned char>(text[i])))
    ++i;
  return i;
}

// Masks the password of every "scheme://user:password@" in text.
std::string redact_userinfo(std::string_view text) {
  std::string out;
  std::size_t copied = 0;
  for (std::size_t sep = text.find("://"); sep != std::string_view::npos; sep = text.find("://", sep + 3)) {
    if (sep == 0 || !scheme_char(text[sep - 1])) continue;
    const std::size_t start = sep + 3, end = authority_end(text, sep);
    const std::size_t at = text.substr(start, end - start).rfind('@');
    if (at == std::string_view::npos) continue;
    const std::size_t colon = text.substr(start, at).find(':');
    if (colon == std::string_view::npos) continue;
    out.append(text.substr(copied, start + colon + 1 - copied));
    out.append(kMask);
    copied = start + at;
  }
  out.append(text.substr(copied));
  return out;
}

// Masks the value of every "password=" keyword, sslpassword= too (conninfo: a 'quoted' value
// with \' escapes, or up to the next blank; in a URI query, up to the next &).
std::string redact_password_keywords(std::string_view text) {
  std::string out;
  std::size_t copied = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    constexpr std::string_view key = "password";
    if (text.size() - i < key.size()) break;
    bool match = std::equal(key.begin(), key.end(), text.begin() + static_cast<std::ptrdiff_t>(i),
                            [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
    if (!match) continue;
    std::size_t j = i + key.size();
    while (j < text.size() && text[j] == ' ') ++j;
    if (j >= text.size() || text[j] != '=') continue;
    ++j;
    while (j < text.size() && text[j] == ' ') ++j;
    std::size_t end = j;
    if (end < text.size() && text[end] == '\'') {
      for (++end; end < text.size() && text[end] != '\''; ++end)
        if (text[end] == '\\') ++end;
      end = std::min(end + 1, text.size());
    } else {
      while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '&') ++end;
    }
    out.append(text.substr(copied, j - copied));
    out.append(kMask);
    copied = end;
    i = end - 1;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace

std::string redact_url(std::string_view url) { return redact_userinfo(url); }

std::string redact_conninfo(std::string_view conninfo) { return redact_secrets(conninfo); }

std::string redact_secrets(std::string_view text) { return redact_password_keywords(redact_userinfo(text)); }

}  // namespace edihub::transports
