#include "partners/profile.h"

#include <catch2/catch.hpp>

#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using edihub::partners::ConfigError;
using edihub::partners::Directory;

namespace {

const char* kMapping = R"(source: {format: x12, transaction_set: "856", versions: ["004010"]}
target: inbound_delivery
fields:
  shipment_id: {from: BSN02, required: true}
)";

void write_profile(const TempDir& dir, const std::string& name, const std::string& body) {
  write_file(dir / ("partners/" + name), body);
}

std::vector<std::string> problems_of(const TempDir& dir) {
  try {
    Directory::load(dir.path());
  } catch (const ConfigError& e) {
    return e.problems;
  }
  return {};
}

bool any_contains(const std::vector<std::string>& list, const std::string& text) {
  for (const auto& s : list)
    if (s.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("profiles load with config-relative paths and route by ISA sender and GS02", "[partners]") {
  TempDir dir;
  write_file(dir / "mappings/asn.yaml", kMapping);
  fs::create_directories(dir / "in/acme");
  write_profile(dir, "acme.yaml", R"(id: acme
name: ACME
identities:
  - {isa_qualifier: ZZ, isa_id: ACME, group_id: ACMEGS}
  - {isa_id: "123456789"}
inbound:
  folder: {path: in/acme, pattern: "*.edi", settle_seconds: 2.5}
erp:
  folder: {path: erp}
mappings:
  - {transaction_set: "856", versions: ["004010"], file: mappings/asn.yaml}
code_tables:
  uom: {CA: CS}
)");
  auto dir_ = Directory::load(dir.path());
  REQUIRE(dir_.profiles().size() == 1);
  const auto& p = dir_.profiles()[0];
  CHECK(p.inbound->path == fs::weakly_canonical(dir / "in/acme"));
  CHECK(p.inbound->settle == std::chrono::milliseconds(2500));
  CHECK(p.code_tables.at("uom").at("CA") == "CS");
  CHECK(dir_.resolve("ZZ", "ACME", "ACMEGS") == &p);
  CHECK(dir_.resolve("ZZ", "ACME", "OTHERGS") == nullptr);  // GS02 must match when given
  CHECK(dir_.resolve("01", "ACME") == nullptr);              // qualifier must match when given
  CHECK(dir_.resolve("14", "123456789") == &p);              // no qualifier in the identity: any
  CHECK(p.mapping_for("856", "004010VICS") != nullptr);      // version prefix
  CHECK(p.mapping_for("856", "005010") == nullptr);
  CHECK(p.mapping_for("810", "004010") == nullptr);
}

TEST_CASE("profile mistakes are all reported with file and line", "[partners]") {
  TempDir dir;
  write_file(dir / "mappings/asn.yaml", kMapping);
  write_profile(dir, "bad.yaml", R"(id: Bad Id
name: Bad
identities:
  - {isa_qualifier: ZZ, isa_id: "THIS-ID-IS-TOO-LONG", colour: red}
inbound:
  folder: {path: /var/inbox}
mappings:
  - {transaction_set: "850", file: mappings/asn.yaml}
  - {transaction_set: "856", file: mappings/missing.yaml}
)");
  auto problems = problems_of(dir);
  CHECK(any_contains(problems, "bad.yaml:1: id 'Bad Id' may hold only"));
  CHECK(any_contains(problems, "bad.yaml:4: unknown key 'colour' in an identity"));
  CHECK(any_contains(problems, "bad.yaml:4: isa_id is longer than ISA06's 15 characters"));
  CHECK(any_contains(problems, "bad.yaml:6: inbound.folder.path must be relative to the config folder"));
  CHECK(any_contains(problems, "bad.yaml:8: mapping asn.yaml is for transaction set 856, not 850"));
  CHECK(any_contains(problems, "bad.yaml:9: mapping file mappings/missing.yaml does not exist"));
  CHECK(any_contains(problems, "there is no 'erp' sink"));
}

TEST_CASE("a mapping that needs a code table the profile lacks is refused", "[partners]") {
  TempDir dir;
  write_file(dir / "mappings/asn.yaml", std::string(kMapping) + "  uom: {from: SN103, table: uom}\n");
  write_profile(dir, "p.yaml", R"(id: p
name: P
identities: [{isa_id: P1}]
erp: {folder: {path: erp}}
mappings:
  - {transaction_set: "856", file: mappings/asn.yaml}
)");
  auto problems = problems_of(dir);
  CHECK(any_contains(problems, "p.yaml:6: mapping asn.yaml uses code table 'uom'"));
}

TEST_CASE("two partners claiming one identity make routing ambiguous and are refused", "[partners]") {
  TempDir dir;
  write_profile(dir, "a.yaml", "id: a\nname: A\nidentities: [{isa_qualifier: ZZ, isa_id: SAME}]\n");
  write_profile(dir, "b.yaml", "id: b\nname: B\nidentities: [{isa_id: SAME}]\n");
  auto problems = problems_of(dir);
  CHECK(any_contains(problems, "b.yaml:1: identity :SAME is also claimed by partner 'a'"));
}
