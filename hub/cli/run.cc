// check and run: commands that load the configuration folder.
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hub/cli/commands.h"
#include "hub/config.h"
#include "hub/pipeline/pipeline.h"
#include "hub/text_escape.h"
#include "transports/erp_postgres.h"

namespace edihub::hub {

namespace {

void print_problems(const partners::ConfigError& e, std::ostream& err) {
  for (const auto& p : e.problems) err << p << "\n";
  err << e.problems.size() << " problem(s) in the configuration\n";
}

std::optional<std::string> first_key(const std::vector<archive::DocumentRow>& rows, const std::string& name) {
  for (const auto& row : rows)
    for (const auto& [key, value] : row.keys)
      if (key == name && row.set.status == archive::SetStatus::delivered) return value;
  return std::nullopt;
}

// Suggestions that use what this run actually archived, so they return rows.
void print_next_steps(const Config& config, const std::string& config_dir, std::ostream& out) {
  auto index = archive::Index::open(config.index_file());
  archive::Query q;
  q.limit = 50;
  auto rows = index->query(q);
  out << "\nTry next:\n";
  out << fmt::format("  edihub archive query --config {} --type 856\n", config_dir);
  if (auto po = first_key(rows, "po_number"))
    out << fmt::format("  edihub archive query --config {} --key po_number={}\n", config_dir, *po);
  if (!rows.empty()) {
    out << fmt::format("  edihub archive query --config {} --control {}\n", config_dir, rows.front().set.interchange_control);
    out << fmt::format("  edihub archive show --config {} {}\n", config_dir, rows.front().set.id);
  }
  out << fmt::format("  edihub exceptions --config {}\n", config_dir);
}

}  // namespace

int command_check(const std::string& config_dir, bool json, std::ostream& out, std::ostream& err) {
  try {
    auto config = Config::load(config_dir);
    if (json) {
      nlohmann::json partners = nlohmann::json::array();
      for (const auto& p : config.partners.profiles()) {
        nlohmann::json mappings = nlohmann::json::array();
        for (const auto& m : p.mappings)
          mappings.push_back({{"transaction_set", m.transaction_set}, {"versions", m.versions}, {"document", m.document},
                              {"standard", m.standard}, {"file", m.file.lexically_relative(config.dir).string()},
                              {"target", m.mapping->target()}});
        partners.push_back({{"id", p.id}, {"name", p.name}, {"mappings", mappings}});
      }
      out << dump_json(nlohmann::json{{"valid", true}, {"partners", partners}, {"problems", nlohmann::json::array()}}, 2) << "\n";
      return 0;
    }
    size_t rules = 0;
    for (const auto& p : config.partners.profiles()) rules += p.mappings.size();
    out << fmt::format("{}: configuration OK: {} partner(s), {} mapping rule(s)\n", config_dir,
                       config.partners.profiles().size(), rules);
    for (const auto& p : config.partners.profiles()) {
      out << fmt::format("  {} ({}):", p.id, p.name);
      for (const auto& id : p.identities) out << " " << id.text();
      for (const auto& m : p.mappings)
        out << fmt::format("; {} -> {}", m.document.empty() ? m.transaction_set : m.standard + " " + m.document,
                           m.mapping->target());
      out << "\n";
    }
    return 0;
  } catch (const partners::ConfigError& e) {
    if (json) out << dump_json(nlohmann::json{{"valid", false}, {"problems", e.problems}}, 2) << "\n";
    print_problems(e, err);
    return 1;
  }
}

int command_run_once(const std::string& config_dir, bool json, std::ostream& out, std::ostream& err) {
  std::optional<Config> config;
  try {
    config = Config::load(config_dir);
  } catch (const partners::ConfigError& e) {
    print_problems(e, err);
    return 2;
  }
  auto clock = clock_from_environment();
  RunSummary summary;
  {
    Pipeline pipeline(*config, *clock, [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
    summary = pipeline.run_once();
  }
  if (json) {
    nlohmann::json partners = nlohmann::json::object();
    for (const auto& [id, c] : summary.partners)
      partners[id] = {{"files", c.files},           {"delivered", c.delivered},  {"failed", c.failed},
                      {"dead_letters", c.dead_letters}, {"exceptions", c.exceptions}};
    nlohmann::json exceptions = nlohmann::json::array();
    for (const auto& e : summary.exceptions)
      exceptions.push_back({{"id", e.id}, {"partner", e.partner}, {"kind", e.kind}, {"reason", e.reason}});
    out << dump_json(nlohmann::json{{"files_received", summary.files_received}, {"files_processed", summary.files_processed},
                          {"duplicates", summary.duplicates},         {"sets_delivered", summary.sets_delivered},
                          {"sets_failed", summary.sets_failed},       {"sets_dead_letter", summary.sets_dead_letter},
                          {"sets_rejected", summary.sets_rejected},   {"sets_held", summary.sets_held},
                          {"business_duplicates", summary.business_duplicates},
                          {"sets_delivery_pending", summary.sets_delivery_pending},
                          {"acks_sent", summary.acks_sent},           {"acks_reconciled", summary.acks_reconciled},
                          {"documents_sent", summary.documents_sent}, {"acks_overdue", summary.acks_overdue},
                          {"partners", partners},                     {"exceptions", exceptions}}, 2)
        << "\n";
    return 0;
  }
  out << fmt::format("edihub run: {} file(s) received, {} processed ({} duplicate(s)); "
                     "{} transaction set(s) delivered, {} failed, {} dead letter(s), {} rejected, {} held, "
                     "{} duplicate shipment(s) or invoice(s); "
                     "{} acknowledgment(s) sent, {} reconciled, {} overdue; {} document(s) sent; {} new exception(s)\n",
                     summary.files_received, summary.files_processed, summary.duplicates, summary.sets_delivered,
                     summary.sets_failed, summary.sets_dead_letter, summary.sets_rejected, summary.sets_held,
                     summary.business_duplicates, summary.acks_sent,
                     summary.acks_reconciled, summary.acks_overdue, summary.documents_sent, summary.exceptions.size());
  for (const auto& [id, c] : summary.partners)
    out << fmt::format("  {:<16} {} file(s), {} delivered, {} failed, {} dead letter(s), {} exception(s)\n",
                       id.empty() ? "(no partner)" : id, c.files, c.delivered, c.failed, c.dead_letters, c.exceptions);
  for (const auto& e : summary.exceptions) {
    std::string reason = escape_controls_keep_lines(e.reason);
    for (size_t at = reason.find('\n'); at != std::string::npos; at = reason.find('\n', at + 3)) reason.insert(at + 1, "  ");
    out << fmt::format("  exception {} [{}] {}: {}\n", e.id, e.partner, e.kind, reason);
  }
  print_next_steps(*config, config_dir, out);
  return 0;
}

int command_erp_init_db(const std::string& config_dir, std::ostream& out, std::ostream& err) {
  auto config = Config::load(config_dir);
  int created = 0;
  for (const auto& partner : config.partners.profiles()) {
    if (!partner.erp_postgres) continue;
    const auto& pg = *partner.erp_postgres;
    try {
      transports::PostgresSink({pg.conninfo, pg.schema, pg.table, pg.statement_timeout, pg.connect_timeout}).init_db();
    } catch (const std::exception& e) {
      err << fmt::format("{}: {}.{}: {}\n", partner.id, pg.schema, pg.table, e.what());
      return 1;
    }
    out << fmt::format("{}: staging table {}.{} ready\n", partner.id, pg.schema, pg.table);
    ++created;
  }
  if (!created) out << "no partner delivers to PostgreSQL (erp.postgres); nothing to do\n";
  return 0;
}

}  // namespace edihub::hub
