// edihub archive rebuild: a new index from the raw store and whatever of the old index is
// still readable. Rows of the old index are kept as they were (a delivered set stays
// delivered); raw objects no recovered row refers to get rows derived from their content,
// with status `recovered` so nothing is processed, delivered or sent again on its own; the
// outbound control counters are raised past every number found in what we sent.
#include <unistd.h>

#include <map>

#include <fmt/format.h>

#include "archive/index.h"
#include "archive/lock.h"
#include "archive/raw_store.h"
#include "archive/rebuild.h"
#include "archive/sha256.h"
#include "formats/business_keys.h"
#include "formats/parsed_file.h"
#include "formats/x12_reader.h"
#include "formats/xml.h"
#include "hub/clock.h"
#include "hub/cli/commands.h"
#include "hub/config.h"
#include "hub/pipeline/pipeline.h"
#include "hub/pipeline/sent_control_numbers.h"

namespace edihub::hub {

namespace fs = std::filesystem;

namespace {

// Rows for one raw object no row refers to; returns a short description of what it is.
class Reindexer {
 public:
  Reindexer(const Config& config, archive::Index& index, std::string now)
      : config_(config), index_(index), now_(std::move(now)) {}

  // `claim`: the claim in incoming/ that holds these bytes, if any: the row takes it over
  // (with the file's name and ERP direction), so the next run neither receives the claim
  // again as a new file nor stops watching it (docs/receiving.md).
  std::string add(const std::string& sha256, const std::string& bytes, const std::string& claim = "") {
    archive::FileRecord file;
    file.sha256 = sha256;
    file.size = bytes.size();
    file.channel = "recovered";
    file.source_name = "recovered-" + sha256.substr(0, 12);
    if (const auto name = claim.find("__"); name != std::string::npos) {
      file.claim = claim;
      file.source_name = claim.substr(name + 2);
    }
    file.received_at = now_;
    file.status = archive::FileStatus::recovered;
    file.source_removed = true;
    if (xml::looks_like_xml(bytes)) return add_xml(file, bytes);
    x12::ParsedFile parsed;
    try {
      parsed = x12::parse_bytes(bytes);
    } catch (const x12::UnusableInput&) {
    }
    if (!parsed.interchanges.empty()) return add_x12(file, parsed);
    if (claim.substr(0, claim.find('/')).ends_with("+erp") ||
        (bytes.find_first_not_of(" \t\r\n") < bytes.size() && bytes[bytes.find_first_not_of(" \t\r\n")] == '{')) {
      file.direction = "erp";  // the ERP's documents are JSON
      record(file, "an ERP document (JSON)");
      return "ERP document (JSON)";
    }
    record(file, "neither X12, XML nor JSON (e.g. an AS2 MDN)");
    return "other";
  }

  // Interchange, group and set rows for the interchanges of `file` the index does not hold
  // (by sender, ISA13 and content), so that the same interchange dropped again is a
  // duplicate. A set whose idempotency key is known keeps its row and status (delivered
  // stays delivered); a new one is `recovered`. Returns the interchanges added.
  std::size_t add_envelopes(const archive::FileRecord& file, const x12::ParsedFile& parsed) {
    std::size_t added = 0;
    for (const auto& interchange : parsed.interchanges) {
      const auto& ih = interchange.header;
      bool known = false;
      for (const auto& e : index_.find_interchanges(ih.sender_qualifier, ih.sender_id, ih.control_number))
        known = known || e.content_sha256 == file.sha256;
      if (known) continue;
      ++added;
      archive::InterchangeRecord ir{0, file.id, file.partner, ih.sender_qualifier, ih.sender_id,
                                    ih.receiver_qualifier, ih.receiver_id, ih.control_number, ih.version,
                                    ih.date, ih.time, file.sha256, file.direction};
      ir.id = index_.add_interchange(ir);
      for (const auto& group : interchange.groups) {
        const auto& g = group.header;
        archive::GroupRecord gr{0, ir.id, g.functional_id, g.sender, g.receiver, g.control_number, g.version,
                                file.direction};
        gr.id = index_.add_group(gr);
        for (std::size_t s = 0; s < group.sets.size(); ++s) {
          std::string key = idempotency_key(file.partner, ih.control_number, g.control_number, group.sets[s].control_number);
          if (file.direction == "out") key = "recovered/" + file.sha256.substr(0, 12) + "/" + key;
          if (index_.transaction_set_by_key(key)) continue;
          auto rec = set_record(file.id, ir.id, gr.id, file.partner, ih, group.header, group.sets[s], now_, file.direction);
          rec.status = archive::SetStatus::recovered;
          rec.idempotency_key = key;
          const auto set_id = index_.add_transaction_set(rec);
          for (const auto& [name, value] : x12::builtin_business_keys(group.sets[s])) index_.add_business_key(set_id, name, value);
        }
      }
    }
    return added;
  }

