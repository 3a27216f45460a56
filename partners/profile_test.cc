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

// Each of `expected` is part of some reported problem.
void check_reported(const std::vector<std::string>& problems, std::initializer_list<std::string> expected) {
  for (const auto& text : expected) {
    INFO("expected a problem containing: " << text);
    CHECK(any_contains(problems, text));
  }
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
  CHECK(dir_.resolve(edihub::x12::Standard::X12, "ZZ", "ACME", "ACMEGS") == &p);
  CHECK(dir_.resolve(edihub::x12::Standard::X12, "ZZ", "ACME", "OTHERGS") == nullptr);  // GS02 must match when given
  CHECK(dir_.resolve(edihub::x12::Standard::X12, "01", "ACME") == nullptr);              // qualifier must match when given
  CHECK(dir_.resolve(edihub::x12::Standard::X12, "14", "123456789") == &p);              // no qualifier in the identity: any
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
  check_reported(problems, {"bad.yaml:1: id 'Bad Id' may hold only",
                            "bad.yaml:4: unknown key 'colour' in an identity",
                            "bad.yaml:4: isa_id is longer than ISA06's 15 characters",
                            "bad.yaml:6: inbound.folder.path must be relative to the config folder",
                            "bad.yaml:8: mapping asn.yaml is for transaction set 856, not 850",
                            "bad.yaml:9: mapping file mappings/missing.yaml does not exist",
                            "there is no 'erp' sink"});
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
  CHECK(partners.resolve(edihub::x12::Standard::X12, "ZZ", "COBALT") == cobalt);
  CHECK(partners.resolve(edihub::x12::Standard::X12, "", "") == nullptr);  // an XML identity never matches an interchange
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
  check_reported(problems, {"a.yaml:4: unknown key 'isa_id' in an XML identity",
                            "a.yaml:7: a mapping rule names either an X12 transaction_set (and versions) or an XML document, not both",
                            "a.yaml:8: mapping asn.yaml reads X12 transaction set 856, not XML documents",
                            "b.yaml:1: identity networkid:AN01 is also claimed by partner 'a'"});
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
acknowledgments: {ta1: always, contrl: on_error, reject: group, expect: "999", overdue_after: 90m}
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
  CHECK(p.acks.contrl == "on_error");
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
  check_reported(problems, {"bad.yaml:5: our_id is longer than 15 characters",
                            "bad.yaml:6: usage must be P (production), T (test) or I (information)",
                            "bad.yaml:7: element, component, repetition and segment delimiters must all differ",
                            "bad.yaml:8: send '998' is not one of",
                            "bad.yaml:8: overdue_after 'soon' is not a duration"});
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

TEST_CASE("an EANCOM partner's guide tightens its EDIFACT messages, found by their UNH version", "[partners][edifact]") {
  TempDir dir;
  write_profile(dir, "retail.yaml", R"(id: retail
name: Retail
identities: [{unb_qualifier: "14", unb_id: "5412345000013"}]
validation:
  DESADV:
    mandatory_segments: [SG2/NAD]
    codes: {BGM01-1: ["351"]}
)");
  auto directory = Directory::load(dir.path());
  REQUIRE(directory.profiles().size() == 1);
  const auto resolve = directory.schema_resolver();
  edihub::x12::InterchangeHeader unb;
  unb.standard = edihub::x12::Standard::Edifact;
  unb.sender_qualifier = "14";
  unb.sender_id = "5412345000013";
  edihub::x12::GroupHeader implicit;  // no UNG: its version says nothing about the message
  implicit.implicit = true;
  edihub::x12::TransactionSet desadv;
  desadv.id = "DESADV";
  desadv.message_version = "D96A";
  const auto& library = edihub::x12::SchemaLibrary::builtin();
  const auto* schema = resolve(unb, implicit, desadv);
  REQUIRE(schema);
  CHECK(schema != library.find("DESADV", "D96A"));
  CHECK(schema->version == "D96A");
  desadv.message_version = "D01B";  // the guide tightens every directory the message has
  const auto* d01b = resolve(unb, implicit, desadv);
  REQUIRE(d01b);
  CHECK(d01b != library.find("DESADV", "D01B"));
  CHECK(d01b->version == "D01B");
  desadv.id = "ORDERS";  // untightened: the library's
  CHECK(resolve(unb, implicit, desadv) == library.find("ORDERS", "D01B"));
  unb.sender_id = "9999999999999";  // another sender: the library's schema
  desadv.id = "DESADV";
  CHECK(resolve(unb, implicit, desadv) == library.find("DESADV", "D01B"));
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
  check_reported(problems, {"acme.yaml:6: schedule.poll_every 'soon' is not a duration",
                            "acme.yaml:9: schedule window: days 'mon-fry' must be a day"});
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
  check_reported(problems, {"bad.yaml:6: as2.certificates must list",
                            "bad.yaml:7: as2.mdn 'maybe' is not one of",
                            "bad.yaml:8: as2.mdn_due 'soon' is not a duration",
                            "bad.yaml:9: as2.cipher 'des' is not one of",
                            "bad.yaml:10: unknown key 'colour' in 'as2'",
                            "bad.yaml:11: outbound {as2: {}} needs a top-level 'as2' agreement with the partner's 'url'"});
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
  check_reported(problems, {"bad.yaml:11: unknown key 'after_receipt' in 'outbound.sftp'",
                            "bad.yaml:12: unknown key 'pattern' in 'outbound.sftp'",
                            "bad.yaml:7: outbound.sftp needs the server's host key pinned"});
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
  check_reported(problems, {"bad.yaml:4: encoding 'klingon-8' is not a character set iconv knows",
                            "bad.yaml:5: max_errors_per_set must be a number from 1 to 100000",
                            "bad.yaml:5: max_errors_per_file must be a number from 1 to 100000"});
}

// Mistakes in every profile section, in one config folder, with the exact lines `edihub
// check` prints (file:line: what was expected). The expected list is what the loader gave
// before it was split by section (partners/sections.h), checked line by line against the
// YAML below; it pins the messages users and docs rely on. One line differs on purpose: an
// unset {env: NAME} header used to be reported at line 0 and now names its line (26).
namespace {

// Line numbers below count from the first line of each profile.
const char* kBadA = R"(id: Bad_A
name: [not, scalar]
colour: blue
identities:
  - {isa_qualifier: ZZ, isa_id: "1234567890123456", extra: 1}
  - just-text
  - {party_id: P1, scheme: GLN, group_id: X}
schedule: {poll_every: 0s, windows: ["someday 06:00-20:00", "mon 06:00-06:00"], tz: UTC}
inbound:
  folder: {path: /abs/in, pattern: "*", settle_seconds: 9999, x: 1}
as2:
  as2_id: "has \"quote"
  certificates: []
  sign: maybe
  cipher: des
  mdn: sometimes
  url: ftp://x
  timeout_seconds: 0
  max_attempts: 5000
  mdn_due: soon
  async_mdn_urls: text
  bogus: 1
outbound: {as2: {url: x}}
erp:
  folder: {path: erp}
  http: {url: ftp://erp, headers: {A: {env: EDIHUB_TEST_SURELY_UNSET}}, max_attempts: 0, base_delay_ms: 0, verify_tls: perhaps, timeout_seconds: 99999, nope: 1}
  outbound: {folder: {path: missing-folder}}
envelope:
  our_id: "1234567890123456"
  isa_version: "4010"
  usage: X
  ta1_requested: sure
  first_control_number: 0
  delimiters: {element: "a", component: "*", segment: "", extra: 1}
  odd: 1
encoding: klingon
acknowledgments: {send: "998", ta1: sometimes, contrl: often, reject: all, expect: "996", overdue_after: later, max_errors_per_set: 0, max_errors_per_file: lots, x: 1}
validation:
  "856": {mandatory_segments: notalist, codes: {TD504: M}, x: 1}
  "999999": {mandatory_segments: [BSN]}
  "810": notamap
code_tables:
  uom: {CA: [CS]}
  bad: text
mappings:
  - {transaction_set: "856", file: mappings/missing.yaml, standard: cxml}
  - {document: OrderRequest, transaction_set: "850", file: /abs.yaml}
  - {direction: sideways, transaction_set: "810", file: mappings/asn.yaml}
  - {direction: outbound, transaction: purchase_order, file: mappings/asn.yaml, extra: 1}
  - text
)";

const char* kBadB = R"(id: bad-b
name: B
identities: [{isa_id: ACME}]
inbound:
  sftp: {host: h, user: u, private_key: keys/id, remote_dir: /in, port: 70000, passphrase_env: EDIHUB_TEST_SURELY_UNSET, passphrase_file: f, stable_listing: maybe, max_files: 0}
outbound:
  sftp: {host: h, private_key: /keys/id, remote_dir: /out, after_receipt: delete, pattern: "*"}
erp:
  postgres: {conninfo_env: EDIHUB_TEST_SURELY_UNSET, statement_timeout_seconds: 0, y: 1}
  http: text
schedule: {windows: text}
)";

const char* kBadC = R"(id: bad-c
name: C
identities: [{isa_id: ACME}, {party_id: P1, scheme: gln}]
acknowledgments: {send: "999"}
envelope: {delimiters: {element: "*", component: "*"}}
mappings:
  - {direction: outbound, transaction: invoice, file: mappings/asn.yaml}
  - {document: DespatchAdvice, file: mappings/asn.yaml}
)";

}  // namespace

