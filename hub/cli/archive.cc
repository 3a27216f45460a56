// archive query, archive show and exceptions: read-only views over the archive; the lists
// page (hub/cli/paging.h).
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "formats/x12_writer.h"
#include "hub/cli/commands.h"
#include "hub/config.h"
#include "hub/pipeline/x12_file.h"
#include "hub/text_escape.h"

namespace edihub::hub {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

ordered_json keys_json(const std::vector<std::pair<std::string, std::string>>& keys) {
  ordered_json j = ordered_json::object();
  for (const auto& [name, value] : keys) {
    if (!j.contains(name)) j[name] = ordered_json::array();
    j[name].push_back(value);
  }
  return j;
}

ordered_json set_json(const archive::TransactionSetRecord& s) {
  return {{"id", s.id},
          {"partner", s.partner},
          {"direction", s.direction},
          {"type", s.type},
          {"version", s.version},
          {"interchange_control", s.interchange_control},
          {"group_control", s.group_control},
          {"control", s.control_number},
          {"status", s.status},
          {"received_at", s.received_at},
          {"updated_at", s.updated_at},
          {"file_id", s.file_id},
          {"first_segment", s.first_segment},
          {"idempotency_key", s.idempotency_key},
          {"target", s.target},
          {"delivered_to", s.delivered_to}};
}

ordered_json events_json(const std::vector<archive::EventRecord>& events) {
  ordered_json j = ordered_json::array();
  for (const auto& e : events)
    j.push_back({{"at", e.at}, {"step", e.step}, {"file_id", e.file_id}, {"set_id", e.set_id}, {"detail", e.detail}});
  return j;
}

std::string keys_text(const std::vector<std::pair<std::string, std::string>>& keys) {
  std::string text;
  for (const auto& [name, value] : keys) text += (text.empty() ? "" : " ") + name + "=" + value;
  return text;
}

// The segments of one transaction set, written back with the interchange's own
// delimiters, one segment per line.
std::string raw_transaction_set(const fs::path& raw_file, std::uint64_t first_segment) {
  struct Picker : x12::SegmentHandler {
    std::uint64_t first;
    std::string out;
    bool done = false;
    void on_segment(const x12::SegmentView& seg) override {
      if (done || seg.number < first) return;
      x12::Delimiters target = *seg.delimiters;
      bool newline_terminated = target.segment.find('\n') != std::string::npos;
      x12::Writer writer(out, target, newline_terminated ? "" : "\n");
      writer.segment(seg, *seg.delimiters);
      done = seg.tag == "SE";
    }
  } picker;
  picker.first = first_segment;
  stream_x12_file(raw_file, picker);
  return picker.out;
}

void print_events(const std::vector<archive::EventRecord>& events, std::ostream& out) {
  for (const auto& e : events) out << fmt::format("  {}  {:<10} {}\n", e.at, e.step, escape_controls(e.detail));
}

}  // namespace

// Read-only commands need the archive location only, but a broken config should still
// be reported rather than guessed around.
std::unique_ptr<archive::Index> open_index(const std::string& config_dir, fs::path* archive_dir) {
  auto config = Config::load(config_dir);
  if (!fs::exists(config.index_file()))
    throw std::runtime_error("no archive yet at " + config.archive_dir.string() + " (run `edihub run --config " +
                             config_dir + " --once` first)");
  if (archive_dir) *archive_dir = config.archive_dir;
  return archive::Index::open(config.index_file());
}

int command_archive_query(const std::string& config_dir, const QueryOptions& o, bool json, std::ostream& out,
                          std::ostream& err) {
  archive::Query q;
  q.partner = o.partner;
  q.type = o.type;
  q.since = o.since;
  q.until = o.until;
  q.control = o.control;
  q.status = o.status;
  q.direction = o.direction;
  q.limit = o.page.limit;
  q.offset = o.page.offset;
  if (o.key) {
    auto eq = o.key->find('=');
    if (eq == std::string::npos || eq == 0) {
      err << "--key expects NAME=VALUE, e.g. po_number=4500012345, not '" << *o.key << "'\n";
      return 2;
    }
    q.key = std::make_pair(o.key->substr(0, eq), o.key->substr(eq + 1));
  }
  auto index = open_index(config_dir);
  auto rows = index->query(q);
  const auto total = index->count(q);
  if (json) {
    ordered_json j = ordered_json::array();
    for (const auto& r : rows) {
      auto row = set_json(r.set);
      row["file_sha256"] = r.file_sha256;
      row["keys"] = keys_json(r.keys);
      j.push_back(row);
    }
    out << dump_json(page_json(std::move(j), total, o.page), 2) << "\n";
    return 0;
  }
  out << fmt::format("{:>6}  {:<24}  {:<12} {:<4} {:<9} {:<6} {:<9} {:<10} {}\n", "ID", "RECEIVED", "PARTNER", "TYPE",
                     "ISA13", "GS06", "ST02", "STATUS", "KEYS");
  for (const auto& r : rows)
    out << fmt::format("{:>6}  {:<24}  {:<12} {:<4} {:<9} {:<6} {:<9} {:<10} {}\n", r.set.id, r.set.received_at,
                       r.set.partner, r.set.type, escape_controls(r.set.interchange_control),
                       escape_controls(r.set.group_control), escape_controls(r.set.control_number), to_string(r.set.status),
                       escape_controls(keys_text(r.keys)));
  out << page_footer(rows.size(), total, o.page, "transaction set(s)") << "\n";
  return 0;
}

