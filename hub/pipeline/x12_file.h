// Reading X12 files from disk for the hub: streams a file through the reader in fixed
// chunks, so memory does not grow with the file.
#pragma once

#include <filesystem>

#include "formats/x12_reader.h"

namespace edihub::hub {

// Feeds the file to `handler` in 64 KiB chunks; throws x12::UnusableInput like the reader.
void stream_x12_file(const std::filesystem::path& file, x12::SegmentHandler& handler);

}  // namespace edihub::hub
