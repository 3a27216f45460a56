// X12 files in the pipeline, one transaction set at a time: the StreamValidator hands over
// each set with its result at its SE. The interchange is routed to its partner at its
// first GS (ISA sender, GS02) and checked for a duplicate there; each set is recorded, and
// mapped when nothing rejected it so far; its mapped output waits in the index until the
// batch is committed and delivered. A group rejected at its GE (or by the partner's reject
// policy "group") or an interchange rejected at its IEA settles the sets it already
// recorded as rejected: delivery only starts after the file's commit, so none of them is
// delivered. The acknowledgment is built at the IEA from the verdicts and the set results
// it reports (formats/ack.h ack_reports), never from the whole file.
#include <fmt/format.h>

#include "formats/ack.h"
#include "formats/contrl.h"
#include "formats/edifact_reader.h"
#include "formats/business_keys.h"
#include "hub/pipeline/pipeline.h"
#include "hub/pipeline/validation_text.h"
#include "hub/pipeline/x12_file.h"

namespace edihub::hub {

using archive::ExceptionRecord;
using archive::FileRecord;

namespace {

std::string envelope_issue_text(const x12::EnvelopeIssue& issue) {
  std::string where = fmt::format("segment {}", issue.segment);
  if (!issue.element.empty()) where += " " + issue.element;
  return fmt::format("{}: {} (code {})", where, issue.message, issue.code);
}

// Lines of an exception: the first ones kept, the rest counted (a file of a million broken
// sets must not grow memory with them).
class Lines {
 public:
  static constexpr std::size_t kKept = 25;
  void add(std::string line) {
    if (kept_.size() < kKept) kept_.push_back(std::move(line));
    else ++more_;
  }
  void add(const std::vector<std::string>& lines) {
    for (const auto& line : lines) add(line);
  }
  bool empty() const { return kept_.empty(); }
  std::string indented() const {
    std::string text = indented_lines(kept_, kKept);
    if (more_ > 0) text += fmt::format("\n  ... and {} more, not listed", more_);
    return text;
  }

 private:
  std::vector<std::string> kept_;
  std::size_t more_ = 0;
};

}  // namespace

class Pipeline::X12Stream : public x12::ValidationConsumer {
 public:
  X12Stream(Pipeline& pipeline, const FileRecord& file, RunSummary& summary)
      : p_(pipeline), file_(file), summary_(summary) {}

  void on_interchange_start(const x12::InterchangeResult& interchange) override {
    route_ = Route::pending;
    raw_header_ = interchange.header;
  }

  void on_interchange_segment(const x12::InterchangeResult&, const x12::Segment& segment) override {
    if (segment.tag == "TA1") ta1s_.push_back(segment);
  }

  void on_group_start(const x12::InterchangeResult&, const x12::GroupResult& group) override {
    if (route_ == Route::pending) route(group.header.sender);
    if (route_ != Route::accepted) return;
    group_ = group.header;
    x12::decode_to_utf8(group_, partner_->charset_of(raw_header_));
    group_id_ = 0;
    group_first_ = recorded_.size();
    group_has_rejected_set_ = false;
    group_sets_.clear();
    // A CONTRL reports on every EDIFACT message but CONTRLs; X12 groups answer as 997/999 say.
    acknowledged_group_ = edifact() ? group.header.functional_id != edifact::kContrl : x12::acknowledged(group);
    if (acknowledged_group_ && !ack_kind_ && !edifact()) {
      // The first group acknowledged decides 997 or 999 for the whole interchange.
      ack_kind_ = partner_->ack_for(group.header.version) == "999" ? x12::AckKind::Implementation999
                                                                   : x12::AckKind::Functional997;
    }
  }

