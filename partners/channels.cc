// The channels of a profile: `inbound` (a folder or the partner's SFTP server), `outbound`
// (a folder, SFTP or AS2) and the folder the ERP drops outbound transactions in.
#include <fstream>

#include "partners/sections.h"

namespace edihub::partners {

namespace fs = std::filesystem;

namespace detail {

std::optional<FolderChannel> read_folder_channel(ProfileReader& r, const YAML::Node& node, const std::string& what) {
  if (!node.IsMap()) {
    r.problem(node, "'" + what + "' must be a mapping like {folder: {path: ...}}");
    return std::nullopt;
  }
  r.reject_unknown_keys(node, {"folder"}, "'" + what + "'");
  const auto folder = node["folder"];
  if (!folder.IsMap()) {
    r.problem(node, "'" + what + "' needs a 'folder' channel with a 'path'");
    return std::nullopt;
  }
  r.reject_unknown_keys(folder, {"path", "pattern", "settle_seconds"}, "'" + what + ".folder'");
  FolderChannel channel;
  channel.path = r.config_path(folder["path"], what + ".folder.path");
  if (folder["pattern"]) channel.pattern = r.scalar(folder["pattern"], "pattern");
  if (folder["settle_seconds"]) {
    try {
      double s = folder["settle_seconds"].as<double>();
      if (s < 0 || s > 3600) throw YAML::Exception(folder["settle_seconds"].Mark(), "out of range");
      channel.settle = std::chrono::milliseconds(static_cast<long>(s * 1000));
    } catch (const YAML::Exception&) {
      r.problem(folder["settle_seconds"], "settle_seconds must be a number of seconds from 0 to 3600");
    }
  }
  if (!channel.path.empty() && !fs::is_directory(channel.path))
    r.problem(node, what + " folder " + channel.path.lexically_relative(r.config_dir()).string() + " does not exist");
  return channel;
}

// inbound.sftp and outbound.sftp share the connection keys; the intake rules (which files,
// when settled, what to do after receipt) mean nothing for uploads and are refused there,
// so a misplaced key is reported instead of silently ignored.
SftpChannel read_sftp_channel(ProfileReader& r, const YAML::Node& node, const std::string& where, bool inbound) {
  SftpChannel c;
  if (!node.IsMap()) {
    r.problem(node, "'" + where + "' must be a mapping (host, user, private_key, host_key_sha256, remote_dir, ...)");
    return c;
  }
  std::set<std::string> known = {"host", "port", "user", "private_key", "passphrase_env", "passphrase_file",
                                 "host_key_sha256", "known_hosts", "remote_dir", "connect_timeout_seconds",
                                 "transfer_timeout_seconds"};
  if (inbound)
    known.insert({"pattern", "temp_pattern", "done_suffix", "stable_listing", "settle_seconds", "after_receipt",
                  "max_files"});
  r.reject_unknown_keys(node, known, "'" + where + "'");
  c.host = r.scalar(node["host"], where + ".host");
  c.user = r.scalar(node["user"], where + ".user");
  c.remote_dir = r.scalar(node["remote_dir"], where + ".remote_dir");
  c.private_key = r.config_path(node["private_key"], where + ".private_key");
  if (node["port"]) c.port = r.bounded_int(node["port"], 1, 65535, "port");
  if (node["host_key_sha256"]) c.host_key_sha256 = r.scalar(node["host_key_sha256"], "host_key_sha256");
  if (node["known_hosts"]) c.known_hosts = r.config_path(node["known_hosts"], "known_hosts");
  if (c.host_key_sha256.empty() && c.known_hosts.empty())
    r.problem(node, where + " needs the server's host key pinned: host_key_sha256 or known_hosts");
  c.passphrase = key_passphrase(node, r.config_dir(), r.reporter());
  if (node["connect_timeout_seconds"])
    c.connect_timeout = std::chrono::seconds(r.bounded_int(node["connect_timeout_seconds"], 1, 600, "connect_timeout_seconds"));
  if (node["transfer_timeout_seconds"])
    c.transfer_timeout = std::chrono::seconds(r.bounded_int(node["transfer_timeout_seconds"], 1, 86400, "transfer_timeout_seconds"));
  if (!inbound) return c;
  for (auto [key, into] : {std::pair{"pattern", &c.pattern}, {"temp_pattern", &c.temp_pattern}, {"done_suffix", &c.done_suffix}})
    if (node[key]) *into = r.scalar(node[key], key);
  if (node["stable_listing"]) c.stable_listing = r.boolean(node["stable_listing"], "stable_listing");
  if (node["settle_seconds"]) c.settle = std::chrono::seconds(r.bounded_int(node["settle_seconds"], 0, 3600, "settle_seconds"));
  if (node["max_files"]) c.max_files = static_cast<std::size_t>(r.bounded_int(node["max_files"], 1, 100000, "max_files"));
  const auto after = node["after_receipt"];
  if (!after.IsDefined()) {
    r.problem(node, where + " needs after_receipt: delete or {move: FOLDER} (otherwise every poll takes the same files)");
  } else if (after.IsMap() && after["move"]) {
    c.move_to = r.scalar(after["move"], "after_receipt.move");
  } else if (!after.IsScalar() || after.as<std::string>() != "delete") {
    r.problem(after, "after_receipt must be delete or {move: FOLDER}");
  }
  return c;
}

std::optional<OutboundChannel> read_outbound_channel(ProfileReader& r, const YAML::Node& node, const Profile& profile) {
  if (!node.IsMap() || int(bool(node["folder"])) + bool(node["sftp"]) + bool(node["as2"]) != 1) {
    r.problem(node, "'outbound' needs exactly one channel: {folder: {path: ...}}, {sftp: {...}} or {as2: {}}");
    return std::nullopt;
  }
  r.reject_unknown_keys(node, {"folder", "sftp", "as2"}, "'outbound'");
  OutboundChannel channel;
  if (const auto folder = node["folder"]) {
    if (!folder.IsMap()) {
      r.problem(folder, "'outbound.folder' needs a 'path', like {folder: {path: ...}}");
      return std::nullopt;
    }
    r.reject_unknown_keys(folder, {"path"}, "'outbound.folder'");
    channel.folder = FolderSink{r.config_path(folder["path"], "outbound.folder.path")};
  }
  if (const auto as2 = node["as2"]) {
    if (!(as2.IsMap() && as2.size() == 0) && !as2.IsNull())
      r.problem(as2, "'outbound.as2' takes no keys ({as2: {}}): the sending options are in the top-level 'as2' agreement");
    if (!profile.as2 || profile.as2->url.empty()) {
      r.problem(as2, "outbound {as2: {}} needs a top-level 'as2' agreement with the partner's 'url'");
      return std::nullopt;
    }
    channel.as2 = true;
    channel.as2_id = profile.as2->as2_id;
  }
  if (const auto sftp = node["sftp"]) channel.sftp = read_sftp_channel(r, sftp, "outbound.sftp", false);
  return channel;
}

}  // namespace detail

std::string secret(const YAML::Node& owner, const std::string& name, const fs::path& config_dir,
                   const std::function<void(const YAML::Node&, const std::string&)>& problem) {
  const std::string env_key = name + "_env", file_key = name + "_file";
  const YAML::Node env = owner[env_key], file = owner[file_key];
  if (env && file) problem(file, "give " + env_key + " or " + file_key + ", not both");
  if (env) return detail::from_environment(env, problem);
  if (!file) return "";
  const fs::path path = file.as<std::string>();
  if (path.is_absolute()) {
    problem(file, file_key + " must be relative to the config folder, not '" + path.string() + "'");
    return "";
  }
  std::ifstream in(config_dir / path);
  std::string line;
  if (!in) problem(file, "cannot read " + file_key + " " + fs::weakly_canonical(config_dir / path).string());
  else if (std::getline(in, line) && !line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string key_passphrase(const YAML::Node& owner, const fs::path& config_dir,
                           const std::function<void(const YAML::Node&, const std::string&)>& problem) {
  return secret(owner, "passphrase", config_dir, problem);
}

std::string SftpChannel::name() const {
  return "sftp:" + user + "@" + host + ":" + std::to_string(port) + "/" + remote_dir;
}

std::string OutboundChannel::name(const fs::path& config_dir) const {
  if (folder) return "folder:" + folder->path.lexically_relative(config_dir).string();
  if (sftp) return sftp->name();
  return "as2:" + as2_id;
}

}  // namespace edihub::partners
