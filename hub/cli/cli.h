// The edihub command line (the stable contract in docs/DESIGN.md): parse, validate,
// check, run, archive query/show, exceptions, mapping run/diff, partner new. Exit codes:
// 0 success, 1 invalid input or a failed command, 2 unusable input or a configuration
// that does not load.
#pragma once

namespace edihub::hub {

int run_cli(int argc, char** argv);

}  // namespace edihub::hub