  void on_set(const x12::InterchangeResult& interchange, const x12::GroupResult& group, x12::TransactionSet& set,
              x12::SetResult& result) override {
    if (route_ == Route::unknown) {
      unknown_lines_.add(set_error_lines(result));
      return record_unprocessed(group.header, set);
    }
    if (route_ == Route::duplicate) return record_unprocessed(group.header, set);
    if (route_ != Route::accepted) return;
    const partners::Profile& partner = *partner_;
    const bool whole_groups = partner.acks.reject == "group";
    if (!result.accepted()) group_has_rejected_set_ = true;
    // Under the "group" policy a later rejection turns every set of the group to R: keep all.
    if (acknowledged_group_ && (edifact() ? set.id != edifact::kContrl
                                          : ack_kind_ && (whole_groups || x12::ack_reports(*ack_kind_, result))))
      group_sets_.push_back(result);
    x12::decode_to_utf8(set, partner.charset_of(raw_header_));

    const std::string now = p_.clock_.iso_now();
    archive::TransactionSetRecord rec;
    std::string key = idempotency_key(partner.id, header_.control_number, group_.control_number, set.control_number);
    if (auto existing = p_.index_->transaction_set_by_key(key)) {
      rec = *existing;
      if (rec.status == archive::SetStatus::delivered || rec.status == archive::SetStatus::mapped ||
          rec.status == archive::SetStatus::reconciled) {
        p_.index_->add_event({0, file_.id, rec.id, now, "replayed",
                              fmt::format("{} {} already {}; not repeated", set.id, set.control_number,
                                          archive::to_string(rec.status))});
        return;
      }
    } else {
      if (!group_id_) {
        archive::GroupRecord gr{0, interchange_id_, group_.functional_id, group_.sender, group_.receiver,
                                group_.control_number, group_.version, "in"};
        group_id_ = p_.index_->add_group(gr);
      }
      rec = set_record(file_.id, interchange_id_, group_id_, partner.id, header_, group_, set, now, "in");
      rec.idempotency_key = key;
      rec.received_at = file_.received_at;
      rec.id = p_.index_->add_transaction_set(rec);
    }
    rec.file_id = file_.id;
    rec.updated_at = now;
    // Findable by its business keys whatever becomes of it (a mapping may add its own).
    for (const auto& [name, value] : x12::builtin_business_keys(set)) p_.index_->add_business_key(rec.id, name, value);
    const bool blocked = !interchange.accepted() || group.ack_code == "R" || (whole_groups && group_has_rejected_set_);
    if (blocked || !result.accepted()) {
      summary_.sets_rejected++;
      if (!result.codes.empty() || !result.segments.empty()) {
        p_.index_->transition_set(rec, archive::SetStatus::rejected, {now, "rejected", "for its own errors (see its exception)"});
        ExceptionRecord rejected = base();
        rejected.set_id = rec.id;
        rejected.kind = result.segments.empty() ? "envelope_error" : "validation_error";
        rejected.reason = fmt::format("{}: transaction set {} {} (segment {}) rejected:", file_.source_name, set.id,
                                      set.control_number, rec.first_segment);
        rejected.reason += indented_lines(set_error_lines(result));
        p_.raise(summary_, rejected);
        outcome_.any_exception = true;
      } else {
        p_.index_->transition_set(rec, archive::SetStatus::rejected,
                                  {now, "rejected",
                                   interchange.accepted() && group.codes.empty() && group.ack_code != "R"
                                       ? kPolicyRejected
                                       : kEnvelopeRejected});
      }
      return;
    }
    if (edifact() && set.id == edifact::kContrl) {
      p_.acks_->reconcile_contrl(file_, partner, set, rec, summary_);
      return;
    }
    if (group_.functional_id == "FA") {
      p_.acks_->reconcile_functional_ack(file_, partner, set, rec, summary_);
      return;
    }
    if (!p_.map_set(file_, partner, header_, group_, set, rec, summary_)) outcome_.any_exception = true;
    recorded_.push_back(rec.id);
  }