int command_archive_show(const std::string& config_dir, const ShowOptions& o, bool json, std::ostream& out,
                         std::ostream& err) {
  fs::path archive_dir;
  auto index = open_index(config_dir, &archive_dir);
  archive::RawStore store(archive_dir);
  bool whole = !o.raw && !o.mapped && !o.events && !o.mdn;
  bool is_file = !o.id.empty() && (o.id[0] == 'F' || o.id[0] == 'f');
  std::int64_t id = 0;
  try {
    id = std::stoll(o.id.substr(is_file ? 1 : 0));
  } catch (const std::exception&) {
    err << "ID must be a transaction set id (e.g. 12) or a file id (e.g. F3), not '" << o.id << "'\n";
    return 2;
  }

  if (is_file) {
    auto file = index->file(id);
    if (!file) {
      err << "no file F" << id << " in the archive\n";
      return 1;
    }
    auto events = index->events_of_file(id);
    auto sets = index->transaction_sets_of_file(id);
    if (json) {
      ordered_json j{{"id", file->id}, {"sha256", file->sha256}, {"size", file->size}, {"partner", file->partner},
                     {"channel", file->channel}, {"source_name", file->source_name}, {"received_at", file->received_at},
                     {"status", file->status}, {"direction", file->direction}, {"replay_of", file->replay_of}};
      ordered_json acks = ordered_json::array();
      for (const auto& a : index->acks_answering(id))
        acks.push_back({{"kind", a.kind}, {"direction", a.direction}, {"file_id", a.file_id}, {"code", a.code},
                        {"interchange_control", a.answers_interchange_control},
                        {"group_control", a.answers_group_control}, {"detail", a.detail}, {"at", a.at}});
      j["acknowledgments"] = acks;
      ordered_json as2 = ordered_json::array();
      for (const auto& m : index->as2_messages_of_file(id))
        as2.push_back({{"direction", m.direction}, {"message_id", m.message_id}, {"state", m.state},
                       {"mdn_mode", m.mdn_mode}, {"mic", m.mic}, {"detail", m.detail}, {"attempts", m.attempts},
                       {"sent_at", m.sent_at}, {"due_at", m.due_at}, {"mdn_sha256", m.mdn_sha256}});
      j["as2_messages"] = as2;
      ordered_json replays = ordered_json::array();
      for (const auto& replay : index->replays_of(id)) replays.push_back(replay.id);
      j["replays"] = replays;
      ordered_json set_list = ordered_json::array();
      for (const auto& s : sets) set_list.push_back(set_json(s));
      j["transaction_sets"] = set_list;
      j["events"] = events_json(events);
      if (whole || o.raw) j["raw"] = store.read(file->sha256);
      out << dump_json(j, 2) << "\n";
      return 0;
    }
    if (o.raw) return out << store.read(file->sha256), 0;
    if (o.mdn) {
      bool any = false;
      for (const auto& m : index->as2_messages_of_file(id))
        if (!m.mdn_sha256.empty()) out << store.read(m.mdn_sha256) << "\n", any = true;
      if (!any) err << "no AS2 MDN archived for F" << id << "\n";
      return any ? 0 : 1;
    }
    if (o.events) return print_events(events, out), 0;
    if (o.mapped) {
      for (const auto& s : sets)
        if (auto mapped = index->mapped_output(s.id)) out << *mapped;
      return 0;
    }
    out << fmt::format("file F{}: {} from {} ({}), {} bytes, sha256 {}\n  received {}, status {}\n", file->id,
                       escape_controls(file->source_name), file->channel, file->partner, file->size, file->sha256,
                       file->received_at,
                       to_string(file->status));
    if (file->replay_of) out << fmt::format("  replay of F{}\n", file->replay_of);
    for (const auto& replay : index->replays_of(id)) out << fmt::format("  replayed as F{} at {}\n", replay.id, replay.received_at);
    for (const auto& s : sets)
      out << fmt::format("  transaction set {}: {} {} ({})\n", s.id, s.type, escape_controls(s.control_number), to_string(s.status));
    for (const auto& a : index->acks_answering(id))
      out << fmt::format("  {} {} acknowledgment F{} (interchange {}{}): {}\n", a.direction, a.kind, a.file_id,
                         escape_controls(a.answers_interchange_control),
                         a.answers_group_control.empty() ? "" : ", group " + escape_controls(a.answers_group_control),
                         escape_controls(a.detail));
    for (const auto& m : index->as2_messages_of_file(id))
      out << fmt::format("  AS2 {} {} {} (MDN {}{}{}){}\n", m.direction == "in" ? "received" : "sent", m.message_id,
                         to_string(m.state), m.mdn_mode, m.mdn_sha256.empty() ? "" : ", archived as " + m.mdn_sha256,
                         m.due_at.empty() ? "" : ", due " + m.due_at, m.detail.empty() ? "" : ": " + m.detail);
    out << "--- raw ---\n" << store.read(file->sha256) << "\n--- events ---\n";
    print_events(events, out);
    return 0;
  }

  auto set = index->transaction_set(id);
  if (!set) {
    err << "no transaction set " << id << " in the archive\n";
    return 1;
  }
  auto file = index->file(set->file_id);
  auto keys = index->business_keys(id);
  auto events = index->events_of_set(id);
  // An XML document is a set of its own (no first segment): its raw form is the whole file.
  if (file && set->first_segment) store.verify(file->sha256);  // read() below checks itself
  std::string raw = !file                ? ""
                    : set->first_segment ? raw_transaction_set(store.path_of(file->sha256), set->first_segment)
                                         : store.read(file->sha256);
  std::string mapped = index->mapped_output(id).value_or("");
  if (json) {
    auto j = set_json(*set);
    j["keys"] = keys_json(keys);
    if (whole || o.raw) j["raw"] = raw;
    if ((whole || o.mapped) && !mapped.empty()) j["mapped"] = ordered_json::parse(mapped);
    if (whole || o.events) j["events"] = events_json(events);
    out << dump_json(j, 2) << "\n";
    return 0;
  }
  if (o.raw) return out << raw, 0;
  if (o.mapped) {
    if (mapped.empty()) {
      err << "transaction set " << id << " has no mapped output (status " << to_string(set->status) << ")\n";
      return 1;
    }
    return out << mapped, 0;
  }
  if (o.events) return print_events(events, out), 0;
  out << fmt::format("transaction set {}: {} {} from partner {} ({}), status {}\n", set->id, set->type,
                     escape_controls(set->control_number), set->partner, escape_controls(set->version), to_string(set->status));
  out << fmt::format("  interchange {} group {}, file F{} segment {}, received {}\n",
                     escape_controls(set->interchange_control), escape_controls(set->group_control), set->file_id,
                     set->first_segment, set->received_at);
  if (!keys.empty()) out << "  keys: " << escape_controls(keys_text(keys)) << "\n";
  if (!set->delivered_to.empty()) out << "  delivered to " << set->delivered_to << "\n";
  out << "--- raw ---\n" << raw << "--- mapped ---\n" << (mapped.empty() ? "(none)\n" : mapped) << "--- events ---\n";
  print_events(events, out);
  return 0;
}