TEST_CASE("every profile section's mistakes are reported with the exact file:line messages", "[partners]") {
  TempDir dir;
  write_file(dir / "mappings/asn.yaml", kMapping);
  write_file(dir / "partners/a.yaml", kBadA);
  write_file(dir / "partners/b.yaml", kBadB);
  write_file(dir / "partners/c.yaml", kBadC);
  write_file(dir / "partners/d.yaml",
             "id: bad-c\nname: D\nidentities: [{isa_id: DEE}]\n"
             "erp: {postgres: {conninfo_env: EDIHUB_TEST_SURELY_UNSET, statement_timeout_seconds: 0, y: 1}, outbound: text}\n"
             "envelope: {their_id: THEM}\nerp_typo: 1\n");
  write_file(dir / "partners/e.yaml", "id: e\nname: [unclosed\n");
  write_file(dir / "partners/f.yaml", "- a list\n");
  const auto problems = problems_of(dir);
  const std::string root = dir.path().string() + "/";
  std::string actual;
  for (auto line : problems) {
    for (auto at = line.find(root); at != std::string::npos; at = line.find(root)) line.erase(at, root.size());
    actual += line + "\n";
  }
  const std::string expected = R"(partners/a.yaml:3: unknown key 'colour' in the profile (expected one of: acknowledgments, alerts, as2, code_tables, encoding, envelope, erp, id, identities, inbound, mappings, name, outbound, reconcile, schedule, validation)
partners/a.yaml:1: id 'Bad_A' may hold only lowercase letters, digits, '_' and '-'
partners/a.yaml:2: 'name' must be a single value
partners/a.yaml:5: unknown key 'extra' in an identity (expected one of: group_id, isa_id, isa_qualifier)
partners/a.yaml:5: isa_id is longer than ISA06's 15 characters
partners/a.yaml:6: each identity must be a mapping {isa_qualifier, isa_id, group_id} (X12), {unb_qualifier, unb_id, group_id} (EDIFACT) or {party_id, scheme} (XML)
partners/a.yaml:7: unknown key 'group_id' in an XML identity (expected one of: party_id, scheme)
partners/a.yaml:8: unknown key 'tz' in 'schedule' (expected one of: poll_every, windows)
partners/a.yaml:8: schedule.poll_every '0s' is not a duration such as 30s, 5m or 1h
partners/a.yaml:8: schedule window: days 'someday' must be a day (mon..sun) or a range like mon-fri
partners/a.yaml:8: schedule window: time range '06:00-06:00' must be HH:MM-HH:MM (UTC) with different ends, like 06:00-20:00
partners/a.yaml:10: unknown key 'x' in 'inbound.folder' (expected one of: path, pattern, settle_seconds)
partners/a.yaml:10: inbound.folder.path must be relative to the config folder, not '/abs/in'
partners/a.yaml:10: settle_seconds must be a number of seconds from 0 to 3600
partners/a.yaml:22: unknown key 'bogus' in 'as2' (expected one of: as2_id, async_mdn_urls, ca_file, certificates, cipher, compress, content_type, encrypt, key_transport, max_attempts, mdn, mdn_due, mic_alg, require_encrypted, require_signed, sign, signed_mdn, timeout_seconds, url)
partners/a.yaml:12: as2.as2_id must be at most 128 characters without quotes or line breaks
partners/a.yaml:13: as2.certificates must list the partner's certificate files (PEM)
partners/a.yaml:14: as2.sign must be true or false
partners/a.yaml:21: as2.async_mdn_urls must list URL prefixes
partners/a.yaml:17: as2.url must start with https:// (or http:// for loopback tests)
partners/a.yaml:15: as2.cipher 'des' is not one of: aes128-cbc, aes192-cbc, aes256-cbc
partners/a.yaml:16: as2.mdn 'sometimes' is not one of: async, none, sync
partners/a.yaml:18: as2.timeout_seconds must be a number from 1 to 3600
partners/a.yaml:19: as2.max_attempts must be a number from 1 to 1000
partners/a.yaml:20: as2.mdn_due 'soon' is not a duration such as 90m, 4h or 2d
partners/a.yaml:23: 'outbound.as2' takes no keys ({as2: {}}): the sending options are in the top-level 'as2' agreement
partners/a.yaml:25: 'erp' names more than one sink: choose one of folder, http, postgres
partners/a.yaml:26: unknown key 'nope' in 'erp.http' (expected one of: base_delay_ms, ca_file, connect_timeout_seconds, headers, max_attempts, max_delay_seconds, timeout_seconds, url, verify_tls)
partners/a.yaml:26: erp.http.url must start with http:// or https://
partners/a.yaml:26: environment variable EDIHUB_TEST_SURELY_UNSET is not set
partners/a.yaml:26: max_attempts must be a number from 1 to 1000
partners/a.yaml:26: timeout_seconds must be a number from 1 to 3600
partners/a.yaml:26: base_delay_ms must be a number from 1 to 600000
partners/a.yaml:26: verify_tls must be true or false
partners/a.yaml:27: erp.outbound folder missing-folder does not exist
partners/a.yaml:35: unknown key 'odd' in 'envelope' (expected one of: contrl_requested, delimiters, first_control_number, group_version, isa_version, line_breaks, our_group_id, our_id, our_qualifier, syntax_identifier, syntax_version, ta1_requested, their_group_id, their_id, their_qualifier, usage)
partners/a.yaml:29: our_id is longer than 15 characters
partners/a.yaml:30: isa_version must be five digits such as 00401 or 00501
partners/a.yaml:31: usage must be P (production), T (test) or I (information)
partners/a.yaml:32: ta1_requested must be true or false
partners/a.yaml:33: first_control_number must be a number from 1 to 999999999
partners/a.yaml:34: unknown key 'extra' in 'envelope.delimiters' (expected one of: component, element, repetition, segment)
partners/a.yaml:34: element separator must be one character that is not a letter, digit or space
partners/a.yaml:34: segment terminator must be 1 to 4 bytes
partners/a.yaml:34: element, component, repetition and segment delimiters must all differ
partners/a.yaml:36: encoding 'klingon' is not a character set iconv knows (e.g. utf-8, iso-8859-1, windows-1252)
partners/a.yaml:37: unknown key 'x' in 'acknowledgments' (expected one of: contrl, expect, max_errors_per_file, max_errors_per_set, overdue_after, reject, send, ta1)
partners/a.yaml:37: send '998' is not one of: 997, 999, auto, none
partners/a.yaml:37: ta1 'sometimes' is not one of: always, never, on_error, on_request
partners/a.yaml:37: contrl 'often' is not one of: always, never, on_error, on_request
partners/a.yaml:37: reject 'all' is not one of: group, set
partners/a.yaml:37: expect '996' is not one of: 997, 999, contrl, none
partners/a.yaml:37: overdue_after 'later' is not a duration such as 90m, 4h or 2d
partners/a.yaml:37: max_errors_per_set must be a number from 1 to 100000
partners/a.yaml:37: max_errors_per_file must be a number from 1 to 100000
partners/a.yaml:39: unknown key 'x' in validation of 856 (expected one of: codes, mandatory_elements, mandatory_segments)
partners/a.yaml:39: mandatory_segments must be a list
partners/a.yaml:39: codes of TD504 must be a list
partners/a.yaml:40: no schema for transaction set '999999' to tighten
partners/a.yaml:41: validation of 810 must be {mandatory_segments, mandatory_elements, codes}
partners/a.yaml:43: code 'CA' in table 'uom' must map to one value
partners/a.yaml:44: code table 'bad' must map partner codes to our codes
partners/a.yaml:46: 'standard' belongs to XML rules (with 'document')
partners/a.yaml:46: mapping file mappings/missing.yaml does not exist
partners/a.yaml:47: a mapping rule names either an X12 transaction_set (and versions) or an XML document, not both
partners/a.yaml:47: mapping file must be relative to the config folder, not '/abs.yaml'
partners/a.yaml:48: direction must be inbound (partner to ERP) or outbound (ERP to partner)
partners/a.yaml:48: mapping asn.yaml is for transaction set 856, not 810
partners/a.yaml:49: unknown key 'extra' in an outbound mapping rule (expected one of: direction, file, transaction)
mappings/asn.yaml:3: unknown key 'fields' in the mapping file (expected source, target, tables, segments, document, keys)
partners/a.yaml:50: each mapping rule must be a mapping {transaction_set, versions, file}
partners/b.yaml:11: schedule.windows must be a list like ["mon-fri 06:00-20:00"] (UTC)
partners/b.yaml:5: port must be a number from 1 to 65535
partners/b.yaml:5: inbound.sftp needs the server's host key pinned: host_key_sha256 or known_hosts
partners/b.yaml:5: give passphrase_env or passphrase_file, not both
partners/b.yaml:5: environment variable EDIHUB_TEST_SURELY_UNSET is not set
partners/b.yaml:5: stable_listing must be true or false
partners/b.yaml:5: max_files must be a number from 1 to 100000
partners/b.yaml:5: inbound.sftp needs after_receipt: delete or {move: FOLDER} (otherwise every poll takes the same files)
partners/b.yaml:7: unknown key 'after_receipt' in 'outbound.sftp' (expected one of: connect_timeout_seconds, host, host_key_sha256, known_hosts, passphrase_env, passphrase_file, port, private_key, remote_dir, transfer_timeout_seconds, user)
partners/b.yaml:7: unknown key 'pattern' in 'outbound.sftp' (expected one of: connect_timeout_seconds, host, host_key_sha256, known_hosts, passphrase_env, passphrase_file, port, private_key, remote_dir, transfer_timeout_seconds, user)
partners/b.yaml:0: missing outbound.sftp.user
partners/b.yaml:7: outbound.sftp.private_key must be relative to the config folder, not '/keys/id'
partners/b.yaml:7: outbound.sftp needs the server's host key pinned: host_key_sha256 or known_hosts
partners/b.yaml:9: 'erp' names more than one sink: choose one of folder, http, postgres
partners/b.yaml:10: 'erp.http' must be a mapping {url, headers, ...}
partners/c.yaml:5: element, component, repetition and segment delimiters must all differ
partners/c.yaml:8: mapping asn.yaml reads X12 transaction set 856, not XML documents
partners/c.yaml:7: mappings are listed but there is no 'erp' sink to deliver their output to
partners/c.yaml:7: outbound mappings are listed but there is no 'outbound' channel to send with
partners/c.yaml:7: outbound mappings are listed but there is no 'erp.outbound' folder to pick ERP transactions from
partners/c.yaml:4: acknowledgments.send is 999 but there is no 'outbound' channel to send them with
partners/d.yaml:6: unknown key 'erp_typo' in the profile (expected one of: acknowledgments, alerts, as2, code_tables, encoding, envelope, erp, id, identities, inbound, mappings, name, outbound, reconcile, schedule, validation)
partners/d.yaml:4: unknown key 'y' in 'erp.postgres' (expected one of: connect_timeout_seconds, conninfo, conninfo_env, schema, statement_timeout_seconds, table)
partners/d.yaml:4: environment variable EDIHUB_TEST_SURELY_UNSET is not set
partners/d.yaml:4: statement_timeout_seconds must be a number from 1 to 3600
partners/d.yaml:4: 'erp.outbound' must be a mapping like {folder: {path: ...}}
partners/e.yaml:3: YAML error: end of sequence flow not found
partners/f.yaml:1: a partner profile must be a mapping with id, name, identities, ...
partners/c.yaml:1: identity gln:P1 is also claimed by partner 'Bad_A' (partners/a.yaml), so routing would be ambiguous
partners/c.yaml:1: identity :ACME is also claimed by partner 'bad-b' (partners/b.yaml), so routing would be ambiguous
partners/d.yaml:1: partner id 'bad-c' is also used by partners/c.yaml
)";
  CHECK(actual == expected);
}