  void on_group_end(const x12::InterchangeResult& interchange, x12::GroupResult& group) override {
    if (route_ == Route::unknown) return unknown_lines_.add(group_error_lines(group));
    if (route_ != Route::accepted) return;
    const bool whole_groups = partner_->acks.reject == "group";
    if (whole_groups && group.sets_accepted != group.sets_received) {
      // Reject policy "group": one rejected set rejects its whole group, and the
      // acknowledgment says so (every set R, AK9 R, none accepted).
      for (auto& set : group_sets_) set.ack_code = "R";
      group.ack_code = "R";
      group.sets_accepted = 0;
    }
    if (group.ack_code == "R") {
      auto group_lines = group_error_lines(group);
      if (interchange.accepted() && !group_lines.empty()) {
        ExceptionRecord rejected = base();
        rejected.kind = "envelope_error";
        rejected.reason =
            fmt::format("{}: {}; no set of this group was delivered", file_.source_name, group_lines.front());
        p_.raise(summary_, rejected);
        outcome_.any_exception = true;
      }
      settle(group_first_, interchange.accepted() && group.codes.empty() && whole_groups ? kPolicyRejected
                                                                                          : kEnvelopeRejected);
    }
    if (!acknowledged_group_) return;
    group.sets = std::move(group_sets_);
    group_sets_.clear();
    groups_.push_back(std::move(group));
  }

  void on_interchange_end(x12::InterchangeResult& interchange) override {
    if (route_ == Route::pending) route("");
    if (route_ == Route::unknown) {
      // The partner must know about a broken file too, once it is identified.
      const std::string line = interchange_error_line(interchange);
      unknown_.reason += (line.empty() ? "" : indented_lines({line})) + unknown_lines_.indented();
      p_.raise(summary_, unknown_);
    } else if (route_ == Route::accepted) {
      if (!interchange.accepted()) {
        ExceptionRecord rejected = base();
        rejected.kind = "envelope_error";
        rejected.reason = fmt::format("{}: {}; nothing in this interchange was delivered", file_.source_name,
                                      interchange_error_line(interchange));
        p_.raise(summary_, rejected);
        outcome_.any_exception = true;
        settle(0, kEnvelopeRejected);
      }
      // What settle left are the sets of accepted groups of an accepted interchange.
      for (auto id : recorded_) p_.reconcile_set(*partner_, id, summary_);
      interchange.groups = std::move(groups_);
      p_.acks_->acknowledge(file_, *partner_, interchange);
    }
    groups_.clear();
    recorded_.clear();
    ta1s_.clear();
    ack_kind_.reset();
    unknown_lines_ = {};
    partner_ = nullptr;
    interchange_id_ = 0;
  }

  void on_unplaced(const x12::EnvelopeIssue& issue) override { unplaced_.add(envelope_issue_text(issue)); }

  // After the last segment: the file's counts, what lay outside any interchange, its status.
  void finish(const x12::EnvelopeCounts& counts) {
    p_.index_->add_event({0, file_.id, 0, p_.clock_.iso_now(), "parsed",
                          fmt::format("{} interchange(s), {} group(s), {} transaction set(s), {} segments",
                                      counts.interchanges, counts.groups, counts.transaction_sets, counts.segments)});
    if (!unplaced_.empty()) {
      ExceptionRecord outside = base();
      outside.partner = file_.partner;
      outside.kind = "envelope_error";
      outside.reason = file_.source_name + ": segments outside any interchange were not processed:" + unplaced_.indented();
      p_.raise(summary_, outside);
      outcome_.any_exception = true;
    }
    p_.context_->finish_file(file_,
                             outcome_.any_exception    ? archive::FileStatus::exception
                             : outcome_.all_duplicates ? archive::FileStatus::duplicate
                                                       : archive::FileStatus::processed,
                             fmt::format("{} interchange(s)", counts.interchanges));
  }

 private:
  enum class Route { pending, unknown, duplicate, reused, accepted };
  static constexpr const char* kPolicyRejected =
      "another set of its group was rejected and the partner's policy rejects whole groups";
  static constexpr const char* kEnvelopeRejected = "its interchange or group was rejected";

  bool edifact() const { return raw_header_.standard == x12::Standard::Edifact; }

  ExceptionRecord base() const {
    ExceptionRecord e;
    e.partner = partner_ ? partner_->id : file_.partner;
    e.file_id = file_.id;
    return e;
  }

