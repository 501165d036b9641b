// aether-ctl bpf: load, list and unload the eBPF struct_ops programs that drive
// aether.ko (bpf/*.bpf.c, or a user's own object file).
//
// A loaded program outlives aether-ctl: its struct_ops link is pinned at
// /sys/fs/bpf/aether/NAME, NAME being the struct_ops map's name. `unload` detaches
// the link first, so when it returns the module no longer calls the program.
// ctl/bpf/loader.hpp does the work; this file is the command line over it.
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bpf/loader.hpp"
#include "cli.hpp"

namespace aether::ctl {
namespace {

namespace fs = std::filesystem;

struct LoadOptions {
	std::string program;
	std::vector<std::string> set; // NAME=VALUE, each a const volatile tunable
	bool verbose = false;
};

int load(Context &ctx, const LoadOptions &o)
{
	const BpfBuiltin *b = find_bpf_builtin(o.program);
	const bool is_file = o.program.find('/') != std::string::npos || o.program.ends_with(".o");
	if (!b && !is_file) {
		std::string names;
		for (const BpfBuiltin &x : bpf_builtins())
			names += std::string(" ") + x.name;
		return usage_error(ctx,
				   "bpf load: no built-in program '" + o.program + "' (built in:" + names +
					   "); a path to an object file must contain '/' or end in .o",
				   UsageHint::kNone);
	}
	// What the user gave is checked first, whatever the machine has: the object,
	// its struct_ops maps and the tunables. Then the environment, then the kernel.
	LibbpfLog log(ctx.err, o.verbose ? LibbpfMessages::kAll : LibbpfMessages::kWarnings);
	BpfProgram prog;
	std::string why;
	if ((b ? prog.open_builtin(*b, &why) : prog.open_file(o.program, &why)) < 0 ||
	    prog.set_tunables(o.set, &why) < 0 || check_bpffs(&why) < 0)
		return fail(ctx, "bpf load: " + why);
	if (!require_loaded(ctx))
		return kExitFailure;
	std::vector<fs::path> pins;
	if (prog.load(&why) < 0 || prog.attach(&pins, &why) < 0)
		return fail(ctx, "bpf load: " + why);
	for (const fs::path &p : pins)
		ctx.out << "loaded " << p.filename().string() << " (pinned at " << p.string() << ")\n";
	return kExitOk;
}

int unload(Context &ctx, const std::string &name)
{
	if (std::string why; bpf_unload(name, &why) < 0)
		return fail(ctx, "bpf unload: " + why);
	ctx.out << "unloaded " << name << "\n";
	return kExitOk;
}

// What aether.ko itself calls, which may have been attached by other tools: the
// names in xrp/ops and policy/ops, empty when none is, or when it is not loaded.
struct ModuleOps {
	bool loaded = false;
	std::string xrp, policy;
};

ModuleOps module_ops(const Sysfs &fs)
{
	ModuleOps m;
	m.loaded = fs.loaded();
	if (m.loaded) {
		m.xrp = fs.read("xrp/ops").value;
		m.policy = fs.read("policy/ops").value;
	}
	return m;
}

void print_list_json(Context &ctx, const std::vector<BpfPinned> &progs, const ModuleOps &m)
{
	const auto or_null = [](const std::string &s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
	nlohmann::json a = nlohmann::json::array();
	for (const BpfPinned &p : progs) {
		nlohmann::json j{{"name", p.name}, {"pin", (fs::path(kBpfPinDir) / p.name).string()},
				 {"link_id", p.link_id}, {"map_id", p.map_id}, {"attached", p.map_id != 0}};
		if (!p.error.empty())
			j["error"] = p.error;
		a.push_back(j);
	}
	nlohmann::json j{{"programs", a}, {"module_loaded", m.loaded}};
	j["xrp_ops"] = or_null(m.xrp);
	j["policy_ops"] = or_null(m.policy);
	ctx.out << j.dump(2) << "\n";
}

void print_list_text(Context &ctx, const std::vector<BpfPinned> &progs, const ModuleOps &m)
{
	if (progs.empty())
		ctx.out << "no programs loaded by aether-ctl (" << kBpfPinDir << " is empty)\n";
	for (const BpfPinned &p : progs) {
		ctx.out << p.name;
		if (!p.error.empty())
			ctx.out << "  error: " << p.error << "\n";
		else if (p.map_id)
			ctx.out << "  link " << p.link_id << ", struct_ops map " << p.map_id << "\n";
		else
			ctx.out << "  link " << p.link_id << ", detached\n";
	}
	if (!m.loaded)
		ctx.out << "aether.ko is not loaded\n";
	else
		ctx.out << "aether_xrp_ops attached: " << (m.xrp.empty() ? "none" : m.xrp) << "\n"
			<< "aether_policy_ops attached: " << (m.policy.empty() ? "none (the built-in core decides)" : m.policy)
			<< "\n";
}

int list(Context &ctx, Format format)
{
	if (std::string why; check_bpffs(&why) < 0)
		return fail(ctx, "bpf list: " + why);
	const std::vector<BpfPinned> progs = bpf_pinned();
	const ModuleOps m = module_ops(ctx.sysfs);
	if (format == Format::kJson)
		print_list_json(ctx, progs, m);
	else
		print_list_text(ctx, progs, m);
	return kExitOk;
}

void add_load(CLI::App &bpf, Context &ctx)
{
	auto o = std::make_shared<LoadOptions>();
	CLI::App *cmd = bpf.add_subcommand(
		"load", "Verify, load and attach a program: a built-in NAME or a path to a .bpf.o; "
			"the verifier's log is shown if the kernel refuses it");
	cmd->add_option("program", o->program, "Built-in name, or object file (contains '/' or ends in .o)")->required();
	cmd->add_option("--set", o->set, "Set a const volatile tunable before loading, e.g. --set pages=16 (repeatable)")
		->option_text("NAME=VALUE");
	cmd->add_flag("--verbose,-v", o->verbose, "Show all of libbpf's messages, not only warnings");
	cmd->callback([&ctx, o] { ctx.exit_code = load(ctx, *o); });
}

} // namespace

void add_bpf(CLI::App &app, Context &ctx)
{
	std::string builtins;
	for (const BpfBuiltin &b : bpf_builtins())
		builtins += std::string("  ") + b.name + "  " + b.what + "\n";
	CLI::App *bpf = add_command_group(
		app, "bpf", "Load, list and unload the eBPF programs that drive aether.ko",
		"Built-in programs:\n" + builtins +
			"A program is attached while it stays loaded, also after aether-ctl exits; its link is\n"
			"pinned at /sys/fs/bpf/aether/NAME. Needs root, bpffs at /sys/fs/bpf and aether.ko.\n"
			"Examples:\n"
			"  aether-ctl bpf load xrp_btree\n"
			"  aether-ctl bpf load policy_next --set pages=32   prefetch 32 pages past every read\n"
			"  aether-ctl bpf load ./my_policy.bpf.o   your own struct_ops object\n"
			"  aether-ctl bpf list --json\n"
			"  aether-ctl bpf unload xrp_btree");
	add_load(*bpf, ctx);

	auto name = std::make_shared<std::string>();
	CLI::App *u = bpf->add_subcommand("unload", "Detach a loaded program and remove its pin");
	u->add_option("name", *name, "The name 'aether-ctl bpf list' shows")->required();
	u->callback([&ctx, name] { ctx.exit_code = unload(ctx, *name); });

	auto json = std::make_shared<bool>(false);
	CLI::App *ls = bpf->add_subcommand("list", "List loaded programs, and which one aether.ko calls");
	ls->add_flag("--json", *json, "JSON: programs (name, pin, link_id, map_id, attached), xrp_ops, policy_ops");
	ls->callback([&ctx, json] { ctx.exit_code = list(ctx, *json ? Format::kJson : Format::kText); });
}

} // namespace aether::ctl
