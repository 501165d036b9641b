// aether-ctl's command line: builds the app from every subcommand and runs it.
#include "cli.hpp"

#include <ostream>

namespace aether::ctl {

int fail(Context &ctx, const std::string &what)
{
	ctx.err << "aether-ctl: " << what << "\n";
	return kExitFailure;
}

int usage_error(Context &ctx, const std::string &what, UsageHint hint)
{
	ctx.err << "aether-ctl: " << what << "\n";
	if (hint == UsageHint::kPointToHelp)
		ctx.err << "Run 'aether-ctl --help' for usage.\n";
	return kExitUsage;
}

CLI::App *add_command_group(CLI::App &app, const std::string &name, const std::string &help,
			    const std::string &footer)
{
	CLI::App *group = app.add_subcommand(name, help);
	group->require_subcommand(1);
	if (!footer.empty())
		group->footer(footer);
	return group;
}

bool require_loaded(Context &ctx)
{
	if (ctx.sysfs.loaded())
		return true;
	ctx.err << "aether-ctl: aether.ko is not loaded (" << ctx.sysfs.root().string()
		<< " does not exist).\n"
		<< "Load it with 'insmod build/kmod/aether.ko' from the source tree, or "
		   "'modprobe aether' if it is installed.\n";
	return false;
}

int run(int argc, const char *const *argv, std::ostream &out, std::ostream &err, Sysfs sysfs)
{
	Context ctx{out, err, std::move(sysfs)};
	CLI::App app{"aether-ctl: inspect and tune the Aether I/O prefetcher (aether.ko).\n"
		     "Run 'aether-ctl COMMAND --help' for a command's options.",
		     "aether-ctl"};
	app.require_subcommand(1);
	app.footer("Examples:\n"
		   "  aether-ctl status          is aether.ko loaded, and which version\n"
		   "  aether-ctl status --json   the same, for scripts\n"
		   "  aether-ctl version         versions of this tool and of the module\n"
		   "  aether-ctl get             every tunable and its value\n"
		   "  aether-ctl set mode observe   count what the core would do, change nothing\n"
		   "  aether-ctl stats --watch 1    counters, and their rates each second\n"
		   "  aether-ctl devices         per-disk requests, readahead, latency, pattern\n"
		   "  aether-ctl replay T.csv    simulate prefetch policies over a block I/O trace\n"
		   "  aether-ctl ublk add --file F --cache-mb 256   a cached /dev/ublkbN over F\n"
		   "  aether-ctl xrp mkbtree DEV --keys N   an on-disk B+tree for chained lookups\n"
		   "  aether-ctl bpf load xrp_btree      attach the B+tree step that 'xrp get' runs in the kernel\n"
		   "  aether-ctl bpf load policy_stride  let an eBPF program make the prefetch decisions\n"
		   "  aether-ctl trace record --dev /dev/sda -o sda.csv   record a disk's I/O for replay\n");

	add_version(app, ctx);
	add_status(app, ctx);
	add_replay(app, ctx);
	add_get(app, ctx);
	add_set(app, ctx);
	add_stats(app, ctx);
	add_devices(app, ctx);
	add_ublk(app, ctx);
	add_xrp(app, ctx);
	add_bpf(app, ctx);
	add_trace(app, ctx);

	try {
		app.parse(argc, argv);
	} catch (const CLI::CallForHelp &e) {
		out << app.help();
		return kExitOk;
	} catch (const CLI::CallForAllHelp &e) {
		out << app.help("", CLI::AppFormatMode::All);
		return kExitOk;
	} catch (const CLI::ParseError &e) {
		err << "aether-ctl: " << e.what() << "\n"
		    << "Run 'aether-ctl --help' for usage.\n";
		return kExitUsage;
	} catch (const std::exception &e) {
		err << "aether-ctl: " << e.what() << "\n";
		return kExitFailure;
	}
	return ctx.exit_code;
}

} // namespace aether::ctl
