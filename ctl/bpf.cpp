// aether-ctl bpf: load, list and unload the eBPF struct_ops programs that drive
// aether.ko (bpf/*.bpf.c, or a user's own object file).
//
// A loaded program outlives aether-ctl: its struct_ops link is pinned at
// /sys/fs/bpf/aether/NAME, NAME being the struct_ops map's name. `unload` detaches
// the link first, so when it returns the module no longer calls the program.
#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "policy_next.skel.h"
#include "policy_stride.skel.h"
#include "xrp_btree.skel.h"

namespace aether::ctl {
namespace {

namespace fs = std::filesystem;

constexpr const char *kBpffs = "/sys/fs/bpf";
constexpr const char *kPinDir = "/sys/fs/bpf/aether";

// The programs built into aether-ctl: their objects are the skeletons' bytes.
struct Builtin {
	const char *name;
	const char *what;
	const void *(*elf)(size_t *size);
};
const Builtin kBuiltins[] = {
	{"xrp_btree", "aether_xrp_ops: one B+tree search step per block (aether-ctl xrp get)",
	 xrp_btree__elf_bytes},
	{"policy_next", "aether_policy_ops: prefetch the next `pages` pages (default 8) after every access",
	 policy_next__elf_bytes},
	{"policy_stride", "aether_policy_ops: a stride per stream learnt in a BPF map; prefetch `depth` "
			  "strides (default 2) ahead",
	 policy_stride__elf_bytes},
};

const Builtin *find_builtin(const std::string &name)
{
	for (const Builtin &b : kBuiltins)
		if (name == b.name)
			return &b;
	return nullptr;
}

// libbpf's own errors (LIBBPF_ERRNO__*, from 4000) have no strerror() text.
std::string errstr(int e)
{
	char buf[128];
	if (libbpf_strerror(e, buf, sizeof(buf)) == 0)
		return buf;
	return std::strerror(e);
}

// libbpf reports through one global callback; while a command runs it writes to
// that command's error stream. The verifier's log arrives here as warnings.
std::ostream *g_libbpf_err = nullptr;
bool g_libbpf_verbose = false;

int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!g_libbpf_err || (level != LIBBPF_WARN && !g_libbpf_verbose))
		return 0;
	// The verifier's log comes as one message of any length: print all of it.
	va_list copy;
	va_copy(copy, ap);
	const int n = std::vsnprintf(nullptr, 0, fmt, copy);
	va_end(copy);
	if (n <= 0)
		return n;
	std::string buf(static_cast<size_t>(n) + 1, '\0');
	std::vsnprintf(buf.data(), buf.size(), fmt, ap);
	buf.resize(static_cast<size_t>(n));
	*g_libbpf_err << "  " << buf;
	return n;
}

class LibbpfOutput {
public:
	LibbpfOutput(std::ostream &err, bool verbose)
	{
		g_libbpf_err = &err;
		g_libbpf_verbose = verbose;
		old_ = libbpf_set_print(libbpf_print);
	}
	~LibbpfOutput()
	{
		libbpf_set_print(old_);
		g_libbpf_err = nullptr;
	}
	LibbpfOutput(const LibbpfOutput &) = delete;
	LibbpfOutput &operator=(const LibbpfOutput &) = delete;

private:
	libbpf_print_fn_t old_;
};

