#include "archive/states.h"

#include <algorithm>
#include <array>
#include <utility>

namespace edihub::archive {

namespace {

// Each machine: its names (in enum order), what it is called in errors, and its allowed
// transitions: the one place they are listed.
template <class State>
struct Machine;

template <>
struct Machine<FileStatus> {
  using S = FileStatus;
  static constexpr const char* what = "file status";
  static constexpr std::array<std::string_view, 7> names{"received", "processed", "duplicate", "exception",
                                                         "queued",   "sent",      "recovered"};
  static constexpr std::array<std::pair<S, S>, 4> transitions{{
      {S::received, S::processed},
      {S::received, S::duplicate},
      {S::received, S::exception},
      {S::queued, S::sent},
  }};
};

template <>
struct Machine<SetStatus> {
  using S = SetStatus;
  static constexpr const char* what = "transaction set status";
  static constexpr std::array<std::string_view, 14> names{
      "received", "mapped",     "delivered", "failed",    "rejected",        "dead_letter", "queued",
      "sent",     "reconciled", "duplicate", "unknown_partner", "recovered", "held",        "dropped"};
  // What an inbound set may become when it is processed: from received, and again (a
  // replay) from any state that did not reach the ERP or reconcile an acknowledgment.
  static constexpr std::array<S, 6> kProcessed{S::mapped,     S::failed,    S::rejected,
                                               S::reconciled, S::duplicate, S::unknown_partner};
  static constexpr std::array<S, 8> kProcessable{S::received,  S::failed,          S::rejected,  S::dead_letter,
                                                 S::duplicate, S::unknown_partner, S::recovered, S::dropped};
  static constexpr auto transitions = [] {
    std::array<std::pair<S, S>, kProcessable.size() * kProcessed.size() + 10> table{};
    std::size_t n = 0;
    for (auto from : kProcessable)
      for (auto to : kProcessed) table[n++] = {from, to};
    table[n++] = {S::mapped, S::delivered};
    table[n++] = {S::mapped, S::failed};
    table[n++] = {S::mapped, S::rejected};  // its group or interchange was rejected at its GE/IEA, after the set
    table[n++] = {S::mapped, S::dead_letter};
    // Reconciliation (hub/reconcile): a finding the partner holds delivery on, or a
    // shipment or invoice the ERP already has.
    table[n++] = {S::mapped, S::held};
    table[n++] = {S::mapped, S::duplicate};
    table[n++] = {S::held, S::mapped};   // its exception resolved: released to the ERP
    table[n++] = {S::held, S::dropped};  // its exception ignored: never delivered
    table[n++] = {S::held, S::rejected};  // its group or interchange rejected at GE/IEA, after the set
    table[n++] = {S::queued, S::sent};
    return table;
  }();
};

template <>
struct Machine<AckState> {
  using S = AckState;
  static constexpr const char* what = "awaited acknowledgment state";
  static constexpr std::array<std::string_view, 6> names{"awaiting",           "accepted", "accepted_with_errors",
                                                         "partially_accepted", "rejected", "overdue"};
  static constexpr std::array<std::pair<S, S>, 9> transitions{{
      {S::awaiting, S::accepted},
      {S::awaiting, S::accepted_with_errors},
      {S::awaiting, S::partially_accepted},
      {S::awaiting, S::rejected},
      {S::awaiting, S::overdue},
      {S::overdue, S::accepted},  // a late acknowledgment still settles
      {S::overdue, S::accepted_with_errors},
      {S::overdue, S::partially_accepted},
      {S::overdue, S::rejected},
  }};
};

template <>
struct Machine<As2State> {
  using S = As2State;
  static constexpr const char* what = "AS2 message state";
  static constexpr std::array<std::string_view, 8> names{"received",    "sending",      "delivered",    "awaiting_mdn",
                                                         "sent_no_mdn", "negative_mdn", "mdn_mismatch", "mdn_overdue"};
  static constexpr std::array<std::pair<S, S>, 12> transitions{{
      {S::sending, S::delivered},  // a synchronous MDN, verified
      {S::sending, S::awaiting_mdn},
      {S::sending, S::sent_no_mdn},
      {S::sending, S::negative_mdn},
      {S::sending, S::mdn_mismatch},
      {S::awaiting_mdn, S::delivered},
      {S::awaiting_mdn, S::negative_mdn},
      {S::awaiting_mdn, S::mdn_mismatch},
      {S::awaiting_mdn, S::mdn_overdue},
      {S::mdn_overdue, S::delivered},  // a late MDN still settles
      {S::mdn_overdue, S::negative_mdn},
      {S::mdn_overdue, S::mdn_mismatch},
  }};
};

template <>
struct Machine<ExceptionState> {
  using S = ExceptionState;
  static constexpr const char* what = "exception state";
  static constexpr std::array<std::string_view, 3> names{"open", "resolved", "ignored"};
  static constexpr std::array<std::pair<S, S>, 2> transitions{{{S::open, S::resolved}, {S::open, S::ignored}}};
};

// Alerts (hub/alerts): a notification is sent once its peer accepted it, or failed for
// good (a refusal that retrying cannot change, or its attempts used up).
template <>
struct Machine<NotificationState> {
  using S = NotificationState;
  static constexpr const char* what = "notification state";
  static constexpr std::array<std::string_view, 3> names{"pending", "sent", "failed"};
  static constexpr std::array<std::pair<S, S>, 2> transitions{{{S::pending, S::sent}, {S::pending, S::failed}}};
};

// Business records (archive/business.h). Order states are derived from the order's
// quantities (hub/reconcile/order_state.h), not moved along a table; shipments and
// invoices only leave `active`.
template <>
struct Machine<OrderState> {
  using S = OrderState;
  static constexpr const char* what = "order state";
  static constexpr std::array<std::string_view, 7> names{"open",    "acknowledged", "partially_shipped", "shipped",
                                                         "over_shipped", "invoiced", "closed"};
  static constexpr std::array<std::pair<S, S>, 0> transitions{};
};

template <>
struct Machine<ShipmentState> {
  using S = ShipmentState;
  static constexpr const char* what = "shipment state";
  static constexpr std::array<std::string_view, 4> names{"active", "replaced", "cancelled", "duplicate"};
  static constexpr std::array<std::pair<S, S>, 3> transitions{
      {{S::active, S::replaced}, {S::active, S::cancelled}, {S::active, S::duplicate}}};
};

template <>
struct Machine<InvoiceState> {
  using S = InvoiceState;
  static constexpr const char* what = "invoice state";
  static constexpr std::array<std::string_view, 2> names{"active", "duplicate"};
  static constexpr std::array<std::pair<S, S>, 1> transitions{{{S::active, S::duplicate}}};
};

template <class State>
std::string_view name_of(State state) {
  const auto& names = Machine<State>::names;
  const auto i = static_cast<std::size_t>(state);
  if (i >= names.size()) throw ArchiveStateError(std::string(Machine<State>::what) + " out of range");
  return names[i];
}

template <class State>
bool listed(State from, State to) {
  const auto& table = Machine<State>::transitions;
  return std::find(table.begin(), table.end(), std::pair{from, to}) != table.end();
}

}  // namespace

std::string_view to_string(FileStatus state) { return name_of(state); }
std::string_view to_string(SetStatus state) { return name_of(state); }
std::string_view to_string(AckState state) { return name_of(state); }
std::string_view to_string(As2State state) { return name_of(state); }
std::string_view to_string(ExceptionState state) { return name_of(state); }
std::string_view to_string(NotificationState state) { return name_of(state); }
std::string_view to_string(OrderState state) { return name_of(state); }
std::string_view to_string(ShipmentState state) { return name_of(state); }
std::string_view to_string(InvoiceState state) { return name_of(state); }

template <class State>
State parse_state(std::string_view name) {
  const auto& names = Machine<State>::names;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<State>(i);
  std::string expected;
  for (auto n : names) expected += (expected.empty() ? "" : ", ") + std::string(n);
  throw ArchiveStateError("unknown " + std::string(Machine<State>::what) + " '" + std::string(name) +
                          "' (expected one of: " + expected + ")");
}

template FileStatus parse_state<FileStatus>(std::string_view);
template SetStatus parse_state<SetStatus>(std::string_view);
template AckState parse_state<AckState>(std::string_view);
template As2State parse_state<As2State>(std::string_view);
template ExceptionState parse_state<ExceptionState>(std::string_view);
template NotificationState parse_state<NotificationState>(std::string_view);
template OrderState parse_state<OrderState>(std::string_view);
template ShipmentState parse_state<ShipmentState>(std::string_view);
template InvoiceState parse_state<InvoiceState>(std::string_view);

bool allowed(FileStatus from, FileStatus to) { return listed(from, to); }
bool allowed(SetStatus from, SetStatus to) { return listed(from, to); }
bool allowed(AckState from, AckState to) { return listed(from, to); }
bool allowed(As2State from, As2State to) { return listed(from, to); }
bool allowed(ExceptionState from, ExceptionState to) { return listed(from, to); }
bool allowed(NotificationState from, NotificationState to) { return listed(from, to); }
bool allowed(ShipmentState from, ShipmentState to) { return listed(from, to); }
bool allowed(InvoiceState from, InvoiceState to) { return listed(from, to); }

}  // namespace edihub::archive