 private:
  std::string add_xml(archive::FileRecord& file, const std::string& bytes) {
    try {
      auto doc = xml::parse(bytes);
      if (const auto* partner = config_.partners.resolve_party(doc->senders)) file.partner = partner->id;
      record(file, fmt::format("XML {} {}", doc->type, doc->document_id));
    } catch (const xml::XmlError& e) {
      record(file, std::string("unreadable XML: ") + e.what());
    }
    return fmt::format("XML {}", file.partner.empty() ? "of no known partner" : "of " + file.partner);
  }

  // The sender names the partner of a file we received; the receiver the partner of one we sent.
  std::string add_x12(archive::FileRecord& file, const x12::ParsedFile& parsed) {
    const auto& first = parsed.interchanges.front();
    const std::string gs02 = first.groups.empty() ? "" : first.groups.front().header.sender;
    const std::string gs03 = first.groups.empty() ? "" : first.groups.front().header.receiver;
    const auto& h = first.header;
    const partners::Profile* partner = config_.partners.resolve(h, gs02);
    if (!partner && (partner = config_.partners.resolve(h.standard, h.receiver_qualifier, h.receiver_id, gs03))) file.direction = "out";
    if (partner) file.partner = partner->id;
    record(file, fmt::format("X12 interchange {} from {}:{} to {}:{}", h.control_number, h.sender_qualifier,
                             h.sender_id, h.receiver_qualifier, h.receiver_id));
    add_envelopes(file, parsed);
    return fmt::format("{} X12 {} {}", file.direction == "out" ? "outbound" : "inbound",
                       file.direction == "out" ? "to" : "from", file.partner.empty() ? "no known partner" : file.partner);
  }

  void record(archive::FileRecord& file, const std::string& what) {
    file.id = index_.add_file(file);
    index_.add_event({0, file.id, 0, now_, "recovered",
                      fmt::format("re-indexed from raw object {} by archive rebuild: {}; not processed (replay it to "
                                  "process it again)", file.sha256, what)});
  }

  const Config& config_;
  archive::Index& index_;
  std::string now_;
};

void remove_with_companions(const fs::path& db) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
}

}  // namespace