// Empty if bpffs is mounted at /sys/fs/bpf; otherwise what to do about it.
std::string check_bpffs()
{
	struct statfs st {};
	if (::statfs(kBpffs, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return {};
	return std::string("no BPF filesystem is mounted at ") + kBpffs +
	       ", where loaded programs are pinned; mount one with 'mount -t bpf bpf " + kBpffs + "'";
}

struct ObjectCloser {
	void operator()(bpf_object *o) const { bpf_object__close(o); }
};
using Object = std::unique_ptr<bpf_object, ObjectCloser>;

struct LoadOptions {
	std::string program;
	std::vector<std::string> set; // NAME=VALUE, each a const volatile tunable
	bool verbose = false;
};

// A program's tunables: the variables of its .rodata section, which the loader
// may change between open and load and the kernel then treats as constants.
struct Tunable {
	std::string name;
	uint32_t offset = 0;
	uint32_t size = 0;
};

std::vector<Tunable> tunables(bpf_object *obj)
{
	std::vector<Tunable> v;
	const btf *b = bpf_object__btf(obj);
	const int id = b ? btf__find_by_name_kind(b, ".rodata", BTF_KIND_DATASEC) : -1;
	if (id < 0)
		return v;
	const btf_type *sec = btf__type_by_id(b, id);
	const btf_var_secinfo *vs = btf_var_secinfos(sec);
	for (unsigned i = 0; i < btf_vlen(sec); i++, vs++) {
		const btf_type *var = btf__type_by_id(b, vs->type);
		if (var && btf_is_var(var))
			v.push_back({btf__name_by_offset(b, var->name_off), vs->offset, vs->size});
	}
	return v;
}

bpf_map *rodata_map(bpf_object *obj)
{
	bpf_map *m;
	bpf_object__for_each_map(m, obj)
	{
		const std::string n = bpf_map__name(m);
		if (bpf_map__is_internal(m) && n.ends_with(".rodata"))
			return m;
	}
	return nullptr;
}

// Applies NAME=VALUE to @obj's tunables. Returns "" or what is wrong, changing
// nothing the caller will load.
std::string set_tunables(bpf_object *obj, const std::vector<std::string> &set)
{
	if (set.empty())
		return {};
	const std::vector<Tunable> all = tunables(obj);
	std::string names;
	for (const Tunable &t : all)
		names += " " + t.name;
	if (names.empty())
		names = " (none)";
	bpf_map *m = rodata_map(obj);
	size_t size = 0;
	auto *data = m ? static_cast<uint8_t *>(bpf_map__initial_value(m, &size)) : nullptr;
	for (const std::string &kv : set) {
		const size_t eq = kv.find('=');
		const std::string name = kv.substr(0, eq);
		const Tunable *t = nullptr;
		for (const Tunable &x : all)
			if (x.name == name)
				t = &x;
		if (eq == std::string::npos)
			return "--set takes NAME=VALUE, not '" + kv + "'";
		if (!t || !data)
			return "the program has no tunable '" + name + "'; it has:" + names;
		uint64_t value = 0;
		if (!parse_decimal(kv.substr(eq + 1), value))
			return "--set " + name + ": '" + kv.substr(eq + 1) + "' is not an unsigned decimal number";
		if (t->size > 8 || t->offset + t->size > size || (t->size < 8 && value >> (8 * t->size)))
			return "--set " + name + ": " + std::to_string(value) + " does not fit its " +
			       std::to_string(t->size) + " bytes";
		std::memcpy(data + t->offset, &value, t->size); // little-endian, as every host Aether runs on
	}
	return {};
}

// Where unpin() stopped.
enum class UnpinStep { kOpen, kDetach, kUnlink };

// Detaches the struct_ops link pinned at @pin, then removes the pin. Detaching
// comes first: the link's last reference may be dropped later than the unlink,
// and the caller expects the program gone on return. Returns 0, or the errno
// with the step that failed in *@step.
int unpin(const fs::path &pin, UnpinStep *step)
{
	const int fd = bpf_obj_get(pin.c_str());
	if (fd < 0) {
		*step = UnpinStep::kOpen;
		return errno;
	}
	const int err = bpf_link_detach(fd);
	const int derr = errno;
	::close(fd);
	if (err && derr != ENOLINK) {
		*step = UnpinStep::kDetach;
		return derr;
	}
	if (::unlink(pin.c_str()) != 0) {
		*step = UnpinStep::kUnlink;
		return errno;
	}
	return 0;
}

int load(Context &ctx, const LoadOptions &o)
{
	const Builtin *b = find_builtin(o.program);
	const bool is_file = o.program.find('/') != std::string::npos || o.program.ends_with(".o");
	if (!b && !is_file) {
		std::string names;
		for (const Builtin &x : kBuiltins)
			names += std::string(" ") + x.name;
		ctx.err << "aether-ctl: bpf load: no built-in program '" << o.program << "' (built in:" << names
			<< "); a path to an object file must contain '/' or end in .o\n";
		return kExitUsage;
	}
	if (is_file && ::access(o.program.c_str(), R_OK) != 0)
		return fail(ctx, "bpf load: cannot read " + o.program + ": " + errstr(errno));
	// What the user gave is checked first, whatever the machine has: the object,
	// its struct_ops maps and the tunables. Then the environment, then the kernel.
	LibbpfOutput out(ctx.err, o.verbose);
	Object obj;
	if (b) {
		size_t size = 0;
		const void *elf = b->elf(&size);
		LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = b->name);
		obj.reset(bpf_object__open_mem(elf, size, &opts));
	} else {
		obj.reset(bpf_object__open_file(o.program.c_str(), nullptr));
	}
	if (!obj)
		return fail(ctx, "bpf load: cannot open " + o.program + " as a BPF object: " + errstr(errno));

	// Only struct_ops maps attach to aether.ko; anything else would load and do
	// nothing, which is worse than a clear refusal.
	std::vector<bpf_map *> ops;
	bpf_map *m;
	bpf_object__for_each_map(m, obj.get())
	{
		if (bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS)
			ops.push_back(m);
	}
	if (ops.empty())
		return fail(ctx, "bpf load: " + o.program +
				     " has no struct_ops map (a struct aether_xrp_ops or aether_policy_ops in "
				     "SEC(\".struct_ops.link\"))");
	if (std::string why = set_tunables(obj.get(), o.set); !why.empty())
		return fail(ctx, "bpf load: " + why);

	if (std::string why = check_bpffs(); !why.empty())
		return fail(ctx, "bpf load: " + why);
	if (!require_loaded(ctx))
		return kExitFailure;
	for (bpf_map *map : ops) {
		const fs::path pin = fs::path(kPinDir) / bpf_map__name(map);
		if (fs::exists(pin))
			return fail(ctx, std::string("bpf load: a program named '") + bpf_map__name(map) +
					     "' is already loaded; 'aether-ctl bpf unload " + bpf_map__name(map) +
					     "' first");
	}

	if (int err = bpf_object__load(obj.get()); err)
		return fail(ctx, "bpf load: the kernel refused " + o.program + ": " + errstr(-err) +
				     (-err == EACCES || -err == EINVAL ? " (the verifier's log is above)" : ""));

	if (::mkdir(kPinDir, 0700) != 0 && errno != EEXIST)
		return fail(ctx, std::string("bpf load: cannot create ") + kPinDir + ": " + errstr(errno));
	std::vector<fs::path> pinned;
	for (bpf_map *map : ops) {
		const fs::path pin = fs::path(kPinDir) / bpf_map__name(map);
		bpf_link *link = bpf_map__attach_struct_ops(map);
		int err = link ? bpf_link__pin(link, pin.c_str()) : -errno;
		if (link)
			bpf_link__destroy(link); // the pin, if made, keeps it attached
		if (err) {
			// Undo what this command attached, so a failed load leaves nothing.
			for (const fs::path &p : pinned) {
				UnpinStep step;
				unpin(p, &step);
			}
			std::string why = errstr(-err);
			if (-err == EBUSY)
				why += ": another program of this struct_ops type is attached (see 'aether-ctl bpf list')";
			return fail(ctx, std::string("bpf load: cannot attach '") + bpf_map__name(map) + "': " + why);
		}
		pinned.push_back(pin);
	}
	for (const fs::path &p : pinned)
		ctx.out << "loaded " << p.filename().string() << " (pinned at " << p.string() << ")\n";
	return kExitOk;
}

int unload(Context &ctx, const std::string &name)
{
	if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
		return fail(ctx, "bpf unload: '" + name + "' is not a program name (see 'aether-ctl bpf list')");
	const fs::path pin = fs::path(kPinDir) / name;
	UnpinStep step;
	if (const int e = unpin(pin, &step); e) {
		if (step == UnpinStep::kOpen && e == ENOENT)
			return fail(ctx, "bpf unload: no program '" + name + "' is loaded (see 'aether-ctl bpf list')");
		if (step == UnpinStep::kOpen)
			return fail(ctx, "bpf unload: cannot open " + pin.string() + ": " + errstr(e));
		if (step == UnpinStep::kDetach)
			return fail(ctx, "bpf unload: cannot detach '" + name + "': " + errstr(e));
		return fail(ctx, "bpf unload: detached '" + name + "' but cannot remove " + pin.string() + ": " + errstr(e));
	}
	ctx.out << "unloaded " << name << "\n";
	return kExitOk;
}

// One pinned program as the kernel describes it.
struct Pinned {
	std::string name;
	uint32_t link_id = 0;
	uint32_t map_id = 0; // 0 once the link is detached
	std::string error;
};

std::vector<Pinned> pinned_programs()
{
	std::vector<Pinned> v;
	std::error_code ec;
	for (const auto &e : fs::directory_iterator(kPinDir, ec)) {
		Pinned p;
		p.name = e.path().filename().string();
		const int fd = bpf_obj_get(e.path().c_str());
		if (fd < 0) {
			p.error = errstr(errno);
		} else {
			bpf_link_info info{};
			uint32_t len = sizeof(info);
			if (bpf_link_get_info_by_fd(fd, &info, &len) == 0) {
				p.link_id = info.id;
				p.map_id = info.struct_ops.map_id;
			} else {
				p.error = "not a BPF link: " + errstr(errno);
			}
			::close(fd);
		}
		v.push_back(p);
	}
	std::sort(v.begin(), v.end(), [](const Pinned &a, const Pinned &b) { return a.name < b.name; });
	return v;
}

int list(Context &ctx, bool json)
{
	if (std::string why = check_bpffs(); !why.empty())
		return fail(ctx, "bpf list: " + why);
	const std::vector<Pinned> progs = pinned_programs();
	// What the module itself calls, which may have been attached by other tools.
	std::string xrp_ops, policy_ops;
	const bool loaded = ctx.sysfs.loaded();
	if (loaded) {
		xrp_ops = ctx.sysfs.read("xrp/ops").value;
		policy_ops = ctx.sysfs.read("policy/ops").value;
	}
	const auto or_null = [](const std::string &s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };

	if (json) {
		nlohmann::json a = nlohmann::json::array();
		for (const Pinned &p : progs) {
			nlohmann::json j{{"name", p.name}, {"pin", (fs::path(kPinDir) / p.name).string()},
					 {"link_id", p.link_id}, {"map_id", p.map_id}, {"attached", p.map_id != 0}};
			if (!p.error.empty())
				j["error"] = p.error;
			a.push_back(j);
		}
		nlohmann::json j{{"programs", a}, {"module_loaded", loaded}};
		j["xrp_ops"] = or_null(xrp_ops);
		j["policy_ops"] = or_null(policy_ops);
		ctx.out << j.dump(2) << "\n";
		return kExitOk;
	}
	if (progs.empty())
		ctx.out << "no programs loaded by aether-ctl (" << kPinDir << " is empty)\n";
	for (const Pinned &p : progs) {
		ctx.out << p.name;
		if (!p.error.empty())
			ctx.out << "  error: " << p.error << "\n";
		else if (p.map_id)
			ctx.out << "  link " << p.link_id << ", struct_ops map " << p.map_id << "\n";
		else
			ctx.out << "  link " << p.link_id << ", detached\n";
	}
	if (!loaded)
		ctx.out << "aether.ko is not loaded\n";
	else
		ctx.out << "aether_xrp_ops attached: " << (xrp_ops.empty() ? "none" : xrp_ops) << "\n"
			<< "aether_policy_ops attached: " << (policy_ops.empty() ? "none (the built-in core decides)" : policy_ops)
			<< "\n";
	return kExitOk;
}

} // namespace

