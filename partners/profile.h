// Partner profiles: one YAML file per trading partner (identity, channels, ERP sink and
// ERP pickup, how we envelope what we send, acknowledgment policy, the partner's
// tightening of the transaction-set schemas, which mapping applies to which transaction
// set and version, code tables), and the directory that routes an interchange to its
// partner by ISA sender (and GS02). Loading checks every file and reports each mistake as
// file:line. The profile keys are documented in docs/partners.md; each section is read by
// its own file (partners/sections.h).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "formats/charset.h"
#include "formats/schema.h"
#include "formats/validation.h"
#include "formats/x12.h"
#include "formats/xml.h"
#include "mappings/mapping.h"
#include "mappings/outbound.h"
#include "partners/alert_rules.h"
#include "partners/findings.h"
#include "partners/schedule.h"

namespace YAML {
class Node;
}

namespace edihub::partners {

// One identity a partner sends under: an interchange sender, X12 (ISA05/ISA06/GS02) or
// EDIFACT (UNB S002 0007/0004, UNG 0040); an empty qualifier or group id matches any. Or,
// for XML documents, a party id (cXML credential, UBL/GS1 party identifier; an empty
// scheme matches any).
struct Identity {
  x12::Standard standard = x12::Standard::X12;  // of an interchange identity
  std::string sender_qualifier;  // ISA05 or UNB S002/0007
  std::string sender_id;         // ISA06 (trimmed) or UNB S002/0004
  std::string group_id;          // GS02 or UNG S006/0040
  std::string party_scheme;      // XML: cXML credential domain, UBL schemeID, GLN
  std::string party_id;          // XML

