// aether-ctl status: is aether.ko loaded, and what is it.
#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "cli.hpp"

namespace aether::ctl {

namespace {

int status(Context &ctx, Format format)
{
	const Sysfs &fs = ctx.sysfs;
	if (!fs.loaded()) {
		if (format == Format::kJson)
			ctx.out << nlohmann::json{{"loaded", false}}.dump(2) << "\n";
		require_loaded(ctx);
		return kExitFailure;
	}

	AttrRead version = fs.read("version");
	if (!version.ok())
		return fail(ctx, fs.read_error("version", version.error));

	if (format == Format::kJson) {
		nlohmann::json j = {
			{"loaded", true},
			{"version", version.value},
			{"sysfs", fs.root().string()},
			{"ctl_version", build_version()},
		};
		ctx.out << j.dump(2) << "\n";
		return kExitOk;
	}

	ctx.out << "aether.ko: loaded\n"
		<< "  version: " << version.value << "\n"
		<< "  sysfs:   " << fs.root().string() << "\n";
	if (version.value != build_version())
		ctx.out << "note: aether-ctl is " << build_version()
			<< "; it may not know every attribute of this module\n";
	return kExitOk;
}

} // namespace

void add_status(CLI::App &app, Context &ctx)
{
	auto *cmd = app.add_subcommand("status",
				       "Show whether aether.ko is loaded and its version; exits 1 if it is not loaded");
	auto json = std::make_shared<bool>(false);
	cmd->add_flag("--json", *json, "Print a JSON object instead of text");
	cmd->callback([&ctx, json] {
		ctx.exit_code = status(ctx, *json ? Format::kJson : Format::kText);
	});
}

} // namespace aether::ctl
