// Test helpers shared by the outbound mapping tests (X12 and XML targets): the ERP
// documents of tests/data/erp, and the checks for evaluation and loading errors of a
// mapping loaded as "m.yaml".
#pragma once

#include <functional>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mappings/outbound.h"
#include "tests/test_support.h"

namespace edihub::mapping::testing {

inline nlohmann::json erp(const std::string& name) {
  return nlohmann::json::parse(edihub::testing::read_file(edihub::testing::data_dir() / "erp" / name));
}

// `evaluate` must throw MappingError `what` for m.yaml:`line`.
inline void check_mapping_error(const std::function<void()>& evaluate, const std::string& what, int line) {
  try {
    evaluate();
    FAIL("no MappingError");
  } catch (const MappingError& e) {
    CHECK(std::string(e.what()) == what);
    CHECK(e.file == "m.yaml");
    CHECK(e.line == line);
  }
}

// Loading `text` as m.yaml must fail with `what` at `line`.
inline void check_load_error(const std::string& text, const std::string& what, int line) {
  try {
    OutboundMapping::load(text, "m.yaml");
    FAIL("no MappingFileError");
  } catch (const MappingFileError& e) {
    CHECK(std::string(e.what()) == what);
    CHECK(e.line == line);
  }
}

}  // namespace edihub::mapping::testing
