// Round trips of outbound documents (mappings tests): the body an outbound mapping built,
// enveloped as the hub sends it, validated by the hub's validator against the built-in
// schema, and read back by node-x12 (an independent parser, tests/node_x12_read_set.js).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "formats/interchange_writer.h"
#include "formats/schema.h"
#include "formats/validation.h"
#include "mappings/outbound.h"
#include "tests/fixtures/npm_peers.h"
#include "tests/support/mapping_sets.h"
#include "tests/test_support.h"

namespace edihub::mapping::testing {

// Segments as "TAG*E1*E2" ('*' whatever the element separator).
inline std::vector<std::string> segment_lines(const std::vector<x12::Segment>& segments) {
  std::vector<std::string> v;
  for (const auto& s : segments) {
    std::string line = s.tag;
    for (const auto& e : s.elements) line += "*" + e;
    v.push_back(line);
  }
  return v;
}

// One interchange from us (ZZ EDIHUB) to ZZ PARTNER holding the set, ISA13 101, GS06 201,
// ST02 0001; '*' ':' '~' (and '^' repetitions from 00501) with a line break after each segment.
inline std::string enveloped(const OutboundMapping& mapping, const OutboundMapping::Output& out,
                             const std::string& version) {
  x12::InterchangeSettings isa;
  isa.delimiters = {'*', ':', '^', "~"};
  isa.suffix = "\n";
  isa.sender_qualifier = isa.receiver_qualifier = "ZZ";
  isa.sender_id = "EDIHUB";
  isa.receiver_id = "PARTNER";
  isa.date = "240325";
  isa.time = "1430";
  isa.version = version >= "005010" ? "00501" : "00401";
  if (isa.version == "00401") isa.delimiters.repetition = 0;
  isa.control_number = 101;
  x12::InterchangeWriter writer(isa);
  writer.begin_group({mapping.functional_id(), "EDIHUB", "PARTNER", "20240325", "1430", 201, "X", version});
  writer.transaction_set(mapping.transaction_set(), 1, "", out.segments);
  writer.end_group();
  return writer.finish();
}

// The hub's validation of the one set in `interchange` against its built-in schema:
// "" when accepted without errors, else each error on a line.
inline std::string validation_errors(const std::string& interchange) {
  auto sets = read_sets(interchange);
  REQUIRE(sets.size() == 1);
  const auto* schema = x12::SchemaLibrary::builtin().find(sets[0].set.id, sets[0].group.version);
  if (!schema) return "no schema for " + sets[0].set.id + " " + sets[0].group.version;
  auto result = x12::validate_set(sets[0].set, *schema);
  std::string out = result.ack_code == "A" ? "" : "AK5 " + result.ack_code + "\n";
  for (const auto& s : result.segments) {
    out += s.tag + " at " + std::to_string(s.position) + ": " + s.message + "\n";
    for (const auto& e : s.elements) out += "  " + e.message + "\n";
  }
  return out;
}

// What node-x12 read from the interchange file (tests/node_x12_read_set.js).
inline nlohmann::json node_x12_read(const std::filesystem::path& file) {
  const std::string peers = edihub::testing::npm_peers_ready();
  INFO(peers);
  REQUIRE(peers.empty());
  const auto run = edihub::testing::run_program(
      {"env", "NODE_PATH=" + (edihub::testing::npm_peers_dir() / "node_modules").string(), "node",
       (edihub::testing::source_dir() / "tests" / "node_x12_read_set.js").string(), file.string()},
      60);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  return nlohmann::json::parse(run.out);
}

// node-x12's segments of its first set as "TAG*E1*E2".
inline std::vector<std::string> node_x12_lines(const nlohmann::json& read) {
  std::vector<std::string> v;
  for (const auto& segment : read.at("groups").at(0).at("sets").at(0).at("segments")) {
    std::string line;
    for (const auto& e : segment) line += (line.empty() ? "" : "*") + e.get<std::string>();
    v.push_back(line);
  }
  return v;
}

}  // namespace edihub::mapping::testing