  bool is_xml() const { return !party_id.empty(); }
  std::string text() const;   // "ZZ:ACME", "UNB 14:5412345000013" or "NetworkId:AN01"
};

// Inbound folder channel: files are taken once they are settled (unchanged size and
// modification time for `settle`), never while still being written.
struct FolderChannel {
  std::filesystem::path path;           // absolute after loading (config-relative in YAML)
  std::string pattern = "*";            // glob over file names
  std::chrono::milliseconds settle{1000};
};

struct FolderSink {
  std::filesystem::path path;
};

// Inbound SFTP client channel: the hub polls the partner's server (docs/sftp.md). The host
// key is pinned; the passphrase comes from the environment or a file, never the profile.
struct SftpChannel {
  std::string host;
  int port = 22;
  std::string user;
  std::filesystem::path private_key;
  std::string passphrase;
  std::string host_key_sha256;
  std::filesystem::path known_hosts;
  std::string remote_dir;
  std::string pattern = "*";
  std::string temp_pattern;
  std::string done_suffix;
  bool stable_listing = true;
  std::chrono::milliseconds settle{2000};
  std::size_t max_files = 100;
  std::string move_to;                      // after receipt: move there; empty: delete
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds transfer_timeout{60};
  // "sftp:user@host:port/remote_dir": the channel files from or to that server are recorded with.
  std::string name() const;
};

// Where what we send to the partner (acknowledgments, outbound documents) goes: exactly one
// of a local folder, the partner's SFTP server (uploaded under a temporary name and renamed
// when complete; the inbound rules of SftpChannel are unused), or AS2 under the partner's
// `as2` agreement.
struct OutboundChannel {
  std::optional<FolderSink> folder;
  std::optional<SftpChannel> sftp;
  bool as2 = false;
  std::string as2_id;  // with `as2`: the partner's AS2 id (from its `as2` agreement)
  // How sent files are recorded: "folder:<path relative to config_dir>", "sftp:user@host:port/dir", "as2:<AS2 id>".
  std::string name(const std::filesystem::path& config_dir) const;
};

// The partner's AS2 agreement (top-level `as2:`), used in both directions (docs/as2.md).
// Certificates stay file paths here (this module does not link OpenSSL); hub/ loads them
// when the configuration is loaded, so a bad certificate is still a config error.
struct As2Agreement {
  struct CertificateFile {
    std::filesystem::path path;  // absolute after loading
    int line = 0;                // where the profile names it, for errors
  };
  std::string as2_id;                          // their AS2-From / our AS2-To
  std::vector<CertificateFile> certificates;   // several overlap during a rotation
  bool require_signed = true, require_encrypted = true;   // inbound requirements
  std::vector<std::string> async_mdn_urls;     // prefixes allowed in their Receipt-Delivery-Option
  // Sending (outbound: {as2: {}}).
  std::string url;
  std::filesystem::path ca_file;
  bool sign = true, encrypt = true, compress = false;
  std::string cipher = "aes256-cbc", key_transport = "rsa-oaep", mic_alg = "sha256";
  std::string mdn = "sync";                    // sync | async | none
  bool signed_mdn = true;
  std::string content_type = "application/edi-x12";
  std::chrono::seconds timeout{120};
  std::chrono::seconds mdn_due{3600};          // async MDN deadline
  int max_attempts = 3;                        // failed sends before a transport_error exception
  int line = 0;                                // of the `as2` key
};

// ERP sinks besides a folder; secrets come from the environment, read when loading.
struct ErpHttp {
  std::string url;
  std::map<std::string, std::string> headers;
  int max_attempts = 8;                 // over runs; then the transaction is dead-lettered
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds timeout{30};
  std::chrono::milliseconds base_delay{500};
  std::chrono::seconds max_delay{60};
  std::filesystem::path ca_file;        // trusted instead of the system CAs (config-relative in YAML)
  bool verify_tls = true;
};

struct ErpPostgres {
  std::string conninfo;
  std::string schema = "edihub";
  std::string table = "erp_inbound";
  std::chrono::seconds statement_timeout{30};
  std::chrono::seconds connect_timeout{10};
};

// How we envelope what we send to the partner (acks and outbound documents).
struct Envelope {
  // X12 or EDIFACT: the standard of the partner's first interchange identity.
  x12::Standard standard = x12::Standard::X12;
  std::string our_qualifier, our_id;      // ISA05/ISA06 (UNB S002) we send under; acks default to the ids the partner addressed
  std::string our_group_id;               // GS02; defaults to our_id
  std::string their_qualifier, their_id;  // ISA07/ISA08 (UNB S003); default: the partner's first identity
  std::string their_group_id;             // GS03; default: that identity's group id, else their_id
  std::string isa_version = "00401";      // ISA12 of outbound documents (acks answer in the partner's own)
  std::string group_version = "004010";   // GS08 of outbound documents
  std::string usage = "P";                // ISA15 (EDIFACT: T sets UNB 0035 test indicator 1)
  bool ta1_requested = false;             // ISA14 on our documents: the partner is asked for a TA1
  std::string syntax_identifier = "UNOC"; // EDIFACT UNB S001/0001 of outbound documents
  int syntax_version = 3;                 // EDIFACT UNB S001/0002
  bool contrl_requested = false;          // EDIFACT UNB 0031 on our documents: the partner is asked for a CONTRL
  x12::Delimiters delimiters{'*', '>', 0, "~"};  // X12; EDIFACT documents use the UNA defaults
  bool line_breaks = false;               // a newline after every segment terminator
  std::uint64_t first_control_number = 1; // where our ISA13/GS06/ST02 (UNB/UNH reference) counters start
};

// What we send for the partner's documents and what we expect for ours.
struct AckPolicy {
  std::string send = "auto";              // 997, 999, none; auto: 999 for 005010 groups, 997 otherwise
  std::string ta1 = "on_request";         // always, on_request (ISA14 = 1), on_error, never
  std::string reject = "set";             // set: a rejected set blocks only itself; group: the whole group
  std::string contrl = "on_request";      // EDIFACT: always, on_request (UNB 0031 = 1), on_error, never
  std::string expect = "997";             // 997, 999, contrl, none: the acknowledgment the partner returns
  std::chrono::seconds overdue_after{4 * 3600};
  // Errors listed per transaction set and per file; past them errors are only counted
  // (bounds what one broken file costs and keeps every 997/999 within the standard).
  std::size_t max_errors_per_set = x12::ValidationRules{}.max_errors_per_set;
  std::size_t max_errors_per_file = x12::ValidationRules{}.max_errors_per_file;
};

// A tolerance from a profile: "5%" of the reference, or an absolute quantity ("2").
struct Tolerance {
  double value = 0;
  bool percent = false;
  double of(double reference) const { return percent ? reference * value / 100.0 : value; }
};

// The `reconcile:` section (defaults: edihub.yaml's `reconcile:`, else these): how the
// partner's ASNs, 855s and 810s are checked against the orders sent to it
// (hub/reconcile). Durations are after the PO's requested ship date (ASNs) or after the
// order was sent (855).
struct ReconcileRules {
  bool enabled = true;
  Tolerance quantity;                       // over- and under-shipment
  Tolerance price;                          // invoice unit price against the PO's
  std::chrono::seconds asn_allowance{24 * 3600};         // asn_missing after the requested ship date + this
  std::chrono::seconds under_shipment_grace{24 * 3600};  // asn_under_shipment after the requested ship date + this
  std::chrono::seconds ack_allowance{48 * 3600};         // po_ack_missing after the order was sent + this
  // unit -> unit -> factor: 1 `from` is `factor` `to` (CS -> EA: 12).
  std::map<std::string, std::map<std::string, double>> unit_conversions;
  std::set<Finding> hold_on;                // findings whose document waits for a resolve
};

struct OutboundRule {
  std::string transaction;                // ERP transaction type, e.g. "purchase_order"
  std::filesystem::path file;
  std::shared_ptr<const mapping::OutboundMapping> mapping;
};

struct MappingRule {
  std::string transaction_set;          // X12: ST01, e.g. "856"
  std::vector<std::string> versions;    // X12: GS08 prefixes; empty = any
  std::string document;                 // XML: document type, e.g. "DespatchAdvice"
  std::string standard;                 // XML: cxml, ubl, gs1 or "" (other XML)
  std::filesystem::path file;
  std::shared_ptr<const mapping::Mapping> mapping;
};

struct Profile {
  std::string id;
  std::string name;
  std::filesystem::path file;
  std::vector<Identity> identities;
  std::optional<FolderChannel> inbound;      // a local folder,
  std::optional<SftpChannel> inbound_sftp;   // or the partner's SFTP server
  std::optional<OutboundChannel> outbound;   // where what we send to the partner goes
  std::optional<As2Agreement> as2;           // AS2 in and/or out
  std::optional<FolderSink> erp;             // where mapped inbound transactions go: a folder,
  std::optional<ErpHttp> erp_http;           // or an HTTP endpoint,
  std::optional<ErpPostgres> erp_postgres;   // or a PostgreSQL staging table
  std::optional<FolderChannel> erp_outbound; // where the ERP drops transactions for the partner
  std::optional<FolderChannel> erp_open_orders;  // purchase_order JSON of orders sent another way: recorded, not sent
  ReconcileRules reconcile;
  std::vector<AlertRule> alerts;             // its own alert rules (partners/alert_rules.h)
  Schedule schedule;                         // when `edihub serve` polls it
  Envelope envelope;
  x12::Charset charset = x12::Charset::utf8();  // `encoding:` of its element values
  bool encoding_given = false;                  // `encoding:` was written (EDIFACT then ignores UNB's)
  AckPolicy acks;
  std::vector<MappingRule> mappings;
  std::vector<OutboundRule> outbound_mappings;
  mapping::CodeTables code_tables;
  // Schemas as the partner's implementation guide tightened them, by ST01 + version.
  std::map<std::string, std::shared_ptr<const x12::TransactionSetSchema>> tightened;

