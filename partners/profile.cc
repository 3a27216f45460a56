// Reading one profile file: its top-level keys, id, name and identities, each section in
// turn (partners/sections.h), then the checks that span sections.
#include "partners/profile.h"

#include <algorithm>

#include "partners/sections.h"

namespace edihub::partners {

namespace detail {

namespace {

void read_identities(ProfileReader& r, const YAML::Node& node, Profile& profile) {
  const std::string forms =
      "{isa_qualifier, isa_id, group_id} (X12), {unb_qualifier, unb_id, group_id} (EDIFACT) or {party_id, scheme} (XML)";
  if (!node.IsDefined() || !node.IsSequence() || node.size() == 0) {
    r.problem(node, "'identities' must list at least one " + forms);
    return;
  }
  for (const auto& entry : node) {
    if (!entry.IsMap()) {
      r.problem(entry, "each identity must be a mapping " + forms);
      continue;
    }
    Identity id;
    if (entry["party_id"]) {
      r.reject_unknown_keys(entry, {"party_id", "scheme"}, "an XML identity");
      id.party_id = r.scalar(entry["party_id"], "'party_id' of an identity");
      id.party_scheme = r.scalar(entry["scheme"], "scheme", false);
    } else if (entry["unb_id"]) {
      r.reject_unknown_keys(entry, {"unb_qualifier", "unb_id", "group_id"}, "an EDIFACT identity");
      id.standard = x12::Standard::Edifact;
      id.sender_qualifier = r.scalar(entry["unb_qualifier"], "unb_qualifier", false);
      id.sender_id = r.scalar(entry["unb_id"], "'unb_id' (UNB S002/0004) of an identity");
      id.group_id = r.scalar(entry["group_id"], "group_id", false);
      if (id.sender_id.size() > 35) r.problem(entry["unb_id"], "unb_id is longer than the 35 characters of UNB 0004");
    } else {
      r.reject_unknown_keys(entry, {"isa_qualifier", "isa_id", "group_id"}, "an identity");
      id.sender_qualifier = r.scalar(entry["isa_qualifier"], "isa_qualifier", false);
      id.sender_id = r.scalar(entry["isa_id"], "'isa_id' (ISA06) of an identity");
      id.group_id = r.scalar(entry["group_id"], "group_id", false);
      if (id.sender_id.size() > 15) r.problem(entry["isa_id"], "isa_id is longer than ISA06's 15 characters");
    }
    profile.identities.push_back(id);
  }
}

// What one section promises another must provide.
void check_across_sections(ProfileReader& r, const YAML::Node& root, const Profile& profile) {
  if (!profile.mappings.empty() && !profile.has_erp_sink())
    r.problem(root["mappings"], "mappings are listed but there is no 'erp' sink to deliver their output to");
  if (!profile.outbound_mappings.empty()) {
    if (!profile.outbound)
      r.problem(root["mappings"], "outbound mappings are listed but there is no 'outbound' channel to send with");
    if (!profile.erp_outbound)
      r.problem(root["mappings"], "outbound mappings are listed but there is no 'erp.outbound' folder to pick ERP transactions from");
    auto sends = [&](std::string_view format) {
      return std::any_of(profile.outbound_mappings.begin(), profile.outbound_mappings.end(),
                         [&](const OutboundRule& rule) { return rule.mapping && rule.mapping->target_format() == format; });
    };
    if (sends("x12") && profile.envelope.our_id.empty())
      r.problem(root["envelope"], "outbound X12 documents need envelope.our_id (the ISA06 we send under)");
    if (sends("edifact") && profile.envelope.our_id.empty())
      r.problem(root["envelope"], "outbound EDIFACT messages need envelope.our_id (the UNB sender we send under)");
  }
  if (!profile.outbound && (profile.acks.send == "997" || profile.acks.send == "999"))
    r.problem(root["acknowledgments"], "acknowledgments.send is " + profile.acks.send + " but there is no 'outbound' channel to send them with");
}

}  // namespace

Profile read_profile(ProfileReader& r, MappingFiles& mapping_files, const ReconcileRules& reconcile_defaults) {
  Profile profile;
  profile.reconcile = reconcile_defaults;
  profile.file = r.file();
  YAML::Node root;
  try {
    root = YAML::LoadFile(r.file().string());
  } catch (const YAML::Exception& e) {
    r.problem(e.mark.line + 1, "YAML error: " + e.msg);
    return profile;
  }
  if (!root.IsMap()) {
    r.problem(1, "a partner profile must be a mapping with id, name, identities, ...");
    return profile;
  }
  r.reject_unknown_keys(root,
                        {"id", "name", "identities", "inbound", "outbound", "as2", "erp", "envelope", "acknowledgments",
                         "validation", "mappings", "code_tables", "schedule", "encoding", "reconcile", "alerts"},
                        "the profile");
  profile.id = r.scalar(root["id"], "'id' (the partner id)");
  if (!profile.id.empty() && profile.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
    r.problem(root["id"], "id '" + profile.id + "' may hold only lowercase letters, digits, '_' and '-'");
  profile.name = r.scalar(root["name"], "'name'");
  read_identities(r, root["identities"], profile);
  read_schedule(r, root["schedule"], profile.schedule);
  if (root["inbound"] && root["inbound"].IsMap() && root["inbound"]["sftp"]) {
    r.reject_unknown_keys(root["inbound"], {"sftp"}, "'inbound'");
    profile.inbound_sftp = read_sftp_channel(r, root["inbound"]["sftp"], "inbound.sftp", true);
  } else if (root["inbound"]) {
    profile.inbound = read_folder_channel(r, root["inbound"], "inbound");
  }
  if (root["as2"]) profile.as2 = read_as2_agreement(r, root["as2"]);
  if (root["outbound"]) profile.outbound = read_outbound_channel(r, root["outbound"], profile);
  read_erp(r, root["erp"], profile);
  read_envelope(r, root["envelope"], profile);
  read_encoding(r, root["encoding"], profile);
  read_acknowledgments(r, root["acknowledgments"], profile.acks);
  read_validation(r, root["validation"], profile);
  read_code_tables(r, root["code_tables"], profile);
  mapping_files.read_mappings(r, root["mappings"], profile);
  read_reconcile(r, root["reconcile"], profile.reconcile);
  if (root["alerts"]) profile.alerts = read_alerts(r, root["alerts"], profile.id);
  check_across_sections(r, root, profile);
  return profile;
}

}  // namespace detail

std::string Identity::text() const {
  if (is_xml()) return (party_scheme.empty() ? "" : party_scheme + ":") + party_id;
  return (standard == x12::Standard::Edifact ? "UNB " : "") + sender_qualifier + ":" + sender_id;
}

}  // namespace edihub::partners