TEST_CASE("a profile's alert rules: named after the partner, with their kinds, threshold and channels", "[partners][alerts]") {
  TempDir dir;
  write_file(dir / "partners/acme.yaml", R"(id: acme
name: ACME
identities: [{isa_id: ACME}]
alerts:
  - {name: asn-trouble, on: exception, kinds: [asn_over_shipment, mapping_error], send: [mail, hook]}
  - {name: down, on: polls_failing, failing_for: 45m, send: [mail]}
  - {name: late, on: overdue_ack, send: [hook]}
)");
  const auto directory = Directory::load(dir.path());
  const auto& rules = directory.profiles().at(0).alerts;
  REQUIRE(rules.size() == 3);
  CHECK(rules[0].name == "acme/asn-trouble");
  CHECK(rules[0].partner == "acme");
  CHECK(rules[0].on == edihub::partners::AlertOn::exception);
  CHECK(rules[0].kinds == std::vector<std::string>{"asn_over_shipment", "mapping_error"});
  REQUIRE(rules[0].send.size() == 2);
  CHECK(rules[0].send[1].channel == "hook");
  CHECK(rules[0].send[1].where == (dir / "partners/acme.yaml").string() + ":5");
  CHECK(rules[1].on == edihub::partners::AlertOn::polls_failing);
  CHECK(rules[1].failing_for == std::chrono::minutes(45));
  CHECK(rules[2].on == edihub::partners::AlertOn::overdue_ack);
  CHECK(rules[2].kinds.empty());
}

