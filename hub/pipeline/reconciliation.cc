// Where the pipeline meets reconciliation (hub/reconcile): a mapped set's findings raised,
// and its delivery held or refused as a duplicate.
#include <fmt/format.h>

#include "hub/pipeline/pipeline.h"

namespace edihub::hub {

void PipelineContext::apply(RunSummary& summary, archive::TransactionSetRecord* set, Reconciler::Outcome outcome) {
  std::string kinds;
  for (auto& e : outcome.exceptions) {
    if (kinds.find(e.kind) == std::string::npos) kinds += (kinds.empty() ? "" : ", ") + e.kind;
    raise(summary, std::move(e));
  }
  if (!set || outcome.delivery == Reconciler::Delivery::deliver) return;
  const std::string now = clock.iso_now();
  if (outcome.delivery == Reconciler::Delivery::hold) {
    index.transition_set(*set, archive::SetStatus::held,
                         {now, "held",
                          fmt::format("held for {} (reconcile.hold_on): resolving the exception delivers it, "
                                      "ignoring it drops it",
                                      kinds)});
    summary.sets_held++;
    return;
  }
  index.transition_set(*set, archive::SetStatus::duplicate,
                       {now, "duplicate", fmt::format("{}: the ERP has it already; not delivered again", kinds)});
  summary.business_duplicates++;
}

void Pipeline::reconcile_set(const partners::Profile& partner, std::int64_t set_id, RunSummary& summary) {
  if (!partner.reconcile.enabled) return;
  auto set = index_->transaction_set(set_id);
  if (!set || set->status != archive::SetStatus::mapped) return;
  if (set->target != "inbound_delivery" && set->target != "order_acknowledgment" && set->target != "supplier_invoice" &&
      set->target != "shipment_status")
    return;
  auto output = index_->mapped_output(set_id);
  if (!output) return;
  auto doc = nlohmann::json::parse(*output);
  context_->apply(summary, &*set, context_->reconciler.on_mapped(partner, *set, doc["transaction"]));
}

}  // namespace edihub::hub