int command_archive_rebuild(const std::string& config_dir, std::ostream& out, std::ostream& err) {
  std::optional<Config> config;
  std::optional<archive::ArchiveLock> lock;
  try {
    config.emplace(Config::load(config_dir));
    lock.emplace(config->archive_dir);
  } catch (const std::exception& e) {
    err << "edihub archive rebuild: cannot rebuild: " << e.what()
        << (lock ? "" : " (stop `edihub serve` and any `edihub run` on this archive first)") << "\n";
    return 2;
  }
  const auto clock = clock_from_environment();
  const std::string iso_now = clock->iso_now();
  const fs::path index_file = config->index_file();
  const fs::path built = index_file.string() + fmt::format(".rebuild-{}", ::getpid());
  remove_with_companions(built);
  try {
    archive::Index::open(built).reset();  // the current schema
    auto tables = archive::salvage_index(index_file, built);
    out << "old index " << index_file.string() << (fs::exists(index_file) ? "" : ": missing") << "\n";
    out << "rows recovered per table:\n";
    for (const auto& t : tables) {
      out << fmt::format("  {:<18} {:>8} recovered", t.table, t.recovered);
      if (t.lost) out << fmt::format(", {} lost", t.lost);
      if (t.references_cleared) out << fmt::format(", {} references to lost rows cleared", t.references_cleared);
      out << "\n";
      for (const auto& note : t.notes) out << "      " << note << "\n";
    }

    auto index = archive::Index::open(built);
    archive::RawStore store(config->archive_dir);
    std::map<std::string, std::size_t> reindexed;
    std::vector<std::string> damaged;
    // Received files stay claimed in incoming/ while they are watched for later writes.
    std::multimap<std::string, std::string> claims;  // sha256 -> claim
    for (const auto& claim : store.pending_claims()) {
      try {
        claims.emplace(archive::sha256_file(store.claim_path(claim)), claim);
      } catch (const std::exception&) {
        // Gone meanwhile, or unreadable: the next run's claim recovery deals with it.
      }
    }
    {
      archive::Index::Transaction tx(*index);
      Reindexer reindexer(*config, *index, iso_now);
      for (const auto& object : archive::list_raw_objects(config->archive_dir)) {
        if (!archive::is_sha256_hex(object.name) || index->refers_to_object(object.name)) continue;
        try {
          const std::string bytes = store.read(object.name);
          auto [first, last] = claims.equal_range(object.name);
          if (first == last) ++reindexed[reindexer.add(object.name, bytes)];
          for (auto it = first; it != last; ++it) ++reindexed[reindexer.add(object.name, bytes, it->second)];
        } catch (const archive::IntegrityError& e) {
          damaged.push_back(e.what());
        }
      }
      tx.commit();
    }
    // Surviving file rows whose interchange rows were lost get them back from their content.
    std::size_t envelopes = 0;
    {
      archive::Index::Transaction tx(*index);
      Reindexer reindexer(*config, *index, iso_now);
      for (const char* direction : {"in", "out"})
        for (const auto& file : index->files_in_direction(direction)) {
          if (file.status == archive::FileStatus::received || file.status == archive::FileStatus::exception ||
              file.channel == "recovered")
            continue;
          try {
            auto bytes = store.read(file.sha256);
            if (xml::looks_like_xml(bytes)) continue;
            envelopes += reindexer.add_envelopes(file, x12::parse_bytes(bytes));
          } catch (const std::exception&) {
            // Missing, damaged or not X12: nothing to derive (verify reports the first two).
          }
        }
      tx.commit();
    }
    out << "interchange rows restored from the content of surviving file rows: " << envelopes << "\n";
    std::size_t total = 0;
    for (const auto& [what, count] : reindexed) total += count;
    out << "raw objects re-indexed (no row referred to them; status recovered, not processed): " << total << "\n";
    for (const auto& [what, count] : reindexed) out << fmt::format("  {:>6}  {}\n", count, what);
    for (const auto& line : damaged) out << "  not re-indexed: " << line << "\n";

    SentControlNumbers sent;
    for (const auto& file : index->files_in_direction("out")) {
      try {
        sent.add(file, store.read(file.sha256));
      } catch (const std::exception& e) {
        out << fmt::format("  F{} ({}): not read for control numbers: {}\n", file.id, file.source_name, e.what());
      }
    }
    std::map<std::pair<std::string, std::string>, std::uint64_t> before;
    for (const auto& c : index->control_counters()) before[{c.partner, c.kind}] = c.next;
    out << "control counters (next number to send):\n";
    {
      archive::Index::Transaction tx(*index);
      for (const auto& [key, number] : sent.highest()) {
        const auto& [partner, kind] = key;
        auto after = index->raise_control_counter(partner, kind, number.value + 1);
        auto was = before.find(key);
        out << fmt::format("  {} {} {} (highest {} sent: {} in F{}; {})\n", partner, kind, after, control_element(kind),
                           number.value, number.file_id,
                           was == before.end() ? "counter was lost" : fmt::format("counter was {}", was->second));
      }
      tx.commit();
    }
    for (const auto& c : index->control_counters())
      if (!sent.highest().count({c.partner, c.kind}))
        out << fmt::format("  {} {} {} (kept from the old index)\n", c.partner, c.kind, c.next);
    index.reset();

    const std::string stamp = x12_utc(clock->now(), "%Y%m%dT%H%M%SZ");
    auto kept = archive::replace_index(built, index_file, stamp);
    if (!kept.empty()) out << "old index kept as " << kept.string() << "\n";
    out << "new index " << index_file.string() << "\n";
  } catch (const std::exception& e) {
    remove_with_companions(built);
    err << "edihub archive rebuild: " << e.what() << " (the old index was left as it was)\n";
    return 2;
  }
  return 0;
}

}  // namespace edihub::hub
