#include "mappings/hl_tree.h"

#include <catch2/catch.hpp>

#include "tests/support/mapping_sets.h"

using namespace edihub::mapping;
using edihub::mapping::testing::make_set;

namespace {

std::vector<int> parents(const HlTree& tree) {
  std::vector<int> out;
  for (const auto& n : tree.nodes()) out.push_back(n.parent);
  return out;
}

}  // namespace

TEST_CASE("HL tree from HL01/HL02 with owned segments", "[mappings][hl]") {
  auto read = make_set("BSN*00*1~HL*1**S~TD1*CTN*1~HL*2*1*O~PRF*PO1~HL*3*2*I~SN1**1*EA~CTT*1~");
  HlTree tree(read.set);
  REQUIRE(tree.nodes().size() == 3);
  CHECK(parents(tree) == std::vector<int>{-1, 0, 1});
  CHECK(tree.nodes()[1].level == "O");
  // ST and BSN precede the first HL; CTT and SE are the summary.
  CHECK(tree.owner(1) == -1);
  CHECK(tree.owner(3) == 0);
  CHECK(tree.owner(5) == 1);
  CHECK(tree.owner(7) == 2);
  CHECK(tree.owner(8) == -1);
  CHECK(tree.nodes()[2].begin == 6);
  CHECK(tree.nodes()[2].end == 8);
  CHECK(tree.nearest(2, "S") == 0);
  CHECK(tree.nearest(2, "I") == 2);
  CHECK(tree.nearest(2, "P") == -1);
}

TEST_CASE("HL levels below a node come in document order, whatever the HL02 order", "[mappings][hl]") {
  // Two orders first, then their items interleaved.
  auto read = make_set("HL*1**S~HL*2*1*O~HL*3*1*O~HL*4*3*I~HL*5*2*I~HL*6*3*I~");
  HlTree tree(read.set);
  CHECK(tree.at_level(-1, "I", false) == std::vector<int>{3, 4, 5});
  CHECK(tree.at_level(2, "I", false) == std::vector<int>{3, 5});
  CHECK(tree.at_level(1, "I", false) == std::vector<int>{4});
  CHECK(tree.at_level(3, "I", true) == std::vector<int>{3});
  CHECK(tree.at_level(3, "I", false).empty());
}

TEST_CASE("blank HL02 attaches to the last HL of the level above, by position", "[mappings][hl]") {
  SECTION("flat S-O-I") {
    auto read = make_set("HL*1**S~HL*2**O~HL*3**I~HL*4**I~HL*5**O~HL*6**I~");
    CHECK(parents(HlTree(read.set)) == std::vector<int>{-1, 0, 1, 1, 0, 4});
  }
  SECTION("flat S-O-I-P: packs under items") {
    auto read = make_set("HL*1**S~HL*2**O~HL*3**I~HL*4**P~HL*5**P~HL*6**I~HL*7**P~");
    CHECK(parents(HlTree(read.set)) == std::vector<int>{-1, 0, 1, 2, 2, 1, 5});
  }
  SECTION("mixed: explicit parents teach the level above") {
    auto read = make_set("HL*1**S~HL*2*1*O~HL*3*2*P~HL*4*3*I~HL*5**P~HL*6**I~");
    CHECK(parents(HlTree(read.set)) == std::vector<int>{-1, 0, 1, 2, 1, 4});
  }
}

TEST_CASE("broken hierarchies are errors naming the HL", "[mappings][hl]") {
  using Catch::Matchers::Equals;
  auto unknown = make_set("HL*1**S~HL*2*7*O~");
  try {
    HlTree tree(unknown.set);
    FAIL("no error");
  } catch (const HlError& e) {
    CHECK_THAT(e.what(), Equals("HL02 7 names no earlier HL01"));
    CHECK(e.segment_index == 2);
  }
  CHECK_THROWS_WITH(HlTree(make_set("HL*1**S~HL*1**O~").set), "HL01 1 is used twice");
  CHECK_THROWS_WITH(HlTree(make_set("HL*1**S~HL**1*O~").set), "HL01 is empty");
}

TEST_CASE("a set without HL has no nodes", "[mappings][hl]") {
  auto read = make_set("BEG*00*SA*PO1**20240101~PO1*1*2*EA~", "004010", "850");
  HlTree tree(read.set);
  CHECK(tree.nodes().empty());
  CHECK(tree.owner(1) == -1);
}