TEST_CASE("a bad alert rule is reported with file and line", "[partners][alerts]") {
  TempDir dir;
  write_file(dir / "partners/acme.yaml", R"(id: acme
name: ACME
identities: [{isa_id: ACME}]
alerts:
  - {name: a, on: exception, kinds: [asn_over_shipping], send: [mail]}
  - {name: b, on: exception, send: [mail]}
  - {name: c, on: polls_failing, send: [mail]}
  - {name: d, on: polls_failing, failing_for: 10s, send: [mail]}
  - {name: e, on: dead_letter, kinds: [delivery_error], send: [mail]}
  - {name: f, on: earthquake, send: [mail]}
  - {name: g, on: dead_letter}
  - {name: Bad Name, on: dead_letter, send: [mail], colour: red}
  - {name: a, on: dead_letter, send: [mail]}
)");
  const std::string file = (dir / "partners/acme.yaml").string();
  check_reported(problems_of(dir), {
      file + ":5: alert rule 'a': unknown exception kind 'asn_over_shipping' (expected one of: unusable_file, ",
      file + ":6: alert rule 'b': on: exception needs 'kinds' (a list of exception kinds)",
      file + ":7: alert rule 'c': on: polls_failing needs 'failing_for' (a duration such as 30m)",
      file + ":8: alert rule 'd': 'failing_for'",
      file + ":9: alert rule 'e': 'kinds' applies to on: exception only",
      file + ":10: alert rule 'f': 'on' must be one of: exception, overdue_ack, polls_failing, dead_letter (got 'earthquake')",
      file + ":11: alert rule 'g': 'send' must list the channels (edihub.yaml alerts.channels)",
      file + ":12: unknown key 'colour' in an alert rule",
      file + ":12: an alert rule needs a name of lowercase letters, digits, '_' and '-' (got 'Bad Name')",
      file + ":13: alert rule 'acme/a' is defined twice",
  });
}

