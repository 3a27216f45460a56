// Acknowledgments end to end, through the binary: the 997 and TA1 we send for a
// partner's interchanges, outbound 850s from ERP purchase orders, the partner's 997
// reconciled to them, deadlines turning a missing 997 into an overdue exception (with the
// hub's clock set by EDIHUB_NOW, never by sleeping), and `validate --ack`.
// Every expected acknowledgment segment below was worked out by hand from the input.
#include <algorithm>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "formats/parsed_file.h"
#include "tests/trading_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;
using Catch::Contains;

namespace {

const char* kMorning = "2026-11-27T08:00:00Z";

json run_at(const TempDir& dir, const std::string& now) {
  auto r = run_edihub_at(now, {"run", "--config", dir.path().string(), "--once", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

json cli_json(const TempDir& dir, std::vector<std::string> args, const std::string& now = kMorning) {
  args.push_back("--config");
  args.push_back(dir.path().string());
  args.push_back("--json");
  auto r = run_edihub_at(now, args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

// The rows of a paged list (acks, exceptions, archive query).
json rows_json(const TempDir& dir, std::vector<std::string> args, const std::string& now = kMorning) {
  return cli_json(dir, std::move(args), now)["rows"];
}

// The files in the outbox, by name.
std::map<std::string, std::string> outbox(const TempDir& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir / "outbox"))
    if (e.path().filename().string()[0] != '.') files[e.path().filename().string()] = read_file(e.path());
  return files;
}

// Segments of an interchange we wrote ('~' terminator, a newline after each), ISA excluded.
std::vector<std::string> segments(const std::string& x12) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = x12.find('~', start)) != std::string::npos; start = end + 1) {
    std::string s = x12.substr(start, end - start);
    s.erase(0, s.find_first_not_of("\r\n"));
    if (!s.starts_with("ISA")) out.push_back(s);
  }
  return out;
}

std::vector<std::string> with_prefix(const std::vector<std::string>& all, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& s : all)
    if (s.starts_with(prefix)) out.push_back(s);
  return out;
}

// The ST..SE lines of sample_856(n): a valid ship notice body.
std::vector<std::string> set_lines(unsigned n) {
  std::vector<std::string> lines;
  for (const auto& s : segments(sample_856(n)))
    if (!s.starts_with("GS") && !s.starts_with("GE") && !s.starts_with("IEA")) lines.push_back(s);
  return lines;
}

std::string interchange(unsigned isa13, const std::vector<std::vector<std::string>>& sets, const std::string& iea02 = "") {
  std::string out = fmt::format(
      "ISA*00*          *00*          *ZZ*SUPPLIER1      *ZZ*BUYERPLANT     *261127*1015*U*00401*{:09}*0*P*>~\n", isa13);
  out += fmt::format("GS*SH*SUPPLIER1*BUYERPLANT*20261127*1015*{}*X*004010~\n", isa13);
  for (const auto& set : sets)
    for (const auto& line : set) out += line + "~\n";
  out += fmt::format("GE*{}*{}~\nIEA*1*{}~\n", sets.size(), isa13, iea02.empty() ? fmt::format("{:09}", isa13) : iea02);
  return out;
}

json purchase_order(const std::string& po_number) {
  auto po = json::parse(read_file(data_dir() / "erp/purchase_order_standard.json"));
  po["po_number"] = po_number;
  po["idempotency_key"] = "po-" + po_number;
  return po;
}

// The supplier's 997 for our group `gs06`: accepted, or set `st02` rejected for a bad PO1.
std::string partner_997(unsigned isa13, const std::string& gs06, const std::string& st02 = "", bool reject = false) {
  std::string body = fmt::format("ST*997*0001~\nAK1*PO*{}~\n", gs06);
  int count = 4;
  if (reject) {
    body += fmt::format("AK2*850*{}~\nAK3*PO1*16**8~\nAK4*3*355*7*EA~\nAK5*R*5~\nAK9*R*1*1*0~\n", st02);
    count += 4;
  } else {
    body += "AK9*A*1*1*1~\n";
  }
  return fmt::format("ISA*00*          *00*          *ZZ*SUPPLIER1      *ZZ*BUYERPLANT     *261127*1200*U*00401*{:09}*0*P*>~\n"
                     "GS*FA*SUPPLIER1*BUYERPLANT*20261127*1200*{}*X*004010~\n{}SE*{}*0001~\nGE*1*{}~\nIEA*1*{:09}~\n",
                     isa13, isa13, body, count, isa13, isa13);
}

