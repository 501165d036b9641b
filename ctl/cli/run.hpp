// aether-ctl as a function: its exit codes and its entry point, for main() and for the
// unit tests that run it. Kept apart from cli.hpp so that including it costs no CLI11:
// CLI11's header defines objects that every translation unit including it compiles.
#pragma once

#include <iosfwd>

#include "sysfs.hpp"

namespace aether::ctl {

// Process exit codes shared by every subcommand.
enum ExitCode : int {
	kExitOk = 0,
	kExitFailure = 1, // the operation failed (e.g. the module is not loaded)
	kExitUsage = 2,   // the command line is wrong
};

// The build's `git describe`, the same string aether.ko reports.
const char *build_version();

// Parses @argv and runs the chosen subcommand against @sysfs. Returns the process
// exit code. Never throws.
int run(int argc, const char *const *argv, std::ostream &out, std::ostream &err,
	Sysfs sysfs = Sysfs());

} // namespace aether::ctl