  bool has_erp_sink() const { return erp || erp_http || erp_postgres; }
  // The rule for a transaction set and GS08 version, or nullptr.
  const MappingRule* mapping_for(std::string_view transaction_set, std::string_view version) const;
  // The rule for an XML document of `standard` and `type`, or nullptr.
  const MappingRule* mapping_for_document(std::string_view standard, std::string_view type) const;
  const OutboundRule* outbound_mapping_for(std::string_view transaction) const;
  // The schema this partner's sets are validated against; nullptr when there is none.
  const x12::TransactionSetSchema* schema_for(std::string_view transaction_set, std::string_view gs08) const;
  // The character set of an interchange's values: `encoding:` when given; else for EDIFACT
  // the one its UNB syntax identifier names (UNOC: ISO-8859-1), for X12 UTF-8.
  const x12::Charset& charset_of(const x12::InterchangeHeader& h) const;
  // How its interchanges are validated: their character set and the error caps.
  x12::ValidationRules validation_rules(const x12::InterchangeHeader& h = {}) const {
    return {&charset_of(h), acks.max_errors_per_set, acks.max_errors_per_file};
  }
  // The acknowledgment we send for a group of this version: "997", "999" or "none".
  std::string ack_for(std::string_view gs08) const;
};

// "90s", "30m", "4h", "2d"; nullopt when not a duration.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// The passphrase of an encrypted private key, from `owner`'s `passphrase_env` (the name of an
// environment variable) or `passphrase_file` (config-relative; its first line, without the
// line end); "" when neither is given. Secrets never sit in the YAML itself. Each problem (both
// given, unset variable, unreadable file) goes to `problem` with the node it is about.
std::string key_passphrase(const YAML::Node& owner, const std::filesystem::path& config_dir,
                           const std::function<void(const YAML::Node&, const std::string&)>& problem);
// The same for any secret `name` of `owner`: `<name>_env` or `<name>_file` (an SMTP
// password, a webhook token); key_passphrase is secret(owner, "passphrase", ...).
std::string secret(const YAML::Node& owner, const std::string& name, const std::filesystem::path& config_dir,
                   const std::function<void(const YAML::Node&, const std::string&)>& problem);

// Every mistake found in the configuration, one line each: "file:line: message".
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  std::vector<std::string> problems;
};