// GS06 and ST02 of the 850 we sent, read from the outbox.
std::pair<std::string, std::string> sent_850(const TempDir& dir, const std::string& po_number) {
  for (const auto& [name, content] : outbox(dir)) {
    if (content.find("BEG*00*SA*" + po_number + "*") == std::string::npos) continue;
    auto parsed = edihub::x12::parse_bytes(content);
    const auto& group = parsed.interchanges.at(0).groups.at(0);
    return {group.header.control_number, group.sets.at(0).control_number};
  }
  FAIL("no 850 for PO " << po_number << " in the outbox");
  return {};
}

}  // namespace

TEST_CASE("a group with one good and one bad set: the good one is delivered, the 997 says AK9 P", "[acks]") {
  TempDir dir;
  write_trading_config(dir.path());
  auto bad = set_lines(2);
  bad[1] = "BSN*00*SHP0000002*20261345*1015*0001";  // BSN03: month 13
  write_file(dir / "inbox/two-sets.edi", interchange(7, {set_lines(1), bad}));
  auto summary = run_at(dir, kMorning);
  CHECK(summary["sets_delivered"] == 1);
  CHECK(summary["sets_rejected"] == 1);
  CHECK(summary["acks_sent"] == 1);
  REQUIRE(summary["exceptions"].size() == 1);
  CHECK(summary["exceptions"][0]["kind"] == "validation_error");
  CHECK_THAT(summary["exceptions"][0]["reason"].get<std::string>(), Contains("segment 26 (position 2 in set 0002) BSN"));
  auto files = outbox(dir);
  REQUIRE(files.size() == 1);
  const auto& [name, ack] = *files.begin();
  CHECK(name == "supplier-000000001-997.edi");
  // Sender and receiver swapped; our first control numbers; the partner's delimiters.
  CHECK(ack.starts_with("ISA*00*          *00*          *ZZ*BUYERPLANT     *ZZ*SUPPLIER1      *"));
  auto s = segments(ack);
  CHECK_THAT(s.at(0), Catch::StartsWith("GS*FA*BUYERPLANT*SUPPLIER1*20261127*0800*1*X*004010"));
  // Set 0001 is accepted and, in a 997, not listed; set 0002 has BSN (position 2 from ST)
  // with element 3 (data element 373, a date) invalid (AK403 8).
  CHECK(std::vector<std::string>(s.begin() + 1, s.end()) ==
        std::vector<std::string>{"ST*997*0001", "AK1*SH*7", "AK2*856*0002", "AK3*BSN*2**8", "AK4*3*373*8*20261345",
                                 "AK5*R*5", "AK9*P*2*2*1", "SE*8*0001", "GE*1*1", "IEA*1*000000001"});
  // The delivered ERP file is the good set's.
  CHECK(fs::exists(dir / "erp/supplier_000000007_7_0001.json"));
  CHECK_FALSE(fs::exists(dir / "erp/supplier_000000007_7_0002.json"));
  // The ack is archived and linked to the file it answers.
  auto shown = cli_json(dir, {"archive", "show", "F1"});
  REQUIRE(shown["acknowledgments"].size() == 1);
  CHECK(shown["acknowledgments"][0]["kind"] == "997");
  CHECK(shown["acknowledgments"][0]["code"] == "P");
}

TEST_CASE("reject policy 'group' keeps the whole group from the ERP and says so in the 997", "[acks]") {
  TempDir dir;
  write_trading_config(dir.path());
  auto profile = read_file(dir / "partners/supplier.yaml");
  profile.replace(profile.find("  overdue_after: 4h"), 0, "  reject: group\n");
  write_file(dir / "partners/supplier.yaml", profile);
  auto bad = set_lines(2);
  bad[1] = "BSN*00*SHP0000002*20261345*1015*0001";
  write_file(dir / "inbox/two-sets.edi", interchange(8, {set_lines(1), bad}));
  auto summary = run_at(dir, kMorning);
  CHECK(summary["sets_delivered"] == 0);
  CHECK(summary["sets_rejected"] == 2);
  auto s = segments(outbox(dir).begin()->second);
  CHECK(with_prefix(s, "AK9") == std::vector<std::string>{"AK9*R*2*2*0"});
  CHECK(with_prefix(s, "AK5") == std::vector<std::string>{"AK5*R", "AK5*R*5"});
}

