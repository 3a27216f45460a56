#include "partners/profile.h"

#include <algorithm>
#include <map>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>

#include <yaml-cpp/yaml.h>

namespace edihub::partners {

namespace fs = std::filesystem;

namespace {

// Collects problems with file:line instead of stopping at the first one, so `check`
// shows a user everything wrong in one go.
class ProblemList {
 public:
  void add(const fs::path& file, const YAML::Node& at, const std::string& message) {
    int line = at.IsDefined() ? at.Mark().line + 1 : 0;
    add(file, line, message);
  }
  void add(const fs::path& file, int line, const std::string& message) {
    problems.push_back(file.string() + ":" + std::to_string(line) + ": " + message);
  }
  std::vector<std::string> problems;
};

void reject_unknown_keys(const YAML::Node& map, const std::set<std::string>& known, const fs::path& file,
                         const std::string& where, ProblemList& problems) {
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    if (!known.count(key)) {
      std::string expected;
      for (const auto& k : known) expected += (expected.empty() ? "" : ", ") + k;
      problems.add(file, kv.first, "unknown key '" + key + "' in " + where + " (expected one of: " + expected + ")");
    }
  }
}

std::string scalar(const YAML::Node& node, const fs::path& file, const std::string& what, ProblemList& problems,
                   bool required = true) {
  if (!node.IsDefined() || node.IsNull()) {
    if (required) problems.add(file, 0, "missing " + what);
    return {};
  }
  if (!node.IsScalar()) {
    problems.add(file, node, what + " must be a single value");
    return {};
  }
  return node.as<std::string>();
}

// Paths in a profile are relative to the config folder; absolute paths are refused so a
// config folder can be moved or copied as a whole.
fs::path config_path(const YAML::Node& node, const fs::path& config_dir, const fs::path& file,
                     const std::string& what, ProblemList& problems) {
  std::string text = scalar(node, file, what, problems);
  if (text.empty()) return {};
  fs::path p(text);
  if (p.is_absolute()) {
    problems.add(file, node, what + " must be relative to the config folder, not '" + text + "'");
    return {};
  }
  return fs::weakly_canonical(config_dir / p);
}

class Loader {
 public:
  Loader(fs::path config_dir) : config_dir_(fs::absolute(std::move(config_dir))) {}