class Directory {
 public:
  // Loads every partners/*.yaml under `config_dir` and the mapping files they name
  // (shared mappings are loaded once). Throws ConfigError listing all problems.
  static Directory load(const std::filesystem::path& config_dir);
  // `reconcile_defaults`: edihub.yaml's `reconcile:` node (may be undefined), under each
  // profile's own.
  static Directory load(const std::filesystem::path& config_dir, const YAML::Node& reconcile_defaults);

  const std::vector<Profile>& profiles() const { return profiles_; }
  const Profile* find(std::string_view id) const;
  // The partner an interchange belongs to, by its sender (ISA05/ISA06 or UNB S002) and
  // group sender (GS02 or UNG 0040); nullptr if none.
  const Profile* resolve(x12::Standard standard, std::string_view qualifier, std::string_view sender_id,
                         std::string_view group_id = {}) const;
  const Profile* resolve(const x12::InterchangeHeader& h, std::string_view group_id = {}) const {
    return resolve(h.standard, h.sender_qualifier, h.sender_id, group_id);
  }
  // What validation and decoding take from the partner an interchange belongs to (resolved
  // like resolve(), by ISA05/ISA06 and GS02): its schemas, its rules (encoding, error caps)
  // and its character set; the library's schemas and the defaults for an unknown sender.
  x12::SchemaResolver schema_resolver() const;
  x12::RulesResolver rules_resolver() const;
  std::function<const x12::Charset&(const x12::ParsedInterchange&)> charset_resolver() const;
  // The partner of an XML document: the first of its sender party ids a profile claims.
  const Profile* resolve_party(const std::vector<xml::PartyId>& senders) const;

 private:
  std::vector<Profile> profiles_;
};

}  // namespace edihub::partners
