// Shared setup for the AS2 tests: the test-only identities and profiles from tests/data/as2.
#pragma once

#include <string>

#include "tests/test_support.h"
#include "transports/as2.h"

namespace edihub::transports::as2::test {

inline std::string crt(const std::string& who) {
  return (edihub::testing::data_dir() / "as2" / ("test-only-" + who + ".crt")).string();
}
inline std::string key(const std::string& who) {
  return (edihub::testing::data_dir() / "as2" / ("test-only-" + who + ".key")).string();
}
inline As2Identity identity(const std::string& as2_id, const std::string& who) {
  return As2Identity::load(as2_id, crt(who), key(who));
}
// The profile of a party, as the other side configures it.
inline As2Partner profile(const std::string& as2_id, std::initializer_list<std::string> certs) {
  As2Partner p;
  p.as2_id = as2_id;
  for (const auto& c : certs) p.certificates.push_back(load_certificate(crt(c)));
  return p;
}
// Headers + CRLF + body: a MIME file `openssl cms` reads directly.
inline std::string as_mime_file(const Headers& h, const std::string& body) {
  std::string out;
  for (const auto& [k, v] : h.fields) out += k + ": " + v + "\r\n";
  return out + "\r\n" + body;
}

}  // namespace edihub::transports::as2::test
