#include "hub/pipeline/x12_file.h"

#include <fstream>
#include <string_view>
#include <system_error>
#include <vector>

#include "formats/edifact.h"
#include "formats/edifact_reader.h"

namespace edihub::hub {

namespace fs = std::filesystem;

namespace {

// Feeds what is in `buffer` (`got` bytes) and the rest of `in` to `reader`, chunk by chunk.
template <class Reader>
void pump(std::ifstream& in, std::vector<char>& buffer, std::streamsize got, Reader& reader, const fs::path& file,
          const std::function<void(std::size_t)>& read) {
  for (;;) {
    if (got > 0) {
      reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
      if (read) read(static_cast<std::size_t>(got));
    }
    if (!in) break;
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    got = in.gcount();
  }
  if (in.bad()) throw std::system_error(errno, std::generic_category(), "cannot read " + file.string());
  reader.finish();
}

}  // namespace

void stream_x12_file(const fs::path& file, x12::SegmentHandler& handler, const std::function<void(std::size_t)>& read) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), "cannot open " + file.string());
  std::vector<char> buffer(64 * 1024);
  in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  const std::streamsize got = in.gcount();
  // The first chunk tells the standard: EDIFACT opens with UNA or UNB, X12 with ISA.
  if (edifact::looks_like_edifact(std::string_view(buffer.data(), static_cast<std::size_t>(got)))) {
    edifact::Reader reader(handler);
    pump(in, buffer, got, reader, file, read);
  } else {
    x12::Reader reader(handler);
    pump(in, buffer, got, reader, file, read);
  }
}

}  // namespace edihub::hub
