// aether-ctl get: read aether.ko's tunables.
#include <memory>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "knobs.hpp"

namespace aether::ctl {

namespace {

int get(Context &ctx, const std::string &name, Format format)
{
	const Knob *only = nullptr;
	if (!name.empty() && !(only = find_knob(name)))
		return usage_error(ctx, unknown_knob(name), UsageHint::kNone);
	if (!require_loaded(ctx))
		return kExitFailure;

	nlohmann::json j = nlohmann::json::object();
	for (const Knob &k : knobs()) {
		if (only && only != &k)
			continue;
		AttrRead r = ctx.sysfs.read(k.name);
		if (!r.ok())
			return fail(ctx, ctx.sysfs.read_error(k.name, r.error));
		if (format == Format::kJson)
			j[k.name] = r.value;
		else if (only)
			ctx.out << r.value << "\n";
		else
			ctx.out << k.name << " = " << r.value << "\n";
	}
	if (format == Format::kJson)
		ctx.out << j.dump(2) << "\n";
	return kExitOk;
}

} // namespace

void add_get(CLI::App &app, Context &ctx)
{
	auto *cmd = app.add_subcommand("get", "Print a tunable of aether.ko, or all of them");
	auto name = std::make_shared<std::string>();
	auto json = std::make_shared<bool>(false);
	std::string knob_list;
	for (const Knob &k : knobs())
		knob_list += std::string("\n  ") + k.name + ": " + k.help;
	cmd->add_option("KNOB", *name, "A tunable's sysfs name; all of them when omitted");
	cmd->add_flag("--json", *json, "Print a JSON object of name: value");
	cmd->footer("Knobs (files under /sys/kernel/aether/):" + knob_list);
	cmd->callback([&ctx, name, json] { ctx.exit_code = get(ctx, *name, *json ? Format::kJson : Format::kText); });
}

} // namespace aether::ctl
