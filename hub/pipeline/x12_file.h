// Reading X12 or EDIFACT files from disk for the hub: streams a file through the reader of
// its standard (told by its first bytes) in fixed chunks, so memory does not grow with the file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>

#include "formats/x12_reader.h"

namespace edihub::hub {

// Feeds the file to `handler` in 64 KiB chunks; throws x12::UnusableInput like the reader.
// `read`, when given, is told the size of each chunk once it was handled (progress).
void stream_x12_file(const std::filesystem::path& file, x12::SegmentHandler& handler,
                     const std::function<void(std::size_t)>& read = {});

}  // namespace edihub::hub
