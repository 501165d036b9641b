// aether-ctl's command line: one CLI11 app, one file per subcommand.
//
// The error convention, which every subcommand and every library under ctl/ keeps:
// - A library function (ctl/<library>/) never prints and never exits. It returns 0 or
//   -errno; where the errno alone would not tell the user what failed, it also fills a
//   `std::string *why` with a whole sentence fit for stderr. Functions that can only
//   fail with a message return it as a std::string, empty on success.
// - A subcommand's worker returns an ExitCode. It prints each error once, to ctx.err,
//   through fail() (kExitFailure) or usage_error() (kExitUsage), and returns that.
// - A subcommand's CLI11 callback only stores its worker's result in ctx.exit_code.
//   No exception leaves a callback: bad options are refused by CLI11's checks while
//   parsing, and a worker that calls something that throws catches it itself.
#pragma once

#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

#include "run.hpp"
#include "sysfs.hpp"

namespace aether::ctl {

// What every subcommand is given: where to write, and where the module's sysfs is.
struct Context {
	std::ostream &out;
	std::ostream &err;
	Sysfs sysfs;
	int exit_code = kExitOk;
};

// How a listing is printed: a table for people, or JSON (--json) for scripts.
enum class Format { kText, kJson };

// Prints "aether-ctl: @what" to ctx.err and returns kExitFailure: the operation failed.
int fail(Context &ctx, const std::string &what);

// Whether usage_error() points the user at --help: not when @what already lists
// what would be accepted.
enum class UsageHint { kPointToHelp, kNone };

// Prints "aether-ctl: @what" and, unless @hint says not to, the pointer to --help to
// ctx.err, and returns kExitUsage: the command line is wrong in a way CLI11's checks
// could not see.
int usage_error(Context &ctx, const std::string &what, UsageHint hint = UsageHint::kPointToHelp);

// Adds subcommand @name to @app: a group of subcommands, one of which must be
// given, described by @help and, after its options, by @footer (its examples).
// Returns it, for the caller to add the group's subcommands.
CLI::App *add_command_group(CLI::App &app, const std::string &name, const std::string &help,
			    const std::string &footer);

// True if aether.ko is loaded; otherwise tells the user how to load it and returns
// false. Every command that needs the module starts with this.
bool require_loaded(Context &ctx);

// One registration function per subcommand file.
void add_version(CLI::App &app, Context &ctx);
void add_status(CLI::App &app, Context &ctx);
void add_replay(CLI::App &app, Context &ctx);
void add_get(CLI::App &app, Context &ctx);
void add_set(CLI::App &app, Context &ctx);
void add_stats(CLI::App &app, Context &ctx);
void add_devices(CLI::App &app, Context &ctx);
void add_ublk(CLI::App &app, Context &ctx);
void add_xrp(CLI::App &app, Context &ctx);
void add_bpf(CLI::App &app, Context &ctx);
void add_trace(CLI::App &app, Context &ctx);

} // namespace aether::ctl
