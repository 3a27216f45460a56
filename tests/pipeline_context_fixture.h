// For the unit tests of the pipeline's collaborators (hub/pipeline/*_test.cc): the
// one-partner supplier configuration in a temporary folder, its real archive (raw store
// and SQLite index), an outbox, a fixed clock and the PipelineContext they share.
#pragma once

#include <memory>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/outbox/outbox.h"
#include "hub/pipeline/context.h"
#include "tests/supplier_config.h"

namespace edihub::testing {

struct PipelineContextFixture {
  explicit PipelineContextFixture(int batch_files = 500)
      : config(load(dir, batch_files)),
        clock(hub::parse_iso_utc("2026-11-27T10:00:00Z")),
        store(std::make_unique<archive::RawStore>(config.archive_dir)),
        index(archive::Index::open(config.index_file())),
        outbox(std::make_unique<hub::Outbox>(config, clock, *store, *index)),
        context(config, clock, *store, *index, *outbox) {}

  // A file row of the supplier (no raw bytes behind it): what exceptions and events refer to.
  std::int64_t add_file(const std::string& name, const std::string& direction = "in",
                        archive::FileStatus status = archive::FileStatus::processed) {
    archive::FileRecord file;
    file.sha256 = std::string(64, '0');
    file.partner = "supplier";
    file.channel = "folder:inbox";
    file.source_name = name;
    file.received_at = "2026-11-27T09:00:00.000Z";
    file.status = status;
    file.direction = direction;
    file.source_removed = true;
    return index->add_file(file);
  }

  static hub::Config load(const TempDir& dir, int batch_files) {
    write_supplier_config(dir.path(), batch_files);
    return hub::Config::load(dir.path());
  }

  TempDir dir;
  hub::Config config;
  hub::FixedClock clock;
  std::unique_ptr<archive::RawStore> store;
  std::unique_ptr<archive::Index> index;
  std::unique_ptr<hub::Outbox> outbox;
  hub::PipelineContext context;
};

}  // namespace edihub::testing
