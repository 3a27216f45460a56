// archive::Index: channel health (partner_polls, schema version 6).

#include "archive/index.h"
#include "archive/index_impl.h"

namespace edihub::archive {

void Index::record_poll(const std::string& partner, const std::string& at, const std::string& error) {
  if (error.empty()) {
    impl_->run("INSERT INTO partner_polls (partner, last_ok_at) VALUES (?, ?) "
               "ON CONFLICT (partner) DO UPDATE SET last_ok_at = excluded.last_ok_at, failing_since = ''",
               partner, at)
        .done();
    return;
  }
  impl_->run("INSERT INTO partner_polls (partner, last_error_at, last_error, failing_since) VALUES (?, ?, ?, ?) "
             "ON CONFLICT (partner) DO UPDATE SET last_error_at = excluded.last_error_at, "
             "last_error = excluded.last_error, "
             "failing_since = CASE failing_since WHEN '' THEN excluded.failing_since ELSE failing_since END",
             partner, at, error, at)
      .done();
}

std::vector<PartnerPollRecord> Index::partner_polls() const {
  using P = PartnerPollRecord;
  return Impl::read_rows<P>(
      impl_->run("SELECT partner, last_ok_at, last_error_at, last_error, failing_since FROM partner_polls ORDER BY partner"),
      &P::partner, &P::last_ok_at, &P::last_error_at, &P::last_error, &P::failing_since);
}

}  // namespace edihub::archive
