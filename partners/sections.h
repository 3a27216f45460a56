// The sections of a partner profile (internal to partners/), one reader each, in the file
// named beside it. Each reads its top-level key into the profile and reports mistakes
// through the ProfileReader; read_profile (profile.cc) reads a whole file in section order
// and checks what spans sections; Directory::load (directory.cc) reads every file.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "partners/profile.h"
#include "partners/profile_reader.h"

namespace edihub::partners::detail {

// channels.cc: `inbound` (folder or SFTP), `outbound`, and the folder of `erp.outbound`.
std::optional<FolderChannel> read_folder_channel(ProfileReader& r, const YAML::Node& node, const std::string& what);
SftpChannel read_sftp_channel(ProfileReader& r, const YAML::Node& node, const std::string& where, bool inbound);
std::optional<OutboundChannel> read_outbound_channel(ProfileReader& r, const YAML::Node& node, const Profile& profile);

// as2_agreement.cc: `as2`.
As2Agreement read_as2_agreement(ProfileReader& r, const YAML::Node& node);

// erp_sinks.cc: `erp` (folder, http or postgres; outbound).
void read_erp(ProfileReader& r, const YAML::Node& node, Profile& profile);

// envelope.cc: `envelope` (after the identities, whose first X12 one is the default receiver).
void read_envelope(ProfileReader& r, const YAML::Node& node, Profile& profile);

// acknowledgments.cc: `acknowledgments`.
void read_acknowledgments(ProfileReader& r, const YAML::Node& node, AckPolicy& acks);

// validation.cc: `encoding` and `validation` (the partner's tightening of the schemas).
void read_encoding(ProfileReader& r, const YAML::Node& node, Profile& profile);
void read_validation(ProfileReader& r, const YAML::Node& node, Profile& profile);

// reconcile.cc: `reconcile` over the rules already in `rules` (edihub.yaml's defaults).
void read_reconcile(ProfileReader& r, const YAML::Node& node, ReconcileRules& rules);

// alert_rules.cc: `alerts` (the partner's rules, named "<partner>/<name>").
std::vector<AlertRule> read_alerts(ProfileReader& r, const YAML::Node& node, const std::string& partner);

// schedule.cc: `schedule`.
void read_schedule(ProfileReader& r, const YAML::Node& node, Schedule& schedule);

// mapping_rules.cc: `code_tables` and `mappings`. Mapping files are loaded once however many
// partners name them, so one MappingFiles serves every profile of a directory.
void read_code_tables(ProfileReader& r, const YAML::Node& node, Profile& profile);
class MappingFiles {
 public:
  void read_mappings(ProfileReader& r, const YAML::Node& node, Profile& profile);

 private:
  void read_outbound_rule(ProfileReader& r, const YAML::Node& entry, Profile& profile);
  template <class M>
  std::shared_ptr<const M> load(std::map<std::filesystem::path, std::shared_ptr<const M>>& cache,
                                const std::filesystem::path& path, ProfileReader& r, const YAML::Node& at,
                                std::shared_ptr<const M> (*load_file)(const std::string&));

  std::map<std::filesystem::path, std::shared_ptr<const mapping::Mapping>> inbound_;
  std::map<std::filesystem::path, std::shared_ptr<const mapping::OutboundMapping>> outbound_;
};

// profile.cc: one whole profile file, section by section, then the checks across sections.
// `reconcile` starts from `reconcile_defaults`.
Profile read_profile(ProfileReader& r, MappingFiles& mapping_files, const ReconcileRules& reconcile_defaults);

}  // namespace edihub::partners::detail
