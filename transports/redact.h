// Credentials out of what the hub shows and stores. A URL or PostgreSQL conninfo may carry a
// password (https://user:pass@host/..., password=...); every place that prints, logs or
// records one goes through these, so the secret only ever reaches the library that connects.
//
// Contract: only the password is replaced, by "***"; the rest (scheme, user, host, path) is
// kept for diagnosis. Text without credentials comes back unchanged.
#pragma once

#include <string>
#include <string_view>

namespace edihub::transports {

// "https://user:pass@host/path" -> "https://user:***@host/path" (also for http, postgresql,
// sftp, ... URLs); a URL without a password is returned as it is.
std::string redact_url(std::string_view url);

// A PostgreSQL conninfo: a postgresql:// URI as redact_url, or the keyword form with
// password=... (quoted or not) as password=***.
std::string redact_conninfo(std::string_view conninfo);

// Any message that may quote a URL or conninfo (errors of libcurl or libpq): every
// scheme://user:pass@ and every password=... in it redacted.
std::string redact_secrets(std::string_view text);

}  // namespace edihub::transports
