// The index schema as a list of migrations: entry i takes the database from schema
// version i to i + 1 (PRAGMA user_version). Append new entries; never edit shipped ones.
#pragma once

#include <span>

namespace edihub::archive {

std::span<const char* const> schema_migrations();

}  // namespace edihub::archive