TEST_CASE("an interchange with a broken envelope gets a TA1 with its note code and nothing is delivered", "[acks]") {
  TempDir dir;
  write_trading_config(dir.path());
  write_file(dir / "inbox/bad-iea.edi", interchange(9, {set_lines(9)}, "000000019"));
  auto summary = run_at(dir, kMorning);
  CHECK(summary["sets_delivered"] == 0);
  REQUIRE(summary["exceptions"].size() == 1);
  CHECK(summary["exceptions"][0]["kind"] == "envelope_error");
  auto files = outbox(dir);
  REQUIRE(files.size() == 1);
  CHECK(files.begin()->first == "supplier-000000001-TA1.edi");
  auto s = segments(files.begin()->second);
  // TA101 = the partner's ISA13, TA102/TA103 its ISA09/ISA10, R, note 001 (ISA13 and IEA02 differ).
  CHECK(s == std::vector<std::string>{"TA1*000000009*261127*1015*R*001", "IEA*0*000000001"});
}

TEST_CASE("an ERP purchase order goes out as an 850 and the supplier's 997 is reconciled", "[acks][outbound]") {
  TempDir dir;
  write_trading_config(dir.path());
  write_file(dir / "erp-out/po-1.json", purchase_order("4500000001").dump(2));
  write_file(dir / "erp-out/po-2.json", purchase_order("4500000002").dump(2));
  auto summary = run_at(dir, kMorning);
  CHECK(summary["documents_sent"] == 2);
  CHECK(fs::is_empty(dir / "erp-out"));
  auto [gs06_1, st02_1] = sent_850(dir, "4500000001");
  auto [gs06_2, st02_2] = sent_850(dir, "4500000002");
  CHECK(gs06_1 != gs06_2);
  auto awaiting = rows_json(dir, {"acks"});
  CHECK(awaiting.size() == 4);  // a group and a set row per 850
  for (const auto& row : awaiting) CHECK(row["state"] == "awaiting");

  // The same purchase order dropped again is not sent twice.
  write_file(dir / "erp-out/po-1-again.json", purchase_order("4500000001").dump(2));
  write_file(dir / "inbox/997-accept.edi", partner_997(500, gs06_1));
  write_file(dir / "inbox/997-reject.edi", partner_997(501, gs06_2, st02_2, true));
  summary = run_at(dir, "2026-11-27T09:00:00Z");
  CHECK(summary["documents_sent"] == 0);
  CHECK(summary["acks_reconciled"] == 2);
  std::multiset<std::string> kinds;
  for (const auto& e : summary["exceptions"]) kinds.insert(e["kind"].get<std::string>());
  CHECK(kinds == std::multiset<std::string>{"duplicate", "ack_rejected"});
  std::map<std::string, std::string> state;
  for (const auto& row : rows_json(dir, {"acks"}))
    state[row["level"].get<std::string>() + " " + row["group_control"].get<std::string>()] = row["state"];
  CHECK(state["group " + gs06_1] == "accepted");
  CHECK(state["set " + gs06_1] == "accepted");
  CHECK(state["group " + gs06_2] == "rejected");
  CHECK(state["set " + gs06_2] == "rejected");
  for (const auto& row : rows_json(dir, {"acks", "--partner", "supplier"}))
    if (row["group_control"] == gs06_2 && row["level"] == "set") CHECK_THAT(row["detail"].get<std::string>(), Contains("PO1 at 16 code 8"));
  // We never acknowledge the partner's acknowledgments.
  for (const auto& [name, content] : outbox(dir)) CHECK(content.find("AK1*FA") == std::string::npos);
}

