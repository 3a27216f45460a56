#include "hub/reconcile/holds.h"

#include <fmt/format.h>

#include "archive/business.h"
#include "partners/findings.h"

namespace edihub::hub {

std::optional<archive::SetStatus> close_exception(archive::Index& index, std::int64_t id, archive::ExceptionState state,
                                                  const std::string& by, const std::string& note, const std::string& at) {
  auto exception = index.exception(id);
  if (!exception) throw std::runtime_error(fmt::format("no exception {}", id));
  index.close_exception(id, state, by, note, at);
  if (!exception->set_id) return std::nullopt;
  auto set = index.transaction_set(exception->set_id);
  if (!set || set->status != archive::SetStatus::held) return std::nullopt;
  if (state == archive::ExceptionState::ignored) {
    archive::BusinessRecords(index).remove_documents_of_set(set->id);  // its quantities never reached the ERP
    index.transition_set(*set, archive::SetStatus::dropped,
                         {at, "dropped", fmt::format("exception {} ({}) ignored by {}: not delivered", id, exception->kind, by)});
    return archive::SetStatus::dropped;
  }
  // Released only when no other finding about this set is still open.
  for (const auto& other : index.exceptions_of_file(set->file_id))
    if (other.set_id == set->id && other.state == archive::ExceptionState::open && partners::parse_finding(other.kind))
      return std::nullopt;
  index.transition_set(*set, archive::SetStatus::mapped,
                       {at, "released", fmt::format("exception {} ({}) resolved by {}: delivered on the next pass", id,
                                                    exception->kind, by)});
  return archive::SetStatus::mapped;
}

std::optional<archive::SetStatus> close_exception_as_user(archive::Index& index, const archive::ExceptionRecord& exception,
                                                          archive::ExceptionState state, const std::string& by,
                                                          const std::string& note, const std::string& at) {
  auto set_status = close_exception(index, exception.id, state, by, note, at);
  const auto name = to_string(state);
  index.add_event({0, exception.file_id, exception.set_id, at, std::string(name),
                   fmt::format("exception {} {} by {}: {}", exception.id, name, by, note)});
  return set_status;
}

}  // namespace edihub::hub
