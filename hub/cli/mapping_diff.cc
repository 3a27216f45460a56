// mapping diff: a partner's archived inbound transaction sets mapped again with the
// current profile and mapping files, compared with the ERP transactions archived then.
// Reads the index and the raw store; writes nothing to the archive and delivers nothing.
#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "archive/raw_store.h"
#include "formats/interchange_checker.h"
#include "formats/xml.h"
#include "hub/pipeline/archive_lookup.h"
#include "hub/cli/commands.h"
#include "hub/cli/progress.h"
#include "hub/config.h"
#include "hub/cli/json_changes.h"
#include "hub/pipeline/x12_file.h"
#include "hub/text_escape.h"

namespace edihub::hub {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// The partner's inbound sets that were mapped (delivered ones included), oldest first.
std::vector<archive::DocumentRow> archived_sets(const archive::Index& index, const MappingDiffOptions& o) {
  std::vector<archive::DocumentRow> rows;
  for (const char* status : {"mapped", "delivered"}) {
    archive::Query query;
    query.partner = o.partner;
    query.direction = "in";
    query.since = o.since;
    query.status = status;
    query.limit = -1;
    auto found = index.query(query);
    rows.insert(rows.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.set.id < b.set.id; });
  return rows;
}

// The ERP transactions the current configuration makes of the archived sets `rows` names
// (X12 rows only), each raw file streamed once and each wanted set mapped as its SE is
// read: by row index, the transaction or the error saying why it cannot be made.
struct Remapped {
  std::map<std::size_t, json> transactions;
  std::map<std::size_t, std::string> errors;
};

class SetRemapper : public x12::EnvelopeListener {
 public:
  SetRemapper(const partners::Profile& partner, const mapping::Lookup& lookup,
              std::map<std::string, std::size_t>& wanted, Remapped& out)
      : partner_(partner), lookup_(lookup), wanted_(wanted), out_(out) {}

  static std::string key(const std::string& isa13, const std::string& gs06, const std::string& st02,
                         const std::string& st01) {
    return isa13 + "\n" + gs06 + "\n" + st02 + "\n" + st01;
  }

  void take_transaction_set(const x12::InterchangeHeader& raw_h, const x12::GroupHeader& raw_g,
                            x12::TransactionSet&& set) override {
    // Mapped as the pipeline maps it: in UTF-8 from the partner's `encoding:`.
    x12::InterchangeHeader h = raw_h;
    x12::GroupHeader g = raw_g;
    const x12::Charset& charset = partner_.charset_of(raw_h);
    x12::decode_to_utf8(h, charset);
    x12::decode_to_utf8(g, charset);
    x12::decode_to_utf8(set, charset);
    auto row = wanted_.find(key(h.control_number, g.control_number, set.control_number, set.id));
    if (row == wanted_.end()) return;
    const std::size_t i = row->second;
    wanted_.erase(row);
    try {
      const auto* rule = partner_.mapping_for(set.id, g.version);
      if (!rule)
        throw std::runtime_error(fmt::format("{} version {}: no mapping for it in {} any more", set.id, g.version,
                                             partner_.file.filename().string()));
      mapping::Context context{&h, &g, partner_.id, &lookup_};
      out_.transactions[i] = rule->mapping->evaluate(set, context, partner_.code_tables).transaction;
    } catch (const std::exception& e) {
      out_.errors[i] = e.what();
    }
  }

 private:
  const partners::Profile& partner_;
  const mapping::Lookup& lookup_;
  std::map<std::string, std::size_t>& wanted_;
  Remapped& out_;
};

// `progress` counts the sets of each file once the file was read.
Remapped map_again(const std::vector<archive::DocumentRow>& rows, const partners::Profile& partner,
                   const archive::Index& index, const archive::RawStore& store, const mapping::Lookup& lookup,
                   Progress& progress) {
  std::map<std::int64_t, std::map<std::string, std::size_t>> by_file;  // wanted sets by file id
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& rec = rows[i].set;
    if (rec.first_segment != 0)
      by_file[rec.file_id][SetRemapper::key(rec.interchange_control, rec.group_control, rec.control_number, rec.type)] = i;
  }
  Remapped out;
  for (auto& [file_id, wanted] : by_file) {
    const std::size_t sets_in_file = wanted.size();
    try {
      auto record = index.file(file_id);
      if (!record) throw std::runtime_error(fmt::format("file F{} is not in the index", file_id));
      store.verify(record->sha256);  // a damaged raw object is never mapped
      SetRemapper remapper(partner, lookup, wanted, out);
      x12::InterchangeChecker checker(&remapper);
      stream_x12_file(store.path_of(record->sha256), checker);
      checker.finish();
    } catch (const std::exception& e) {
      for (const auto& [key, i] : wanted) out.errors[i] = e.what();
      progress.advance(sets_in_file);
      continue;
    }
    progress.advance(sets_in_file);
    for (const auto& [key, i] : wanted) {
      const auto& rec = rows[i].set;
      out.errors[i] = fmt::format("{} {} (ISA13 {}, GS06 {}) is no longer found in its archived file", rec.type,
                                  rec.control_number, rec.interchange_control, rec.group_control);
    }
  }
  return out;
}

