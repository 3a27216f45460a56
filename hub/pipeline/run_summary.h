// What one pass of the pipeline did: counts per stage and per partner, and the
// exceptions it raised. Every collaborator of the pipeline adds to the same summary;
// `edihub run` prints it and `edihub serve` logs it.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "archive/index.h"

namespace edihub::hub {

struct PartnerCounts {
  std::size_t files = 0;
  std::size_t delivered = 0;
  std::size_t failed = 0;
  std::size_t dead_letters = 0;
  std::size_t exceptions = 0;
};

struct RunSummary {
  std::size_t files_received = 0;
  std::size_t files_processed = 0;
  std::size_t duplicates = 0;
  std::size_t sets_mapped = 0;
  std::size_t sets_delivered = 0;
  std::size_t sets_failed = 0;        // no mapping, a mapping error, or refused by the ERP
  std::size_t sets_dead_letter = 0;   // the ERP endpoint kept failing: given up after its attempts
  std::size_t sets_delivery_pending = 0;  // an ERP endpoint failed transiently: tried again next run
  std::size_t sets_rejected = 0;
  std::size_t sets_held = 0;          // a reconciliation finding the partner holds delivery on
  std::size_t business_duplicates = 0;  // shipments and invoices the ERP already had: not delivered again
  std::size_t acks_sent = 0;          // 997/999/TA1 interchanges we sent
  std::size_t acks_reconciled = 0;    // partner acknowledgments matched to what we sent
  std::size_t documents_sent = 0;     // outbound documents (850, 810, ...) sent
  std::size_t acks_overdue = 0;       // awaited acknowledgments that passed their deadline in this run
  std::vector<archive::ExceptionRecord> exceptions;  // raised in this run
  std::map<std::string, PartnerCounts> partners;

  // Counts an exception already recorded in the index.
  void add_exception(archive::ExceptionRecord exception) {
    partners[exception.partner].exceptions++;
    exceptions.push_back(std::move(exception));
  }
};

}  // namespace edihub::hub
