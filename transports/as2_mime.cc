// MIME plumbing for AS2: headers, entity splitting, multipart parts, transfer encodings.
// Base64 and digests are OpenSSL's (EVP); nothing here is cryptography of our own.
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "transports/as2.h"

namespace edihub::transports::as2 {

std::string Headers::get(const std::string& name) const {
  for (const auto& [k, v] : fields)
    if (detail::lower(k) == detail::lower(name)) return v;
  return "";
}

bool Headers::has(const std::string& name) const {
  for (const auto& [k, v] : fields)
    if (detail::lower(k) == detail::lower(name)) return true;
  return false;
}

void Headers::set(const std::string& name, std::string value) {
  std::erase_if(fields, [&](const auto& f) { return detail::lower(f.first) == detail::lower(name); });
  fields.emplace_back(name, std::move(value));
}

namespace detail {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string media_type(const std::string& content_type) { return lower(trim(content_type.substr(0, content_type.find(';')))); }

std::string param(const std::string& value, const std::string& name) {
  // Walk "type; a=b; c="d;e"" honouring quotes.
  size_t i = value.find(';');
  while (i != std::string::npos && i < value.size()) {
    ++i;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t' || value[i] == '\r' || value[i] == '\n')) ++i;
    size_t eq = value.find('=', i);
    if (eq == std::string::npos) return "";
    std::string key = lower(trim(value.substr(i, eq - i)));
    size_t v = eq + 1;
    while (v < value.size() && value[v] == ' ') ++v;
    std::string val;
    size_t next;
    if (v < value.size() && value[v] == '"') {
      size_t close = v + 1;
      while (close < value.size() && value[close] != '"') {
        if (value[close] == '\\' && close + 1 < value.size()) ++close;
        val += value[close++];
      }
      next = value.find(';', close);
    } else {
      next = value.find(';', v);
      val = trim(value.substr(v, next == std::string::npos ? std::string::npos : next - v));
    }
    if (key == lower(name)) return val;
    i = next;
  }
  return "";
}

std::pair<Headers, std::string> split_entity(const std::string& entity) {
  Headers h;
  size_t pos = 0;
  std::string current;
  auto flush = [&] {
    if (current.empty()) return;
    size_t colon = current.find(':');
    if (colon != std::string::npos) h.add(trim(current.substr(0, colon)), trim(current.substr(colon + 1)));
    current.clear();
  };
  while (pos < entity.size()) {
    size_t eol = entity.find('\n', pos);
    if (eol == std::string::npos) eol = entity.size();
    std::string line = entity.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pos = std::min(eol + 1, entity.size() + 0);
    if (line.empty()) {
      flush();
      return {h, entity.substr(std::min(pos, entity.size()))};
    }
    if (line[0] == ' ' || line[0] == '\t') {
      current += " " + trim(line);  // folded continuation
    } else {
      flush();
      current = line;
    }
  }
  flush();
  return {h, ""};  // headers only, no body
}

std::vector<std::string> multipart_parts(const std::string& body, const std::string& boundary) {
  std::vector<std::string> parts;
  const std::string delim = "--" + boundary;
  // A delimiter starts a line: at the very start, or after CRLF / LF.
  auto find_delim = [&](size_t from) -> std::pair<size_t, size_t> {  // (line-break start, delimiter start)
    size_t p = from;
    while ((p = body.find(delim, p)) != std::string::npos) {
      if (p == 0) return {0, 0};
      if (body[p - 1] == '\n') return {(p >= 2 && body[p - 2] == '\r') ? p - 2 : p - 1, p};
      p += delim.size();
    }
    return {std::string::npos, std::string::npos};
  };
  auto [brk, d] = find_delim(0);
  while (d != std::string::npos) {
    size_t after = d + delim.size();
    if (body.compare(after, 2, "--") == 0) break;  // close delimiter
    size_t eol = body.find('\n', after);            // rest of the delimiter line (transport padding)
    if (eol == std::string::npos) break;
    size_t start = eol + 1;
    auto [nbrk, nd] = find_delim(start);
    if (nd == std::string::npos) break;  // unterminated: ignore the tail
    parts.push_back(body.substr(start, nbrk - start));
    brk = nbrk;
    d = nd;
  }
  return parts;
}

std::string base64_encode(const std::string& bytes, bool lines) {
  std::string raw(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  raw.resize(static_cast<size_t>(n));
  if (!lines) return raw;
  std::string out;
  out.reserve(raw.size() + raw.size() / 76 * 2 + 2);
  for (size_t i = 0; i < raw.size(); i += 76) out += raw.substr(i, 76) + "\r\n";
  return out;
}

std::string base64_decode(const std::string& text) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  if (clean.empty()) return "";
  if (clean.size() % 4 != 0) throw As2Error("invalid base64 (length)");
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) throw As2Error("invalid base64");
  size_t pad = 0;
  if (clean.back() == '=') ++pad;
  if (clean.size() >= 2 && clean[clean.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string decode_transfer(const std::string& body, const std::string& cte) {
  std::string e = lower(trim(cte));
  if (e == "base64") return base64_decode(body);
  if (e.empty() || e == "binary" || e == "7bit" || e == "8bit") return body;
  throw As2Error("unsupported Content-Transfer-Encoding: " + cte);
}

std::string normalize_mic_alg(const std::string& alg) {
  std::string a = lower(trim(alg));
  std::erase(a, '-');
  return a;
}

std::string micalg_name(const std::string& alg) {
  std::string a = normalize_mic_alg(alg);
  if (a.rfind("sha", 0) == 0 && a.size() > 3) return "sha-" + a.substr(3);
  return a;
}

std::string digest(const std::string& alg, const std::string& bytes) {
  const std::string a = normalize_mic_alg(alg);
  const EVP_MD* md = a == "sha1" ? EVP_sha1() : a == "sha256" ? EVP_sha256() : a == "sha384" ? EVP_sha384()
                   : a == "sha512" ? EVP_sha512() : nullptr;
  if (!md) throw As2Error("unsupported MIC algorithm: " + alg);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!EVP_Digest(bytes.data(), bytes.size(), out, &n, md, nullptr)) throw As2Error("digest failed");
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string openssl_errors() {
  std::string out;
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

}  // namespace detail
}  // namespace edihub::transports::as2