// The same for an archived XML document (a set row without a first segment).
json map_again_xml(const partners::Profile& partner, std::string bytes, const mapping::Lookup& lookup) {
  auto doc = xml::parse(std::move(bytes));
  const auto* rule = partner.mapping_for_document(doc->standard, doc->type);
  if (!rule)
    throw std::runtime_error(fmt::format("XML {} {}: no mapping for it in {} any more", doc->standard, doc->type,
                                         partner.file.filename().string()));
  mapping::Context context{nullptr, nullptr, partner.id, &lookup};
  return rule->mapping->evaluate(*doc, context, partner.code_tables).transaction;
}

std::string describe(const archive::DocumentRow& row) {
  std::string text = fmt::format("F{} {} {}", row.set.file_id, row.set.type, row.set.control_number);
  if (!row.keys.empty()) text += fmt::format(" ({} {})", row.keys.front().first, row.keys.front().second);
  return text;
}

}  // namespace

int command_mapping_diff(const MappingDiffOptions& o, std::ostream& out, std::ostream& err) {
  std::optional<Config> config;
  try {
    config = Config::load(o.config_dir);
  } catch (const partners::ConfigError& e) {
    for (const auto& p : e.problems) err << p << "\n";
    err << e.problems.size() << " problem(s) in the configuration\n";
    return 2;
  }
  const auto* partner = config->partners.find(o.partner);
  if (!partner) {
    err << fmt::format("--partner {}: no such partner in {}/partners\n", o.partner, o.config_dir);
    return 2;
  }
  if (!std::filesystem::exists(config->index_file())) {
    err << fmt::format("no archive yet at {}: nothing to compare\n", config->archive_dir.string());
    return 2;
  }
  auto index = archive::Index::open(config->index_file());
  std::vector<archive::DocumentRow> rows;
  try {
    rows = archived_sets(*index, o);
  } catch (const std::invalid_argument& e) {
    err << "--since: " << e.what() << "\n";
    return 2;
  }
  archive::RawStore store(config->archive_dir);
  const auto lookup = archive_lookup(*index, partner->id);
  // The X12 sets are mapped file by file first, the XML documents one by one below.
  Progress progress(err, "mapping", "sets", rows.size(), Progress::for_stream(err));
  const Remapped remapped = map_again(rows, *partner, *index, store, lookup, progress);
  ordered_json documents = ordered_json::array();
  std::size_t changed = 0, unchanged = 0, errors = 0;
  std::string text;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    ordered_json doc{{"file_id", row.set.file_id},
                     {"set_id", row.set.id},
                     {"transaction_set", row.set.type},
                     {"control", row.set.control_number},
                     {"key", row.keys.empty() ? ordered_json() : ordered_json{{"name", row.keys.front().first},
                                                                               {"value", row.keys.front().second}}}};
    std::string line = describe(row) + ": ";
    try {
      json now;
      if (row.set.first_segment == 0) {
        auto record = index->file(row.set.file_id);
        if (!record) throw std::runtime_error(fmt::format("file F{} is not in the index", row.set.file_id));
        now = map_again_xml(*partner, store.read(record->sha256), lookup);
      } else if (auto error = remapped.errors.find(i); error != remapped.errors.end()) {
        throw std::runtime_error(error->second);
      } else {
        now = remapped.transactions.at(i);
      }
      auto archived = index->mapped_output(row.set.id);
      if (!archived) throw std::runtime_error("no mapped output archived for it");
      auto changes = json_changes(json::parse(*archived).at("transaction"), now);
      ordered_json listed = ordered_json::array();
      for (const auto& c : changes)
        listed.push_back({{"op", std::string(1, c.op)}, {"path", c.path}, {"before", c.before}, {"after", c.after}});
      doc["status"] = changes.empty() ? "unchanged" : "changed";
      doc["changes"] = listed;
      ++(changes.empty() ? unchanged : changed);
      line += changes.empty() ? "unchanged\n" : fmt::format("{} change(s)\n", changes.size());
      for (const auto& c : changes) line += "  " + change_line(c) + "\n";
    } catch (const std::exception& e) {  // mapping errors, unreadable raw files
      doc["status"] = "error";
      doc["error"] = e.what();
      ++errors;
      line += fmt::format("error: {}\n", e.what());
    }
    documents.push_back(std::move(doc));
    if (row.set.first_segment == 0) progress.advance();
    text += line;
  }
  // Printed once the progress line is done with, not through it.
  progress.finish();
  if (!o.json) out << text;
  if (o.json)
    out << dump_json(ordered_json{{"partner", partner->id},
                        {"documents", documents},
                        {"totals", {{"documents", rows.size()}, {"changed", changed}, {"unchanged", unchanged}, {"errors", errors}}}}, 2)
        << "\n";
  else
    out << fmt::format("{} document(s): {} changed, {} unchanged, {} error(s)\n", rows.size(), changed, unchanged, errors);
  return changed || errors ? 1 : 0;
}

}  // namespace edihub::hub
