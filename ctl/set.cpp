// aether-ctl set: change one of aether.ko's tunables.
#include <cerrno>
#include <memory>
#include <ostream>
#include <string>

#include "cli.hpp"
#include "knobs.hpp"
#include "util/errors.hpp"

namespace aether::ctl {

namespace {

int set(Context &ctx, const std::string &name, const std::string &value)
{
	const Knob *k = find_knob(name);
	if (!k)
		return usage_error(ctx, unknown_knob(name), UsageHint::kNone);
	if (std::string why = validate_knob(*k, value); !why.empty())
		return usage_error(ctx, "invalid value '" + value + "': " + why, UsageHint::kNone);
	if (!require_loaded(ctx))
		return kExitFailure;
	const int e = ctx.sysfs.write(k->name, value);
	if (!e)
		return kExitOk;
	std::string hint;
	if (e == EINVAL && (name == "min_window_kb" || name == "max_window_kb"))
		hint = " (min_window_kb may not exceed max_window_kb)";
	else if (e == EACCES || e == EPERM)
		hint = " (tunables are root's: run as root)";
	return fail(ctx, "aether.ko refused " + std::string(k->name) + " = " + value + ": " + util::errstr(e) + hint +
				 "; it is unchanged");
}

} // namespace

void add_set(CLI::App &app, Context &ctx)
{
	auto *cmd = app.add_subcommand("set", "Change a tunable of aether.ko; the old value stays if it is refused");
	auto name = std::make_shared<std::string>();
	auto value = std::make_shared<std::string>();
	cmd->add_option("KNOB", *name, "A tunable's sysfs name (see 'aether-ctl get --help')")->required();
	cmd->add_option("VALUE", *value, "The new value")->required();
	cmd->footer("Examples:\n"
		    "  aether-ctl set mode observe           run the core and count, change nothing\n"
		    "  aether-ctl set max_window_kb 1024     let trusted streams read ahead up to 1 MiB\n"
		    "Exit status: 0 set, 1 refused by the module or not loaded, 2 bad knob or value.");
	cmd->callback([&ctx, name, value] { ctx.exit_code = set(ctx, *name, *value); });
}

} // namespace aether::ctl