TEST_CASE("EDIFACT identities route only EDIFACT interchanges, and the envelope and character set follow them", "[partners][edifact]") {
  using edihub::x12::Standard;
  TempDir dir;
  // The same sender id under X12 and under EDIFACT is two identities, not an ambiguity.
  write_profile(dir, "rhein.yaml", R"(id: rhein
name: Rheinwerk
identities:
  - {unb_qualifier: "14", unb_id: "4012345000009"}
envelope: {our_qualifier: "14", our_id: "4399901234567", syntax_identifier: UNOY, syntax_version: 4, contrl_requested: true}
)");
  write_profile(dir, "acme.yaml", "id: acme\nname: ACME\nidentities: [{isa_qualifier: \"14\", isa_id: \"4012345000009\"}]\n");
  write_profile(dir, "latin.yaml", R"(id: latin
name: Latin
identities: [{unb_id: LATIN}]
encoding: windows-1252
)");
  auto partners = Directory::load(dir.path());
  const auto* rhein = partners.find("rhein");
  REQUIRE(rhein);
  CHECK(partners.resolve(Standard::Edifact, "14", "4012345000009") == rhein);
  CHECK(partners.resolve(Standard::X12, "14", "4012345000009")->id == "acme");
  CHECK(partners.resolve(Standard::Edifact, "ZZZ", "4012345000009") == nullptr);  // the qualifier given must match
  CHECK(partners.resolve(Standard::Edifact, "", "LATIN")->id == "latin");
  CHECK(rhein->identities.front().text() == "UNB 14:4012345000009");
  CHECK(rhein->envelope.standard == Standard::Edifact);
  CHECK(rhein->envelope.their_id == "4012345000009");
  CHECK(rhein->envelope.their_qualifier == "14");
  CHECK(rhein->envelope.syntax_identifier == "UNOY");
  CHECK(rhein->envelope.syntax_version == 4);
  CHECK(rhein->envelope.contrl_requested);

  // UNOC is ISO 8859-1: byte E4 is a-umlaut; a profile's own encoding wins over the UNB.
  edihub::x12::InterchangeHeader unb;
  unb.standard = Standard::Edifact;
  unb.syntax_identifier = "UNOC";
  CHECK(rhein->charset_of(unb).to_utf8("\xE4") == "\xC3\xA4");
  CHECK(partners.find("latin")->charset_of(unb).name() == "windows-1252");
  unb.syntax_identifier = "UNOY";
  CHECK(rhein->charset_of(unb).is_utf8());
  CHECK(partners.find("acme")->charset_of(edihub::x12::InterchangeHeader{}).is_utf8());
}

TEST_CASE("EDIFACT identity and envelope mistakes name the file and line", "[partners][edifact]") {
  TempDir dir;
  write_profile(dir, "a.yaml", R"(id: a
name: A
identities:
  - {unb_id: "0123456789012345678901234567890123456", isa_id: X}
envelope: {our_id: "0123456789012345678901234567890123456", syntax_identifier: UNOZ, syntax_version: 2}
mappings:
  - {message: DESADV, transaction_set: "856", file: m.yaml}
)");
  check_reported(problems_of(dir), {"partners/a.yaml:4: unknown key 'isa_id' in an EDIFACT identity",
                                    "partners/a.yaml:4: unb_id is longer than the 35 characters of UNB 0004",
                                    "partners/a.yaml:5: our_id is longer than 35 characters",
                                    "partners/a.yaml:5: syntax_identifier 'UNOZ' is not one edihub writes",
                                    "partners/a.yaml:5: syntax_version",
                                    "partners/a.yaml:7: a mapping rule names either an X12 transaction_set or an EDIFACT message"});
}
