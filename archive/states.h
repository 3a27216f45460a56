// The states the archive index keeps, as enums, and each state machine's allowed
// transitions, listed once (states.cc) and enforced by the Index's transition functions
// (Index::transition_file, transition_set, transition_awaited_ack, transition_as2_message,
// transition_notification),
// which write the new state and its event together. The index stores each state by its
// name (to_string); reading a name no enum knows is ArchiveStateError naming the value and
// what was expected, never a silent default.
//
//   files (direction in/erp):  received -> processed | duplicate | exception
//   files (direction out):     queued -> sent
//   (recovered: a file or set `archive rebuild` found again without its history)
//   transaction sets (in):     received -> mapped | failed | rejected | reconciled | duplicate | unknown_partner;
//                              mapped -> delivered | failed | dead_letter;
//                              failed, rejected, dead_letter, duplicate, unknown_partner, recovered -> what
//                              received may become (a replay takes the set again)
//                              mapped -> held | duplicate (reconciliation); held -> mapped (released) | dropped
//                              (its exception ignored) | rejected; dropped -> what received may become
//   transaction sets (out):    queued -> sent
//   awaited acknowledgments:   awaiting | overdue -> accepted | accepted_with_errors | partially_accepted |
//                              rejected; awaiting -> overdue
//   AS2 messages (out):        sending -> delivered | awaiting_mdn | sent_no_mdn | negative_mdn | mdn_mismatch;
//                              awaiting_mdn | mdn_overdue -> delivered | negative_mdn | mdn_mismatch;
//                              awaiting_mdn -> mdn_overdue
//   exceptions:                open -> resolved | ignored
//   notifications (alerts):    pending -> sent | failed (a retry stays pending)
//   shipments:                 active -> replaced | cancelled | duplicate
//   invoices:                  active -> duplicate
//   orders:                    derived from their quantities (hub/reconcile), no table
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace edihub::archive {

enum class FileStatus { received, processed, duplicate, exception, queued, sent, recovered };
enum class SetStatus {
  received, mapped, delivered, failed, rejected, dead_letter, queued, sent, reconciled, duplicate, unknown_partner,
  recovered, held, dropped
};
enum class AckState { awaiting, accepted, accepted_with_errors, partially_accepted, rejected, overdue };
enum class As2State {
  received, sending, delivered, awaiting_mdn, sent_no_mdn, negative_mdn, mdn_mismatch, mdn_overdue
};
enum class ExceptionState { open, resolved, ignored };
enum class NotificationState { pending, sent, failed };
enum class OrderState { open, acknowledged, partially_shipped, shipped, over_shipped, invoiced, closed };
enum class ShipmentState { active, replaced, cancelled, duplicate };
enum class InvoiceState { active, duplicate };

// A stored state name no enum knows, or a transition the table does not allow.
class ArchiveStateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string_view to_string(FileStatus state);
std::string_view to_string(SetStatus state);
std::string_view to_string(AckState state);
std::string_view to_string(As2State state);
std::string_view to_string(ExceptionState state);
std::string_view to_string(NotificationState state);
std::string_view to_string(OrderState state);
std::string_view to_string(ShipmentState state);
std::string_view to_string(InvoiceState state);

// parse_state<FileStatus>("processed"); an unknown name throws ArchiveStateError
// ("unknown file status 'x' (expected one of: received, processed, ...)").
template <class State>
State parse_state(std::string_view name);

// How the index reads a stored state back (sqlite::Cursor::get, by argument-dependent lookup).
template <class State>
void from_name(std::string_view name, State& out) {
  out = parse_state<State>(name);
}

// JSON output shows a state by its name (nlohmann::json's to_json, by argument-dependent
// lookup; more specialized than its default, which would write the enum's number).
template <class Json>
void to_json(Json& json, FileStatus state) { json = std::string(to_string(state)); }
template <class Json>
void to_json(Json& json, SetStatus state) { json = std::string(to_string(state)); }
template <class Json>
void to_json(Json& json, AckState state) { json = std::string(to_string(state)); }
template <class Json>
void to_json(Json& json, As2State state) { json = std::string(to_string(state)); }
template <class Json>
void to_json(Json& json, ExceptionState state) { json = std::string(to_string(state)); }
template <class Json>
void to_json(Json& json, NotificationState state) { json = std::string(to_string(state)); }
template <class Json>
void to_json(Json& json, OrderState state) { json = std::string(to_string(state)); }
template <class Json>
void to_json(Json& json, ShipmentState state) { json = std::string(to_string(state)); }
template <class Json>
void to_json(Json& json, InvoiceState state) { json = std::string(to_string(state)); }

// Whether the machine's table lists from -> to.
bool allowed(FileStatus from, FileStatus to);
bool allowed(SetStatus from, SetStatus to);
bool allowed(AckState from, AckState to);
bool allowed(As2State from, As2State to);
bool allowed(ExceptionState from, ExceptionState to);
bool allowed(NotificationState from, NotificationState to);
bool allowed(ShipmentState from, ShipmentState to);
bool allowed(InvoiceState from, InvoiceState to);

// Throws ArchiveStateError naming `what` (e.g. "transaction set 12") and both states
// unless from -> to is allowed.
template <class State>
void check_transition(State from, State to, std::string_view what) {
  if (!allowed(from, to))
    throw ArchiveStateError(std::string(what) + ": " + std::string(to_string(from)) + " -> " +
                            std::string(to_string(to)) + " is not an allowed transition");
}

}  // namespace edihub::archive
