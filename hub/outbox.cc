#include "hub/outbox.h"

#include <map>

#include <fmt/format.h>

#include "transports/folder.h"

namespace edihub::hub {

namespace fs = std::filesystem;

Outbox::Outbox(const Config& config, const Clock& clock, archive::RawStore& store, archive::Index& index)
    : config_(config), clock_(clock), store_(store), index_(index) {}

ControlNumbers Outbox::take(const partners::Profile& partner, std::size_t sets) {
  const std::uint64_t first = partner.envelope.first_control_number;
  ControlNumbers numbers;
  numbers.interchange = index_.next_control_number(partner.id, "ISA", first);
  if (sets > 0) numbers.group = index_.next_control_number(partner.id, "GS", first);
  // ST02 must stay unique within the group: consecutive numbers, never wrapping inside it.
  for (std::size_t i = 0; i < sets; ++i) {
    auto n = index_.next_control_number(partner.id, "ST", first);
    if (i == 0) numbers.first_set = n;
    if (n < numbers.first_set) throw std::runtime_error("ST control number counter of " + partner.id + " wrapped inside a group");
  }
  return numbers;
}

archive::FileRecord Outbox::queue(const partners::Profile& partner, const std::string& name, const std::string& bytes) {
  auto staged = store_.stage_bytes(bytes);
  archive::FileRecord file;
  file.sha256 = staged.sha256;
  file.size = staged.size;
  file.partner = partner.id;
  file.channel = partner.outbound ? "folder:" + partner.outbound->path.lexically_relative(config_.dir).string() : "none";
  file.source_name = name;
  file.received_at = clock_.iso_now();
  file.status = "queued";
  file.source_removed = true;
  file.direction = "out";
  file.id = index_.add_file(file);
  index_.add_event({0, file.id, 0, file.received_at, "queued", fmt::format("{} ({} bytes) for {}", name, file.size, partner.id)});
  staged_.push_back(std::move(staged));
  return file;
}

void Outbox::publish_staged() { store_.publish(staged_); }

std::vector<archive::FileRecord> Outbox::send_queued() {
  std::vector<archive::FileRecord> sent;
  std::map<fs::path, transports::FolderSink> sinks;
  for (auto& file : index_.files_with_status("queued")) {
    const auto* partner = config_.partners.find(file.partner);
    if (!partner || !partner->outbound) continue;
    sinks.try_emplace(partner->outbound->path, partner->outbound->path)
        .first->second.stage(file.source_name, store_.read(file.sha256));
    sent.push_back(std::move(file));
  }
  if (sent.empty()) return sent;
  for (auto& [path, sink] : sinks) sink.commit();
  archive::Index::Transaction tx(index_);
  std::string now = clock_.iso_now();
  for (auto& file : sent) {
    index_.set_file_status(file.id, "sent");
    file.status = "sent";
    const auto* partner = config_.partners.find(file.partner);
    index_.add_event({0, file.id, 0, now, "sent",
                      fmt::format("{} -> folder:{}", file.source_name,
                                  partner->outbound->path.lexically_relative(config_.dir).string())});
  }
  tx.commit();
  return sent;
}

}  // namespace edihub::hub
