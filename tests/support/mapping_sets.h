// Test helpers for the mappings tests: transaction sets read from X12 (or EDIFACT) text by the formats
// module (so the tests see exactly what the pipeline hands a mapping), and small code tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/edifact.h"
#include "formats/edifact_envelope.h"
#include "formats/edifact_reader.h"
#include "formats/envelope.h"
#include "mappings/mapping.h"
#include "tests/test_support.h"

namespace edihub::mapping::testing {

struct ReadSet {
  x12::InterchangeHeader interchange;
  x12::GroupHeader group;
  x12::TransactionSet set;

  Context context() const { return Context{&interchange, &group, "test"}; }
};

// Every transaction set (X12) or message (EDIFACT) in `bytes`, with its envelope; envelope
// issues are ignored here (the formats tests own them).
inline std::vector<ReadSet> read_sets(std::string_view bytes) {
  struct Collect : x12::EnvelopeListener {
    std::vector<ReadSet> sets;
    void on_transaction_set(const x12::InterchangeHeader& i, const x12::GroupHeader& g,
                            const x12::TransactionSet& s) override {
      sets.push_back(ReadSet{i, g, s});
    }
  } collect;
  if (edifact::looks_like_edifact(bytes)) {
    edifact::EnvelopeChecker checker(&collect);
    edifact::Reader reader(checker);
    reader.feed(bytes);
    reader.finish();
    checker.finish();
  } else {
    x12::check_envelope(bytes, &collect);
  }
  return std::move(collect.sets);
}

// One set made of `body` ("BSN*00*1~HL*1**S~..."), wrapped in ST/SE and an interchange with
// '*' elements, ':' components, '^' repetitions and '~' terminators; GS08 is `version`.
inline ReadSet make_set(std::string_view body, const std::string& version = "004010", const std::string& id = "856") {
  std::size_t segments = 2;
  for (char c : body) segments += c == '~';
  std::string text =
      "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240318*1430*^*00501*"
      "000000001*0*P*:~GS*SH*SENDER*RECEIVER*20240318*1430*1*X*" +
      version + "~ST*" + id + "*0001~" + std::string(body) + "SE*" + std::to_string(segments) +
      "*0001~GE*1*1~IEA*1*000000001~";
  auto sets = read_sets(text);
  if (sets.size() != 1) throw std::runtime_error("make_set: expected one set in " + text);
  return std::move(sets.front());
}

// The mapped transactions of every set in `file` (under tests/data) by the mapping file
// `mapping_file` (a path under the source tree, also the name errors give), with no partner
// code tables, so the mapping's own tables are what is tested.
inline std::vector<Result> map_file(const std::string& mapping_file, const std::string& file) {
  auto mapping = Mapping::load(edihub::testing::read_file(edihub::testing::source_dir() / mapping_file), mapping_file);
  std::vector<Result> out;
  for (const auto& read : read_sets(edihub::testing::read_file(edihub::testing::data_dir() / file)))
    out.push_back(mapping->evaluate(read.set, read.context(), CodeTables{}));
  return out;
}

// Validates each document against docs/<schema> (node + ajv), written to files in `dir`;
// returns the validator's run ("N valid, M invalid").
inline edihub::testing::RunResult validate_documents(const std::string& schema, const std::vector<nlohmann::json>& documents,
                                                     const edihub::testing::TempDir& dir) {
  std::vector<std::filesystem::path> files;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    files.push_back(dir / ("document-" + std::to_string(i) + ".json"));
    edihub::testing::write_file(files.back(), documents[i].dump());
  }
  return edihub::testing::validate_json_files(edihub::testing::source_dir() / "docs" / schema, files);
}

// The code tables the tests use (the demo partners carry the same).
inline CodeTables test_tables() {
  return {{"uom", {{"EA", "EA"}, {"CA", "CS"}, {"PC", "PCE"}, {"LB", "LB"}}},
          {"transport_mode", {{"M", "truck"}, {"A", "air"}, {"U", "parcel"}, {"T", "best_way"}, {"R", "rail"}}}};
}

// The same for a file holding one set.
inline Result map_one_sample(const std::string& mapping_file, const std::string& file) {
  auto results = map_file(mapping_file, file);
  if (results.size() != 1) throw std::runtime_error(file + ": expected one transaction set");
  return std::move(results.front());
}

}  // namespace edihub::mapping::testing
