#include "hub/cli/cli.h"

#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "hub/clock.h"
#include "hub/cli/commands.h"
#include "hub/cli/document_timeline.h"
#include "hub/service/service.h"

namespace edihub::hub {

int run_cli(int argc, char** argv) {
  CLI::App app{"edihub: B2B partner integration hub (X12 in, ERP transactions out)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "edihub " EDIHUB_VERSION);

  std::string file, config_dir;
  bool segments = false, json = false, once = false;
  // Every list command pages the same way (hub/cli/paging.h).
  auto add_page_options = [](CLI::App* list, PageOptions& page, const char* noun) {
    list->add_option("--limit", page.limit, fmt::format("At most this many {} (default {})", noun, page.limit))
        ->check(CLI::Range(1, 1000000));
    list->add_option("--offset", page.offset, "Skip this many first (the next page: the offset the output names)")
        ->check(CLI::NonNegativeNumber);
  };

  auto* parse = app.add_subcommand("parse", "Print the segments of an X12 file, one per line");
  parse->add_option("FILE", file, "X12 file")->required();
  parse->add_flag("--segments", segments, "One segment per line: elements '*', components ':', repetitions '^'");

  ValidateOptions validation;
  auto* validate = app.add_subcommand(
      "validate", "Validate an X12 file's envelopes and transaction sets against their schemas (exit 0 valid, 1 invalid, 2 unusable)");
  validate->add_option("FILE", validation.file, "X12 file")->required();
  validate->add_flag("--json", validation.json, "Print the result as JSON");
  validate->add_option("--ack", validation.ack, "Print the acknowledgment instead (numbered 1: a preview)")
      ->check(CLI::IsMember({"997", "999", "ta1"}));
  validate->add_option("--config", validation.config_dir, "Config folder: apply the sending partner's tightened schemas");

  ExplainOptions explain_options;
  auto* explain = app.add_subcommand(
      "explain", "Every segment of an X12 file with segment and element names, code meanings and loops (exit 2 unusable)");
  explain->add_option("FILE", explain_options.file, "X12 file")->required();
  explain->add_flag("--json", explain_options.json, "One JSON array, a segment per line");
  explain->add_option("--config", explain_options.config_dir, "Config folder: place segments by the sending partner's schemas");

  auto* check = app.add_subcommand("check", "Validate edihub.yaml, partner profiles and mapping files");
  check->add_option("--config", config_dir, "Config folder")->required();
  check->add_flag("--json", json, "Print the result as JSON");

  auto* run = app.add_subcommand("run", "Poll every partner, process, deliver");
  run->add_option("--config", config_dir, "Config folder")->required();
  run->add_flag("--once", once, "One pass, then exit")->required();
  run->add_flag("--json", json, "Print the summary as JSON");

  auto* serve_cmd = app.add_subcommand("serve", "Run as a service: scheduled polls, housekeeping, /healthz, JSON logs (SIGTERM stops, SIGHUP reloads)");
  serve_cmd->add_option("--config", config_dir, "Config folder")->required();

  auto* archive = app.add_subcommand("archive", "Query, verify or rebuild the archive");
  archive->require_subcommand(1);
  QueryOptions query;
  auto* q = archive->add_subcommand("query", "List archived transaction sets, newest first");
  q->add_option("--config", config_dir, "Config folder")->required();
  q->add_option("--partner", query.partner, "Partner id");
  q->add_option("--type", query.type, "Transaction set, e.g. 856");
  q->add_option("--since", query.since, "Received at or after (ISO 8601, e.g. 2026-11-27 or 2026-11-27T10:00)");
  q->add_option("--until", query.until, "Received before (ISO 8601)");
  q->add_option("--control", query.control, "ISA13, GS06 or ST02 control number");
  q->add_option("--key", query.key, "Business key NAME=VALUE, e.g. po_number=4500012345");
  q->add_option("--status", query.status, "received, mapped, delivered, failed, rejected, queued, sent, reconciled");
  q->add_option("--direction", query.direction, "in (from partners) or out (acks and documents we sent)")
      ->check(CLI::IsMember({"in", "out"}));
  add_page_options(q, query.page, "rows");
  q->add_flag("--json", json, "Print JSON");

  ShowOptions show;
  auto* s = archive->add_subcommand("show", "Show one transaction set (ID) or file (F<ID>)");
  s->add_option("--config", config_dir, "Config folder")->required();
  s->add_option("ID", show.id, "Transaction set id, or F<id> for a file")->required();
  auto* parts = s->add_option_group("part", "Show only one part");
  parts->add_flag("--raw", show.raw, "The raw document");
  parts->add_flag("--mapped", show.mapped, "The mapped ERP transaction");
  parts->add_flag("--events", show.events, "The events");
  parts->add_flag("--mdn", show.mdn, "The AS2 MDNs of a file (F<ID>): the one we sent for it, or the partner's for ours");
  parts->require_option(0, 1);
  s->add_flag("--json", json, "Print JSON");

  auto* verify = archive->add_subcommand(
      "verify", "Check the index, re-hash every raw object, cross-check them and the control counters (exit 0 sound, 1 problems, 2 cannot run); read-only");
  verify->add_option("--config", config_dir, "Config folder")->required();
  verify->add_flag("--json", json, "Print JSON");
  auto* rebuild = archive->add_subcommand(
      "rebuild", "Build a new index from the raw store and what is readable of the old one (the old one is kept aside)");
  rebuild->add_option("--config", config_dir, "Config folder")->required();

  ExceptionsOptions exc;
  auto* e = app.add_subcommand("exceptions", "List the exception queue; resolve or ignore an exception");
  e->add_option("--config", config_dir, "Config folder")->required();
  e->add_option("--partner", exc.partner, "Partner id");
  e->add_option("--state", exc.state, "open (default), resolved, ignored, all");
  add_page_options(e, exc.page, "exceptions");
  e->add_flag("--json", json, "Print JSON");
  e->fallthrough();  // --config and --json may follow resolve/ignore
  CloseExceptionOptions closing;
  for (const char* state : {"resolved", "ignored"}) {
    auto* c = e->add_subcommand(state[0] == 'r' ? "resolve" : "ignore",
                                state[0] == 'r' ? "Mark an exception resolved (the cause was fixed)"
                                                : "Mark an exception ignored (nothing to do)");
    c->add_option("ID", closing.id, "Exception id")->required();
    c->add_option("--note", closing.note, "Why (kept with the exception)")->required();
    c->add_option("--by", closing.by, "Who (default: $USER)");
    c->callback([&closing, state] { closing.state = state; });
  }

  DocumentOptions document_options;
  auto* document = app.add_subcommand(
      "document", "One purchase order, shipment or invoice end to end: its timeline and, for an order, its lines");
  document->add_option("DOCUMENT", document_options.document, kDocumentForms)->required();
  document->add_option("--config", config_dir, "Config folder")->required();
  document->add_option("--partner", document_options.partner, "Partner id (default: every partner with the document)");
  document->add_flag("--json", json, "Print JSON");

  OrdersOptions orders_options;
  auto* orders = app.add_subcommand("orders", "List the purchase orders the hub knows, newest first; import one");
  orders->add_option("--config", config_dir, "Config folder")->required();
  orders->add_option("--partner", orders_options.partner, "Partner id");
  orders->add_option("--state", orders_options.state,
                     "open, acknowledged, partially_shipped, shipped, over_shipped, invoiced, closed");
  add_page_options(orders, orders_options.page, "orders");
  orders->add_flag("--json", json, "Print JSON");
  orders->fallthrough();  // --config and --json may follow import
  OrdersImportOptions import_options;
  auto* import = orders->add_subcommand(
      "import", "Record an order the ERP placed another way (its purchase_order JSON): archived, not sent");
  import->add_option("FILE", import_options.file, "The ERP's purchase_order JSON")->required();
  import->add_option("--partner", import_options.partner, "The partner the order was placed with")->required();

  StatusOptions status_options;
  auto* status = app.add_subcommand(
      "status", "Per partner: orders not acknowledged, ASNs missing, mismatches, ERP deliveries and acknowledgments waiting");
  status->add_option("--config", config_dir, "Config folder")->required();
  status->add_option("--partner", status_options.partner, "Partner id");
  status->add_flag("--json", json, "Print JSON");

  AcksOptions acks_options;
  auto* acks = app.add_subcommand("acks", "Acknowledgments awaited for what we sent, and their state");
  acks->add_option("--config", config_dir, "Config folder")->required();
  acks->add_option("--partner", acks_options.partner, "Partner id");
  acks->add_flag("--overdue", acks_options.overdue, "Only those past their deadline");
  add_page_options(acks, acks_options.page, "rows");
  acks->add_flag("--json", json, "Print JSON");

  PageOptions alerts_page;
  auto* alerts = app.add_subcommand("alerts", "Alert notifications (e-mail, webhook): newest first, sent, pending or failed");
  alerts->add_option("--config", config_dir, "Config folder")->required();
  add_page_options(alerts, alerts_page, "notifications");
  alerts->add_flag("--json", json, "Print JSON");

  auto* erp = app.add_subcommand("erp", "ERP sink administration");
  erp->require_subcommand(1);
  auto* init_db = erp->add_subcommand("init-db", "Create the PostgreSQL staging tables of every partner with erp.postgres");
  init_db->add_option("--config", config_dir, "Config folder")->required();

  std::string replay_id;
  bool replay_open = false;
  ReplayOpenOptions replay_options;
  auto* replay = app.add_subcommand(
      "replay", "Re-run an archived file (or the file of every open exception matching) through the current profiles and mappings");
  auto* replay_id_option = replay->add_option("ID", replay_id, "Exception id (12 or E12) or file id (F12)");
  auto* replay_open_flag = replay->add_flag("--open-exceptions", replay_open,
                                            "Replay the file of every open exception (each file once), with progress")
                               ->excludes(replay_id_option);
  replay->add_option("--partner", replay_options.partner, "With --open-exceptions: this partner's only")->needs(replay_open_flag);
  replay->add_option("--kind", replay_options.kind, "With --open-exceptions: this kind only, e.g. mapping_error")
      ->needs(replay_open_flag);
  replay->add_option("--config", config_dir, "Config folder")->required();
  replay->add_option("--by", replay_options.by, "Who (default: $USER)");
  replay->add_flag("--json", json, "Print JSON");
  replay->callback([&] {
    if (replay_id.empty() && !replay_open) throw CLI::RequiredError("ID or --open-exceptions");
  });

  auto* mapping = app.add_subcommand("mapping", "Try mapping files: on one document, or on the archive before a change goes live");
  mapping->require_subcommand(1);
  MappingRunOptions map_run;
  auto* mrun = mapping->add_subcommand(
      "run", "Evaluate one mapping file on one document (exit 0 all mapped, 1 a mapping error, 2 unusable input)");
  mrun->add_option("--config", map_run.config_dir, "Config folder (code tables, archive for lookups)")->required();
  mrun->add_option("MAPPING", map_run.mapping, "Mapping file (inbound or outbound)")->required();
  mrun->add_option("FILE", map_run.file, "X12 document (inbound mapping) or ERP JSON (outbound mapping)")->required();
  mrun->add_option("--partner", map_run.partner, "Partner whose code tables and delimiters apply (default: the X12 sender's)");
  mrun->add_flag("--json", map_run.json, "Print JSON");

  MappingDiffOptions map_diff;
  auto* mdiff = mapping->add_subcommand(
      "diff", "Map a partner's archived documents again with the current mappings and show what would change (exit 0 nothing)");
  mdiff->add_option("--config", map_diff.config_dir, "Config folder")->required();
  mdiff->add_option("--partner", map_diff.partner, "Partner id")->required();
  mdiff->add_option("--since", map_diff.since, "Received at or after (ISO 8601)");
  mdiff->add_flag("--json", map_diff.json, "Print JSON");

  auto* partner = app.add_subcommand("partner", "Partner onboarding");
  partner->require_subcommand(1);
  PartnerNewOptions partner_new;
  auto* pnew = partner->add_subcommand(
      "new", "Write a partner profile, mappings and folders from a sample document, then check the config");
  pnew->add_option("--config", partner_new.config_dir, "Config folder")->required();
  pnew->add_option("--from-sample", partner_new.sample, "A document the partner sent (X12)")->required();
  pnew->add_option("--id", partner_new.id, "Partner id (default: from the sender id)");
  pnew->add_option("--name", partner_new.name, "Partner name (default: the id)");
  pnew->add_flag("--dry-run", partner_new.dry_run, "Print what would be written; write nothing");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& err) {
    return app.exit(err) == 0 ? 0 : 2;
  }

  try {
    if (*parse) return command_parse(file, std::cout, std::cerr);
    if (*validate) return command_validate(validation, std::cout, std::cerr);
    if (*explain) return command_explain(explain_options, std::cout, std::cerr);
    if (*check) return command_check(config_dir, json, std::cout, std::cerr);
    if (*run) return command_run_once(config_dir, json, std::cout, std::cerr);
    if (*serve_cmd) return serve(config_dir, *clock_from_environment());
    if (*q) return command_archive_query(config_dir, query, json, std::cout, std::cerr);
    if (*s) return command_archive_show(config_dir, show, json, std::cout, std::cerr);
    if (*verify) return command_archive_verify(config_dir, json, std::cout, std::cerr);
    if (*rebuild) return command_archive_rebuild(config_dir, std::cout, std::cerr);
    if (!closing.state.empty()) return command_close_exception(config_dir, closing, json, std::cout, std::cerr);
    if (*e) return command_exceptions(config_dir, exc, json, std::cout, std::cerr);
    if (*document) return command_document(config_dir, document_options, json, std::cout, std::cerr);
    if (*import) return command_orders_import(config_dir, import_options, json, std::cout, std::cerr);
    if (*orders) return command_orders(config_dir, orders_options, json, std::cout, std::cerr);
    if (*status) return command_status(config_dir, status_options, json, std::cout, std::cerr);
    if (*acks) return command_acks(config_dir, acks_options, json, std::cout, std::cerr);
    if (*alerts) return command_alerts(config_dir, alerts_page, json, std::cout, std::cerr);
    if (*init_db) return command_erp_init_db(config_dir, std::cout, std::cerr);
    if (*mrun) return command_mapping_run(map_run, std::cout, std::cerr);
    if (*mdiff) return command_mapping_diff(map_diff, std::cout, std::cerr);
    if (*pnew) return command_partner_new(partner_new, std::cout, std::cerr);
    if (*replay && replay_open) return command_replay_open_exceptions(config_dir, replay_options, json, std::cout, std::cerr);
    if (*replay) return command_replay(config_dir, replay_id, replay_options.by, json, std::cout, std::cerr);
  } catch (const std::exception& err) {
    std::cerr << "edihub: " << err.what() << "\n";
    return 1;
  }
  return 1;
}

}  // namespace edihub::hub
