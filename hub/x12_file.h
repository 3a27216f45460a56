// Reading X12 files from disk for the hub: streams a file through the reader in fixed
// chunks (memory does not grow with the file) and collects its interchanges, groups and
// transaction sets with the envelope issues found.
#pragma once

#include <filesystem>
#include <vector>

#include "formats/envelope.h"
#include "formats/x12_reader.h"

namespace edihub::hub {

struct ParsedGroup {
  x12::GroupHeader header;
  std::vector<x12::TransactionSet> sets;
  std::vector<std::uint64_t> set_first_segments;  // segment number of each set's ST in the file
};

struct ParsedInterchange {
  x12::InterchangeHeader header;
  std::vector<ParsedGroup> groups;
};

struct ParsedFile {
  std::vector<ParsedInterchange> interchanges;
  std::vector<x12::EnvelopeIssue> issues;
  x12::EnvelopeCounts counts;
};

// Feeds the file to `handler` in 64 KiB chunks; throws x12::UnusableInput like the reader.
void stream_x12_file(const std::filesystem::path& file, x12::SegmentHandler& handler);

// Reads and envelope-checks a whole file. Throws x12::UnusableInput.
ParsedFile parse_x12_file(const std::filesystem::path& file);
// The same for bytes already in memory.
ParsedFile parse_x12_bytes(std::string_view bytes);

}  // namespace edihub::hub