  // The partner of the open interchange, by its ISA sender and first GS02; then whether the
  // archive holds it already (a duplicate, or its ISA13 reused by another file).
  void route(const std::string& gs02) {
    const auto& raw = raw_header_;
    const bool edifact = raw.standard == x12::Standard::Edifact;
    const std::string sender = raw.sender_qualifier + ":" + raw.sender_id;
    const char* sender_field = edifact ? "UNB sender" : "ISA sender";
    const partners::Profile* partner = p_.config_.partners.resolve(raw, gs02);
    if (!partner || (!file_.partner.empty() && partner->id != file_.partner)) {
      route_ = Route::unknown;
      unknown_ = base();
      unknown_.kind = "unknown_partner";
      unknown_.reason =
          partner ? fmt::format("{}: interchange {} (segment {}): {} {} belongs to partner '{}', but the file came "
                                "in on partner '{}''s channel",
                                file_.source_name, raw.control_number, raw.segment_number, sender_field, sender, partner->id,
                                file_.partner)
                  : fmt::format("{}: interchange {} (segment {}): {} {} ({} {}) matches no partner profile; the "
                                "file is kept in the archive",
                                file_.source_name, raw.control_number, raw.segment_number, sender_field, sender,
                                edifact ? "UNG sender" : "GS02", gs02);
      outcome_.any_exception = true;
      outcome_.all_duplicates = false;
      return;
    }
    partner_ = partner;
    header_ = raw;
    x12::decode_to_utf8(header_, partner->charset_of(raw));
    const auto& h = header_;
    const std::string now = p_.clock_.iso_now();
    p_.index_->add_event({0, file_.id, 0, now, "routed",
                          fmt::format("interchange {} from {} -> partner {}", h.control_number, sender, partner->id)});
    // A replay re-runs an interchange the archive already holds: its rows are reused.
    auto earlier = p_.index_->find_interchanges(h.sender_qualifier, h.sender_id, h.control_number);
    bool same_content = false;
    for (const auto& e : earlier)
      if (e.content_sha256 == file_.sha256) {
        same_content = true;
        interchange_id_ = e.id;
      }
    if (same_content && !file_.replay_of) {
      ExceptionRecord dup = base();
      dup.kind = "duplicate";
      dup.reason = fmt::format("{}: interchange {} from {} was already received with the same content (file F{}); not "
                               "delivered again",
                               file_.source_name, h.control_number, sender, earlier.front().file_id);
      p_.raise(summary_, dup);
      summary_.duplicates++;
      route_ = Route::duplicate;
      return;
    }
    outcome_.all_duplicates = false;
    if (!earlier.empty() && !same_content) {
      ExceptionRecord reused = base();
      reused.kind = "envelope_error";
      reused.reason = fmt::format("{}: segment {} {}: control number {} from {} was already used by a different file "
                                  "(F{}); nothing in this interchange was delivered",
                                  file_.source_name, h.segment_number, edifact ? "UNB 0020" : "ISA13", h.control_number,
                                  sender, earlier.front().file_id);
      p_.raise(summary_, reused);
      outcome_.any_exception = true;
      route_ = Route::reused;
      return;
    }
    if (!interchange_id_) {
      archive::InterchangeRecord ir{0, file_.id, partner->id, h.sender_qualifier, h.sender_id, h.receiver_qualifier,
                                    h.receiver_id, h.control_number, h.version, h.date, h.time, file_.sha256, "in"};
      interchange_id_ = p_.index_->add_interchange(ir);
    }
    route_ = Route::accepted;
    for (auto& ta1 : ta1s_) {
      x12::decode_to_utf8(ta1, partner->charset_of(raw_header_));
      p_.acks_->reconcile_ta1(file_, *partner, ta1, summary_);
    }
    ta1s_.clear();
  }

