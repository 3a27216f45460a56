// acks, exceptions resolve|ignore, replay (one file, or the file of every open exception
// matching): following up on what was sent and what failed.
#include <algorithm>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "hub/clock.h"
#include "hub/cli/commands.h"
#include "hub/cli/progress.h"
#include "hub/config.h"
#include "hub/pipeline/pipeline.h"
#include "hub/reconcile/holds.h"
#include "hub/text_escape.h"

namespace edihub::hub {

using nlohmann::ordered_json;

namespace {

std::string user_name() {
  const char* user = std::getenv("USER");
  return user && *user ? user : "edihub";
}

}  // namespace

int command_acks(const std::string& config_dir, const AcksOptions& options, bool json, std::ostream& out, std::ostream&) {
  auto index = open_index(config_dir);
  const std::string now = clock_from_environment()->iso_now();
  std::vector<archive::AwaitedAck> rows;
  for (auto& row : index->awaited_acks(options.partner, std::nullopt)) {
    // A deadline passed since the last run counts as overdue here already.
    if (row.state == archive::AckState::awaiting && row.due_at <= now) row.state = archive::AckState::overdue;
    if (!options.overdue || row.state == archive::AckState::overdue) rows.push_back(std::move(row));
  }
  // Overdue is decided here against the clock, so the page is cut here too (awaited acks
  // are few: one row per interchange, group and set sent and not yet settled long ago).
  const auto total = static_cast<std::int64_t>(rows.size());
  const auto first = std::min(options.page.offset, total);
  rows.erase(rows.begin(), rows.begin() + first);
  if (rows.size() > static_cast<std::size_t>(options.page.limit)) rows.resize(options.page.limit);
  if (json) {
    ordered_json list = ordered_json::array();
    for (const auto& r : rows)
      list.push_back({{"id", r.id}, {"partner", r.partner}, {"level", r.level}, {"file_id", r.file_id},
                      {"set_id", r.set_id}, {"interchange_control", r.interchange_control},
                      {"group_control", r.group_control}, {"set_control", r.set_control},
                      {"functional_id", r.functional_id}, {"set_type", r.set_type}, {"sent_at", r.sent_at},
                      {"due_at", r.due_at}, {"state", r.state}, {"ack_file_id", r.ack_file_id}, {"detail", r.detail}});
    out << dump_json(page_json(std::move(list), total, options.page), 2) << "\n";
    return 0;
  }
  out << fmt::format("{:<12} {:<11} {:<30} {:<24} {:<24} {}\n", "partner", "level", "document", "sent", "due", "state");
  for (const auto& r : rows) {
    // An EDIFACT message without UNG has no group: "ORDERS 1 (interchange 7)".
    std::string document = r.level == "set"     ? r.group_control.empty()
                                                      ? fmt::format("{} {} (interchange {})", r.set_type, r.set_control,
                                                                    r.interchange_control)
                                                      : fmt::format("{} {} (group {})", r.set_type, r.set_control, r.group_control)
                           : r.level == "group" ? fmt::format("group {} {} (ISA {})", r.functional_id, r.group_control,
                                                              r.interchange_control)
                                                : fmt::format("interchange {}", r.interchange_control);
    document = escape_controls(document);
    out << fmt::format("{:<12} {:<11} {:<30} {:<24} {:<24} {}", r.partner, r.level, document, r.sent_at, r.due_at,
                       to_string(r.state));
    if (r.ack_file_id) out << fmt::format(" by F{}", r.ack_file_id);
    if (!r.detail.empty()) out << ": " << escape_controls(r.detail);
    out << "\n";
  }
  out << page_footer(rows.size(), total, options.page,
                     options.overdue ? "overdue acknowledgment(s)" : "awaited acknowledgment(s)")
      << "\n";
  return 0;
}

int command_close_exception(const std::string& config_dir, const CloseExceptionOptions& options, bool json,
                            std::ostream& out, std::ostream& err) {
  auto index = open_index(config_dir);
  auto exception = index->exception(options.id);
  if (!exception) {
    err << "edihub: no exception " << options.id << "\n";
    return 1;
  }
  if (exception->state != archive::ExceptionState::open) {
    err << fmt::format("edihub: exception {} is already {} (by {} at {}: {})\n", options.id, to_string(exception->state),
                       exception->closed_by, exception->closed_at, exception->note);
    return 1;
  }
  const std::string by = options.by.empty() ? user_name() : options.by;
  const std::string at = clock_from_environment()->iso_now();
  std::optional<archive::SetStatus> held_set;
  {
    archive::Index::Transaction tx(*index);
    // Through the hub's close_exception: a set held for this exception is released to the
    // ERP (resolved) or dropped (ignored) in the same transaction.
    held_set = close_exception_as_user(*index, *exception, archive::parse_state<archive::ExceptionState>(options.state),
                                       by, options.note, at);
    tx.commit();
  }
  // What happened to the held set, if there was one.
  std::string set_outcome;
  if (held_set == archive::SetStatus::mapped)
    set_outcome = fmt::format("transaction set {} released: delivered to the ERP on the next run", exception->set_id);
  else if (held_set == archive::SetStatus::dropped)
    set_outcome = fmt::format("transaction set {} dropped: it will not reach the ERP", exception->set_id);
  else if (held_set)
    set_outcome = fmt::format("transaction set {} is now {}", exception->set_id, to_string(*held_set));
  else if (auto set = exception->set_id ? index->transaction_set(exception->set_id) : std::nullopt;
           set && set->status == archive::SetStatus::held)
    set_outcome = fmt::format("transaction set {} stays held: another open finding about it holds it", set->id);
  if (json) {
    ordered_json j{{"id", options.id}, {"state", options.state}, {"closed_by", by}, {"closed_at", at}, {"note", options.note}};
    j["set_id"] = held_set ? ordered_json(exception->set_id) : ordered_json(nullptr);
    j["set_status"] = held_set ? ordered_json(*held_set) : ordered_json(nullptr);
    out << dump_json(j, 2) << "\n";
  } else {
    out << fmt::format("exception {} {} by {} at {}\n", options.id, options.state, by, at);
    if (!set_outcome.empty()) out << "  " << set_outcome << "\n";
  }
  return 0;
}

namespace {

// What one replay did, as `replay` prints it (text: a line, then one per new exception).
ordered_json replay_json(std::int64_t file_id, const RunSummary& summary) {
  ordered_json exceptions = ordered_json::array();
  for (const auto& e : summary.exceptions)
    exceptions.push_back({{"id", e.id}, {"partner", e.partner}, {"kind", e.kind}, {"reason", e.reason}});
  return {{"replayed_file", file_id},          {"sets_delivered", summary.sets_delivered},
          {"sets_failed", summary.sets_failed}, {"sets_dead_letter", summary.sets_dead_letter},
          {"sets_rejected", summary.sets_rejected}, {"acks_sent", summary.acks_sent},
          {"exceptions", exceptions}};
}

// `about`: what follows the file id, e.g. " (exception 3, 7)".
std::string replay_text(std::int64_t file_id, const RunSummary& summary, const std::string& about = "") {
  std::string text = fmt::format(
      "replayed F{}{}: {} transaction set(s) delivered, {} failed, {} dead letter(s), {} rejected, {} new exception(s)\n",
      file_id, about, summary.sets_delivered, summary.sets_failed, summary.sets_dead_letter, summary.sets_rejected,
      summary.exceptions.size());
  for (const auto& e : summary.exceptions)
    text += fmt::format("  exception {} [{}] {}: {}\n", e.id, e.partner, e.kind, escape_controls_keep_lines(e.reason));
  return text;
}

}  // namespace

int command_replay(const std::string& config_dir, const std::string& id, const std::string& by, bool json,
                   std::ostream& out, std::ostream& err) {
  auto config = Config::load(config_dir);
  std::int64_t file_id = 0;
  try {
    if (!id.empty() && (id[0] == 'F' || id[0] == 'f')) {
      file_id = std::stoll(id.substr(1));
    } else {
      auto exception_id = std::stoll(!id.empty() && (id[0] == 'E' || id[0] == 'e') ? id.substr(1) : id);
      auto index = open_index(config_dir);
      auto exception = index->exception(exception_id);
      if (!exception) throw std::runtime_error(fmt::format("no exception {}", exception_id));
      if (!exception->file_id) throw std::runtime_error(fmt::format("exception {} is about no file", exception_id));
      file_id = exception->file_id;
    }
  } catch (const std::logic_error&) {
    err << "edihub: '" << id << "' is neither an exception id (12 or E12) nor a file id (F12)\n";
    return 2;
  }
  auto clock = clock_from_environment();
  Pipeline pipeline(config, *clock, [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
  auto summary = pipeline.replay(file_id, by.empty() ? user_name() : by);
  if (json) out << dump_json(replay_json(file_id, summary), 2) << "\n";
  else out << replay_text(file_id, summary);
  return summary.exceptions.empty() ? 0 : 1;
}

int command_replay_open_exceptions(const std::string& config_dir, const ReplayOpenOptions& options, bool json,
                                   std::ostream& out, std::ostream& err) {
  auto config = Config::load(config_dir);
  // The files to replay, each once, in the order of their oldest matching exception.
  struct FileToReplay {
    std::int64_t file_id = 0;
    std::vector<std::int64_t> exceptions;
  };
  std::vector<FileToReplay> files;
  std::size_t matching = 0, skipped = 0;  // skipped: about no file, or about a file we sent
  {
    auto index = open_index(config_dir);
    auto open = index->exceptions(options.partner, "open");  // newest first
    std::map<std::int64_t, std::size_t> position;
    for (auto e = open.rbegin(); e != open.rend(); ++e) {
      if (!options.kind.empty() && e->kind != options.kind) continue;
      ++matching;
      auto file = e->file_id ? index->file(e->file_id) : std::nullopt;
      if (!file || file->direction == "out") {
        ++skipped;
        continue;
      }
      auto [at, added] = position.emplace(e->file_id, files.size());
      if (added) files.push_back({e->file_id, {}});
      files[at->second].exceptions.push_back(e->id);
    }
  }
  const std::string by = options.by.empty() ? user_name() : options.by;
  auto clock = clock_from_environment();
  Pipeline pipeline(config, *clock, [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
  RunSummary totals;
  std::size_t replayed = 0, failed = 0;
  ordered_json listed = ordered_json::array();
  std::string text;
  {
    Progress progress(err, "replaying", "files", files.size(), Progress::for_stream(err));
    for (const auto& f : files) {
      const std::string about = fmt::format(" (exception {})", fmt::join(f.exceptions, ", "));
      try {
        auto summary = pipeline.replay(f.file_id, by);
        ++replayed;
        totals.sets_delivered += summary.sets_delivered;
        totals.sets_failed += summary.sets_failed;
        totals.sets_dead_letter += summary.sets_dead_letter;
        totals.sets_rejected += summary.sets_rejected;
        totals.exceptions.insert(totals.exceptions.end(), summary.exceptions.begin(), summary.exceptions.end());
        auto j = replay_json(f.file_id, summary);
        j["for_exceptions"] = f.exceptions;
        listed.push_back(std::move(j));
        text += replay_text(f.file_id, summary, about);
      } catch (const std::exception& e) {  // e.g. a damaged raw object: the others go on
        ++failed;
        listed.push_back({{"replayed_file", f.file_id}, {"for_exceptions", f.exceptions}, {"error", e.what()}});
        text += fmt::format("F{}{} not replayed: {}\n", f.file_id, about, escape_controls(e.what()));
      }
      progress.advance();
    }
  }  // the progress line is done with before the results are printed
  if (json) {
    out << dump_json(ordered_json{{"open_exceptions", matching},
                                  {"skipped", skipped},
                                  {"files", listed},
                                  {"totals",
                                   {{"files_replayed", replayed},
                                    {"files_failed", failed},
                                    {"sets_delivered", totals.sets_delivered},
                                    {"sets_failed", totals.sets_failed},
                                    {"sets_dead_letter", totals.sets_dead_letter},
                                    {"sets_rejected", totals.sets_rejected},
                                    {"new_exceptions", totals.exceptions.size()}}}},
                     2)
        << "\n";
  } else {
    out << text;
    out << fmt::format(
        "replay --open-exceptions: {} open exception(s) matched, {} about no received file (skipped); {} file(s) "
        "replayed, {} not replayed; {} transaction set(s) delivered, {} failed, {} dead letter(s), {} rejected, "
        "{} new exception(s)\n",
        matching, skipped, replayed, failed, totals.sets_delivered, totals.sets_failed, totals.sets_dead_letter,
        totals.sets_rejected, totals.exceptions.size());
  }
  return failed == 0 && totals.exceptions.empty() ? 0 : 1;
}

}  // namespace edihub::hub
