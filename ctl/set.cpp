// aether-ctl set: change one of aether.ko's tunables.
#include <cstring>
#include <memory>
#include <ostream>
#include <string>

#include "cli.hpp"
#include "knobs.hpp"

namespace aether::ctl {

namespace {

int set(Context &ctx, const std::string &name, const std::string &value)
{
	const Knob *k = find_knob(name);
	if (!k) {
		ctx.err << "aether-ctl: " << unknown_knob(name) << "\n";
		return kExitUsage;
	}
	if (std::string why = validate_knob(*k, value); !why.empty()) {
		ctx.err << "aether-ctl: invalid value '" << value << "': " << why << "\n";
		return kExitUsage;
	}
	if (!require_loaded(ctx))
		return kExitFailure;
	if (int e = ctx.sysfs.write(k->name, value)) {
		ctx.err << "aether-ctl: aether.ko refused " << k->name << " = " << value << ": "
			<< std::strerror(e);
		if (e == EINVAL && (name == "min_window_kb" || name == "max_window_kb"))
			ctx.err << " (min_window_kb may not exceed max_window_kb)";
		else if (e == EACCES || e == EPERM)
			ctx.err << " (tunables are root's: run as root)";
		ctx.err << "; it is unchanged\n";
		return kExitFailure;
	}
	return kExitOk;
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
