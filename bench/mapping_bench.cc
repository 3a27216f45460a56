// Mapping cost per ship notice, by format: the same shipment (tests/data/pairs/asn-1002,
// two orders, three items) parsed and mapped to the ERP inbound delivery with the standard
// mappings. BM_MapShipNotice/0 is the X12 856, the peer the XML formats are compared with:
// /1 cXML, /2 UBL, /3 GS1. Run from the repository root (or set EDIHUB_PAIRS to the folder).
#include <benchmark/benchmark.h>

#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "formats/parsed_file.h"
#include "formats/xml.h"
#include "mappings/mapping.h"

namespace {

using namespace edihub;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot be read (run from the repository root or set EDIHUB_PAIRS)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Format {
  const char* sample;
  const char* mapping;
};
const Format kFormats[] = {{"asn-1002.856.edi", "x12-856-inbound-delivery.yaml"},
                           {"asn-1002.cxml.xml", "cxml-ship-notice-inbound-delivery.yaml"},
                           {"asn-1002.ubl.xml", "ubl-despatch-advice-inbound-delivery.yaml"},
                           {"asn-1002.gs1.xml", "gs1-despatch-advice-inbound-delivery.yaml"}};

void BM_MapShipNotice(benchmark::State& state) {
  const char* pairs = getenv("EDIHUB_PAIRS");
  const Format& f = kFormats[state.range(0)];
  const std::string bytes = read(std::string(pairs ? pairs : "tests/data/pairs") + "/" + f.sample);
  auto mapping = mapping::Mapping::load_file(std::string("mappings/standard/") + f.mapping);
  const mapping::CodeTables tables{{"uom", {{"EA", "EA"}, {"CA", "CS"}}}, {"transport_mode", {{"M", "truck"}}}};
  std::size_t fields = 0;
  for (auto _ : state) {
    mapping::Result result;
    if (state.range(0) == 0) {
      auto parsed = x12::parse_bytes(bytes);
      const auto& interchange = parsed.interchanges.at(0);
      const auto& group = interchange.groups.at(0);
      mapping::Context context{&interchange.header, &group.header, "bench", nullptr};
      result = mapping->evaluate(group.sets.at(0), context, tables);
    } else {
      auto doc = xml::parse(bytes);
      result = mapping->evaluate(*doc, mapping::Context{}, tables);
    }
    fields += result.transaction.size();
    benchmark::DoNotOptimize(result);
  }
  if (!fields) state.SkipWithError("nothing mapped");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.SetLabel(f.sample);
}
BENCHMARK(BM_MapShipNotice)->DenseRange(0, 3);

}  // namespace
