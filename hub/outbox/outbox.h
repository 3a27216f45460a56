// The outbox: everything we send to a partner (acknowledgments and outbound documents).
// A file to send is built with control numbers taken from the partner's durable counters,
// published into the raw store and recorded as a queued "out" file in the caller's index
// transaction; after that transaction commits it is written to the partner's outbound
// channel and marked sent. A crash before the commit sends nothing and uses no number
// (the counters roll back with it; the published bytes are an unreferenced raw file);
// after it, the next run sends the queued file with the very same bytes. So control
// numbers never repeat, and a file is never sent under two different numbers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "hub/clock.h"
#include "hub/config.h"

namespace edihub::hub {

// ISA13, GS06 and the first ST02 of one outbound interchange.
struct ControlNumbers {
  std::uint64_t interchange = 0;
  std::uint64_t group = 0;
  std::uint64_t first_set = 0;
};

class Outbox {
 public:
  Outbox(const Config& config, const Clock& clock, archive::RawStore& store, archive::Index& index);

  // Takes the next numbers for one interchange with one group of `sets` transaction sets
  // (inside the caller's transaction); no group number when `sets` is 0 (a TA1 alone).
  ControlNumbers take(const partners::Profile& partner, std::size_t sets);

  // Stages `bytes` and records them as a queued file for `partner` named `name` (inside
  // the caller's transaction). Call publish_staged() before that transaction commits.
  archive::FileRecord queue(const partners::Profile& partner, const std::string& name, const std::string& bytes);
  void publish_staged();

  // Sends every queued file over its partner's outbound channel (folder, SFTP, AS2) and
  // marks it sent. Returns the files sent. Files a channel could not send stay queued for
  // the next run (the channel raises its own exception); a partner without an outbound
  // channel keeps its files queued. `raise` records an exception (inside an index
  // transaction): a channel's transport_error, an AS2 partner's bad MDN (as2_mdn).
  using Raise = std::function<void(archive::ExceptionRecord)>;
  std::vector<archive::FileRecord> send_queued(const Raise& raise);

 private:
  // One channel's sending of one partner's queued files. Each returns the files it handed
  // over (send_queued marks them sent, with `where` in the event) and leaves the rest queued.
  // AS2 also hands over the message's final row and, for a bad MDN, an exception: both
  // are written in the transaction that marks the file sent.
  struct Handed {
    archive::FileRecord file;
    std::string where;
    std::optional<archive::As2MessageRecord> as2;  // still in state sending
    std::optional<archive::ExceptionRecord> problem;
    archive::As2State as2_state = archive::As2State::sending;  // what the MDN (or its absence) made it
  };
  std::vector<Handed> send_folder(const partners::Profile& partner, std::vector<archive::FileRecord> files);
  std::vector<Handed> send_sftp(const partners::Profile& partner, std::vector<archive::FileRecord> files,
                                const Raise& raise);  // outbox_sftp.cc
  std::vector<Handed> send_as2(const partners::Profile& partner, std::vector<archive::FileRecord> files,
                               const Raise& raise);  // outbox_as2.cc

  const Config& config_;
  const Clock& clock_;
  archive::RawStore& store_;
  archive::Index& index_;
  std::vector<archive::Staged> staged_;
};

}  // namespace edihub::hub
