#include "hub/cli/cli.h"

int main(int argc, char** argv) { return edihub::hub::run_cli(argc, argv); }
