#include <catch2/catch.hpp>

#include "transports/redact.h"

using edihub::transports::redact_conninfo;
using edihub::transports::redact_secrets;
using edihub::transports::redact_url;

TEST_CASE("redact_url masks the password of a URL and keeps the rest", "[redact]") {
  CHECK(redact_url("https://user:pass@erp.example/api/v1") == "https://user:***@erp.example/api/v1");
  CHECK(redact_url("http://user:p%40ss:x@127.0.0.1:8080/in?x=1") == "http://user:***@127.0.0.1:8080/in?x=1");
  CHECK(redact_url("https://user:p@ss@host/path") == "https://user:***@host/path");  // '@' in the password
  CHECK(redact_url("sftp://edi:secret@sftp.abc.example:22/in") == "sftp://edi:***@sftp.abc.example:22/in");
  // Nothing to hide: unchanged.
  CHECK(redact_url("https://erp.example/api") == "https://erp.example/api");
  CHECK(redact_url("https://user@erp.example/api") == "https://user@erp.example/api");
  CHECK(redact_url("https://erp.example/a:b@c") == "https://erp.example/a:b@c");  // '@' in the path, not the authority
  CHECK(redact_url("") == "");
}

TEST_CASE("redact_conninfo masks PostgreSQL passwords in URIs and keyword strings", "[redact]") {
  CHECK(redact_conninfo("postgresql://edihub:s3cret@db.local:5432/erp") == "postgresql://edihub:***@db.local:5432/erp");
  CHECK(redact_conninfo("postgresql://db.local/erp?user=edihub&password=s3cret&sslmode=require") ==
        "postgresql://db.local/erp?user=edihub&password=***&sslmode=require");
  CHECK(redact_conninfo("host=db user=edihub password=s3cret dbname=erp") == "host=db user=edihub password=*** dbname=erp");
  CHECK(redact_conninfo("host=db password = 'it\\'s secret' dbname=erp") == "host=db password = *** dbname=erp");
  CHECK(redact_conninfo("host=db sslpassword=k3y sslmode=require") == "host=db sslpassword=*** sslmode=require");
  CHECK(redact_conninfo("host=db dbname=erp") == "host=db dbname=erp");
}

TEST_CASE("redact_secrets cleans every URL and password keyword in a message", "[redact]") {
  CHECK(redact_secrets("POST https://a:x1@h1/p failed, then http://b:y2@h2 too; password=z3") ==
        "POST https://a:***@h1/p failed, then http://b:***@h2 too; password=***");
  CHECK(redact_secrets("Failed to connect to 127.0.0.1 port 9: Connection refused") ==
        "Failed to connect to 127.0.0.1 port 9: Connection refused");
}
