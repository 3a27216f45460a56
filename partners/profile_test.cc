#include "partners/profile.h"

#include <catch2/catch.hpp>

#include "formats/validation.h"
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

TEST_CASE("XML identities route documents by sender party and XML rules pick the mapping by document type", "[partners][xml]") {
  TempDir dir;
  write_file(dir / "mappings/asn.yaml", kMapping);
  write_file(dir / "mappings/ubl.yaml", R"(source:
  format: xml
  standard: ubl
  document: DespatchAdvice
  namespaces: {cbc: "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
target: inbound_delivery
fields:
  shipment_id: {from: cbc:ID, required: true}
)");
  write_profile(dir, "cobalt.yaml", R"(id: cobalt
name: Cobalt
identities:
  - {party_id: "0614141000012", scheme: GLN}
  - {isa_qualifier: ZZ, isa_id: COBALT}
erp: {folder: {path: erp}}
mappings:
  - {document: DespatchAdvice, standard: ubl, file: mappings/ubl.yaml}
  - {transaction_set: "856", file: mappings/asn.yaml}
)");
  write_profile(dir, "other.yaml", "id: other\nname: Other\nidentities: [{party_id: \"0614141000012\", scheme: DUNS}]\n");
  auto partners = Directory::load(dir.path());
  const auto* cobalt = partners.find("cobalt");
  REQUIRE(cobalt);
  CHECK(cobalt->envelope.their_id == "COBALT");  // the first X12 identity, not the party id
  using edihub::xml::PartyId;
  CHECK(partners.resolve_party({PartyId{"0088", "0614141000012"}, PartyId{"gln", "0614141000012"}}) == cobalt);
  CHECK(partners.resolve_party({PartyId{"DUNS", "0614141000012"}})->id == "other");
  CHECK(partners.resolve_party({PartyId{"GLN", "999"}}) == nullptr);
  CHECK(partners.resolve("ZZ", "COBALT") == cobalt);
  CHECK(partners.resolve("", "") == nullptr);  // an XML identity never matches an interchange
  const auto* rule = cobalt->mapping_for_document("ubl", "DespatchAdvice");
  REQUIRE(rule);
  CHECK(rule->file.filename() == "ubl.yaml");
  CHECK(cobalt->mapping_for_document("cxml", "DespatchAdvice") == nullptr);
  CHECK(cobalt->mapping_for("856", "004010")->file.filename() == "asn.yaml");
}

TEST_CASE("XML identity and rule mistakes are reported with file and line", "[partners][xml]") {
  TempDir dir;
  write_file(dir / "mappings/asn.yaml", kMapping);
  write_profile(dir, "a.yaml", R"(id: a
name: A
identities:
  - {party_id: AN01, scheme: NetworkId, isa_id: X}
erp: {folder: {path: erp}}
mappings:
  - {document: DespatchAdvice, transaction_set: "856", file: mappings/asn.yaml}
  - {document: ShipNoticeRequest, standard: cxml, file: mappings/asn.yaml}
)");
  write_profile(dir, "b.yaml", "id: b\nname: B\nidentities: [{party_id: AN01, scheme: networkid}]\n");
  auto problems = problems_of(dir);
  CHECK(any_contains(problems, "a.yaml:4: unknown key 'isa_id' in an XML identity"));
  CHECK(any_contains(problems, "a.yaml:7: a mapping rule names either an X12 transaction_set (and versions) or an XML document, not both"));
  CHECK(any_contains(problems, "a.yaml:8: mapping asn.yaml reads X12 transaction set 856, not XML documents"));
  CHECK(any_contains(problems, "b.yaml:1: identity networkid:AN01 is also claimed by partner 'a'"));
}

TEST_CASE("envelope, acknowledgment policy and outbound settings load with their defaults", "[partners]") {
  TempDir dir;
  for (const char* folder : {"out/acme", "erp-out"}) fs::create_directories(dir / folder);
  write_profile(dir, "acme.yaml", R"(id: acme
name: ACME
identities: [{isa_qualifier: "01", isa_id: ACME, group_id: ACMEGS}]
outbound: {folder: {path: out/acme}}
erp:
  outbound: {folder: {path: erp-out, pattern: "*.json"}}
envelope:
  our_id: BUYER
  isa_version: "00501"
  delimiters: {element: "|", component: "^", repetition: "!", segment: "~"}
acknowledgments: {ta1: always, reject: group, expect: "999", overdue_after: 90m}
)");
  auto directory = Directory::load(dir.path());
  const auto& p = directory.profiles().at(0);
  REQUIRE(p.outbound);
  REQUIRE(p.outbound->folder);
  CHECK(p.outbound->folder->path == fs::weakly_canonical(dir / "out/acme"));
  REQUIRE(p.erp_outbound);
  CHECK(p.erp_outbound->pattern == "*.json");
  CHECK(p.envelope.our_qualifier == "ZZ");  // default
  CHECK(p.envelope.our_group_id == "BUYER");
  CHECK(p.envelope.their_qualifier == "01");  // from the first identity
  CHECK(p.envelope.their_id == "ACME");
  CHECK(p.envelope.their_group_id == "ACMEGS");
  CHECK(p.envelope.delimiters == edihub::x12::Delimiters{'|', '^', '!', "~"});
  CHECK(p.acks.ta1 == "always");
  CHECK(p.acks.reject == "group");
  CHECK(p.acks.overdue_after == std::chrono::minutes(90));
  // send: auto answers 005010 groups with a 999 and older ones with a 997.
  CHECK(p.ack_for("005010X222A1") == "999");
  CHECK(p.ack_for("004010VICS") == "997");
}

TEST_CASE("envelope, acknowledgment and validation mistakes are reported with file and line", "[partners]") {
  TempDir dir;
  write_profile(dir, "bad.yaml", R"(id: bad
name: Bad
identities: [{isa_id: BAD}]
envelope:
  our_id: OUR-ID-LONGER-THAN-15
  usage: X
  delimiters: {element: "*", component: "*"}
acknowledgments: {send: "998", overdue_after: soon}
validation:
  "856":
    mandatory_segments: [ZZZ]
  "850":
    codes: {BEG01: ["00", QQ]}
  "123": {mandatory_elements: [BSN05]}
)");
  auto problems = problems_of(dir);
  CHECK(any_contains(problems, "bad.yaml:5: our_id is longer than 15 characters"));
  CHECK(any_contains(problems, "bad.yaml:6: usage must be P (production), T (test) or I (information)"));
  CHECK(any_contains(problems, "bad.yaml:7: element, component, repetition and segment delimiters must all differ"));
  CHECK(any_contains(problems, "bad.yaml:8: send '998' is not one of"));
  CHECK(any_contains(problems, "bad.yaml:8: overdue_after 'soon' is not a duration"));
  // Tightening errors point at the set's entry.
  CHECK((any_contains(problems, "bad.yaml:10: ") && any_contains(problems, "ZZZ")));
  CHECK((any_contains(problems, "bad.yaml:12: ") && any_contains(problems, "QQ")));
  CHECK(any_contains(problems, "bad.yaml:14: no schema for transaction set '123' to tighten"));
}

TEST_CASE("a partner's implementation guide tightens the schema its sets are validated against", "[partners]") {
  TempDir dir;
  write_profile(dir, "acme.yaml", R"(id: acme
name: ACME
identities: [{isa_id: ACME}]
validation:
  "856": {mandatory_elements: [BSN05], codes: {TD504: [M]}}
)");
  auto directory = Directory::load(dir.path());
  const auto& p = directory.profiles().at(0);
  const auto* tightened = p.schema_for("856", "004010VICS");
  const auto* base = edihub::x12::SchemaLibrary::builtin().find("856", "004010");
  REQUIRE(tightened);
  CHECK(tightened != base);
  CHECK(p.schema_for("850", "004010") == edihub::x12::SchemaLibrary::builtin().find("850", "004010"));
  // An 856 whose TD504 is A (air) passes the base schema, not the partner's.
  edihub::x12::TransactionSet set;
  set.id = "856";
  set.control_number = "0001";
  set.segments = {{"ST", {"856", "0001"}, 1, 1},
                  {"BSN", {"00", "SHP1", "20261127", "1015", "0001"}, 2, 2},
                  {"HL", {"1", "", "S"}, 3, 3},
                  {"TD5", {"B", "2", "ABCD", "A"}, 4, 4},
                  {"SE", {"5", "0001"}, 5, 5}};
  CHECK(edihub::x12::validate_set(set, *base).accepted());
  auto result = edihub::x12::validate_set(set, *tightened);
  REQUIRE_FALSE(result.accepted());
  REQUIRE(result.segments.size() == 1);
  CHECK(result.segments[0].tag == "TD5");
  REQUIRE(result.segments[0].elements.size() == 1);
  CHECK(result.segments[0].elements[0].code == "7");
  CHECK(result.segments[0].elements[0].implementation_code == "I6");
}

TEST_CASE("durations are seconds, minutes, hours or days", "[partners]") {
  using edihub::partners::parse_duration;
  CHECK(parse_duration("90s") == std::chrono::seconds(90));
  CHECK(parse_duration("4h") == std::chrono::hours(4));
  CHECK(parse_duration("2d") == std::chrono::hours(48));
  CHECK_FALSE(parse_duration("4"));
  CHECK_FALSE(parse_duration("h"));
  CHECK_FALSE(parse_duration("-4h"));
  CHECK_FALSE(parse_duration("4w"));
}

TEST_CASE("a schedule sets the poll interval and UTC windows, and mistakes name file and line", "[partners][schedule]") {
  TempDir dir;
  write_file(dir / "mappings/asn.yaml", kMapping);
  fs::create_directories(dir / "erp");
  std::string head = "name: Acme\nidentities: [{isa_qualifier: ZZ, isa_id: ACME}]\nerp: {folder: {path: erp}}\n";
  write_profile(dir, "acme.yaml", "id: acme\n" + head + "schedule:\n  poll_every: 5m\n  windows: [\"mon-fri 06:00-20:00\", \"sat 08:00-12:00\"]\n");
  {
    auto d = Directory::load(dir.path());
    const auto& s = d.find("acme")->schedule;
    CHECK(s.poll_every == std::chrono::seconds(300));
    REQUIRE(s.windows.size() == 2);
    CHECK(s.windows[0].days == 0x1fu);
    CHECK(s.windows[1].start_minute == 8 * 60);
  }
  write_profile(dir, "acme.yaml", "id: acme\n" + head + "schedule:\n  poll_every: soon\n  windows:\n    - \"06:00-20:00\"\n    - \"mon-fry 06:00-07:00\"\n");
  auto problems = problems_of(dir);
  CHECK(any_contains(problems, "acme.yaml:6: schedule.poll_every 'soon' is not a duration"));
  CHECK(any_contains(problems, "acme.yaml:9: schedule window: days 'mon-fry' must be a day"));
  CHECK(problems.size() == 2);
}

TEST_CASE("an AS2 agreement loads with its defaults and selects AS2 for sending", "[partners][as2]") {
  TempDir dir;
  write_profile(dir, "globex.yaml", R"(id: globex
name: Globex
identities: [{isa_id: GLOBEX}]
as2:
  as2_id: GLOBEX AS2
  certificates: [certs/globex-2025.crt, certs/globex-2026.crt]
  url: https://as2.globex.example/receive
  mdn: async
  mdn_due: 2h
  key_transport: rsa-pkcs1
outbound: {as2: {}}
)");
  auto directory = Directory::load(dir.path());
  const auto& p = directory.profiles().at(0);
  REQUIRE(p.as2);
  CHECK(p.as2->as2_id == "GLOBEX AS2");
  REQUIRE(p.as2->certificates.size() == 2);
  CHECK(p.as2->certificates[1].path == fs::weakly_canonical(dir / "certs/globex-2026.crt"));
  CHECK(p.as2->certificates[1].line == 6);
  CHECK(p.as2->mdn == "async");
  CHECK(p.as2->mdn_due == std::chrono::hours(2));
  CHECK(p.as2->key_transport == "rsa-pkcs1");
  CHECK(p.as2->cipher == "aes256-cbc");  // defaults
  CHECK(p.as2->content_type == "application/edi-x12");
  CHECK(p.as2->require_signed);
  CHECK(p.as2->max_attempts == 3);
  REQUIRE(p.outbound);
  CHECK(p.outbound->as2);
  CHECK(p.outbound->name(dir.path()) == "as2:GLOBEX AS2");
}

TEST_CASE("AS2 agreement mistakes are reported with file and line", "[partners][as2]") {
  TempDir dir;
  write_profile(dir, "bad.yaml", R"(id: bad
name: Bad
identities: [{isa_id: BAD}]
as2:
  as2_id: BAD
  certificates: []
  mdn: maybe
  mdn_due: soon
  cipher: des
  colour: red
outbound: {as2: {}}
)");
  auto problems = problems_of(dir);
  CHECK(any_contains(problems, "bad.yaml:6: as2.certificates must list"));
  CHECK(any_contains(problems, "bad.yaml:7: as2.mdn 'maybe' is not one of"));
  CHECK(any_contains(problems, "bad.yaml:8: as2.mdn_due 'soon' is not a duration"));
  CHECK(any_contains(problems, "bad.yaml:9: as2.cipher 'des' is not one of"));
  CHECK(any_contains(problems, "bad.yaml:10: unknown key 'colour' in 'as2'"));
  CHECK(any_contains(problems, "bad.yaml:11: outbound {as2: {}} needs a top-level 'as2' agreement with the partner's 'url'"));
}

TEST_CASE("outbound.sftp takes the connection keys and refuses inbound-only ones with file and line", "[partners][sftp]") {
  TempDir dir;
  write_file(dir / "keys/id", "key");
  write_profile(dir, "good.yaml", R"(id: good
name: Good
identities:
  - {isa_id: GOOD}
outbound:
  sftp: {host: sftp.example.com, port: 2222, user: edi, private_key: keys/id, host_key_sha256: "SHA256:abc",
         remote_dir: /in, connect_timeout_seconds: 5, transfer_timeout_seconds: 30}
)");
  auto loaded = Directory::load(dir.path());
  const auto& out = loaded.find("good")->outbound;
  REQUIRE(out);
  REQUIRE(out->sftp);
  CHECK(out->sftp->port == 2222);
  CHECK(out->sftp->remote_dir == "/in");
  CHECK(out->sftp->connect_timeout == std::chrono::seconds(5));
  CHECK(out->name(dir.path()) == "sftp:edi@sftp.example.com:2222//in");

  write_profile(dir, "bad.yaml", R"(id: bad
name: Bad
identities:
  - {isa_id: BAD}
outbound:
  sftp:
    host: sftp.example.com
    user: edi
    private_key: keys/id
    remote_dir: /in
    after_receipt: delete
    pattern: "*.edi"
)");
  auto problems = problems_of(dir);
  CHECK(any_contains(problems, "bad.yaml:11: unknown key 'after_receipt' in 'outbound.sftp'"));
  CHECK(any_contains(problems, "bad.yaml:12: unknown key 'pattern' in 'outbound.sftp'"));
  CHECK(any_contains(problems, "bad.yaml:7: outbound.sftp needs the server's host key pinned"));
  CHECK_FALSE(any_contains(problems, "needs after_receipt"));
}

TEST_CASE("encoding and the error caps load, default to UTF-8 and 100/1000, and mistakes name file and line",
          "[partners][encoding]") {
  TempDir dir;
  write_profile(dir, "latin.yaml", R"(id: latin
name: Latin
identities: [{isa_id: LATIN}]
encoding: iso-8859-1
acknowledgments: {max_errors_per_set: 20, max_errors_per_file: 200}
)");
  write_profile(dir, "plain.yaml", "id: plain\nname: Plain\nidentities: [{isa_id: PLAIN}]\n");
  auto directory = Directory::load(dir.path());
  const auto* latin = directory.find("latin");
  REQUIRE(latin);
  CHECK(latin->charset.name() == "iso-8859-1");
  CHECK(latin->charset.to_utf8("CAF\xC9") == "CAF\xC3\x89");
  const auto rules = latin->validation_rules();
  CHECK(rules.charset == &latin->charset);
  CHECK(rules.max_errors_per_set == 20);
  CHECK(rules.max_errors_per_file == 200);
  const auto* plain = directory.find("plain");
  REQUIRE(plain);
  CHECK(plain->charset.is_utf8());
  CHECK(plain->validation_rules().max_errors_per_set == 100);
  CHECK(plain->validation_rules().max_errors_per_file == 1000);

  TempDir bad;
  write_profile(bad, "bad.yaml", R"(id: bad
name: Bad
identities: [{isa_id: BAD}]
encoding: klingon-8
acknowledgments: {max_errors_per_set: 0, max_errors_per_file: lots}
)");
  auto problems = problems_of(bad);
  CHECK(any_contains(problems, "bad.yaml:4: encoding 'klingon-8' is not a character set iconv knows"));
  CHECK(any_contains(problems, "bad.yaml:5: max_errors_per_set must be a number from 1 to 100000"));
  CHECK(any_contains(problems, "bad.yaml:5: max_errors_per_file must be a number from 1 to 100000"));
}
