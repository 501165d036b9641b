// aether-ctl version: this tool's version and the loaded module's.
#include <ostream>

#include "cli.hpp"

namespace aether::ctl {

namespace {

// Prints both versions; a module that is not loaded is an answer, not a failure.
int version(Context &ctx)
{
	ctx.out << "aether-ctl " << build_version() << "\n";
	AttrRead v = ctx.sysfs.read("version");
	if (v.ok())
		ctx.out << "aether.ko  " << v.value << "\n";
	else
		ctx.out << "aether.ko  not loaded\n";
	return kExitOk;
}

} // namespace

void add_version(CLI::App &app, Context &ctx)
{
	auto *cmd = app.add_subcommand("version", "Print the versions of aether-ctl and of the loaded aether.ko");
	cmd->callback([&ctx] { ctx.exit_code = version(ctx); });
}

} // namespace aether::ctl
