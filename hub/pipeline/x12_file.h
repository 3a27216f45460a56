// Reading X12 files from disk for the hub: streams a file through the reader in fixed
// chunks (memory does not grow with the file) and collects its interchanges, groups and
// transaction sets with the envelope issues found.
#pragma once

#include <filesystem>

#include "formats/parsed_file.h"
#include "formats/x12_reader.h"

namespace edihub::hub {

// Feeds the file to `handler` in 64 KiB chunks; throws x12::UnusableInput like the reader.
void stream_x12_file(const std::filesystem::path& file, x12::SegmentHandler& handler);

// Reads and envelope-checks a whole file. Throws x12::UnusableInput.
x12::ParsedFile parse_x12_file(const std::filesystem::path& file);

}  // namespace edihub::hub
