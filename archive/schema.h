// The index schema as a list of migrations: entry i takes the database from schema
// version i to i + 1 (PRAGMA user_version). Append new entries; never edit shipped ones.
//
// How a migration is tested: a new schema version adds, to tests/data/migrations/, an index
// made by the last commit of the version before it (a real run, e.g. `edihub run --once` on
// examples/demo with EDIHUB_NOW fixed; how it was made goes in that folder's MANIFEST.md),
// and archive/migration_test.cc opens a copy with the current code: it must reach the latest
// version with every row kept (counted with sqlite3 in the fixture), be readable through
// Index, have the new tables usable, and pass `edihub archive verify`'s index checks. The
// fixtures of older versions stay: each keeps testing the whole chain from its version.
#pragma once

#include <span>

namespace edihub::archive {

std::span<const char* const> schema_migrations();

}  // namespace edihub::archive
