// Incremental SHA-256 (OpenSSL EVP), for hashing a file while it is copied.
#pragma once

#include <cstddef>
#include <string>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace edihub::archive {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  std::string hex_digest();  // lowercase; ends the computation

 private:
  EVP_MD_CTX* ctx_;
};

bool is_sha256_hex(const std::string& text);

}  // namespace edihub::archive