int command_exceptions(const std::string& config_dir, const ExceptionsOptions& o, bool json, std::ostream& out,
                       std::ostream&) {
  auto index = open_index(config_dir);
  std::optional<std::string> state = o.state.value_or("open");
  if (state == "all") state.reset();
  auto list = index->exceptions(o.partner, state, {o.page.limit, o.page.offset});
  const auto total = index->count_exceptions(o.partner, state);
  if (json) {
    ordered_json j = ordered_json::array();
    for (const auto& e : list)
      j.push_back({{"id", e.id}, {"partner", e.partner}, {"kind", e.kind}, {"state", e.state},
                   {"created_at", e.created_at}, {"file_id", e.file_id}, {"set_id", e.set_id}, {"reason", e.reason},
                   {"closed_at", e.closed_at}, {"closed_by", e.closed_by}, {"note", e.note},
                   {"documents", e.documents}});
    out << dump_json(page_json(std::move(j), total, o.page), 2) << "\n";
    return 0;
  }
  for (const auto& e : list) {
    out << fmt::format("exception {} [{}] {} ({}) {}  file F{}{}\n", e.id, e.partner.empty() ? "-" : e.partner, e.kind,
                       to_string(e.state), e.created_at, e.file_id, e.set_id ? fmt::format(" set {}", e.set_id) : "");
    out << "  " << escape_controls_keep_lines(e.reason) << "\n";
    if (!e.documents.empty()) {
      std::string documents;
      for (const auto& d : e.documents) documents += (documents.empty() ? "" : ", ") + escape_controls(d);
      out << "  documents: " << documents << "\n";
    }
  }
  out << page_footer(list.size(), total, o.page, "exception(s)") << "\n";
  return 0;
}

}  // namespace edihub::hub
