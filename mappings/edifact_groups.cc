#include "mappings/edifact_groups.h"

#include <array>

namespace edihub::mapping {
namespace {

// One segment group: its trigger and every tag that may follow it inside the group, its
// nested groups' included, space separated.
struct Group {
  std::string_view message, trigger, members;
};

// DESADV: SG1 RFF, SG2 NAD (SG3 RFF, SG4 CTA), SG5 TOD, SG6 TDT (SG7 LOC), SG8 EQD and
// SG10 CPS with its packages (SG11 PAC, SG13 PCI) and lines (SG17 LIN with PIA, IMD,
// QTY, RFF ...).
// ORDRSP and INVOIC: SG1 RFF, SG3/SG2 NAD (RFF, DOC, CTA), TAX, CUX, PAT, TDT, TOD, PAC,
// ALC and SG25 LIN with its PRI, RFF, PAC, LOC, TAX, NAD, ALC, TDT (and SCC in ORDRSP)
// groups; the summary (UNS, CNT, MOA groups) ends a line.
constexpr std::array<Group, 35> kGroups{{
    {"DESADV", "RFF", "DTM"},
    {"DESADV", "NAD", "LOC RFF DTM CTA COM"},
    {"DESADV", "TOD", "LOC FTX"},
    {"DESADV", "TDT", "PCD LOC DTM TMD"},
    {"DESADV", "EQD", "MEA SEL EQA HAN"},
    {"DESADV", "CPS",
     "FTX PAC MEA QTY HAN PCI RFF DTM GIN GIR LIN PIA IMD ALI DLM MOA LOC QVR"},
    {"DESADV", "PAC", "MEA QTY HAN PCI RFF DTM GIN GIR"},
    {"DESADV", "PCI", "RFF DTM GIN GIR"},
    {"DESADV", "LIN", "PIA IMD MEA QTY ALI GIN GIR DLM DTM FTX MOA RFF LOC QVR PCI HAN"},
    {"DESADV", "QVR", "DTM"},

    {"ORDRSP", "RFF", "DTM"},
    {"ORDRSP", "NAD", "LOC FII RFF DTM DOC CTA COM"},
    {"ORDRSP", "TAX", "MOA LOC"},
    {"ORDRSP", "CUX", "PCD DTM"},
    {"ORDRSP", "PAT", "DTM PCD MOA"},
    {"ORDRSP", "TDT", "LOC DTM"},
    {"ORDRSP", "TOD", "LOC"},
    {"ORDRSP", "PAC", "MEA PCI RFF DTM GIN"},
    {"ORDRSP", "ALC", "ALI DTM QTY RNG PCD MOA RTE TAX"},
    {"ORDRSP", "PRI", "CUX APR RNG DTM"},
    {"ORDRSP", "SCC", "FTX RFF QTY DTM"},
    {"ORDRSP", "LIN",
     "PIA IMD MEA QTY PCD ALI DTM MOA GIN GIR QVR FTX PAT PRI CUX APR RNG RFF PAC PCI LOC TAX NAD FII "
     "DOC CTA COM ALC RTE TDT TOD EQD SCC"},

    {"INVOIC", "RFF", "DTM"},
    {"INVOIC", "NAD", "LOC FII RFF DTM DOC CTA COM"},
    {"INVOIC", "TAX", "MOA LOC"},
    {"INVOIC", "CUX", "DTM"},
    {"INVOIC", "PAT", "DTM PCD MOA PAI FII"},
    {"INVOIC", "TDT", "LOC DTM"},
    {"INVOIC", "TOD", "LOC"},
    {"INVOIC", "PAC", "MEA PCI RFF DTM GIN"},
    {"INVOIC", "ALC", "ALI FTX RFF DTM QTY RNG PCD MOA RTE TAX"},
    {"INVOIC", "RCS", "RFF DTM FTX"},
    {"INVOIC", "PRI", "APR RNG"},
    {"INVOIC", "LIN",
     "PIA IMD MEA QTY PCD ALI DTM GIN GIR QVR EDT FTX MOA PAT PRI APR RNG RFF PAC PCI LOC TAX NAD FII "
     "DOC CTA COM ALC RTE TDT TOD"},
    {"INVOIC", "MOA", "RFF DTM"},
}};

bool listed(std::string_view members, std::string_view tag) {
  for (std::size_t start = 0; start < members.size();) {
    std::size_t space = members.find(' ', start);
    if (space == std::string_view::npos) space = members.size();
    if (members.substr(start, space - start) == tag) return true;
    start = space + 1;
  }
  return false;
}

}  // namespace

bool in_edifact_group(std::string_view message, std::string_view trigger, std::string_view tag) {
  for (const Group& g : kGroups)
    if (g.message == message && g.trigger == trigger) return listed(g.members, tag);
  return false;
}

namespace {
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

bool is_message_type(std::string_view text) {
  if (text.size() != 6) return false;
  for (char c : text)
    if (!upper(c)) return false;
  return true;
}

bool is_directory(std::string_view text) {
  return text.size() == 4 && upper(text[0]) && digit(text[1]) && digit(text[2]) && upper(text[3]);
}

}  // namespace edihub::mapping
