#include "hub/outbox/outbox.h"

#include <map>

#include <fmt/format.h>

#include "hub/exception_queue.h"
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
  file.channel = partner.outbound ? partner.outbound->name(config_.dir) : "none";
  file.source_name = name;
  file.received_at = clock_.iso_now();
  file.status = archive::FileStatus::queued;
  file.source_removed = true;
  file.direction = "out";
  file.id = index_.add_file(file);
  index_.add_event({0, file.id, 0, file.received_at, "queued", fmt::format("{} ({} bytes) for {}", name, file.size, partner.id)});
  staged_.push_back(std::move(staged));
  return file;
}

void Outbox::publish_staged() { store_.publish(staged_); }

std::vector<archive::FileRecord> Outbox::send_queued(const Raise& raise) {
  std::map<std::string, std::vector<archive::FileRecord>> by_partner;
  for (auto& file : index_.files_with_status(archive::FileStatus::queued)) by_partner[file.partner].push_back(std::move(file));
  std::vector<Handed> handed;
  for (auto& [id, files] : by_partner) {
    const auto* partner = config_.partners.find(id);
    if (!partner || !partner->outbound) continue;
    const auto& channel = *partner->outbound;
    auto sent = channel.folder ? send_folder(*partner, std::move(files))
                : channel.sftp ? send_sftp(*partner, std::move(files), raise)
                               : send_as2(*partner, std::move(files), raise);
    std::move(sent.begin(), sent.end(), std::back_inserter(handed));
  }
  std::vector<archive::FileRecord> sent;
  if (handed.empty()) return sent;
  archive::Index::Transaction tx(index_);
  const std::string now = clock_.iso_now();
  for (auto& h : handed) {
    index_.transition_file(h.file, archive::FileStatus::sent, {now, "sent", fmt::format("{} -> {}", h.file.source_name, h.where)});
    if (h.as2)
      index_.transition_as2_message(*h.as2, h.as2_state,
                                    {now, "as2_sent", fmt::format("{} {}", h.as2->message_id, to_string(h.as2_state))});
    if (h.problem) raise(std::move(*h.problem));
    sent.push_back(std::move(h.file));
  }
  tx.commit();
  return sent;
}

std::vector<Outbox::Handed> Outbox::send_folder(const partners::Profile& partner, std::vector<archive::FileRecord> files) {
  const fs::path& path = partner.outbound->folder->path;
  try {
    transports::FolderSink sink(path, store_.env());
    for (const auto& file : files) sink.stage(file.source_name, store_.read(file.sha256));
    sink.commit();
  } catch (...) {
    archive::rethrow_in_step("outbox write for " + partner.id);
  }
  std::vector<Handed> handed;
  for (auto& file : files) handed.push_back({std::move(file), partner.outbound->name(config_.dir), std::nullopt, std::nullopt});
  return handed;
}

}  // namespace edihub::hub
