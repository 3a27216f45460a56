// Writes N distinct small 856 files into a folder, for the end-to-end benchmark.
// Usage: edihub_generate_inbox DIR N [FIRST]
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "tests/sample_856.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: edihub_generate_inbox DIR N [FIRST]\n";
    return 2;
  }
  std::filesystem::path dir = argv[1];
  unsigned n = static_cast<unsigned>(std::stoul(argv[2]));
  unsigned first = argc > 3 ? static_cast<unsigned>(std::stoul(argv[3])) : 1;
  std::filesystem::create_directories(dir);
  for (unsigned i = first; i < first + n; ++i) {
    std::ofstream out(dir / ("asn-" + std::to_string(i) + ".edi"), std::ios::binary);
    out << edihub::testing::sample_856(i);
    if (!out) {
      std::cerr << "cannot write into " << dir << "\n";
      return 1;
    }
  }
  return 0;
}
