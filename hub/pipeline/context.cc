#include "hub/pipeline/context.h"

#include <fmt/format.h>

#include "hub/exception_queue.h"
#include "hub/pipeline/validation_text.h"

namespace edihub::hub {

void PipelineContext::raise(RunSummary& summary, archive::ExceptionRecord exception) {
  if (held_ && exception.file_id == held_->file_id) {
    auto& first = held_->first[exception.kind];
    held_->count[exception.kind]++;
    if (first.size() < kListedPerKind) first.push_back(std::move(exception));
    return;
  }
  summary.add_exception(record_exception(index, clock, std::move(exception)));
}

void PipelineContext::finish_file(const archive::FileRecord& file, archive::FileStatus to, const std::string& detail) {
  archive::FileRecord row = file;
  index.transition_file(row, to, {clock.iso_now(), std::string(to_string(to)), detail});
}

void PipelineContext::hold_file(std::int64_t file_id) {
  held_.emplace();
  held_->file_id = file_id;
}

void PipelineContext::drop_held() { held_.reset(); }

void PipelineContext::flush_held(const std::string& file_name, RunSummary& summary) {
  if (!held_) return;
  FileExceptions held = std::move(*held_);
  held_.reset();
  for (auto& [kind, first] : held.first) {
    const std::size_t count = held.count[kind];
    if (count <= kListedPerKind) {
      for (auto& e : first) summary.add_exception(record_exception(index, clock, std::move(e)));
      continue;
    }
    archive::ExceptionRecord flood = first.front();
    flood.set_id = 0;
    flood.reason = fmt::format("{}: {} {} exceptions in this file; the first {}:", file_name, count, kind, first.size());
    for (const auto& e : first) flood.reason += indented_lines({e.reason});
    flood.reason += fmt::format("\n  ... and {} more, not listed", count - first.size());
    summary.add_exception(record_exception(index, clock, std::move(flood)));
  }
}

std::string folder_channel(const std::filesystem::path& folder, const std::filesystem::path& config_dir) {
  return "folder:" + folder.lexically_relative(config_dir).string();
}

}  // namespace edihub::hub
