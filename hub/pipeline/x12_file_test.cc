#include "hub/pipeline/x12_file.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/test_support.h"

using edihub::testing::data_dir;
using edihub::testing::read_file;
using edihub::testing::TempDir;
using edihub::testing::write_file;

namespace {

class Tags : public edihub::x12::SegmentHandler {
 public:
  void on_segment(const edihub::x12::SegmentView& view) override { tags.emplace_back(view.tag); }
  std::vector<std::string> tags;
};

}  // namespace

TEST_CASE("stream_x12_file reads an EDIFACT file with the EDIFACT reader", "[edifact][x12-file]") {
  TempDir dir;
  // Several 64 KiB chunks: a public sample repeated, each copy its own interchange.
  const std::string sample = read_file(data_dir() / "edifact" / "orders_d01b_ean010.edi");
  std::string bytes;
  for (int i = 0; i < 10; ++i) bytes += sample;
  write_file(dir / "in.edi", bytes);
  Tags tags;
  std::size_t reported = 0;
  edihub::hub::stream_x12_file(dir / "in.edi", tags, [&](std::size_t n) { reported += n; });
  CHECK(reported == bytes.size());
  REQUIRE(tags.tags.size() == 6020);  // 602 segments a copy, its UNA included
  CHECK(tags.tags[0] == "UNA");
  CHECK(tags.tags[1] == "UNB");
  CHECK(tags.tags[6019] == "UNZ");
}

TEST_CASE("stream_x12_file still reads X12 with the X12 reader", "[x12-file]") {
  TempDir dir;
  write_file(dir / "in.x12",
             "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00401*000000001*0*P*>~"
             "GS*SH*S*R*20240101*1200*1*X*004010~ST*856*0001~SE*2*0001~GE*1*1~IEA*1*000000001~");
  Tags tags;
  edihub::hub::stream_x12_file(dir / "in.x12", tags);
  CHECK(tags.tags == std::vector<std::string>{"ISA", "GS", "ST", "SE", "GE", "IEA"});
}
