// EDIFACT messages through the mapping evaluator: segment groups as `each:` and `in:`
// contexts (their extents from edifact_groups.h), qualifier selectors, the enclosing group
// (in CPS), grouping segment groups (group_by), the UNB envelope, and the source check
// (message type and directory) and its load-time errors. Messages are built by hand.
#include <catch2/catch.hpp>

#include "mappings/edifact_groups.h"
#include "mappings/mapping.h"
#include "tests/support/edifact_messages.h"

using namespace edihub::mapping;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;

namespace {

// A D96A DESADV: SG1 RFF+ON with its DTM, SG2 NAD+BY with its SG3 RFF+VA, NAD+SU alone,
// SG10 CPS 1 (shipment, no package), CPS 2 with a PAC/PCI/GIN+BJ package and two SG17
// LIN groups; LIN 2 has an RFF+ON group of another order. Segment positions: UNH 1 ... UNT 24.
const char* const kDesadv =
    "UNB+UNOC:3+5412345000013:14+8711234000018:14+240318:1430+77'"
    "UNH+1+DESADV:D:96A:UN:EAN008'"          // 1
    "BGM+351+DES587441+9'"                   // 2
    "DTM+137:20240318:102'"                  // 3
    "RFF+ON:ORD9001'"                        // 4
    "DTM+171:20240301:102'"                  // 5
    "NAD+BY+8711234000018::9'"               // 6
    "RFF+VA:NL001'"                          // 7
    "NAD+SU+5412345000013::9'"               // 8
    "CPS+1'"                                 // 9
    "CPS+2+1'"                               // 10
    "PAC+1++CT'"                             // 11
    "PCI+33E'"                               // 12
    "GIN+BJ+354123450000000014'"             // 13
    "LIN+1++5412345000020:SRV'"              // 14
    "PIA+1+AB-1:SA+77:IN'"                   // 15
    "QTY+12:6:PCE'"                          // 16
    "LIN+2++5412345000037:SRV'"              // 17
    "QTY+12:4'"                              // 18
    "RFF+ON:ORD9002:3'"                      // 19
    "DTM+171:20240305:102'"                  // 20
    "CNT+2:2'"                               // 21
    "QTY+12:99'"                             // 22 (out of place: ends no group it is not in)
    "UNT+23+1'";

const std::string kSource = "source: {format: edifact, message: DESADV, versions: [D96A]}\ntarget: t\n";

json map(const std::string& fields, const char* message = kDesadv) {
  auto mapping = Mapping::load(kSource + "fields:\n" + fields, "m.yaml");
  auto read = testing::make_message(message);
  return mapping->evaluate(read.set, read.context(), CodeTables{}).transaction;
}

void check_load_error(const std::string& text, int line, const std::string& message) {
  try {
    Mapping::load(text, "m.yaml");
    FAIL("the mapping loaded:\n" << text);
  } catch (const MappingFileError& e) {
    INFO(e.what());
    CHECK(e.line == line);
    CHECK_THAT(e.what(), StartsWith("m.yaml:" + std::to_string(line) + ": "));
    CHECK_THAT(e.what(), Contains(message));
  }
}

}  // namespace

TEST_CASE("EDIFACT groups: a group runs over its members and stops at anything else", "[mappings][edifact][groups]") {
  // From formats/schemas/edifact-desadv-d96a.yaml: SG10 CPS holds SG15 LIN, which holds
  // SG17 DGS; CNT follows SG10.
  const auto& desadv = EdifactGroups::of("DESADV", "D96A");
  CHECK(desadv.continues("LIN", "PIA"));
  CHECK(desadv.continues("LIN", "DGS"));  // a nested group's trigger
  CHECK(desadv.continues("CPS", "LIN"));
  CHECK(desadv.continues("CPS", "GIN"));  // SG14 inside SG13 inside SG11
  CHECK_FALSE(desadv.continues("LIN", "LIN"));  // the next line starts the next group
  CHECK_FALSE(desadv.continues("LIN", "CNT"));
  CHECK_FALSE(desadv.continues("DTM", "RFF"));  // not a trigger: a group of one
  CHECK_FALSE(EdifactGroups::of("ORDRSP", "D96A").continues("LIN", "UNS"));  // the summary ends a line
  CHECK(EdifactGroups::of("INVOIC", "D01B").continues("LIN", "PRI"));
  // A directory without a schema reads the message's other structure; a message without
  // one has no groups.
  CHECK(EdifactGroups::of("DESADV", "D97A").continues("LIN", "QTY"));
  CHECK_FALSE(EdifactGroups::of("IFTMIN", "D96A").continues("TDT", "LOC"));
  CHECK(&EdifactGroups::of("DESADV", "D96A") == &desadv);  // built once
}