TEST_CASE("a missing 997 turns overdue at the deadline, and a late one closes the exception", "[acks][outbound]") {
  TempDir dir;
  write_trading_config(dir.path());
  write_file(dir / "erp-out/po.json", purchase_order("4500000003").dump(2));
  run_at(dir, kMorning);
  auto [gs06, st02] = sent_850(dir, "4500000003");

  auto before = run_at(dir, "2026-11-27T11:59:59Z");
  CHECK(before["acks_overdue"] == 0);
  CHECK(rows_json(dir, {"acks", "--overdue"}, "2026-11-27T11:59:59Z").empty());
  // `acks` computes overdue from the clock even before a run flags it.
  CHECK(rows_json(dir, {"acks", "--overdue"}, "2026-11-27T12:00:01Z").size() == 2);

  auto after = run_at(dir, "2026-11-27T12:00:01Z");
  CHECK(after["acks_overdue"] == 2);
  REQUIRE(after["exceptions"].size() == 1);
  CHECK(after["exceptions"][0]["kind"] == "overdue_ack");
  CHECK_THAT(after["exceptions"][0]["reason"].get<std::string>(), Contains("no 997 by 2026-11-27T12:00:00"));
  auto overdue_id = after["exceptions"][0]["id"].get<std::int64_t>();
  auto text = run_edihub_at("2026-11-27T12:00:01Z", {"acks", "--config", dir.path().string(), "--overdue"});
  CHECK_THAT(text.out, Contains("850 " + st02) && Contains("overdue") && Contains("2 overdue acknowledgment(s)"));
  // Flagged once, not again on the next run.
  CHECK(run_at(dir, "2026-11-27T12:30:00Z")["exceptions"].empty());

  write_file(dir / "inbox/997-late.edi", partner_997(502, gs06));
  run_at(dir, "2026-11-27T13:00:00Z");
  for (const auto& row : rows_json(dir, {"acks"}, "2026-11-27T13:00:00Z")) CHECK(row["state"] == "accepted");
  auto closed = rows_json(dir, {"exceptions", "--state", "resolved"});
  REQUIRE(closed.size() == 1);
  CHECK(closed[0]["id"] == overdue_id);
  CHECK_THAT(closed[0]["note"].get<std::string>(), Contains("acknowledged late"));
}

TEST_CASE("exceptions are resolved or ignored with who, when and why, once", "[exceptions]") {
  TempDir dir;
  write_trading_config(dir.path());
  write_file(dir / "inbox/stranger.edi", sample_856(3, "STRANGER"));
  run_at(dir, kMorning);
  auto open = rows_json(dir, {"exceptions"});
  REQUIRE(open.size() == 1);
  std::string id = std::to_string(open[0]["id"].get<int>());
  auto r = run_edihub_at("2026-11-27T09:30:00Z", {"exceptions", "ignore", id, "--note", "test file from a prospect",
                                                  "--by", "dana", "--config", dir.path().string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto ignored = rows_json(dir, {"exceptions", "--state", "ignored"});
  REQUIRE(ignored.size() == 1);
  CHECK(ignored[0]["closed_by"] == "dana");
  CHECK(ignored[0]["closed_at"] == "2026-11-27T09:30:00.000Z");
  CHECK(ignored[0]["note"] == "test file from a prospect");
  CHECK(rows_json(dir, {"exceptions"}).empty());
  auto again = run_edihub({"exceptions", "resolve", id, "--note", "x", "--config", dir.path().string()});
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.err, Contains("already ignored"));
}

TEST_CASE("replay re-runs a file through the fixed profile, links it and never delivers twice", "[exceptions][replay]") {
  TempDir dir;
  write_trading_config(dir.path());
  // The supplier's unit "EA" is missing from its uom table: a mapping error.
  auto profile = read_file(dir / "partners/supplier.yaml");
  write_file(dir / "partners/supplier.yaml", std::string(profile).replace(profile.find("uom: {EA: EA, "), 14, "uom: {"));
  write_file(dir / "inbox/asn.edi", sample_856(4));
  auto first = run_at(dir, kMorning);
  REQUIRE(first["exceptions"].size() == 1);
  CHECK(first["exceptions"][0]["kind"] == "mapping_error");
  auto exception_id = std::to_string(first["exceptions"][0]["id"].get<int>());

  write_file(dir / "partners/supplier.yaml", profile);  // fixed
  auto replay = run_edihub({"replay", exception_id, "--config", dir.path().string(), "--by", "dana", "--json"});
  INFO(replay.err);
  REQUIRE(replay.exit_code == 0);
  CHECK(json::parse(replay.out)["sets_delivered"] == 1);
  CHECK(fs::exists(dir / "erp/supplier_000000004_4_0004.json"));
  auto replays = cli_json(dir, {"archive", "show", "F1"})["replays"];
  REQUIRE(replays.size() == 1);
  auto replay_id = replays[0].get<int>();
  CHECK(cli_json(dir, {"archive", "show", "F" + std::to_string(replay_id)})["replay_of"] == 1);
  auto resolved = rows_json(dir, {"exceptions", "--state", "resolved"});
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0]["closed_by"] == "dana");
  CHECK_THAT(resolved[0]["note"].get<std::string>(), Contains("replayed as F" + std::to_string(replay_id)));
  // The 997 was sent the first time (the set was valid X12), not again on replay.
  CHECK(outbox(dir).size() == 1);

  auto twice = run_edihub({"replay", "F1", "--config", dir.path().string(), "--json"});
  REQUIRE(twice.exit_code == 0);
  CHECK(json::parse(twice.out)["sets_delivered"] == 0);
  CHECK(rows_json(dir, {"archive", "query", "--status", "delivered"}).size() == 1);
}

