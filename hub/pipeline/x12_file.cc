#include "hub/pipeline/x12_file.h"

#include <fstream>
#include <system_error>

namespace edihub::hub {

namespace fs = std::filesystem;

void stream_x12_file(const fs::path& file, x12::SegmentHandler& handler, const std::function<void(std::size_t)>& read) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), "cannot open " + file.string());
  x12::Reader reader(handler);
  std::vector<char> buffer(64 * 1024);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() <= 0) continue;
    reader.feed(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
    if (read) read(static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw std::system_error(errno, std::generic_category(), "cannot read " + file.string());
  reader.finish();
}

}  // namespace edihub::hub