TEST_CASE("EDIFACT groups: in NAD+BY reads that party's RFF group, not the header's", "[mappings][edifact][groups]") {
  json d = map(
      "  buyer: {in: NAD+BY, fields: {gln: NAD02-1, vat: RFF01-2 where RFF+VA, order: RFF01-2 where RFF+ON}}\n"
      "  supplier: {in: NAD+SU, fields: {gln: NAD02-1, vat: RFF01-2 where RFF+VA}}\n"
      "  order: RFF01-2 where RFF+ON\n"
      "  order_date: {in: RFF+ON, from: DTM01-2 where DTM+171, as: date}\n"
      "  sender: UNB02-1\n");
  CHECK(d == json{{"buyer", {{"gln", "8711234000018"}, {"vat", "NL001"}}},
                  {"supplier", {{"gln", "5412345000013"}}},
                  {"order", "ORD9001"},
                  {"order_date", "2024-03-01"},
                  {"sender", "5412345000013"}});
}

TEST_CASE("EDIFACT groups: each CPS holds its packages and LIN groups; a line ends at the next", "[mappings][edifact][groups]") {
  json d = map(
      "  levels:\n"
      "    each: CPS\n"
      "    fields:\n"
      "      level: CPS01\n"
      "      sscc: GIN02-1 where GIN+BJ\n"
      "      lines:\n"
      "        each: LIN\n"
      "        fields:\n"
      "          line: LIN01\n"
      "          quantities: {all: [QTY01-2 where QTY+12]}\n"
      "          vendor_part: PIA after SA\n"
      "          buyer_part: PIA after IN\n"
      "          carton: GIN02-1 where GIN+BJ in CPS\n");
  const json lines = json::array(
      {{{"line", "1"}, {"quantities", {"6"}}, {"vendor_part", "AB-1"}, {"buyer_part", "77"}, {"carton", "354123450000000014"}},
       {{"line", "2"}, {"quantities", {"4"}}, {"carton", "354123450000000014"}}});
  CHECK(d == json{{"levels", json::array({{{"level", "1"}, {"lines", json::array()}},
                                          {{"level", "2"}, {"sscc", "354123450000000014"}, {"lines", lines}}})}});
}

TEST_CASE("EDIFACT groups: group_by joins LIN groups; the group's fields read its first line", "[mappings][edifact][groups]") {
  json d = map(
      "  orders:\n"
      "    each: LIN\n"
      "    group_by: RFF01-2 where RFF+ON\n"
      "    fields:\n"
      "      po: {first: [RFF01-2 where RFF+ON, RFF01-2 where RFF+ON in set]}\n"
      "      lines: {each: LIN, fields: {line: LIN01, po_line: RFF01-3 where RFF+ON}}\n");
  CHECK(d == json{{"orders", json::array({{{"po", "ORD9001"}, {"lines", json::array({{{"line", "1"}}})}},
                                          {{"po", "ORD9002"}, {"lines", json::array({{{"line", "2"}, {"po_line", "3"}}})}}})}});
}

TEST_CASE("EDIFACT mappings take only their message type and directories", "[mappings][edifact][load]") {
  auto mapping = Mapping::load(kSource + "fields: {id: BGM02}\n", "m.yaml");
  auto d97 = testing::make_message("UNH+1+DESADV:D:97A:UN'BGM+351+X'UNT+3+1'");
  CHECK_THROWS_WITH(mapping->evaluate(d97.set, d97.context(), {}),
                    Contains("m.yaml:1: UNH version D97A is not one of the versions the mapping accepts (D96A)"));
  auto invoic = testing::make_message("UNH+1+INVOIC:D:96A:UN'BGM+380+X'UNT+3+1'");
  CHECK_THROWS_WITH(mapping->evaluate(invoic.set, invoic.context(), {}),
                    Contains("the mapping is for DESADV but this message is INVOIC"));
  CHECK(mapping->source().transaction_set == "DESADV");
  CHECK(mapping->source().versions == std::vector<std::string>{"D96A"});
}

TEST_CASE("EDIFACT mappings: a bad source or path is reported at its line", "[mappings][edifact][load]") {
  const std::string tail = "target: t\nfields: {a: BGM02}\n";
  check_load_error("source: {format: edifact, versions: [D96A]}\n" + tail, 1, "source needs 'message'");
  check_load_error("source: {format: edifact, message: desadv, versions: [D96A]}\n" + tail, 1,
                   "message must be an EDIFACT message type");
  check_load_error("source:\n  format: edifact\n  message: DESADV\n  versions: [96A]\n" + tail, 4,
                   "version '96A' is not an EDIFACT directory");
  check_load_error("source: {format: edifact, message: DESADV, transaction_set: \"856\", versions: [D96A]}\n" + tail, 1,
                   "source transaction_set does not apply to edifact");
  check_load_error(kSource + "fields:\n  a: RFF01-2 where NAD+SU\n", 4, "must test RFF");
  check_load_error(kSource + "fields:\n  a: {from: UNB02-1 where UNB+X}\n", 4, "UNB paths read the envelope");
  // X12 mappings still refuse group_by over segments.
  check_load_error(
      "source: {format: x12, transaction_set: \"850\", versions: [\"004010\"]}\ntarget: t\nfields:\n"
      "  a: {each: PO1, group_by: PO101, fields: {b: PO102}}\n",
      4, "group_by groups HLs");
}