TEST_CASE("validate --ack prints the 997, 999 or TA1 the hub would send", "[acks][cli]") {
  TempDir dir;
  // An 856 without BSN: ST is followed by DTM (position 2), so BSN, mandatory, is missing there.
  auto lines = set_lines(5);
  lines.erase(lines.begin() + 1);
  lines.back() = "SE*21*0005";
  write_file(dir / "no-bsn.edi", interchange(5, {lines}));
  auto r997 = run_edihub({"validate", (dir / "no-bsn.edi").string(), "--ack", "997"});
  CHECK(r997.exit_code == 1);
  auto s = segments(r997.out);
  CHECK(std::vector<std::string>(s.begin() + 1, s.end() - 2) ==
        std::vector<std::string>{"ST*997*0001", "AK1*SH*5", "AK2*856*0005", "AK3*BSN*2**3", "AK5*R*5",
                                 "AK9*R*1*1*0", "SE*7*0001"});
  auto r999 = run_edihub({"validate", (dir / "no-bsn.edi").string(), "--ack", "999"});
  s = segments(r999.out);
  CHECK(with_prefix(s, "ST") == std::vector<std::string>{"ST*999*0001*005010X231A1"});
  CHECK(with_prefix(s, "IK") == std::vector<std::string>{"IK3*BSN*2**3", "IK5*R*5"});
  auto ta1 = run_edihub({"validate", (dir / "no-bsn.edi").string(), "--ack", "ta1"});
  CHECK(with_prefix(segments(ta1.out), "TA1") == std::vector<std::string>{"TA1*000000005*261127*1015*A*000"});
}

TEST_CASE("an ERP invoice goes out as an 810 that validates, chosen by its transaction type", "[acks][outbound]") {
  TempDir dir;
  write_trading_config(dir.path());
  add_outbound_mapping(dir.path(), "invoice", "examples/demo/mappings/x12-810-invoice-outbound.yaml");
  drop_erp_document(dir.path(), "invoice", "erp/invoice_standard.json", "invoice.json");
  auto unknown = purchase_order("4500000009");
  unknown["transaction"] = "remittance";
  write_file(dir / "erp-out/remittance.json", unknown.dump());
  write_file(dir / "erp-out/broken.json", "{\"transaction\": \"invoice\",\n  \"invoice_number\": }\n");
  auto summary = run_at(dir, kMorning);
  CHECK(summary["documents_sent"] == 1);
  std::map<std::string, std::string> reasons;
  for (const auto& e : summary["exceptions"]) reasons[e["kind"].get<std::string>()] = e["reason"].get<std::string>();
  CHECK_THAT(reasons["mapping_error"], Contains("remittance.json") && Contains("no outbound mapping for ERP transaction type 'remittance'"));
  CHECK_THAT(reasons["unusable_file"], Contains("broken.json") && Contains("line 2, column"));
  auto files = outbox(dir);
  REQUIRE(files.size() == 1);
  CHECK(files.begin()->first == "supplier-000000001-810.edi");
  const auto& x12 = files.begin()->second;
  CHECK_THAT(x12, Contains("GS*IN*BUYERPLANT*SUPPLIER1*") && Contains("\nBIG*20240402*INV-88001*"));
  write_file(dir / "sent.edi", x12);
  auto v = run_edihub({"validate", (dir / "sent.edi").string()});
  INFO(v.out);
  CHECK(v.exit_code == 0);
}