  Profile load(const fs::path& file, ProblemList& problems) {
    Profile profile;
    profile.file = file;
    YAML::Node root;
    try {
      root = YAML::LoadFile(file.string());
    } catch (const YAML::Exception& e) {
      problems.add(file, e.mark.line + 1, "YAML error: " + e.msg);
      return profile;
    }
    if (!root.IsMap()) {
      problems.add(file, 1, "a partner profile must be a mapping with id, name, identities, ...");
      return profile;
    }
    reject_unknown_keys(root,
                        {"id", "name", "identities", "inbound", "outbound", "as2", "erp", "envelope", "acknowledgments",
                         "validation", "mappings", "code_tables", "schedule", "encoding"},
                        file, "the profile", problems);
    profile.id = scalar(root["id"], file, "'id' (the partner id)", problems);
    if (!profile.id.empty() && profile.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
      problems.add(file, root["id"], "id '" + profile.id + "' may hold only lowercase letters, digits, '_' and '-'");
    profile.name = scalar(root["name"], file, "'name'", problems);
    load_identities(root["identities"], file, profile, problems);
    load_schedule(root["schedule"], file, profile.schedule, problems);
    if (root["inbound"] && root["inbound"].IsMap() && root["inbound"]["sftp"]) {
      reject_unknown_keys(root["inbound"], {"sftp"}, file, "'inbound'", problems);
      profile.inbound_sftp = sftp_channel(root["inbound"]["sftp"], file, "inbound.sftp", true, problems);
    } else if (root["inbound"]) {
      profile.inbound = folder_channel(root["inbound"], file, "inbound", problems);
    }
    if (root["as2"]) profile.as2 = as2_agreement(root["as2"], file, problems);
    if (root["outbound"]) profile.outbound = outbound_channel(root["outbound"], file, profile, problems);
    load_erp(root["erp"], file, profile, problems);
    load_envelope(root["envelope"], file, profile, problems);
    if (root["encoding"]) {
      const auto name = scalar(root["encoding"], file, "'encoding'", problems);
      try {
        if (!name.empty()) profile.charset = x12::Charset(name);
      } catch (const std::invalid_argument&) {
        problems.add(file, root["encoding"], "encoding '" + name + "' is not a character set iconv knows (e.g. utf-8, iso-8859-1, windows-1252)");
      }
    }
    load_acks(root["acknowledgments"], file, profile, problems);
    load_validation(root["validation"], file, profile, problems);
    load_code_tables(root["code_tables"], file, profile, problems);
    load_mappings(root["mappings"], file, profile, problems);
    if (!profile.mappings.empty() && !profile.has_erp_sink())
      problems.add(file, root["mappings"], "mappings are listed but there is no 'erp' sink to deliver their output to");
    if (!profile.outbound_mappings.empty()) {
      if (!profile.outbound)
        problems.add(file, root["mappings"], "outbound mappings are listed but there is no 'outbound' channel to send with");
      if (!profile.erp_outbound)
        problems.add(file, root["mappings"], "outbound mappings are listed but there is no 'erp.outbound' folder to pick ERP transactions from");
      bool x12_out = std::any_of(profile.outbound_mappings.begin(), profile.outbound_mappings.end(),
                                 [](const OutboundRule& r) { return r.mapping && r.mapping->target_format() == "x12"; });
      if (x12_out && profile.envelope.our_id.empty())
        problems.add(file, root["envelope"], "outbound X12 documents need envelope.our_id (the ISA06 we send under)");
    }
    if (!profile.outbound && (profile.acks.send == "997" || profile.acks.send == "999"))
      problems.add(file, root["acknowledgments"], "acknowledgments.send is " + profile.acks.send + " but there is no 'outbound' channel to send them with");
    return profile;
  }

 private:
  void load_identities(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    const std::string forms = "{isa_qualifier, isa_id, group_id} (X12) or {party_id, scheme} (XML)";
    if (!node.IsDefined() || !node.IsSequence() || node.size() == 0) {
      problems.add(file, node, "'identities' must list at least one " + forms);
      return;
    }
    for (const auto& entry : node) {
      if (!entry.IsMap()) {
        problems.add(file, entry, "each identity must be a mapping " + forms);
        continue;
      }
      Identity id;
      if (entry["party_id"]) {
        reject_unknown_keys(entry, {"party_id", "scheme"}, file, "an XML identity", problems);
        id.party_id = scalar(entry["party_id"], file, "'party_id' of an identity", problems);
        id.party_scheme = scalar(entry["scheme"], file, "scheme", problems, false);
      } else {
        reject_unknown_keys(entry, {"isa_qualifier", "isa_id", "group_id"}, file, "an identity", problems);
        id.isa_qualifier = scalar(entry["isa_qualifier"], file, "isa_qualifier", problems, false);
        id.isa_id = scalar(entry["isa_id"], file, "'isa_id' (ISA06) of an identity", problems);
        id.group_id = scalar(entry["group_id"], file, "group_id", problems, false);
        if (id.isa_id.size() > 15) problems.add(file, entry["isa_id"], "isa_id is longer than ISA06's 15 characters");
      }
      profile.identities.push_back(id);
    }
  }

  std::optional<FolderChannel> folder_channel(const YAML::Node& node, const fs::path& file, const std::string& what,
                                              ProblemList& problems) {
    if (!node.IsMap()) {
      problems.add(file, node, "'" + what + "' must be a mapping like {folder: {path: ...}}");
      return std::nullopt;
    }
    reject_unknown_keys(node, {"folder"}, file, "'" + what + "'", problems);
    const auto folder = node["folder"];
    if (!folder.IsMap()) {
      problems.add(file, node, "'" + what + "' needs a 'folder' channel with a 'path'");
      return std::nullopt;
    }
    reject_unknown_keys(folder, {"path", "pattern", "settle_seconds"}, file, "'" + what + ".folder'", problems);
    FolderChannel channel;
    channel.path = config_path(folder["path"], config_dir_, file, what + ".folder.path", problems);
    if (folder["pattern"]) channel.pattern = scalar(folder["pattern"], file, "pattern", problems);
    if (folder["settle_seconds"]) {
      try {
        double s = folder["settle_seconds"].as<double>();
        if (s < 0 || s > 3600) throw YAML::Exception(folder["settle_seconds"].Mark(), "out of range");
        channel.settle = std::chrono::milliseconds(static_cast<long>(s * 1000));
      } catch (const YAML::Exception&) {
        problems.add(file, folder["settle_seconds"], "settle_seconds must be a number of seconds from 0 to 3600");
      }
    }
    if (!channel.path.empty() && !fs::is_directory(channel.path))
      problems.add(file, node, what + " folder " + channel.path.lexically_relative(config_dir_).string() + " does not exist");
    return channel;
  }

  // inbound.sftp and outbound.sftp share the connection keys; the intake rules (which files,
  // when settled, what to do after receipt) mean nothing for uploads and are refused there,
  // so a misplaced key is reported instead of silently ignored.
  SftpChannel sftp_channel(const YAML::Node& node, const fs::path& file, const std::string& where, bool inbound,
                           ProblemList& problems) {
    SftpChannel c;
    if (!node.IsMap()) {
      problems.add(file, node, "'" + where + "' must be a mapping (host, user, private_key, host_key_sha256, remote_dir, ...)");
      return c;
    }
    std::set<std::string> known = {"host", "port", "user", "private_key", "passphrase_env", "passphrase_file",
                                   "host_key_sha256", "known_hosts", "remote_dir", "connect_timeout_seconds",
                                   "transfer_timeout_seconds"};
    if (inbound)
      known.insert({"pattern", "temp_pattern", "done_suffix", "stable_listing", "settle_seconds", "after_receipt",
                    "max_files"});
    reject_unknown_keys(node, known, file, "'" + where + "'", problems);
    c.host = scalar(node["host"], file, where + ".host", problems);
    c.user = scalar(node["user"], file, where + ".user", problems);
    c.remote_dir = scalar(node["remote_dir"], file, where + ".remote_dir", problems);
    c.private_key = config_path(node["private_key"], config_dir_, file, where + ".private_key", problems);
    if (node["port"]) c.port = bounded_int(node["port"], 1, 65535, file, "port", problems);
    if (node["host_key_sha256"]) c.host_key_sha256 = scalar(node["host_key_sha256"], file, "host_key_sha256", problems);
    if (node["known_hosts"]) c.known_hosts = config_path(node["known_hosts"], config_dir_, file, "known_hosts", problems);
    if (c.host_key_sha256.empty() && c.known_hosts.empty())
      problems.add(file, node, where + " needs the server's host key pinned: host_key_sha256 or known_hosts");
    c.passphrase = key_passphrase(node, config_dir_, [&](const YAML::Node& at, const std::string& message) {
      problems.add(file, at, message);
    });
    if (node["connect_timeout_seconds"])
      c.connect_timeout = std::chrono::seconds(bounded_int(node["connect_timeout_seconds"], 1, 600, file, "connect_timeout_seconds", problems));
    if (node["transfer_timeout_seconds"])
      c.transfer_timeout = std::chrono::seconds(bounded_int(node["transfer_timeout_seconds"], 1, 86400, file, "transfer_timeout_seconds", problems));
    if (!inbound) return c;
    for (auto [key, into] : {std::pair{"pattern", &c.pattern}, {"temp_pattern", &c.temp_pattern}, {"done_suffix", &c.done_suffix}})
      if (node[key]) *into = scalar(node[key], file, key, problems);
    if (node["stable_listing"]) c.stable_listing = boolean(node["stable_listing"], file, "stable_listing", problems);
    if (node["settle_seconds"]) c.settle = std::chrono::seconds(bounded_int(node["settle_seconds"], 0, 3600, file, "settle_seconds", problems));
    if (node["max_files"]) c.max_files = static_cast<std::size_t>(bounded_int(node["max_files"], 1, 100000, file, "max_files", problems));
    const auto after = node["after_receipt"];
    if (!after.IsDefined()) {
      problems.add(file, node, where + " needs after_receipt: delete or {move: FOLDER} (otherwise every poll takes the same files)");
    } else if (after.IsMap() && after["move"]) {
      c.move_to = scalar(after["move"], file, "after_receipt.move", problems);
    } else if (!after.IsScalar() || after.as<std::string>() != "delete") {
      problems.add(file, after, "after_receipt must be delete or {move: FOLDER}");
    }
    return c;
  }

  As2Agreement as2_agreement(const YAML::Node& node, const fs::path& file, ProblemList& problems) {
    As2Agreement a;
    a.line = node.Mark().line + 1;
    if (!node.IsMap()) {
      problems.add(file, node, "'as2' must be a mapping (as2_id, certificates, url, ...)");
      return a;
    }
    reject_unknown_keys(node,
                        {"as2_id", "certificates", "require_signed", "require_encrypted", "async_mdn_urls", "url",
                         "ca_file", "sign", "encrypt", "cipher", "key_transport", "compress", "mic_alg", "mdn",
                         "signed_mdn", "content_type", "timeout_seconds", "mdn_due", "max_attempts"},
                        file, "'as2'", problems);
    a.as2_id = scalar(node["as2_id"], file, "as2.as2_id", problems);
    if (a.as2_id.size() > 128 || a.as2_id.find_first_of("\"\r\n") != std::string::npos)
      problems.add(file, node["as2_id"], "as2.as2_id must be at most 128 characters without quotes or line breaks");
    const auto certs = node["certificates"];
    if (!certs.IsSequence() || certs.size() == 0)
      problems.add(file, certs.IsDefined() ? certs : node, "as2.certificates must list the partner's certificate files (PEM)");
    else
      for (const auto& c : certs)
        a.certificates.push_back({config_path(c, config_dir_, file, "as2.certificates entry", problems), c.Mark().line + 1});
    for (auto [key, into] : {std::pair{"require_signed", &a.require_signed}, {"require_encrypted", &a.require_encrypted},
                             {"sign", &a.sign}, {"encrypt", &a.encrypt}, {"compress", &a.compress},
                             {"signed_mdn", &a.signed_mdn}})
      if (node[key]) *into = boolean(node[key], file, std::string("as2.") + key, problems);
    if (const auto urls = node["async_mdn_urls"]) {
      if (!urls.IsSequence()) problems.add(file, urls, "as2.async_mdn_urls must list URL prefixes");
      else
        for (const auto& u : urls) a.async_mdn_urls.push_back(scalar(u, file, "as2.async_mdn_urls entry", problems));
    }
    if (node["url"]) {
      a.url = scalar(node["url"], file, "as2.url", problems);
      if (!a.url.starts_with("http://") && !a.url.starts_with("https://"))
        problems.add(file, node["url"], "as2.url must start with https:// (or http:// for loopback tests)");
    }
    if (node["ca_file"]) a.ca_file = config_path(node["ca_file"], config_dir_, file, "as2.ca_file", problems);
    auto choice = [&](const char* key, std::string& into, const std::set<std::string>& allowed) {
      one_of(node, key, std::string("as2.") + key, into, allowed, file, problems);
    };
    choice("cipher", a.cipher, {"aes128-cbc", "aes192-cbc", "aes256-cbc"});
    choice("key_transport", a.key_transport, {"rsa-oaep", "rsa-pkcs1"});
    choice("mic_alg", a.mic_alg, {"sha1", "sha256", "sha384", "sha512"});
    choice("mdn", a.mdn, {"sync", "async", "none"});
    if (node["content_type"]) a.content_type = scalar(node["content_type"], file, "as2.content_type", problems);
    if (node["timeout_seconds"])
      a.timeout = std::chrono::seconds(bounded_int(node["timeout_seconds"], 1, 3600, file, "as2.timeout_seconds", problems));
    if (node["max_attempts"]) a.max_attempts = bounded_int(node["max_attempts"], 1, 1000, file, "as2.max_attempts", problems);
    if (node["mdn_due"]) {
      auto text = scalar(node["mdn_due"], file, "as2.mdn_due", problems);
      if (auto d = parse_duration(text)) a.mdn_due = *d;
      else problems.add(file, node["mdn_due"], "as2.mdn_due '" + text + "' is not a duration such as 90m, 4h or 2d");
    }
    return a;
  }

  std::optional<OutboundChannel> outbound_channel(const YAML::Node& node, const fs::path& file, const Profile& profile,
                                                  ProblemList& problems) {
    if (!node.IsMap() || int(bool(node["folder"])) + bool(node["sftp"]) + bool(node["as2"]) != 1) {
      problems.add(file, node, "'outbound' needs exactly one channel: {folder: {path: ...}}, {sftp: {...}} or {as2: {}}");
      return std::nullopt;
    }
    reject_unknown_keys(node, {"folder", "sftp", "as2"}, file, "'outbound'", problems);
    OutboundChannel channel;
    if (const auto folder = node["folder"]) {
      if (!folder.IsMap()) {
        problems.add(file, folder, "'outbound.folder' needs a 'path', like {folder: {path: ...}}");
        return std::nullopt;
      }
      reject_unknown_keys(folder, {"path"}, file, "'outbound.folder'", problems);
      channel.folder = FolderSink{config_path(folder["path"], config_dir_, file, "outbound.folder.path", problems)};
    }
    if (const auto as2 = node["as2"]) {
      if (!(as2.IsMap() && as2.size() == 0) && !as2.IsNull())
        problems.add(file, as2, "'outbound.as2' takes no keys ({as2: {}}): the sending options are in the top-level 'as2' agreement");
      if (!profile.as2 || profile.as2->url.empty()) {
        problems.add(file, as2, "outbound {as2: {}} needs a top-level 'as2' agreement with the partner's 'url'");
        return std::nullopt;
      }
      channel.as2 = true;
      channel.as2_id = profile.as2->as2_id;
    }
    if (const auto sftp = node["sftp"]) channel.sftp = sftp_channel(sftp, file, "outbound.sftp", false, problems);
    return channel;
  }

  void load_erp(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    if (!node.IsDefined()) return;
    if (!node.IsMap()) return problems.add(file, node, "'erp' must be a mapping like {folder: {path: ...}}");
    reject_unknown_keys(node, {"folder", "http", "postgres", "outbound"}, file, "'erp'", problems);
    if (int(bool(node["folder"])) + bool(node["http"]) + bool(node["postgres"]) > 1)
      problems.add(file, node, "'erp' names more than one sink: choose one of folder, http, postgres");
    if (node["folder"]) {
      reject_unknown_keys(node["folder"], {"path"}, file, "'erp.folder'", problems);
      profile.erp = FolderSink{config_path(node["folder"]["path"], config_dir_, file, "erp.folder.path", problems)};
    }
    if (const auto http = node["http"]) {
      if (!http.IsMap()) return problems.add(file, http, "'erp.http' must be a mapping {url, headers, ...}");
      reject_unknown_keys(http,
                          {"url", "headers", "max_attempts", "connect_timeout_seconds", "timeout_seconds", "base_delay_ms",
                           "max_delay_seconds", "ca_file", "verify_tls"},
                          file, "'erp.http'", problems);
      ErpHttp sink;
      sink.url = scalar(http["url"], file, "erp.http.url", problems);
      if (!sink.url.empty() && sink.url.rfind("http://", 0) != 0 && sink.url.rfind("https://", 0) != 0)
        problems.add(file, http["url"], "erp.http.url must start with http:// or https://");
      if (http["headers"]) {
        if (!http["headers"].IsMap()) problems.add(file, http["headers"], "erp.http.headers must map header names to values or {env: NAME}");
        else
          for (const auto& h : http["headers"]) sink.headers[h.first.as<std::string>()] = value_or_env(h.second, file, problems);
      }
      if (http["max_attempts"]) sink.max_attempts = bounded_int(http["max_attempts"], 1, 1000, file, "max_attempts", problems);
      auto seconds = [&](const char* key, std::chrono::seconds& into, int high) {
        if (http[key]) into = std::chrono::seconds(bounded_int(http[key], 1, high, file, key, problems));
      };
      seconds("connect_timeout_seconds", sink.connect_timeout, 600);
      seconds("timeout_seconds", sink.timeout, 3600);
      seconds("max_delay_seconds", sink.max_delay, 86400);
      if (http["base_delay_ms"])
        sink.base_delay = std::chrono::milliseconds(bounded_int(http["base_delay_ms"], 1, 600000, file, "base_delay_ms", problems));
      if (http["verify_tls"]) sink.verify_tls = boolean(http["verify_tls"], file, "verify_tls", problems);
      if (http["ca_file"]) sink.ca_file = config_path(http["ca_file"], config_dir_, file, "erp.http.ca_file", problems);
      profile.erp_http = sink;
    }
    if (const auto pg = node["postgres"]) {
      if (!pg.IsMap()) return problems.add(file, pg, "'erp.postgres' must be a mapping {conninfo | conninfo_env, schema, table}");
      reject_unknown_keys(pg, {"conninfo", "conninfo_env", "schema", "table", "statement_timeout_seconds", "connect_timeout_seconds"},
                          file, "'erp.postgres'", problems);
      ErpPostgres sink;
      if (pg["conninfo_env"]) {
        YAML::Node env;
        env["env"] = pg["conninfo_env"];
        sink.conninfo = value_or_env(env, file, problems, pg["conninfo_env"]);
      } else {
        sink.conninfo = scalar(pg["conninfo"], file, "erp.postgres.conninfo (or conninfo_env)", problems);
      }
      if (pg["schema"]) sink.schema = scalar(pg["schema"], file, "schema", problems);
      if (pg["table"]) sink.table = scalar(pg["table"], file, "table", problems);
      if (pg["statement_timeout_seconds"])
        sink.statement_timeout = std::chrono::seconds(bounded_int(pg["statement_timeout_seconds"], 1, 3600, file, "statement_timeout_seconds", problems));
      if (pg["connect_timeout_seconds"])
        sink.connect_timeout = std::chrono::seconds(bounded_int(pg["connect_timeout_seconds"], 1, 600, file, "connect_timeout_seconds", problems));
      profile.erp_postgres = sink;
    }
    if (node["outbound"]) profile.erp_outbound = folder_channel(node["outbound"], file, "erp.outbound", problems);
  }

  // A literal, or {env: NAME} read from the environment (secrets stay out of profiles).
  std::string value_or_env(const YAML::Node& node, const fs::path& file, ProblemList& problems,
                           const YAML::Node& at = YAML::Node()) {
    if (node.IsMap() && node["env"]) {
      auto name = node["env"].as<std::string>();
      const char* value = std::getenv(name.c_str());
      if (!value) problems.add(file, at.IsDefined() ? at : node["env"], "environment variable " + name + " is not set");
      return value ? value : "";
    }
    return scalar(node, file, "value", problems);
  }

  int bounded_int(const YAML::Node& node, int low, int high, const fs::path& file, const std::string& what,
                  ProblemList& problems) {
    try {
      int v = node.as<int>();
      if (v >= low && v <= high) return v;
    } catch (const YAML::Exception&) {
    }
    problems.add(file, node, what + " must be a number from " + std::to_string(low) + " to " + std::to_string(high));
    return low;
  }

  void load_envelope(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    auto& e = profile.envelope;
    auto x12_identity = std::find_if(profile.identities.begin(), profile.identities.end(),
                                     [](const Identity& id) { return !id.is_xml(); });
    if (x12_identity != profile.identities.end()) {
      e.their_qualifier = x12_identity->isa_qualifier;
      e.their_id = x12_identity->isa_id;
      e.their_group_id = x12_identity->group_id;
    }
    if (!node.IsDefined()) return finish_envelope(e);
    if (!node.IsMap()) return problems.add(file, node, "'envelope' must be a mapping (our_id, version, delimiters, ...)");
    reject_unknown_keys(node,
                        {"our_qualifier", "our_id", "our_group_id", "their_qualifier", "their_id", "their_group_id",
                         "isa_version", "group_version", "usage", "ta1_requested", "delimiters", "line_breaks",
                         "first_control_number"},
                        file, "'envelope'", problems);
    auto text = [&](const char* key, std::string& into, std::size_t max) {
      if (!node[key]) return;
      into = scalar(node[key], file, key, problems);
      if (into.size() > max) problems.add(file, node[key], std::string(key) + " is longer than " + std::to_string(max) + " characters");
    };
    text("our_qualifier", e.our_qualifier, 2);
    text("our_id", e.our_id, 15);
    text("our_group_id", e.our_group_id, 15);
    text("their_qualifier", e.their_qualifier, 2);
    text("their_id", e.their_id, 15);
    text("their_group_id", e.their_group_id, 15);
    text("isa_version", e.isa_version, 5);
    text("group_version", e.group_version, 12);
    text("usage", e.usage, 1);
    if (e.isa_version.size() != 5 || e.isa_version.find_first_not_of("0123456789") != std::string::npos)
      problems.add(file, node["isa_version"], "isa_version must be five digits such as 00401 or 00501");
    if (e.usage != "P" && e.usage != "T" && e.usage != "I")
      problems.add(file, node["usage"], "usage must be P (production), T (test) or I (information)");
    if (node["ta1_requested"]) e.ta1_requested = boolean(node["ta1_requested"], file, "ta1_requested", problems);
    if (node["line_breaks"]) e.line_breaks = boolean(node["line_breaks"], file, "line_breaks", problems);
    if (node["first_control_number"]) {
      try {
        e.first_control_number = node["first_control_number"].as<std::uint64_t>();
        if (e.first_control_number < 1 || e.first_control_number > 999999999) throw YAML::Exception({}, "range");
      } catch (const YAML::Exception&) {
        problems.add(file, node["first_control_number"], "first_control_number must be a number from 1 to 999999999");
      }
    }
    if (node["delimiters"]) load_delimiters(node["delimiters"], file, e, problems);
    finish_envelope(e);
  }

  static void finish_envelope(Envelope& e) {
    if (e.our_group_id.empty()) e.our_group_id = e.our_id;
    if (e.their_group_id.empty()) e.their_group_id = e.their_id;
    if (e.our_qualifier.empty()) e.our_qualifier = "ZZ";
    if (e.their_qualifier.empty()) e.their_qualifier = "ZZ";
  }

  void load_delimiters(const YAML::Node& node, const fs::path& file, Envelope& e, ProblemList& problems) {
    if (!node.IsMap()) return problems.add(file, node, "'delimiters' must be {element, component, repetition, segment}");
    reject_unknown_keys(node, {"element", "component", "repetition", "segment"}, file, "'envelope.delimiters'", problems);
    auto one = [&](const char* key, char& into) {
      if (!node[key]) return;
      auto v = scalar(node[key], file, key, problems);
      if (v.size() != 1 || std::isalnum(static_cast<unsigned char>(v[0])) || v[0] == ' ')
        return problems.add(file, node[key], std::string(key) + " separator must be one character that is not a letter, digit or space");
      into = v[0];
    };
    one("element", e.delimiters.element);
    one("component", e.delimiters.component);
    one("repetition", e.delimiters.repetition);
    if (node["segment"]) {
      auto v = scalar(node["segment"], file, "segment", problems);
      if (v.empty() || v.size() > 4) problems.add(file, node["segment"], "segment terminator must be 1 to 4 bytes");
      else e.delimiters.segment = v;
    }
    const auto& d = e.delimiters;
    std::set<char> distinct{d.element, d.component, d.segment[0]};
    if (d.repetition) distinct.insert(d.repetition);
    if (distinct.size() != (d.repetition ? 4u : 3u))
      problems.add(file, node, "element, component, repetition and segment delimiters must all differ");
  }

  // node[key], when present, must be one of `allowed`; `what` names it in the problem.
  void one_of(const YAML::Node& node, const char* key, const std::string& what, std::string& into,
              const std::set<std::string>& allowed, const fs::path& file, ProblemList& problems) {
    if (!node[key]) return;
    into = scalar(node[key], file, what, problems);
    if (!allowed.count(into)) {
      std::string list;
      for (const auto& v : allowed) list += (list.empty() ? "" : ", ") + v;
      problems.add(file, node[key], what + " '" + into + "' is not one of: " + list);
    }
  }

  bool boolean(const YAML::Node& node, const fs::path& file, const std::string& what, ProblemList& problems) {
    try {
      return node.as<bool>();
    } catch (const YAML::Exception&) {
      problems.add(file, node, what + " must be true or false");
      return false;
    }
  }

  void load_acks(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    if (!node.IsDefined()) return;
    if (!node.IsMap()) return problems.add(file, node, "'acknowledgments' must be a mapping (send, ta1, reject, expect, overdue_after)");
    reject_unknown_keys(node, {"send", "ta1", "reject", "expect", "overdue_after", "max_errors_per_set", "max_errors_per_file"},
                        file, "'acknowledgments'", problems);
    auto& a = profile.acks;
    auto choice = [&](const char* key, std::string& into, const std::set<std::string>& allowed) {
      one_of(node, key, key, into, allowed, file, problems);
    };
    choice("send", a.send, {"auto", "997", "999", "none"});
    choice("ta1", a.ta1, {"always", "on_request", "on_error", "never"});
    choice("reject", a.reject, {"set", "group"});
    choice("expect", a.expect, {"997", "999", "none"});
    if (node["overdue_after"]) {
      auto text = scalar(node["overdue_after"], file, "overdue_after", problems);
      if (auto d = parse_duration(text)) a.overdue_after = *d;
      else problems.add(file, node["overdue_after"], "overdue_after '" + text + "' is not a duration such as 90m, 4h or 2d");
    }
    auto cap = [&](const char* key, std::size_t& into) {
      if (!node[key]) return;
      try {
        into = node[key].as<std::size_t>();
        if (into < 1 || into > 100000) throw YAML::Exception({}, "range");
      } catch (const YAML::Exception&) {
        problems.add(file, node[key], std::string(key) + " must be a number from 1 to 100000");
      }
    };
    cap("max_errors_per_set", a.max_errors_per_set);
    cap("max_errors_per_file", a.max_errors_per_file);
  }

  void load_schedule(const YAML::Node& node, const fs::path& file, Schedule& schedule, ProblemList& problems) {
    if (!node.IsDefined()) return;
    if (!node.IsMap()) return problems.add(file, node, "'schedule' must be a mapping {poll_every: 5m, windows: [\"mon-fri 06:00-20:00\"]}");
    reject_unknown_keys(node, {"poll_every", "windows"}, file, "'schedule'", problems);
    if (const auto every = node["poll_every"]) {
      auto text = scalar(every, file, "schedule.poll_every", problems);
      auto d = parse_duration(text);
      if (!d || d->count() < 1) problems.add(file, every, "schedule.poll_every '" + text + "' is not a duration such as 30s, 5m or 1h");
      else schedule.poll_every = d;
    }
    if (const auto windows = node["windows"]) {
      if (!windows.IsSequence()) return problems.add(file, windows, "schedule.windows must be a list like [\"mon-fri 06:00-20:00\"] (UTC)");
      for (const auto& w : windows) {
        std::string error;
        if (auto window = parse_window(w.IsScalar() ? w.as<std::string>() : "", error)) schedule.windows.push_back(*window);
        else problems.add(file, w, "schedule window: " + error);
      }
    }
  }

  void load_validation(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    if (!node.IsDefined()) return;
    if (!node.IsMap()) return problems.add(file, node, "'validation' must map transaction sets to {mandatory_segments, mandatory_elements, codes}");
    const auto& library = x12::SchemaLibrary::builtin();
    for (const auto& entry : node) {
      auto set_id = entry.first.as<std::string>();
      const auto& rules = entry.second;
      std::string where = file.string() + ":" + std::to_string(entry.first.Mark().line + 1);
      if (!rules.IsMap()) {
        problems.add(file, entry.first, "validation of " + set_id + " must be {mandatory_segments, mandatory_elements, codes}");
        continue;
      }
      reject_unknown_keys(rules, {"mandatory_segments", "mandatory_elements", "codes"}, file, "validation of " + set_id, problems);
      x12::Tightening t;
      t.source = where;
      auto list = [&](const char* key, std::vector<std::string>& into) {
        if (!rules[key]) return;
        if (!rules[key].IsSequence()) return problems.add(file, rules[key], std::string(key) + " must be a list");
        for (const auto& v : rules[key]) into.push_back(v.as<std::string>());
      };
      list("mandatory_segments", t.mandatory_segments);
      list("mandatory_elements", t.mandatory_elements);
      if (rules["codes"]) {
        if (!rules["codes"].IsMap()) {
          problems.add(file, rules["codes"], "codes must map elements (TD504) to lists of allowed codes");
        } else {
          for (const auto& c : rules["codes"]) {
            if (!c.second.IsSequence()) {
              problems.add(file, c.first, "codes of " + c.first.as<std::string>() + " must be a list");
              continue;
            }
            auto& codes = t.codes[c.first.as<std::string>()];
            for (const auto& v : c.second) codes.push_back(v.as<std::string>());
          }
        }
      }
      bool any = false;
      for (const auto* schema : library.all()) {
        if (schema->id != set_id) continue;
        any = true;
        try {
          profile.tightened[set_id + "/" + schema->version] = x12::tighten(*schema, t);
        } catch (const x12::SchemaError& e) {
          problems.problems.push_back(e.what());
        }
      }
      if (!any) problems.add(file, entry.first, "no schema for transaction set '" + set_id + "' to tighten");
    }
  }

  void load_code_tables(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    if (!node.IsDefined()) return;
    if (!node.IsMap()) return problems.add(file, node, "'code_tables' must map table names to {partner code: our code}");
    for (const auto& table : node) {
      auto name = table.first.as<std::string>();
      if (!table.second.IsMap()) {
        problems.add(file, table.first, "code table '" + name + "' must map partner codes to our codes");
        continue;
      }
      auto& codes = profile.code_tables[name];
      for (const auto& code : table.second) {
        if (!code.second.IsScalar()) {
          problems.add(file, code.first, "code '" + code.first.as<std::string>() + "' in table '" + name + "' must map to one value");
          continue;
        }
        codes[code.first.as<std::string>()] = code.second.as<std::string>();
      }
    }
  }

  void load_mappings(const YAML::Node& node, const fs::path& file, Profile& profile, ProblemList& problems) {
    if (!node.IsDefined()) return;
    if (!node.IsSequence()) return problems.add(file, node, "'mappings' must list {transaction_set, versions, file}");
    for (const auto& entry : node) {
      if (!entry.IsMap()) {
        problems.add(file, entry, "each mapping rule must be a mapping {transaction_set, versions, file}");
        continue;
      }
      if (entry["direction"] && entry["direction"].as<std::string>() == "outbound") {
        load_outbound_rule(entry, file, profile, problems);
        continue;
      }
      reject_unknown_keys(entry, {"direction", "transaction_set", "versions", "document", "standard", "file"}, file,
                          "a mapping rule", problems);
      if (entry["direction"] && entry["direction"].as<std::string>() != "inbound")
        problems.add(file, entry["direction"], "direction must be inbound (partner to ERP) or outbound (ERP to partner)");
      MappingRule rule;
      if (entry["document"]) {
        rule.document = scalar(entry["document"], file, "'document' (the XML document type) of a mapping rule", problems);
        rule.standard = scalar(entry["standard"], file, "standard", problems, false);
        if (entry["transaction_set"] || entry["versions"])
          problems.add(file, entry, "a mapping rule names either an X12 transaction_set (and versions) or an XML document, not both");
      } else {
        rule.transaction_set = scalar(entry["transaction_set"], file, "'transaction_set' (X12) or 'document' (XML) of a mapping rule", problems);
        if (entry["standard"]) problems.add(file, entry["standard"], "'standard' belongs to XML rules (with 'document')");
      }
      if (entry["versions"]) {
        if (!entry["versions"].IsSequence())
          problems.add(file, entry["versions"], "versions must be a list such as [\"004010\", \"005010\"]");
        else
          for (const auto& v : entry["versions"]) rule.versions.push_back(v.as<std::string>());
      }
      rule.file = config_path(entry["file"], config_dir_, file, "mapping file", problems);
      if (!rule.file.empty()) {
        rule.mapping = loaded_file(inbound_files_, rule.file, file, entry["file"], problems, &mapping::Mapping::load_file);
        if (rule.mapping && !rule.document.empty() && !entry["standard"]) rule.standard = rule.mapping->source().standard;
        if (rule.mapping) check_rule(rule, profile, file, entry, problems);
      }
      profile.mappings.push_back(std::move(rule));
    }
  }

  void load_outbound_rule(const YAML::Node& entry, const fs::path& file, Profile& profile, ProblemList& problems) {
    reject_unknown_keys(entry, {"direction", "transaction", "file"}, file, "an outbound mapping rule", problems);
    OutboundRule rule;
    rule.transaction = scalar(entry["transaction"], file, "'transaction' (the ERP transaction type) of an outbound mapping rule", problems);
    rule.file = config_path(entry["file"], config_dir_, file, "mapping file", problems);
    if (!rule.file.empty()) {
      rule.mapping = loaded_file(outbound_files_, rule.file, file, entry["file"], problems, &mapping::OutboundMapping::load_file);
      if (rule.mapping) {
        if (rule.mapping->source_type() != rule.transaction)
          problems.add(file, entry, "mapping " + rule.file.filename().string() + " takes ERP transactions of type " +
                                        rule.mapping->source_type() + ", not " + rule.transaction);
        for (const auto& table : rule.mapping->code_tables_used())
          if (!profile.code_tables.count(table))
            problems.add(file, entry, "mapping " + rule.file.filename().string() + " uses code table '" + table +
                                          "', which this profile does not define under code_tables");
      }
    }
    profile.outbound_mappings.push_back(std::move(rule));
  }

  void check_rule(const MappingRule& rule, const Profile& profile, const fs::path& file, const YAML::Node& entry,
                  ProblemList& problems) {
    const auto& source = rule.mapping->source();
    const std::string name = rule.file.filename().string();
    if (!rule.document.empty()) {
      if (source.format != "xml")
        problems.add(file, entry, "mapping " + name + " reads X12 transaction set " + source.transaction_set + ", not XML documents");
      else if (source.document != rule.document || (!source.standard.empty() && source.standard != rule.standard))
        problems.add(file, entry, "mapping " + name + " is for " + (source.standard.empty() ? "" : source.standard + " ") +
                                      source.document + ", not " + (rule.standard.empty() ? "" : rule.standard + " ") + rule.document);
    } else if (source.format == "xml") {
      problems.add(file, entry, "mapping " + name + " reads XML documents (" + source.document + "); name them with 'document:'");
    } else if (source.transaction_set != rule.transaction_set) {
      problems.add(file, entry, "mapping " + name + " is for transaction set " + source.transaction_set + ", not " +
                                    rule.transaction_set);
    }
    for (const auto& table : rule.mapping->code_tables_used())
      if (!profile.code_tables.count(table))
        problems.add(file, entry, "mapping " + rule.file.filename().string() + " uses code table '" + table +
                                      "', which this profile does not define under code_tables");
  }

  // Shared mapping files are loaded once, however many partners use them.
  template <class M>
  std::shared_ptr<const M> loaded_file(std::map<fs::path, std::shared_ptr<const M>>& cache, const fs::path& path,
                                       const fs::path& file, const YAML::Node& at, ProblemList& problems,
                                       std::shared_ptr<const M> (*load)(const std::string&)) {
    auto found = cache.find(path);
    if (found != cache.end()) return found->second;
    std::shared_ptr<const M> loaded;
    if (!fs::exists(path)) {
      problems.add(file, at, "mapping file " + path.lexically_relative(config_dir_).string() + " does not exist");
    } else {
      try {
        loaded = load(path.string());
      } catch (const mapping::MappingFileError& e) {
        problems.problems.push_back(e.what());
      }
    }
    cache[path] = loaded;
    return loaded;
  }

  fs::path config_dir_;
  std::map<fs::path, std::shared_ptr<const mapping::Mapping>> inbound_files_;
  std::map<fs::path, std::shared_ptr<const mapping::OutboundMapping>> outbound_files_;
};

// Two identities overlap when some interchange could match both.
bool same_scheme(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Two identities overlap when some interchange or XML document could match both.
bool overlaps(const Identity& a, const Identity& b) {
  auto compatible = [](const std::string& x, const std::string& y) { return x.empty() || y.empty() || x == y; };
  if (a.is_xml() != b.is_xml()) return false;
  if (a.is_xml())
    return a.party_id == b.party_id &&
           (a.party_scheme.empty() || b.party_scheme.empty() || same_scheme(a.party_scheme, b.party_scheme));
  return a.isa_id == b.isa_id && compatible(a.isa_qualifier, b.isa_qualifier) && compatible(a.group_id, b.group_id);
}

bool identity_matches(const Identity& id, std::string_view qualifier, std::string_view isa_id, std::string_view gs) {
  return !id.is_xml() && id.isa_id == isa_id && (id.isa_qualifier.empty() || id.isa_qualifier == qualifier) &&
         (id.group_id.empty() || gs.empty() || id.group_id == gs);
}

}  // namespace

std::string key_passphrase(const YAML::Node& owner, const fs::path& config_dir,
                           const std::function<void(const YAML::Node&, const std::string&)>& problem) {
  const YAML::Node env = owner["passphrase_env"], file = owner["passphrase_file"];
  if (env && file) problem(file, "give passphrase_env or passphrase_file, not both");
  if (env) {
    const auto name = env.as<std::string>();
    const char* value = std::getenv(name.c_str());
    if (!value) problem(env, "environment variable " + name + " is not set");
    return value ? value : "";
  }
  if (!file) return "";
  const fs::path path = file.as<std::string>();
  if (path.is_absolute()) {
    problem(file, "passphrase_file must be relative to the config folder, not '" + path.string() + "'");
    return "";
  }
  std::ifstream in(config_dir / path);
  std::string line;
  if (!in) problem(file, "cannot read passphrase_file " + fs::weakly_canonical(config_dir / path).string());
  else if (std::getline(in, line) && !line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string Identity::text() const {
  return is_xml() ? (party_scheme.empty() ? "" : party_scheme + ":") + party_id : isa_qualifier + ":" + isa_id;
}

const MappingRule* Profile::mapping_for(std::string_view transaction_set, std::string_view version) const {
  for (const auto& rule : mappings) {
    if (!rule.document.empty() || rule.transaction_set != transaction_set || !rule.mapping) continue;
    if (rule.versions.empty()) return &rule;
    for (const auto& v : rule.versions)
      if (version.substr(0, v.size()) == v) return &rule;
  }
  return nullptr;
}

const MappingRule* Profile::mapping_for_document(std::string_view standard, std::string_view type) const {
  for (const auto& rule : mappings)
    if (!rule.document.empty() && rule.document == type && rule.standard == standard && rule.mapping) return &rule;
  return nullptr;
}

std::string OutboundChannel::name(const fs::path& config_dir) const {
  if (folder) return "folder:" + folder->path.lexically_relative(config_dir).string();
  if (sftp) return sftp->name();
  return "as2:" + as2_id;
}

std::string SftpChannel::name() const {
  return "sftp:" + user + "@" + host + ":" + std::to_string(port) + "/" + remote_dir;
}

const OutboundRule* Profile::outbound_mapping_for(std::string_view transaction) const {
  for (const auto& rule : outbound_mappings)
    if (rule.transaction == transaction && rule.mapping) return &rule;
  return nullptr;
}

x12::SchemaResolver Directory::schema_resolver() const {
  return [this](const x12::InterchangeHeader& h, const x12::GroupHeader& g,
                const x12::TransactionSet& set) -> const x12::TransactionSetSchema* {
    const auto* partner = resolve(h.sender_qualifier, h.sender_id, g.sender);
    return partner ? partner->schema_for(set.id, g.version) : x12::SchemaLibrary::builtin().find(set.id, g.version);
  };
}

x12::RulesResolver Directory::rules_resolver() const {
  return [this](const x12::InterchangeHeader& h, const x12::GroupHeader& g) {
    const auto* partner = resolve(h.sender_qualifier, h.sender_id, g.sender);
    return partner ? partner->validation_rules() : x12::ValidationRules{};
  };
}

std::function<const x12::Charset&(const x12::ParsedInterchange&)> Directory::charset_resolver() const {
  return [this](const x12::ParsedInterchange& interchange) -> const x12::Charset& {
    const auto& h = interchange.header;
    const auto* partner =
        resolve(h.sender_qualifier, h.sender_id, interchange.groups.empty() ? "" : interchange.groups.front().header.sender);
    return partner ? partner->charset : x12::Charset::utf8();
  };
}

const x12::TransactionSetSchema* Profile::schema_for(std::string_view transaction_set, std::string_view gs08) const {
  const auto* base = x12::SchemaLibrary::builtin().find(transaction_set, gs08);
  if (!base) return nullptr;
  auto found = tightened.find(std::string(transaction_set) + "/" + base->version);
  return found != tightened.end() ? found->second.get() : base;
}

std::string Profile::ack_for(std::string_view gs08) const {
  if (acks.send != "auto") return acks.send;
  if (!outbound) return "none";
  return gs08.substr(0, 6) >= "005010" ? "999" : "997";
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9' || value > 100000000) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  switch (text.back()) {
    case 's': return std::chrono::seconds(value);
    case 'm': return std::chrono::seconds(value * 60);
    case 'h': return std::chrono::seconds(value * 3600);
    case 'd': return std::chrono::seconds(value * 86400);
    default: return std::nullopt;
  }
}

ConfigError::ConfigError(std::vector<std::string> list)
    : std::runtime_error(list.empty() ? "configuration error" : list.front()), problems(std::move(list)) {}

Directory Directory::load(const fs::path& config_dir) {
  ProblemList problems;
  Directory dir;
  fs::path partners_dir = config_dir / "partners";
  if (!fs::is_directory(partners_dir)) throw ConfigError({partners_dir.string() + ": no partners folder"});
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(partners_dir))
    if (entry.is_regular_file() && (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml"))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  Loader loader(config_dir);
  for (const auto& file : files) dir.profiles_.push_back(loader.load(file, problems));

  // Routing must be unambiguous: one id and one identity per partner.
  for (size_t i = 0; i < dir.profiles_.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const auto& a = dir.profiles_[i];
      const auto& b = dir.profiles_[j];
      if (!a.id.empty() && a.id == b.id)
        problems.add(a.file, 1, "partner id '" + a.id + "' is also used by " + b.file.string());
      for (const auto& ia : a.identities)
        for (const auto& ib : b.identities)
          if (overlaps(ia, ib))
            problems.add(a.file, 1, "identity " + ia.text() + " is also claimed by partner '" +
                                        b.id + "' (" + b.file.string() + "), so routing would be ambiguous");
    }
  if (!problems.problems.empty()) throw ConfigError(problems.problems);
  return dir;
}

const Profile* Directory::find(std::string_view id) const {
  for (const auto& p : profiles_)
    if (p.id == id) return &p;
  return nullptr;
}

const Profile* Directory::resolve(std::string_view qualifier, std::string_view isa_id, std::string_view gs) const {
  for (const auto& p : profiles_)
    for (const auto& id : p.identities)
      if (identity_matches(id, qualifier, isa_id, gs)) return &p;
  return nullptr;
}

const Profile* Directory::resolve_party(const std::vector<xml::PartyId>& senders) const {
  for (const auto& sender : senders)
    for (const auto& p : profiles_)
      for (const auto& id : p.identities)
        if (id.is_xml() && id.party_id == sender.id && (id.party_scheme.empty() || same_scheme(id.party_scheme, sender.scheme)))
          return &p;
  return nullptr;
}

}  // namespace edihub::partners