void add_bpf(CLI::App &app, Context &ctx)
{
	CLI::App *bpf = app.add_subcommand("bpf", "Load, list and unload the eBPF programs that drive aether.ko");
	bpf->require_subcommand(1);
	std::string builtins;
	for (const Builtin &b : kBuiltins)
		builtins += std::string("  ") + b.name + "  " + b.what + "\n";
	bpf->footer("Built-in programs:\n" + builtins +
		    "A program is attached while it stays loaded, also after aether-ctl exits; its link is\n"
		    "pinned at /sys/fs/bpf/aether/NAME. Needs root, bpffs at /sys/fs/bpf and aether.ko.\n"
		    "Examples:\n"
		    "  aether-ctl bpf load xrp_btree\n"
		    "  aether-ctl bpf load policy_next --set pages=32   prefetch 32 pages past every read\n"
		    "  aether-ctl bpf load ./my_policy.bpf.o   your own struct_ops object\n"
		    "  aether-ctl bpf list --json\n"
		    "  aether-ctl bpf unload xrp_btree");

	auto lo = std::make_shared<LoadOptions>();
	CLI::App *l = bpf->add_subcommand(
		"load", "Verify, load and attach a program: a built-in NAME or a path to a .bpf.o; "
			"the verifier's log is shown if the kernel refuses it");
	l->add_option("program", lo->program, "Built-in name, or object file (contains '/' or ends in .o)")->required();
	l->add_option("--set", lo->set, "Set a const volatile tunable before loading, e.g. --set pages=16 (repeatable)")
		->option_text("NAME=VALUE");
	l->add_flag("--verbose,-v", lo->verbose, "Show all of libbpf's messages, not only warnings");
	l->callback([&ctx, lo] { ctx.exit_code = load(ctx, *lo); });

	auto name = std::make_shared<std::string>();
	CLI::App *u = bpf->add_subcommand("unload", "Detach a loaded program and remove its pin");
	u->add_option("name", *name, "The name 'aether-ctl bpf list' shows")->required();
	u->callback([&ctx, name] { ctx.exit_code = unload(ctx, *name); });

	auto json = std::make_shared<bool>(false);
	CLI::App *ls = bpf->add_subcommand("list", "List loaded programs, and which one aether.ko calls");
	ls->add_flag("--json", *json, "JSON: programs (name, pin, link_id, map_id, attached), xrp_ops, policy_ops");
	ls->callback([&ctx, json] { ctx.exit_code = list(ctx, *json); });
}

} // namespace aether::ctl