  // A set of a duplicate interchange, or of one from an unknown sender: archived, not
  // processed, yet findable by its business keys. Its key is this file's own, so it never
  // collides with the original set's.
  void record_unprocessed(const x12::GroupHeader& raw_group, x12::TransactionSet& set) {
    const std::string now = p_.clock_.iso_now();
    const bool duplicate = route_ == Route::duplicate;
    x12::GroupHeader group = raw_group;
    if (duplicate) {
      x12::decode_to_utf8(group, partner_->charset_of(raw_header_));
      x12::decode_to_utf8(set, partner_->charset_of(raw_header_));
    }
    const auto& h = duplicate ? header_ : raw_header_;
    auto rec = set_record(file_.id, duplicate ? interchange_id_ : 0, 0, duplicate ? partner_->id : file_.partner, h,
                          group, set, now, "in");
    rec.received_at = file_.received_at;
    rec.idempotency_key =
        duplicate ? fmt::format("duplicate/F{}/{}", file_.id,
                                idempotency_key(partner_->id, h.control_number, group.control_number, set.control_number))
                  : fmt::format("unknown/F{}/{}:{}/{}/{}/{}", file_.id, h.sender_qualifier, h.sender_id, h.control_number,
                                group.control_number, set.control_number);
    record_unprocessed_set(*p_.index_, std::move(rec),
                           duplicate ? archive::SetStatus::duplicate : archive::SetStatus::unknown_partner,
                           x12::builtin_business_keys(set), now,
                           duplicate ? "its interchange was already received with the same content; not delivered again"
                                     : "its sender matches no partner on this channel; not processed");
  }

  // The sets recorded since `from` (mapped, or failed to map) turn out rejected by their
  // group's or interchange's trailer: none of them may be delivered.
  void settle(std::size_t from, const char* why) {
    const std::string now = p_.clock_.iso_now();
    for (std::size_t i = from; i < recorded_.size(); ++i) {
      auto rec = p_.index_->transaction_set(recorded_[i]);
      if (!rec) continue;
      if (rec->status == archive::SetStatus::mapped) {
        summary_.sets_mapped--;
      } else if (rec->status == archive::SetStatus::failed) {
        summary_.sets_failed--;
        summary_.partners[rec->partner].failed--;
      } else {
        continue;
      }
      p_.index_->transition_set(*rec, archive::SetStatus::rejected, {now, "rejected", why});
      summary_.sets_rejected++;
    }
    recorded_.resize(std::min(from, recorded_.size()));
  }

  Pipeline& p_;
  const FileRecord& file_;
  RunSummary& summary_;
  FileOutcome outcome_;
  Lines unplaced_;
  // The open interchange.
  Route route_ = Route::pending;
  x12::InterchangeHeader raw_header_;
  x12::InterchangeHeader header_;  // UTF-8, once routed
  const partners::Profile* partner_ = nullptr;
  std::int64_t interchange_id_ = 0;
  std::vector<x12::Segment> ta1s_;  // reconciled once the partner is known
  ExceptionRecord unknown_;         // unknown_partner, raised at the IEA with the errors found
  Lines unknown_lines_;
  std::optional<x12::AckKind> ack_kind_;
  std::vector<x12::GroupResult> groups_;  // verdicts (and reported sets) of the groups acknowledged
  std::vector<std::int64_t> recorded_;    // sets of this interchange mapped (or failed to map) so far
  // The open group.
  x12::GroupHeader group_;  // UTF-8
  std::int64_t group_id_ = 0;
  std::size_t group_first_ = 0;  // its first set in recorded_
  bool group_has_rejected_set_ = false;
  bool acknowledged_group_ = false;
  std::vector<x12::SetResult> group_sets_;  // the results its acknowledgment reports
};

void Pipeline::process_x12_file(const FileRecord& file, const std::string* bytes, const std::filesystem::path& stored,
                                RunSummary& summary) {
  X12Stream stream(*this, file, summary);
  x12::StreamValidator validator(stream, config_.partners.schema_resolver(), config_.partners.rules_resolver(),
                                 config_.max_transaction_set_bytes);
  if (bytes) {
    edifact::read_any(*bytes, validator);
  } else {
    stream_x12_file(stored, validator);
  }
  validator.finish();
  stream.finish(validator.counts());
}

}  // namespace edihub::hub
